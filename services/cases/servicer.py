"""gRPC <-> domain for the cases service: translate messages, nothing else."""

from __future__ import annotations

import asyncio

import grpc

from services.cases import domain
from services.cases.metrics import CASES_SUBMITTED
from services.cases.models import Case, ServiceItem
from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from shared.db import transaction
from shared.masking import mask_email, mask_id_card, mask_phone
from shared.service import Runtime
from shared.timeutil import to_timestamp

_KINDS = {
    "instant": cases_pb2.CASE_KIND_INSTANT,
    "committed": cases_pb2.CASE_KIND_COMMITTED,
    "joint": cases_pb2.CASE_KIND_JOINT,
}
_STATUSES = {domain.RECEIVED: cases_pb2.CASE_STATUS_RECEIVED}


class CasesServicer(cases_pb2_grpc.CasesServiceServicer):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def SubmitApplication(self, request: cases_pb2.SubmitApplicationRequest, context: grpc.aio.ServicerContext) -> cases_pb2.Case:
        applicant = domain.ApplicantInput(
            name=request.applicant.name,
            id_card_number=request.applicant.id_card_number,
            phone=request.applicant.phone,
            email=request.applicant.email,
        )

        def submit() -> cases_pb2.Case:
            with transaction(self.runtime.session_factory) as session:
                case, item, query_code = domain.submit_application(
                    session, service_item_code=request.service_item_code, applicant=applicant, remarks=request.remarks
                )
            return case_message(case, item, query_code=query_code)

        message = await asyncio.to_thread(submit)
        self.runtime.events_written()
        CASES_SUBMITTED.labels(message.service_item.department_code, _kind_name(message)).inc()
        return message

    async def GetCase(self, request: cases_pb2.GetCaseRequest, context: grpc.aio.ServicerContext) -> cases_pb2.Case:
        def read() -> cases_pb2.Case:
            with self.runtime.session_factory() as session:
                return case_message(*domain.get_case(session, request.case_number))

        return await asyncio.to_thread(read)

    async def ListServiceItems(self, request: cases_pb2.ListServiceItemsRequest, context: grpc.aio.ServicerContext) -> cases_pb2.ListServiceItemsResponse:
        def read() -> cases_pb2.ListServiceItemsResponse:
            with self.runtime.session_factory() as session:
                items = domain.list_service_items(session, request.department_code)
                return cases_pb2.ListServiceItemsResponse(items=[item_message(i) for i in items])

        return await asyncio.to_thread(read)


def _kind_name(message: cases_pb2.Case) -> str:
    return cases_pb2.CaseKind.Name(message.service_item.case_kind).removeprefix("CASE_KIND_").lower()


def item_message(item: ServiceItem) -> cases_pb2.ServiceItem:
    return cases_pb2.ServiceItem(
        code=item.code,
        name=item.name,
        department_code=item.department_code,
        department_name=item.department.name,
        window_code=item.window_code,
        case_kind=_KINDS[item.case_kind],
        statutory_days=item.statutory_days,
        promised_days=item.promised_days,
    )


def case_message(case: Case, item: ServiceItem, *, query_code: str = "") -> cases_pb2.Case:
    # Identifiers leave the service masked; the full values stay in its database. The query
    # code goes only to the applicant who submitted, never to whoever knows the case number.
    return cases_pb2.Case(
        case_number=case.case_number,
        query_code=query_code,
        service_item=item_message(item),
        applicant=cases_pb2.Applicant(
            name=case.applicant_name,
            id_card_number=mask_id_card(case.applicant_id_card_number),
            phone=mask_phone(case.applicant_phone) if case.applicant_phone else "",
            email=mask_email(case.applicant_email),
        ),
        status=_STATUSES[case.status],
        submitted_at=to_timestamp(case.submitted_at),
        remarks=case.remarks,
    )
