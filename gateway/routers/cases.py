"""Applications (办件), their decisions and the catalog, for applicants and staff.

Who calls is told by the X-Staff-Id / X-Department / X-Roles headers (staff) or X-Query-Code
(an applicant); the cases service decides what each may see and do.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from gateway import schemas
from gateway.dependencies import CallerMetadata, Clients
from servicehall.cases.v1 import cases_pb2
from servicehall.notification.v1 import notification_pb2

router = APIRouter(prefix="/api/v1", tags=["cases"])

CaseNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
SimpleAction = Literal["accept", "reject", "start-review", "approve", "deny", "conclude", "conclude-on-the-spot",
                       "withdraw", "resume-clock"]
_ACTIONS = {
    "accept": "AcceptCase", "reject": "RejectCase", "start-review": "StartReview", "approve": "ApproveCase",
    "deny": "DenyCase", "conclude": "ConcludeCase", "conclude-on-the-spot": "ConcludeOnTheSpot",
    "withdraw": "WithdrawCase", "resume-clock": "ResumeClock",
}


def _applicant(applicant: schemas.ApplicantIn) -> cases_pb2.Applicant:
    return cases_pb2.Applicant(**applicant.model_dump())


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=schemas.CaseOut)
async def submit_application(submission: schemas.CaseSubmission, clients: Clients, caller: CallerMetadata,
                             response: Response) -> schemas.CaseOut:
    """Submit an application for a catalog item; the answer carries the case number and the
    query code the applicant needs to follow it (shown this once)."""
    case = await clients.cases.SubmitApplication(
        cases_pb2.SubmitApplicationRequest(
            service_item_code=submission.service_item_code,
            applicant=_applicant(submission.applicant),
            remarks=submission.remarks,
            materials_supplied=submission.materials_supplied,
            declared_values=submission.declared_values,
        ),
        timeout=clients.timeout, metadata=caller,
    )
    response.headers["Location"] = f"/api/v1/cases/{case.case_number}"
    return schemas.case_out(case)


@router.post("/forms/{form_code}/applications", status_code=status.HTTP_201_CREATED, response_model=schemas.CaseOut)
async def submit_form(form_code: Code, submission: schemas.FormSubmission, clients: Clients, caller: CallerMetadata,
                      response: Response) -> schemas.CaseOut:
    """One form (一表制): one application that becomes a joint case across departments."""
    case = await clients.cases.SubmitForm(
        cases_pb2.SubmitFormRequest(form_code=form_code, applicant=_applicant(submission.applicant),
                                    form_data=submission.form_data, remarks=submission.remarks),
        timeout=clients.timeout, metadata=caller,
    )
    response.headers["Location"] = f"/api/v1/cases/{case.case_number}"
    return schemas.case_out(case)


@router.get("/cases", response_model=schemas.CaseList)
async def list_cases(
    clients: Clients, caller: CallerMetadata,
    status_: Annotated[str, Query(alias="status", max_length=30)] = "",
    department_code: Annotated[str, Query(max_length=20)] = "",
    supervision_level: Annotated[str, Query(max_length=10)] = "",
    window_code: Annotated[str, Query(max_length=20)] = "",
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    page_token: Annotated[str, Query(max_length=40)] = "",
) -> schemas.CaseList:
    """Staff: their department's cases (managers: any), oldest first, a page at a time."""
    answer = await clients.cases.ListCases(
        cases_pb2.ListCasesRequest(status=status_, department_code=department_code, supervision_level=supervision_level,
                                   window_code=window_code, page_size=page_size, page_token=page_token),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.CaseList(cases=[schemas.case_out(c) for c in answer.cases],
                            next_page_token=answer.next_page_token or None)


@router.get("/cases/{case_number}", response_model=schemas.CaseOut)
async def get_case(case_number: CaseNumber, clients: Clients, caller: CallerMetadata) -> schemas.CaseOut:
    """Progress of a case: staff of its department, or the applicant with X-Query-Code."""
    case = await clients.cases.GetCase(cases_pb2.GetCaseRequest(case_number=case_number), timeout=clients.timeout,
                                       metadata=caller)
    return schemas.case_out(case)


@router.get("/cases/{case_number}/history", response_model=schemas.History)
async def get_history(case_number: CaseNumber, clients: Clients, caller: CallerMetadata) -> schemas.History:
    answer = await clients.cases.GetCaseHistory(cases_pb2.GetCaseRequest(case_number=case_number),
                                                timeout=clients.timeout, metadata=caller)
    return schemas.History(case_number=answer.case_number, transitions=[schemas.transition_out(t) for t in answer.transitions])


@router.get("/cases/{case_number}/vouchers", response_model=schemas.VoucherList)
async def list_vouchers(case_number: CaseNumber, clients: Clients, caller: CallerMetadata) -> schemas.VoucherList:
    answer = await clients.cases.ListVouchers(cases_pb2.GetCaseRequest(case_number=case_number),
                                              timeout=clients.timeout, metadata=caller)
    return schemas.VoucherList(vouchers=[schemas.voucher_out(v) for v in answer.vouchers])


@router.post("/cases/{case_number}/actions/{action}", response_model=schemas.CaseOut)
async def act(case_number: CaseNumber, action: SimpleAction, clients: Clients, caller: CallerMetadata,
              body: schemas.Reason | None = None) -> schemas.CaseOut:
    """A decision on the case; `reason` is required for reject and deny."""
    request = cases_pb2.CaseActionRequest(case_number=case_number, reason=body.reason if body else "")
    method = getattr(clients.cases, _ACTIONS[action])
    return schemas.case_out(await method(request, timeout=clients.timeout, metadata=caller))


@router.post("/cases/{case_number}/correction", response_model=schemas.CaseOut)
async def request_correction(case_number: CaseNumber, body: schemas.Materials, clients: Clients,
                             caller: CallerMetadata) -> schemas.CaseOut:
    """The one-time notice: every missing material at once (empty list: the service names them)."""
    case = await clients.cases.RequestCorrection(
        cases_pb2.RequestCorrectionRequest(case_number=case_number, materials=body.materials, note=body.note),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.case_out(case)


@router.post("/cases/{case_number}/materials", response_model=schemas.CaseOut)
async def supply_materials(case_number: CaseNumber, body: schemas.Materials, clients: Clients,
                           caller: CallerMetadata) -> schemas.CaseOut:
    case = await clients.cases.SupplyMaterials(
        cases_pb2.SupplyMaterialsRequest(case_number=case_number, materials=body.materials),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.case_out(case)


@router.post("/cases/{case_number}/joint-tasks/{department_code}/decision", response_model=schemas.CaseOut)
async def decide_joint_task(case_number: CaseNumber, department_code: Code, body: schemas.JointDecision,
                            clients: Clients, caller: CallerMetadata) -> schemas.CaseOut:
    case = await clients.cases.DecideJointTask(
        cases_pb2.DecideJointTaskRequest(case_number=case_number, department_code=department_code,
                                         approve=body.approve, reason=body.reason),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.case_out(case)


@router.post("/cases/{case_number}/pauses", response_model=schemas.CaseOut)
async def pause_clock(case_number: CaseNumber, body: schemas.PauseIn, clients: Clients,
                      caller: CallerMetadata) -> schemas.CaseOut:
    case = await clients.cases.PauseClock(
        cases_pb2.PauseClockRequest(case_number=case_number, reason=body.reason, note=body.note),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.case_out(case)


@router.post("/cases/{case_number}/extensions", response_model=schemas.CaseOut)
async def grant_extension(case_number: CaseNumber, body: schemas.ExtensionIn, clients: Clients,
                          caller: CallerMetadata) -> schemas.CaseOut:
    case = await clients.cases.GrantExtension(
        cases_pb2.GrantExtensionRequest(case_number=case_number, extra_days=body.extra_days, reason=body.reason),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.case_out(case)


@router.post("/cases/{case_number}/supervision-orders", response_model=schemas.CaseOut)
async def order_supervision(case_number: CaseNumber, body: schemas.SupervisionOrderIn, clients: Clients,
                            caller: CallerMetadata) -> schemas.CaseOut:
    case = await clients.cases.IssueSupervisionOrder(
        cases_pb2.IssueSupervisionOrderRequest(case_number=case_number, due_on=body.due_on, note=body.note),
        timeout=clients.timeout, metadata=caller,
    )
    return schemas.case_out(case)


@router.post("/supervision/scans", response_model=schemas.ScanResult)
async def run_scan(clients: Clients, caller: CallerMetadata) -> schemas.ScanResult:
    """Managers: run the electronic supervision now (it also runs on a timer)."""
    answer = await clients.cases.RunSupervisionScan(cases_pb2.RunSupervisionScanRequest(), timeout=clients.timeout,
                                                    metadata=caller)
    return schemas.ScanResult(warnings=answer.warnings, yellow_cards=answer.yellow_cards, red_cards=answer.red_cards,
                              deemed_accepted=answer.deemed_accepted)


@router.get("/cases/{case_number}/notices", response_model=schemas.NoticeList)
async def list_notices(case_number: CaseNumber, clients: Clients, caller: CallerMetadata) -> schemas.NoticeList:
    """Notices sent to the applicant about the case (an empty list until the first arrives)."""
    answer = await clients.notification.ListNotices(
        notification_pb2.ListNoticesRequest(case_number=case_number), timeout=clients.timeout, metadata=caller
    )
    return schemas.NoticeList(notices=[schemas.notice_out(n) for n in answer.notices])


@router.get("/service-items", response_model=schemas.ServiceItemList)
async def list_service_items(clients: Clients, department_code: Annotated[str, Query(max_length=20)] = "") -> schemas.ServiceItemList:
    answer = await clients.catalog.ListServiceItems(
        cases_pb2.ListServiceItemsRequest(department_code=department_code), timeout=clients.timeout
    )
    return schemas.ServiceItemList(items=[schemas.item_out(i) for i in answer.items])


@router.get("/service-items/{code}/guide", response_model=schemas.Guide)
async def service_guide(code: Code, clients: Clients) -> schemas.Guide:
    """The service guide (办事指南), generated from the catalog."""
    answer = await clients.catalog.GetServiceGuide(cases_pb2.GetServiceGuideRequest(service_item_code=code),
                                                   timeout=clients.timeout)
    return schemas.Guide(item=schemas.item_out(answer.item), text=answer.text)
