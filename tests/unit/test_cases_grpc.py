"""The cases service's gRPC API on a real server (port 0) with the demo catalog: the staff
and applicant paths of a case, the one form, and the registers; caller identity travels as
metadata exactly as the gateway and department systems send it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
import yaml
from grpc_status import rpc_status

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases.server import DEFINITION as CASES
from shared.errors import field_violations
from tests.identity import applicant_metadata, gateway_channel, staff_metadata
from tests.support import VALID_ID_CARD


def staff(department: str, roles: str = "window_staff", staff_id: str | None = None) -> tuple[tuple[str, str], ...]:
    return staff_metadata(department, *roles.split(","), staff_id=staff_id)


APPLICANT = cases_pb2.Applicant(name="李四", id_card_number=VALID_ID_CARD, phone="13912345678")
DEMO_CATALOG = yaml.safe_load(Path(CASES.migrations_dir.parent / "catalog" / "demo_catalog.yaml").read_text("utf-8"))


def materials_of(code: str) -> list[str]:
    """Every material the demo catalog's item requires: a case is accepted only with all of them."""
    [item] = [i for i in DEMO_CATALOG["items"] if i["code"] == code]
    return [m["name"] for m in item["materials"]]


def application(code: str) -> cases_pb2.SubmitApplicationRequest:
    return cases_pb2.SubmitApplicationRequest(
        service_item_code=code, applicant=APPLICANT, materials_supplied=materials_of(code)
    )


MANAGER = staff("ZY", "manager", "zy-mgr")


@pytest.fixture
async def stubs(start_service, clock):
    service = await start_service(CASES, clock=clock)
    channel = gateway_channel(f"127.0.0.1:{service.port}")
    yield {
        "cases": cases_pb2_grpc.CasesServiceStub(channel),
        "catalog": cases_pb2_grpc.CatalogServiceStub(channel),
        "seals": cases_pb2_grpc.SealServiceStub(channel),
        "agency": cases_pb2_grpc.AgencyServiceStub(channel),
        "consultations": cases_pb2_grpc.ConsultationServiceStub(channel),
    }
    await channel.close()


async def code_of(call) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code()


async def test_a_committed_case_from_receipt_to_conclusion(stubs):
    cases, seals = stubs["cases"], stubs["seals"]
    submitted = await cases.SubmitApplication(application("PSB-002"))
    number, psb = submitted.case_number, staff("PSB")
    action = cases_pb2.CaseActionRequest(case_number=number)

    # Another department's case answers like a missing one; a cashier of PSB may not accept it.
    assert await code_of(cases.AcceptCase(action, metadata=staff("AIC"))) == grpc.StatusCode.NOT_FOUND
    cashier = staff("PSB", "cashier")
    assert await code_of(cases.AcceptCase(action, metadata=cashier)) == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await cases.ApproveCase(action, metadata=psb)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "is received; it cannot become approved" in refused.value.details()

    accepted = await cases.AcceptCase(action, metadata=psb)
    assert accepted.status == cases_pb2.CASE_STATUS_ACCEPTED and accepted.promised_due
    await cases.StartReview(action, metadata=psb)
    await cases.ApproveCase(action, metadata=psb)
    assert await code_of(cases.ConcludeCase(action, metadata=psb)) == grpc.StatusCode.FAILED_PRECONDITION  # no seal
    [seal] = (await seals.ListSeals(cases_pb2.ListSealsRequest(window_code=accepted.service_item.window_code))).seals
    await seals.UseSeal(cases_pb2.UseSealRequest(seal_code=seal.code, case_number=number), metadata=psb)
    concluded = await cases.ConcludeCase(action, metadata=psb)
    assert concluded.status == cases_pb2.CASE_STATUS_CONCLUDED and concluded.HasField("sealed_at")

    as_applicant = applicant_metadata(submitted.query_code)
    seen = await cases.GetCase(cases_pb2.GetCaseRequest(case_number=number), metadata=as_applicant)
    assert seen.status == cases_pb2.CASE_STATUS_CONCLUDED and seen.applicant.phone == "139****5678"
    history = await cases.GetCaseHistory(cases_pb2.GetCaseRequest(case_number=number), metadata=as_applicant)
    assert [t.to_status for t in history.transitions] == ["accepted", "in_review", "approved", "concluded"]
    vouchers = await cases.ListVouchers(cases_pb2.GetCaseRequest(case_number=number), metadata=psb)
    assert [v.kind for v in vouchers.vouchers] == ["acceptance", "approval"]
    listed = await cases.ListCases(cases_pb2.ListCasesRequest(status="concluded"), metadata=psb)
    assert [c.case_number for c in listed.cases] == [number]
    assert (await cases.ListCases(cases_pb2.ListCasesRequest(), metadata=staff("AIC"))).cases == []


