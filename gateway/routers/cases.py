"""Applications (办件), their decisions and the catalog, for applicants and staff.

Who calls is told by the X-Staff-Id / X-Department / X-Roles headers (staff) or X-Query-Code
(an applicant); the cases service decides what each may see and do.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from gateway.dependencies import Call, Clients, Principal, PublicCall, StaffCall, not_signed_in
from gateway.idempotency import IdempotencyKey, KeyPassedDown
from gateway.routing import DepartmentCode, GatewayRoute
from gateway.schemas.base import LINE_PATTERN
from gateway.schemas.cases import (
    CaseList,
    CaseOut,
    CaseSubmission,
    ExtensionIn,
    FormSubmission,
    Guide,
    History,
    JointDecision,
    Materials,
    MaterialWaiverIn,
    NoticeList,
    OnTheSpot,
    PauseIn,
    Reason,
    ScanResult,
    ServiceItemList,
    SupervisionOrderIn,
    SuppliedMaterials,
    VoucherList,
    applicant_in,
    case_list_out,
    case_out,
    guide_out,
    history_out,
    notice_list_out,
    scan_result_out,
    service_item_list_out,
    voucher_list_out,
)
from servicehall.cases.v1 import cases_pb2
from servicehall.notification.v1 import notification_pb2

router = APIRouter(prefix="/api/v1", tags=["cases"], route_class=GatewayRoute)

CaseNumber = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]
Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
SimpleAction = Literal[
    "accept",
    "reject",
    "start-review",
    "approve",
    "deny",
    "conclude",
    "withdraw",
    "resume-clock",
]
_ACTIONS = {
    "accept": "AcceptCase",
    "reject": "RejectCase",
    "start-review": "StartReview",
    "approve": "ApproveCase",
    "deny": "DenyCase",
    "conclude": "ConcludeCase",
    "withdraw": "WithdrawCase",
    "resume-clock": "ResumeClock",
}


@router.post("/cases", status_code=status.HTTP_201_CREATED, response_model=CaseOut)
async def submit_application(
    submission: CaseSubmission, clients: Clients, call: Call, key: KeyPassedDown, response: Response
) -> CaseOut:
    """Submit an application for a catalog item; the answer carries the case number and the
    query code the applicant needs to follow it (shown this once)."""
    case = await call(
        clients.cases.SubmitApplication,
        cases_pb2.SubmitApplicationRequest(
            service_item_code=submission.service_item_code,
            applicant=applicant_in(submission.applicant),
            remarks=submission.remarks,
            materials_supplied=submission.materials_supplied,
            declared_values=submission.declared_values,
            idempotency_key=key,  # the service dedups too: a retry after a 504 finds its case
        ),
    )
    response.headers["Location"] = f"/api/v1/cases/{case.case_number}"
    return case_out(case)


@router.post("/forms/{form_code}/applications", status_code=status.HTTP_201_CREATED, response_model=CaseOut)
async def submit_form(
    form_code: Code, submission: FormSubmission, clients: Clients, call: Call, key: KeyPassedDown, response: Response
) -> CaseOut:
    """One form (一表制): one application that becomes a joint case across departments."""
    case = await call(
        clients.cases.SubmitForm,
        cases_pb2.SubmitFormRequest(
            form_code=form_code,
            applicant=applicant_in(submission.applicant),
            form_data=submission.form_data,
            remarks=submission.remarks,
            materials_supplied=submission.materials_supplied,
            idempotency_key=key,
        ),
    )
    response.headers["Location"] = f"/api/v1/cases/{case.case_number}"
    return case_out(case)


@router.get("/cases", response_model=CaseList)
async def list_cases(
    clients: Clients,
    call: StaffCall,
    status_: Annotated[str, Query(alias="status", max_length=30, pattern=LINE_PATTERN)] = "",
    department_code: DepartmentCode = "",
    supervision_level: Annotated[str, Query(max_length=10, pattern=LINE_PATTERN)] = "",
    window_code: Annotated[str, Query(max_length=20, pattern=LINE_PATTERN)] = "",
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    page_token: Annotated[str, Query(max_length=40, pattern=LINE_PATTERN)] = "",
) -> CaseList:
    """Staff: their department's cases (managers: any), oldest first, a page at a time."""
    answer = await call(
        clients.cases.ListCases,
        cases_pb2.ListCasesRequest(
            status=status_,
            department_code=department_code,
            supervision_level=supervision_level,
            window_code=window_code,
            page_size=page_size,
            page_token=page_token,
        ),
    )
    return case_list_out(answer)


