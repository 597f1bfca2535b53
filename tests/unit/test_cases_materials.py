"""A case is accepted only on a complete materials record (issue 8): every required material
of its item version supplied, or waived with a reason by the department's chief
representative (首席代表; a recorded fact: who, when, why); after a one-time notice, only by
supplying (or waiving) what it listed. Deemed acceptance (Art. 32) is the law's and does not
wait for materials. On a real migrated database (PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import grpc
import pytest
import sqlalchemy as sa
from grpc_status import rpc_status

from servicehall.cases.v1 import cases_pb2, cases_pb2_grpc
from services.cases import access, catalog, decisions, intake, lifecycle, models, queries
from services.cases.catalog_rules import definition_of
from services.cases.models import CaseTransition
from services.cases.server import DEFINITION as CASES
from shared.auth import Caller
from shared.db import transaction
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, field_violations
from shared.timeutil import as_utc, shanghai_day
from tests.cases_hall import ID_CARD, MANAGER, Hall, staff
from tests.identity import gateway_channel, staff_metadata
from tests.support import VALID_ID_CARD

AIC = staff("AIC")
CHIEF = staff("AIC", "chief_representative", staff_id="aic-chief")


def hall_time(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in the hall (Asia/Shanghai, UTC+8) on `day`."""
    return datetime(day.year, day.month, day.day, hour - 8, 0, tzinfo=UTC)


def transitions(hall: Hall, number: str) -> list[CaseTransition]:
    return hall.do(lambda s: access.history(s, number, MANAGER))


# ------------------------------------------------------------ the materials rule (defect 2)
def test_a_case_missing_materials_is_not_accepted_and_each_missing_one_is_named(hall):
    number, _ = hall.submit(materials=["申请书"])
    with pytest.raises(FailedPrecondition) as refused:
        hall.do(lambda s: decisions.accept(s, number, AIC))
    assert {(v.field, v.description) for v in refused.value.violations} == {
        ("materials", "'营业执照' was neither supplied nor waived"),
        ("materials", "'场地证明' was neither supplied nor waived"),
    }
    assert hall.case(number).status == lifecycle.RECEIVED and transitions(hall, number) == []


@pytest.mark.seeded
def test_a_demo_land_case_with_none_of_its_six_materials_is_not_accepted(cases_db):
    with transaction(cases_db) as session:
        case, _, _ = intake.submit_application(
            session,
            service_item_code="LAND-001",
            applicant=intake.ApplicantInput(name="张三", id_card_number=ID_CARD, phone="13812345678"),
        )
        number = case.case_number
    with pytest.raises(FailedPrecondition) as refused, transaction(cases_db) as session:
        decisions.accept(session, number, staff("LAND"))
    assert len(refused.value.violations) == 6
    assert "契税完税证明" in str(refused.value.violations)


def test_an_instant_case_missing_materials_is_not_concluded_on_the_spot(hall):
    number, _ = hall.submit("AIC-001", materials=[])
    with pytest.raises(FailedPrecondition, match="materials"):
        hall.do(lambda s: decisions.conclude_on_the_spot(s, number, AIC, seal_code="SEAL-AIC-01"))
    assert hall.case(number).status == lifecycle.RECEIVED


def test_after_a_one_time_notice_only_the_supply_of_its_list_leads_to_acceptance(hall):
    number, _ = hall.submit(materials=["申请书"])
    hall.do(lambda s: decisions.request_correction(s, number, AIC, materials=[]))
    with pytest.raises(FailedPrecondition, match="one-time notice") as refused:
        hall.do(lambda s: decisions.accept(s, number, AIC))
    assert {v.description for v in refused.value.violations} == {
        "'营业执照' was neither supplied nor waived",
        "'场地证明' was neither supplied nor waived",
    }
    hall.do(lambda s: decisions.supply_materials(s, number, AIC, materials=["营业执照"]))
    with pytest.raises(FailedPrecondition):
        hall.do(lambda s: decisions.accept(s, number, AIC))
    hall.do(lambda s: decisions.supply_materials(s, number, AIC, materials=["场地证明"]))  # the record can still grow
    case = hall.case(number)
    assert case.status == lifecycle.ACCEPTED and case.materials_supplied == ["场地证明", "申请书", "营业执照"]


