"""Settings of the notification service (environment variables override the defaults).

Delivery is off by default. Without `SMTP_HOST` no e-mail is sent and without
`SMS_GATEWAY_URL` no SMS is sent: the notices of that channel are stored (readable over
gRPC with delivery_status "stored") and stay so until the channel is configured, when the
delivery job picks them up. With neither configured the delivery job does not run at all,
so `make up` needs none of these. See docs/notification.md.
"""

from pydantic import Field, SecretStr, model_validator

from shared.config import ServiceSettings


class NotificationSettings(ServiceSettings):
    service_name: str = "notification"
    grpc_port: int = Field(50055, ge=0, le=65535)
    metrics_port: int = Field(9105, ge=0, le=65535)

    # E-mail over SMTP. An empty host switches e-mail delivery off.
    smtp_host: str = Field("", description="SMTP server; empty = e-mail notices are not sent")
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = Field("", description="From address of every notice; required with smtp_host")
    smtp_starttls: bool = Field(False, description="Upgrade the connection with STARTTLS (certificate verified)")
    smtp_ca_file: str = Field(
        "", description="CA bundle (PEM) that signed the server's certificate; empty = system CAs"
    )
    smtp_username: str = Field("", description="Log in with these credentials when set")
    smtp_password: SecretStr = Field(SecretStr(""))

    # SMS through the gateway's HTTP API (JSON contract in docs/notification.md).
    sms_gateway_url: str = Field("", description="The gateway's send URL; empty = SMS notices are not sent")
    sms_gateway_token: SecretStr = Field(SecretStr(""), description="Sent as 'Authorization: Bearer <token>'")

    # The delivery job (one per replica; replicas never send one notice twice).
    delivery_poll_seconds: float = Field(5.0, ge=0, description="How often the job looks for due notices; 0 = off")
    delivery_batch_size: int = Field(50, ge=1, description="Notices one run sends at most")
    delivery_timeout_seconds: float = Field(10.0, gt=0, description="Network timeout of one SMTP/HTTP operation")
    delivery_max_attempts: int = Field(5, ge=1, description="Attempts before a notice is given up as failed")
    delivery_backoff_seconds: float = Field(
        30.0, ge=0, description="Wait after the first failed attempt; doubled after each"
    )
    delivery_backoff_max_seconds: float = Field(3600.0, ge=0, description="The wait never grows beyond this")
    delivery_claim_seconds: float = Field(
        300.0, gt=0, description="How long a replica holds a notice it is sending; a crashed sender's claim lapses then"
    )

    @model_validator(mode="after")
    def _delivery_consistent(self) -> "NotificationSettings":
        if self.smtp_host and not self.smtp_from:
            raise ValueError("smtp_from is required when smtp_host is set")
        if bool(self.smtp_username) != bool(self.smtp_password.get_secret_value()):
            raise ValueError("smtp_username and smtp_password go together")
        if self.delivery_claim_seconds <= 6 * self.delivery_timeout_seconds:
            # One SMTP send is several timed operations (connect, EHLO, STARTTLS, MAIL, RCPT, DATA).
            raise ValueError("delivery_claim_seconds must exceed 6 x delivery_timeout_seconds")
        return self

    def delivery_channels(self) -> list[str]:
        """The channels whose outside system is configured."""
        return [channel for channel, on in (("email", self.smtp_host), ("sms", self.sms_gateway_url)) if on]

    def delivery_interval(self) -> float:
        """The delivery job's interval; 0 (no job) when no channel is configured."""
        return self.delivery_poll_seconds if self.delivery_channels() else 0.0