async def test_an_instant_case_is_concluded_on_the_spot(stubs):
    cases = stubs["cases"]
    submitted = await cases.SubmitApplication(application("AIC-003"))
    request = cases_pb2.CaseActionRequest(case_number=submitted.case_number)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await cases.ConcludeOnTheSpot(request, metadata=staff("AIC"))
    assert [v.field for v in field_violations(rpc_status.from_call(caught.value))] == ["seal_code"]
    seals = (await stubs["seals"].ListSeals(cases_pb2.ListSealsRequest(window_code="AIC-01"))).seals
    request.seal_code = seals[0].code
    done = await cases.ConcludeOnTheSpot(request, metadata=staff("AIC"))
    assert done.status == cases_pb2.CASE_STATUS_CONCLUDED


async def test_the_one_form_becomes_one_joint_case_with_a_task_per_department(stubs):
    cases = stubs["cases"]
    form = {
        "enterprise_name": "枞阳县某某商贸有限公司",
        "legal_representative": "李四",
        "legal_representative_id_card": VALID_ID_CARD,
        "registered_capital": "100",
        "business_scope": "日用百货",
        "address": "枞阳县城关镇",
        "accountant": "王五",
        "contact_phone": "13912345678",
        "seal_types": "公章,财务章",
    }
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await cases.SubmitForm(
            cases_pb2.SubmitFormRequest(
                form_code="business_registration", applicant=APPLICANT, form_data={"enterprise_name": "x"}
            )
        )
    fields = {v.field for v in field_violations(rpc_status.from_call(caught.value))}
    assert "form_data.legal_representative" in fields
    handed_in = [m for m in materials_of("AIC-010") if m != "企业设立登记一表制申请表"]  # the form is one
    case = await cases.SubmitForm(
        cases_pb2.SubmitFormRequest(
            form_code="business_registration", applicant=APPLICANT, form_data=form, materials_supplied=handed_in
        )
    )
    assert list(case.materials_missing) == []
    assert case.service_item.code == "AIC-010" and case.service_item.case_kind == cases_pb2.CASE_KIND_JOINT
    assert {t.department_code for t in case.joint_tasks} == {"AIC", "STAX", "LTAX", "PSB"}
    accepted = await cases.AcceptCase(cases_pb2.CaseActionRequest(case_number=case.case_number), metadata=staff("AIC"))
    assert all(t.due_on for t in accepted.joint_tasks)
    for department in ("AIC", "STAX", "LTAX"):
        await cases.DecideJointTask(
            cases_pb2.DecideJointTaskRequest(case_number=case.case_number, department_code=department, approve=True),
            metadata=staff(department),
        )
    last = await cases.DecideJointTask(
        cases_pb2.DecideJointTaskRequest(case_number=case.case_number, department_code="PSB", approve=True),
        metadata=staff("PSB"),
    )
    assert last.status == cases_pb2.CASE_STATUS_APPROVED