@router.get("/cases/{case_number}", response_model=CaseOut)
async def get_case(case_number: CaseNumber, clients: Clients, call: Call) -> CaseOut:
    """Progress of a case: staff of its department, or the applicant with X-Query-Code."""
    return case_out(await call(clients.cases.GetCase, cases_pb2.GetCaseRequest(case_number=case_number)))


@router.get("/cases/{case_number}/history", response_model=History)
async def get_history(case_number: CaseNumber, clients: Clients, call: Call) -> History:
    return history_out(await call(clients.cases.GetCaseHistory, cases_pb2.GetCaseRequest(case_number=case_number)))


@router.get("/cases/{case_number}/vouchers", response_model=VoucherList)
async def list_vouchers(case_number: CaseNumber, clients: Clients, call: Call) -> VoucherList:
    return voucher_list_out(await call(clients.cases.ListVouchers, cases_pb2.GetCaseRequest(case_number=case_number)))


# Before the generic action route, which would otherwise match "conclude-on-the-spot" first.
@router.post("/cases/{case_number}/actions/conclude-on-the-spot", response_model=CaseOut)
async def conclude_on_the_spot(
    case_number: CaseNumber, clients: Clients, call: StaffCall, body: OnTheSpot | None = None
) -> CaseOut:
    """An instant case (即办件) accepted, reviewed, approved and concluded at the window in one
    step; `seal_code` names the window approval seal used when the item needs one."""
    request = cases_pb2.CaseActionRequest(
        case_number=case_number,
        reason=body.reason if body else "",
        seal_code=body.seal_code if body else "",
    )
    return case_out(await call(clients.cases.ConcludeOnTheSpot, request))


@router.post("/cases/{case_number}/actions/{action}", response_model=CaseOut)
async def act(
    case_number: CaseNumber,
    action: SimpleAction,
    clients: Clients,
    call: Call,
    principal: Principal,
    body: Reason | None = None,
) -> CaseOut:
    """A decision on the case; `reason` is required for reject and deny. An applicant (with
    the query code) may only withdraw."""
    if action != "withdraw" and (principal is None or not principal.caller.is_staff):
        raise not_signed_in()
    request = cases_pb2.CaseActionRequest(case_number=case_number, reason=body.reason if body else "")
    return case_out(await call(getattr(clients.cases, _ACTIONS[action]), request))


@router.post("/cases/{case_number}/correction", response_model=CaseOut)
async def request_correction(case_number: CaseNumber, body: Materials, clients: Clients, call: StaffCall) -> CaseOut:
    """The one-time notice: every missing material at once (empty list: the service names them)."""
    return case_out(
        await call(
            clients.cases.RequestCorrection,
            cases_pb2.RequestCorrectionRequest(
                case_number=case_number,
                materials=body.materials,
                note=body.note,
            ),
        )
    )


@router.post("/cases/{case_number}/materials", response_model=CaseOut)
async def supply_materials(case_number: CaseNumber, body: SuppliedMaterials, clients: Clients, call: Call) -> CaseOut:
    return case_out(
        await call(
            clients.cases.SupplyMaterials,
            cases_pb2.SupplyMaterialsRequest(
                case_number=case_number,
                materials=body.materials,
            ),
        )
    )


@router.post("/cases/{case_number}/materials/waivers", response_model=CaseOut)
async def waive_material(case_number: CaseNumber, body: MaterialWaiverIn, clients: Clients, call: StaffCall) -> CaseOut:
    """The chief representative of the case's department waives one required material."""
    return case_out(
        await call(
            clients.cases.WaiveMaterial,
            cases_pb2.WaiveMaterialRequest(case_number=case_number, material=body.material, reason=body.reason),
        )
    )


