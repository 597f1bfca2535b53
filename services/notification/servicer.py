"""gRPC <-> domain for the notification service."""

from __future__ import annotations

import asyncio

import grpc

from services.notification import domain
from services.notification.models import Notice
from servicehall.notification.v1 import notification_pb2, notification_pb2_grpc
from shared.auth import caller_from_metadata
from shared.masking import mask_email, mask_phone
from shared.runtime import Runtime
from shared.timeutil import to_timestamp


class NotificationServicer(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def ListNotices(self, request: notification_pb2.ListNoticesRequest, context: grpc.aio.ServicerContext) -> notification_pb2.ListNoticesResponse:
        caller = caller_from_metadata(context.invocation_metadata())

        def read() -> notification_pb2.ListNoticesResponse:
            with self.runtime.session_factory() as session:
                notices = domain.list_notices(session, request.case_number, caller)
                return notification_pb2.ListNoticesResponse(notices=[notice_message(n) for n in notices])

        return await asyncio.to_thread(read)


def notice_message(notice: Notice) -> notification_pb2.Notice:
    recipient = mask_phone(notice.recipient) if notice.channel == "sms" else mask_email(notice.recipient)
    return notification_pb2.Notice(
        notice_id=notice.notice_id,
        case_number=notice.case_number,
        channel=notice.channel,
        recipient=recipient,
        subject=notice.subject,
        body=notice.body,
        created_at=to_timestamp(notice.created_at),
        source_event_id=notice.source_event_id,
        delivery_status=notice.delivery_status,
    )
