"""Proto <-> domain for the notification service: the only place messages are built or read.
A recipient leaves the service masked."""

from __future__ import annotations

from servicehall.notification.v1 import notification_pb2
from services.notification.models import Notice
from shared.masking import mask_recipient
from shared.timeutil import to_timestamp


def notice_message(notice: Notice) -> notification_pb2.Notice:
    return notification_pb2.Notice(
        notice_id=notice.notice_id,
        case_number=notice.case_number,
        channel=notice.channel,
        recipient=mask_recipient(notice.channel, notice.recipient),
        subject=notice.subject,
        body=notice.body,
        created_at=to_timestamp(notice.created_at),
        source_event_id=notice.source_event_id,
        delivery_status=notice.delivery_status,
        supersedes_notice_id=notice.supersedes_notice_id or "",
        kind=notice.kind or "",
    )
