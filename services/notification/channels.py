"""Adapters to the outside systems that carry notices: an SMTP server for e-mail and the SMS
gateway's HTTP API. Each has one method, send(notice), that returns when the outside system
has accepted the message and raises DeliveryError when it refused it or could not be reached.

The SMS gateway contract (also in docs/notification.md):

    POST <SMS_GATEWAY_URL>
    Authorization: Bearer <SMS_GATEWAY_TOKEN>        (left out when no token is set)
    Idempotency-Key: <notice_id>
    Content-Type: application/json

    {"message_id": "<notice_id>", "to": "13812345678", "text": "<the notice's body>",
     "reference": "<case number>"}

Any 2xx answer means accepted (its body is not read); anything else is a refusal. The same
message_id (and Idempotency-Key) comes again when a send is retried, so a gateway that keeps
them can drop a duplicate after a sender crashed between its send and its record.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol

import httpx

from services.notification.settings import NotificationSettings
from shared.clock import SYSTEM_CLOCK, Clock


class DeliveryError(Exception):
    """The outside system refused the notice or could not be reached. The text says why; it
    may quote the address, so mask it before it is stored or logged."""


@dataclass(frozen=True)
class OutgoingNotice:
    notice_id: str
    case_number: str
    recipient: str
    subject: str
    body: str


class Sender(Protocol):
    channel: str

    def send(self, notice: OutgoingNotice) -> None: ...

    def close(self) -> None: ...


class EmailSender:
    """E-mail over SMTP (smtplib): one connection per notice, optional STARTTLS (the
    server's certificate is verified) and login."""

    channel = "email"

    def __init__(
        self,
        host: str,
        port: int,
        from_address: str,
        *,
        starttls: bool = False,
        username: str = "",
        password: str = "",
        timeout: float = 10.0,
        ca_file: str = "",
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.host, self.port, self.from_address = host, port, from_address
        self.starttls, self.username, self._password = starttls, username, password
        self.timeout = timeout
        self.ca_file = ca_file
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: NotificationSettings, clock: Clock = SYSTEM_CLOCK) -> EmailSender:
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value(),
            timeout=settings.delivery_timeout_seconds,
            ca_file=settings.smtp_ca_file,
            clock=clock,
        )

    def message(self, notice: OutgoingNotice) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = notice.subject
        message["From"] = self.from_address
        message["To"] = notice.recipient
        message["Date"] = format_datetime(self.clock.now())
        # Stable per notice: a retried send carries the same id, so a duplicate can be told.
        domain = self.from_address.rpartition("@")[2] or "servicehall.invalid"
        message["Message-ID"] = f"<{notice.notice_id}@{domain}>"
        message["X-Servicehall-Case"] = notice.case_number
        message.set_content(notice.body)
        return message

    def send(self, notice: OutgoingNotice) -> None:
        message = self.message(notice)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if self.starttls:
                    context = ssl.create_default_context(cafile=self.ca_file or None)
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if self.username:
                    smtp.login(self.username, self._password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            # One recipient, so one answer: {address: (code, text)}.
            code, text = next(iter(error.recipients.values()))
            raise DeliveryError(f"SMTP recipient refused: {code} {_text(text)}") from error
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(f"SMTP refused: {error.smtp_code} {_text(error.smtp_error)}") from error
        except smtplib.SMTPNotSupportedError as error:
            raise DeliveryError(f"SMTP server lacks a required extension: {error}") from error
        except (smtplib.SMTPException, OSError) as error:  # OSError: refused, timed out, TLS failures
            raise DeliveryError(f"SMTP server unreachable: {type(error).__name__}: {error}") from error

    def close(self) -> None:
        pass


class SmsSender:
    """SMS through the gateway's HTTP API (httpx): the JSON contract in this module's docstring."""

    channel = "sms"

    def __init__(self, url: str, token: str, *, timeout: float = 10.0, client: httpx.Client | None = None) -> None:
        self.url = url
        self._token = token
        self._client = client or httpx.Client(timeout=timeout)
        self._owns_client = client is None

    @classmethod
    def from_settings(cls, settings: NotificationSettings) -> SmsSender:
        return cls(
            settings.sms_gateway_url,
            settings.sms_gateway_token.get_secret_value(),
            timeout=settings.delivery_timeout_seconds,
        )

    def send(self, notice: OutgoingNotice) -> None:
        payload = {
            "message_id": notice.notice_id,
            "to": notice.recipient,
            "text": notice.body,
            "reference": notice.case_number,
        }
        headers = {"Idempotency-Key": notice.notice_id}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self._client.post(self.url, json=payload, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryError(f"SMS gateway unreachable: {type(error).__name__}: {error}") from error
        if not response.is_success:
            raise DeliveryError(f"SMS gateway refused: HTTP {response.status_code} {response.text[:200]}".rstrip())

    def close(self) -> None:
        if self._owns_client:
            self._client.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def senders_from_settings(settings: NotificationSettings, clock: Clock = SYSTEM_CLOCK) -> dict[str, Sender]:
    """The configured channels' senders; a channel without its setting has none."""
    senders: dict[str, Sender] = {}
    if settings.smtp_host:
        senders["email"] = EmailSender.from_settings(settings, clock)
    if settings.sms_gateway_url:
        senders["sms"] = SmsSender.from_settings(settings)
    return senders
