"""The notification service as a runnable unit: DEFINITION (run by shared.runtime) and create_server."""

from __future__ import annotations

from pathlib import Path

from servicehall.notification.v1 import notification_pb2, notification_pb2_grpc
from services.notification import events, handlers, models
from services.notification.delivery import DELIVERY_JOB
from services.notification.servicer import NotificationServicer
from services.notification.settings import NotificationSettings
from shared.runtime import ServiceDefinition, Servicer

DEFINITION = ServiceDefinition(
    name="notification",
    settings_class=NotificationSettings,
    migrations_dir=Path(__file__).parent / "migrations",
    outbox_model=models.OutboxMessage,
    processed_model=models.ProcessedEvent,
    publishes=events.PUBLISHES,
    consumes=handlers.CONSUMES,
    handlers=handlers.HANDLERS,
    servicers=[
        Servicer(
            notification_pb2_grpc.add_NotificationServiceServicer_to_server,
            NotificationServicer,
            notification_pb2.DESCRIPTOR.services_by_name["NotificationService"].full_name,
        )
    ],
    # Sends stored notices when SMTP_HOST / SMS_GATEWAY_URL are set; off otherwise.
    jobs=[DELIVERY_JOB],
)

create_server = DEFINITION.create_server