@router.post("/cases/{case_number}/joint-tasks/{department_code}/decision", response_model=CaseOut)
async def decide_joint_task(
    case_number: CaseNumber, department_code: Code, body: JointDecision, clients: Clients, call: StaffCall
) -> CaseOut:
    return case_out(
        await call(
            clients.cases.DecideJointTask,
            cases_pb2.DecideJointTaskRequest(
                case_number=case_number,
                department_code=department_code,
                approve=body.approve,
                reason=body.reason,
            ),
        )
    )


@router.post("/cases/{case_number}/pauses", response_model=CaseOut)
async def pause_clock(case_number: CaseNumber, body: PauseIn, clients: Clients, call: StaffCall) -> CaseOut:
    return case_out(
        await call(
            clients.cases.PauseClock,
            cases_pb2.PauseClockRequest(
                case_number=case_number,
                reason=body.reason,
                note=body.note,
                expected_end=body.expected_end,
            ),
        )
    )


@router.post("/cases/{case_number}/extensions", response_model=CaseOut)
async def grant_extension(
    case_number: CaseNumber, body: ExtensionIn, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> CaseOut:
    return case_out(
        await call(
            clients.cases.GrantExtension,
            cases_pb2.GrantExtensionRequest(
                case_number=case_number,
                extra_days=body.extra_days,
                reason=body.reason,
            ),
        )
    )


@router.post("/cases/{case_number}/supervision-orders", response_model=CaseOut)
async def order_supervision(
    case_number: CaseNumber, body: SupervisionOrderIn, clients: Clients, call: StaffCall, _key: IdempotencyKey
) -> CaseOut:
    return case_out(
        await call(
            clients.cases.IssueSupervisionOrder,
            cases_pb2.IssueSupervisionOrderRequest(
                case_number=case_number,
                due_on=body.due_on,
                note=body.note,
            ),
        )
    )


@router.post("/supervision/scans", response_model=ScanResult)
async def run_scan(clients: Clients, call: StaffCall) -> ScanResult:
    """Managers: run the electronic supervision now (it also runs on a timer)."""
    return scan_result_out(await call(clients.cases.RunSupervisionScan, cases_pb2.RunSupervisionScanRequest()))


@router.get("/cases/{case_number}/notices", response_model=NoticeList)
async def list_notices(case_number: CaseNumber, clients: Clients, call: Call) -> NoticeList:
    """Notices sent to the applicant about the case (an empty list until the first arrives)."""
    return notice_list_out(
        await call(clients.notification.ListNotices, notification_pb2.ListNoticesRequest(case_number=case_number))
    )


@router.get("/service-items", response_model=ServiceItemList)
async def list_service_items(
    clients: Clients, call: PublicCall, department_code: DepartmentCode = ""
) -> ServiceItemList:
    """The items that can be applied for today, each as the version in force today: the same
    fees, seal, materials and time limits as its guide."""
    return service_item_list_out(
        await call(clients.catalog.ListServiceItems, cases_pb2.ListServiceItemsRequest(department_code=department_code))
    )


@router.get("/service-items/{code}/versions", response_model=ServiceItemList)
async def item_versions(code: Code, clients: Clients, call: PublicCall) -> ServiceItemList:
    """Every version of an item, oldest first (a case keeps the version in force when it was received)."""
    return service_item_list_out(
        await call(clients.catalog.ListItemVersions, cases_pb2.ListItemVersionsRequest(service_item_code=code))
    )


@router.get("/service-items/{code}/guide", response_model=Guide)
async def service_guide(code: Code, clients: Clients, call: PublicCall) -> Guide:
    """The service guide (办事指南), generated from the catalog."""
    return guide_out(
        await call(clients.catalog.GetServiceGuide, cases_pb2.GetServiceGuideRequest(service_item_code=code))
    )
