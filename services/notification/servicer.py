"""gRPC for the notification service: the caller, the mapping, the use case."""

from __future__ import annotations

import grpc

from servicehall.notification.v1 import notification_pb2, notification_pb2_grpc
from services.notification import messages, notices
from services.notification.settings import NotificationSettings
from shared.auth import caller_of
from shared.runtime import Runtime


class NotificationServicer(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, runtime: Runtime[NotificationSettings]) -> None:
        self.runtime = runtime

    async def ListNotices(
        self, request: notification_pb2.ListNoticesRequest, context: grpc.aio.ServicerContext
    ) -> notification_pb2.ListNoticesResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda session: notification_pb2.ListNoticesResponse(
                notices=[messages.notice_message(n) for n in notices.list_notices(session, request.case_number, caller)]
            )
        )

    async def GetNotice(
        self, request: notification_pb2.GetNoticeRequest, context: grpc.aio.ServicerContext
    ) -> notification_pb2.Notice:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda session: messages.notice_message(notices.get_notice(session, request.notice_id, caller))
        )