def test_the_chief_representative_waives_a_material_with_a_reason_on_the_record(hall, clock):
    clock.set(hall_time(date(2025, 11, 3)))
    number, _ = hall.submit(materials=["申请书", "营业执照"])
    waive = decisions.waive_material
    with pytest.raises(PermissionDenied):
        hall.do(lambda s: waive(s, number, AIC, material="场地证明", reason="租赁合同已载明"))  # window staff
    with pytest.raises(NotFound):  # another department's: as if the case did not exist
        other = staff("LAND", "chief_representative")
        hall.do(lambda s: waive(s, number, other, material="场地证明", reason="租赁合同已载明"))
    with pytest.raises(InvalidArgument) as invalid:
        hall.do(lambda s: waive(s, number, CHIEF, material="场地证明", reason=" "))
    assert [v.field for v in invalid.value.violations] == ["reason"]
    with pytest.raises(InvalidArgument) as invalid:
        hall.do(lambda s: waive(s, number, CHIEF, material="户口簿", reason="不需要"))
    assert [v.field for v in invalid.value.violations] == ["material"]
    with pytest.raises(FailedPrecondition, match="supplied"):
        hall.do(lambda s: waive(s, number, CHIEF, material="营业执照", reason="不需要"))
    hall.do(lambda s: waive(s, number, CHIEF, material="场地证明", reason="经营场所证明已在营业执照中载明"))
    with pytest.raises(FailedPrecondition, match="already waived"):
        hall.do(lambda s: waive(s, number, CHIEF, material="场地证明", reason="再免"))
    with hall.session_factory() as session:
        [row] = session.scalars(sa.select(models.MaterialWaiver))
        assert (row.material, row.waived_by, row.reason) == ("场地证明", "aic-chief", "经营场所证明已在营业执照中载明")
        assert shanghai_day(as_utc(row.waived_at)) == date(2025, 11, 3)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        hall.do(lambda s: s.execute(sa.update(models.MaterialWaiver).values(reason="rewritten")))
    assert hall.do(lambda s: decisions.accept(s, number, AIC)).status == lifecycle.ACCEPTED
    with pytest.raises(FailedPrecondition):  # after acceptance there is nothing to waive
        hall.do(lambda s: waive(s, number, CHIEF, material="申请书", reason="迟到的免交"))


def test_a_waiver_of_what_the_notice_listed_completes_the_correction(hall):
    number, _ = hall.submit(materials=["申请书"])
    hall.do(lambda s: decisions.request_correction(s, number, AIC, materials=[]))
    hall.do(lambda s: decisions.supply_materials(s, number, AIC, materials=["营业执照"]))
    hall.do(lambda s: decisions.waive_material(s, number, CHIEF, material="场地证明", reason="场地为自有住宅，免交"))
    assert hall.case(number).status == lifecycle.ACCEPTED
    assert [(t.to_status, t.actor) for t in transitions(hall, number)][-1] == ("accepted", "aic-chief")


async def test_waive_material_over_grpc(start_service):
    service = await start_service(CASES)
    async with gateway_channel(f"127.0.0.1:{service.port}") as channel:
        cases = cases_pb2_grpc.CasesServiceStub(channel)
        submitted = await cases.SubmitApplication(
            cases_pb2.SubmitApplicationRequest(
                service_item_code="PSB-002",
                applicant=cases_pb2.Applicant(name="李四", id_card_number=VALID_ID_CARD, phone="13912345678"),
                materials_supplied=["户口迁移证", "居民户口簿"],
            )
        )
        number = submitted.case_number
        assert list(submitted.materials_missing) == ["合法固定住所证明"]
        window = staff_metadata("PSB", "window_staff", staff_id="psb-01")
        chief = staff_metadata("PSB", "chief_representative", staff_id="psb-chief")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await cases.AcceptCase(cases_pb2.CaseActionRequest(case_number=number), metadata=window)
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        violations = field_violations(rpc_status.from_call(refused.value))
        assert [(v.field, v.description) for v in violations] == [
            ("materials", "'合法固定住所证明' was neither supplied nor waived")
        ]
        request = cases_pb2.WaiveMaterialRequest(case_number=number, material="合法固定住所证明", reason="集体户口")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await cases.WaiveMaterial(request, metadata=window)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        waived = await cases.WaiveMaterial(request, metadata=chief)
        assert list(waived.materials_missing) == []
        [waiver] = waived.material_waivers
        assert (waiver.material, waiver.waived_by, waiver.reason) == ("合法固定住所证明", "psb-chief", "集体户口")
        assert waiver.HasField("waived_at")
        accepted = await cases.AcceptCase(cases_pb2.CaseActionRequest(case_number=number), metadata=window)
    assert accepted.status == cases_pb2.CASE_STATUS_ACCEPTED


# ------------------------------------------- a catalog change dated in the past (nearby, issue 8)
@pytest.mark.seeded
def test_a_changed_item_version_cannot_take_effect_before_today(cases_db, clock):
    """The rules in force on a day that has passed are a fact the cases of that day were
    decided by: a manager's change takes effect today at the earliest, never retroactively."""
    clock.set(hall_time(date(2025, 11, 3)))
    manager = Caller(staff_id="zy-mgr", department_code="ZY", roles=frozenset({"manager"}))
    with cases_db() as session:
        definition = definition_of(queries.version_in_force(session, "TRANS-001", date(2025, 11, 3)))
    definition.update(promised_days=5, effective_from="2025-11-02")
    with pytest.raises(InvalidArgument) as refused, transaction(cases_db) as session:
        catalog.upsert_item(session, definition=definition, actor=manager)
    assert [v.field for v in refused.value.violations] == ["item.effective_from"]
    definition.update(effective_from="2025-11-03")
    with transaction(cases_db) as session:
        assert catalog.upsert_item(session, definition=definition, actor=manager).version == 2
