"""Local peers for notice delivery in development: an SMTP sink and an SMS gateway receiver.

    .venv/bin/python tools/peers.py [--smtp-port 8025] [--sms-port 8026] [--run-dir run]

Runs in the foreground until Ctrl-C (or SIGTERM). What arrives is appended, one JSON object a line, to
run/peers/smtp.log (the SMTP envelope, headers and text) and run/peers/sms.log (the gateway
request's headers and JSON body), with phone numbers, e-mail addresses and ID card numbers
masked as in the services' own logs. The SMS receiver answers 200 unless started with
--sms-status. Point the notification service at them with the variables printed at start.

Not part of `make up`: delivery is off unless those variables are set (docs/notification.md).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import signal
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.masking import mask_text  # noqa: E402 (after the path is set)


class PeerLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()

    def write(self, entry: dict[str, Any]) -> None:
        masked = {key: _masked(value, key) for key, value in entry.items()}
        entry = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), **masked}
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")
        print(f"{self.path.name}: {line}", flush=True)


# Ids stay readable (a Message-ID looks like an e-mail address to the masking).
_UNMASKED = {"message_id", "Idempotency-Key"}


def _masked(value: object, key: str = "") -> object:
    if isinstance(value, dict):
        return {k: _masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str) and key not in _UNMASKED:
        return mask_text(value)
    return value


class SmtpSink:
    """aiosmtpd handler that accepts every message and logs it."""

    def __init__(self, log: PeerLog) -> None:
        self.log = log

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        self.log.write(
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "subject": str(message["Subject"] or ""),
                "message_id": str(message["Message-ID"] or ""),
                "text": body.get_content() if body is not None else "",
            }
        )
        return "250 2.0.0 Message accepted for delivery"


def sms_receiver(port: int, log: PeerLog, status: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body: object = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
            headers["Authorization"] = "present" if "Authorization" in self.headers else "absent"
            log.write({"path": self.path, "headers": headers, "json": body, "answered": status})
            answer = json.dumps({"accepted": status < 300}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--sms-port", type=int, default=8026)
    parser.add_argument("--sms-status", type=int, default=200, help="HTTP status the SMS receiver answers")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "run")
    args = parser.parse_args(argv)

    from aiosmtpd.controller import Controller  # noqa: PLC0415 (a dev dependency: only the local peers need it)

    folder = args.run_dir / "peers"
    smtp = Controller(SmtpSink(PeerLog(folder / "smtp.log")), hostname="127.0.0.1", port=args.smtp_port)
    smtp.start()
    sms = sms_receiver(args.sms_port, PeerLog(folder / "sms.log"), args.sms_status)
    threading.Thread(target=sms.serve_forever, name="sms-receiver", daemon=True).start()
    print(
        "peers running (Ctrl-C stops them); for the notification service:\n"
        f"  SMTP_HOST=127.0.0.1 SMTP_PORT={args.smtp_port} SMTP_FROM=notices@hall.localhost\n"
        f"  SMS_GATEWAY_URL=http://127.0.0.1:{args.sms_port}/v1/sms/send SMS_GATEWAY_TOKEN=dev\n"
        f"logs: {folder}/smtp.log, {folder}/sms.log",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        sms.shutdown()
        sms.server_close()
        smtp.stop()


if __name__ == "__main__":
    main()
