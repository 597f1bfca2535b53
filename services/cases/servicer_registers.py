"""gRPC for the cases service's registers beside the cases: the catalog (CatalogService), the
window seals (SealService), full-process agency (AgencyService) and consultations
(ConsultationService). As in servicer.py: read the caller, map the request (messages), run the
use case through the Runtime, map the answer; the use cases check the caller."""

from __future__ import annotations

import grpc
from sqlalchemy.orm import Session

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases import agency, catalog, consultations, guide, messages, seals
from services.cases.settings import CasesSettings
from shared.auth import caller_of
from shared.runtime import Runtime


class CatalogServicer(cases_pb2_grpc.CatalogServiceServicer):
    def __init__(self, runtime: Runtime[CasesSettings]) -> None:
        self.runtime = runtime

    async def ListServiceItems(
        self, request: cases_pb2.ListServiceItemsRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ListServiceItemsResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.items_message(
                s, catalog.list_service_items(s, caller, department_code=request.department_code)
            )
        )

    async def GetServiceGuide(
        self, request: cases_pb2.GetServiceGuideRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ServiceGuide:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.guide_message(s, guide.get_service_guide(s, caller, code=request.service_item_code))
        )

    async def UpsertServiceItem(
        self, request: cases_pb2.UpsertServiceItemRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ServiceItem:
        caller = caller_of(context)
        definition = messages.item_definition(request)

        def write(session: Session) -> cases_pb2.ServiceItem:
            version = catalog.upsert_item(session, definition=definition, actor=caller)
            session.flush()
            return messages.item_message(session, version)

        return await self.runtime.write(write)

    async def ListItemVersions(
        self, request: cases_pb2.ListItemVersionsRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ListServiceItemsResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.items_message(s, catalog.list_item_versions(s, caller, code=request.service_item_code))
        )


class SealServicer(cases_pb2_grpc.SealServiceServicer):
    def __init__(self, runtime: Runtime[CasesSettings]) -> None:
        self.runtime = runtime

    async def ListSeals(
        self, request: cases_pb2.ListSealsRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ListSealsResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.seals_message(seals.window_seals(s, caller, window_code=request.window_code))
        )

    async def UseSeal(self, request: cases_pb2.UseSealRequest, context: grpc.aio.ServicerContext) -> cases_pb2.SealUse:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda s: messages.seal_use_message(
                seals.record_seal_use(
                    s, caller, seal_code=request.seal_code, case_number=request.case_number, note=request.note
                )
            )
        )

    async def ReconcileSeals(
        self, request: cases_pb2.ReconcileSealsRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.SealReconciliation:
        caller = caller_of(context)
        since, until = messages.period(request.since, request.until)
        return await self.runtime.read(
            lambda s: messages.reconciliation_message(seals.seal_reconciliation(s, caller, since=since, until=until))
        )


class AgencyServicer(cases_pb2_grpc.AgencyServiceServicer):
    def __init__(self, runtime: Runtime[CasesSettings]) -> None:
        self.runtime = runtime

    async def AssignAgent(
        self, request: cases_pb2.AssignAgentRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.AgencyAssignment:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda s: messages.assignment_message(
                agency.appoint_agent(
                    s,
                    caller,
                    enterprise_code=request.enterprise_code,
                    agent_staff_id=request.agent_staff_id,
                    note=request.note,
                )
            )
        )

    async def ListAgentCaseload(
        self, request: cases_pb2.ListAgentCaseloadRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ListCasesResponse:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.cases_message(
                s, agency.list_agent_caseload(s, caller, agent_staff_id=request.agent_staff_id)
            )
        )

    async def GetAssignmentHistory(
        self, request: cases_pb2.GetAssignmentHistoryRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.AssignmentHistory:
        caller = caller_of(context)
        return await self.runtime.read(
            lambda s: messages.assignments_message(
                agency.get_assignment_history(s, caller, enterprise_code=request.enterprise_code)
            )
        )


class ConsultationServicer(cases_pb2_grpc.ConsultationServiceServicer):
    def __init__(self, runtime: Runtime[CasesSettings]) -> None:
        self.runtime = runtime

    async def RecordConsultation(
        self, request: cases_pb2.RecordConsultationRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Consultation:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda s: messages.consultation_message(
                consultations.take_consultation(
                    s, caller, window_code=request.window_code, asker=request.asker, topic=request.topic
                )
            )
        )

    async def HandOverConsultation(
        self, request: cases_pb2.HandOverConsultationRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.Consultation:
        caller = caller_of(context)
        return await self.runtime.write(
            lambda s: messages.consultation_message(
                consultations.hand_over_consultation(
                    s,
                    caller,
                    consultation_id=request.consultation_id,
                    to_staff_id=request.to_staff_id,
                    note=request.note,
                )
            )
        )

    async def CountConsultations(
        self, request: cases_pb2.CountConsultationsRequest, context: grpc.aio.ServicerContext
    ) -> cases_pb2.ConsultationCounts:
        caller = caller_of(context)
        since, until = messages.period(request.since, request.until)
        return await self.runtime.read(
            lambda s: messages.counts_message(consultations.count_consultations(s, caller, since=since, until=until))
        )