async def test_the_clock_and_supervision_over_grpc(stubs, clock):
    cases = stubs["cases"]
    submitted = await cases.SubmitApplication(application("HCB-002"))
    number, hcb = submitted.case_number, staff("HCB")
    await cases.AcceptCase(cases_pb2.CaseActionRequest(case_number=number), metadata=hcb)
    # Art. 45: the applicant is told in writing how long the inspection is expected to take.
    without_end = cases_pb2.PauseClockRequest(case_number=number, reason="inspection")
    assert await code_of(cases.PauseClock(without_end, metadata=hcb)) == grpc.StatusCode.INVALID_ARGUMENT
    pause = cases_pb2.PauseClockRequest(case_number=number, reason="inspection", expected_end="2099-01-01")
    paused = await cases.PauseClock(pause, metadata=hcb)
    assert paused.clock_paused and paused.promised_due == ""
    assert paused.due_note == "计时暂停中，恢复计时后另行告知"
    vouchers = await cases.ListVouchers(cases_pb2.GetCaseRequest(case_number=number), metadata=hcb)
    assert [v.kind for v in vouchers.vouchers] == ["acceptance", "pause"]
    history = await cases.GetCaseHistory(cases_pb2.GetCaseRequest(case_number=number), metadata=hcb)
    assert [t.event for t in history.transitions] == ["", "clock_paused"]
    resumed = await cases.ResumeClock(cases_pb2.CaseActionRequest(case_number=number), metadata=hcb)
    assert not resumed.clock_paused and resumed.promised_due
    extension = cases_pb2.GrantExtensionRequest(case_number=number, extra_days=10, reason="需组织专家评审")
    assert await code_of(cases.GrantExtension(extension, metadata=hcb)) == grpc.StatusCode.PERMISSION_DENIED
    extended = await cases.GrantExtension(extension, metadata=staff("HCB", "approver"))
    assert extended.statutory_due > resumed.statutory_due
    order = cases_pb2.IssueSupervisionOrderRequest(case_number=number, due_on="2099-01-01", note="请加快办理")
    assert await code_of(cases.IssueSupervisionOrder(order, metadata=hcb)) == grpc.StatusCode.PERMISSION_DENIED
    await cases.IssueSupervisionOrder(order, metadata=MANAGER)
    scan = cases_pb2.RunSupervisionScanRequest()  # at the service's clock: no day to choose
    assert await code_of(cases.RunSupervisionScan(scan, metadata=hcb)) == grpc.StatusCode.PERMISSION_DENIED
    now = await cases.RunSupervisionScan(scan, metadata=MANAGER)
    assert (now.warnings, now.yellow_cards, now.red_cards) == (0, 0, 0)  # nothing is due yet
    clock.set(datetime(2099, 1, 2, 2, 0, tzinfo=UTC))
    later = await cases.RunSupervisionScan(scan, metadata=MANAGER)
    assert (later.warnings, later.yellow_cards, later.red_cards) == (1, 1, 1)
    clock.advance(days=1)
    again = await cases.RunSupervisionScan(scan, metadata=MANAGER)
    assert (again.warnings, again.yellow_cards, again.red_cards) == (0, 0, 0)


async def test_registers_over_grpc(stubs):
    consultations, agency, catalog = stubs["consultations"], stubs["agency"], stubs["catalog"]
    asked = await consultations.RecordConsultation(
        cases_pb2.RecordConsultationRequest(window_code="AIC-01", asker="赵六 13712345678", topic="个体户怎么办照"),
        metadata=staff("AIC"),
    )
    assert asked.owner_staff_id == "aic-01" and "13712345678" not in asked.asker
    assert (
        await code_of(
            consultations.HandOverConsultation(
                cases_pb2.HandOverConsultationRequest(consultation_id=asked.id, to_staff_id="aic-02"),
                metadata=staff("AIC", staff_id="aic-03"),
            )
        )
        == grpc.StatusCode.PERMISSION_DENIED
    )
    moved = await consultations.HandOverConsultation(
        cases_pb2.HandOverConsultationRequest(consultation_id=asked.id, to_staff_id="aic-02"), metadata=staff("AIC")
    )
    assert moved.owner_staff_id == "aic-02"
    counts = await consultations.CountConsultations(
        cases_pb2.CountConsultationsRequest(since="2000-01-01", until="2100-01-01"), metadata=MANAGER
    )
    assert counts.by_window["AIC-01"] == 1

    enterprise = "91340823MA2NXXXX0K"
    request = cases_pb2.AssignAgentRequest(enterprise_code=enterprise, agent_staff_id="zy-agent-1")
    assert await code_of(agency.AssignAgent(request, metadata=staff("AIC"))) == grpc.StatusCode.PERMISSION_DENIED
    assert (
        await code_of(agency.AssignAgent(request, metadata=MANAGER)) == grpc.StatusCode.INVALID_ARGUMENT
    )  # check char

    guide = await catalog.GetServiceGuide(cases_pb2.GetServiceGuideRequest(service_item_code="LAND-001"))
    assert guide.item.code == "LAND-001" and "FEE-LAND-REG" in list(guide.item.fee_item_codes)
    assert guide.text
    upsert = cases_pb2.UpsertServiceItemRequest(item=cases_pb2.ServiceItemDefinition(code="ZY-001"))
    assert await code_of(catalog.UpsertServiceItem(upsert, metadata=staff("AIC"))) == grpc.StatusCode.PERMISSION_DENIED
    assert await code_of(catalog.UpsertServiceItem(upsert, metadata=MANAGER)) == grpc.StatusCode.INVALID_ARGUMENT
    versions = await catalog.ListItemVersions(cases_pb2.ListItemVersionsRequest(service_item_code="LAND-001"))
    assert [v.version for v in versions.items] == [1]
