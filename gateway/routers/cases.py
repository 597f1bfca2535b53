"""Applications (办件) and the catalog, for applicants and staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from gateway import schemas
from gateway.dependencies import Clients
from servicehall.cases.v1 import cases_pb2
from servicehall.notification.v1 import notification_pb2

router = APIRouter(prefix="/api/v1", tags=["cases"])

CaseNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=schemas.CaseOut)
async def submit_application(submission: schemas.CaseSubmission, clients: Clients, response: Response) -> schemas.CaseOut:
    """Submit an application for a catalog item; the answer carries the case number and the
    query code the applicant needs to follow it."""
    case = await clients.cases.SubmitApplication(
        cases_pb2.SubmitApplicationRequest(
            service_item_code=submission.service_item_code,
            applicant=cases_pb2.Applicant(**submission.applicant.model_dump()),
            remarks=submission.remarks,
        ),
        timeout=clients.timeout,
    )
    response.headers["Location"] = f"/api/v1/cases/{case.case_number}"
    return schemas.case_out(case)


@router.get("/cases/{case_number}", response_model=schemas.CaseOut)
async def get_case(case_number: CaseNumber, clients: Clients) -> schemas.CaseOut:
    case = await clients.cases.GetCase(cases_pb2.GetCaseRequest(case_number=case_number), timeout=clients.timeout)
    return schemas.case_out(case)


@router.get("/cases/{case_number}/notices", response_model=schemas.NoticeList)
async def list_notices(case_number: CaseNumber, clients: Clients) -> schemas.NoticeList:
    """Notices sent to the applicant about the case (an empty list until the first arrives)."""
    answer = await clients.notification.ListNotices(
        notification_pb2.ListNoticesRequest(case_number=case_number), timeout=clients.timeout
    )
    return schemas.NoticeList(notices=[schemas.notice_out(n) for n in answer.notices])


@router.get("/service-items", response_model=schemas.ServiceItemList)
async def list_service_items(clients: Clients, department_code: str = "") -> schemas.ServiceItemList:
    answer = await clients.cases.ListServiceItems(
        cases_pb2.ListServiceItemsRequest(department_code=department_code), timeout=clients.timeout
    )
    return schemas.ServiceItemList(items=[schemas.item_out(i) for i in answer.items])
