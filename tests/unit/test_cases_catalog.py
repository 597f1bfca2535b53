"""The item catalog, its versions, the service guide and the one form, on a real migrated
database of the cases service (PostgreSQL when TEST_DATABASE_URL is set, else SQLite)."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from services.cases import catalog, catalog_admin, queries
from services.cases.catalog_rules import definition_of
from services.cases.forms import DEMO_FORMS, check_forms, form_definition, load_forms, project
from services.cases.guide import format_guide, render_guide_text, service_guide
from services.cases.models import Department, ServiceItem, ServiceItemVersion, Window, WindowSeal
from shared.auth import Caller
from shared.db import transaction
from shared.errors import FailedPrecondition, InvalidArgument, NotFound, PermissionDenied

REPO = Path(__file__).resolve().parents[2]
MIGRATIONS = REPO / "services" / "cases" / "migrations"
FEE_STANDARDS = REPO / "services" / "fees" / "standards" / "demo_fee_standards.yaml"
MANAGER = Caller(staff_id="M-001", department_code="ZY", roles=frozenset({"manager"}))
IN_2011 = datetime(2011, 1, 1, 2, 0, tzinfo=UTC)  # 10:00 in the hall on 1 Jan 2011
CLERK = Caller(staff_id="S-001", department_code="AIC", roles=frozenset({"window_staff"}))

BUSINESS_FORM = {
    "enterprise_name": "枞阳县长江农产品有限公司",
    "legal_representative": "张三",
    "legal_representative_id_card": "340723199001010019",
    "registered_capital": 100,
    "business_scope": "农产品收购、销售",
    "address": "枞阳县枞阳镇环城路8号",
    "shareholders": "张三、李四",
    "accountant": "李四",
    "contact_phone": "13812345678",
    "seal_types": "公章、财务专用章、发票专用章",
}


def demo() -> dict[str, Any]:
    return yaml.safe_load(catalog.DEMO_CATALOG.read_text(encoding="utf-8"))


def item_of(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(item for item in data["items"] if item["code"] == code)


def write(tmp_path: Path, data: dict[str, Any], name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def count(cases_db, model) -> int:
    with cases_db() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def fields_of(error: pytest.ExceptionInfo) -> set[str]:
    return {v.field for v in error.value.violations}


# --- the demo catalog -----------------------------------------------------------------


@pytest.mark.seeded
def test_demo_catalog_has_30_items_in_9_departments_of_every_kind(cases_db):
    with cases_db() as session:
        items = list(session.scalars(sa.select(ServiceItem)))
        departments = {d.code for d in session.scalars(sa.select(Department))}
    assert len(items) >= 30
    assert {i.department_code for i in items} >= {"AIC", "STAX", "LTAX", "LAND", "TRANS", "PSB", "QTS", "FIN", "HCB"}
    assert len(departments) >= 9
    kinds = Counter(i.case_kind for i in items)
    assert set(kinds) == {"instant", "committed", "joint"}
    assert all(i.promised_days <= i.statutory_days for i in items)
    assert all(i.promised_days == 0 for i in items if i.case_kind == "instant")
    assert all(i.current_version == 1 for i in items)
    # The gRPC listing test relies on LAND having exactly this one item.
    assert [i.code for i in items if i.department_code == "LAND"] == ["LAND-001"]


@pytest.mark.parametrize(
    ("code", "department", "window", "kind", "statutory", "promised"),
    [
        ("AIC-001", "AIC", "AIC-01", "instant", 0, 0),
        ("AIC-002", "AIC", "AIC-01", "committed", 15, 3),
        ("AIC-003", "AIC", "AIC-01", "instant", 0, 0),
        ("STAX-001", "STAX", "STAX-01", "instant", 0, 0),
        ("LTAX-001", "LTAX", "LTAX-01", "instant", 0, 0),
        ("LAND-001", "LAND", "LAND-01", "committed", 20, 10),
        ("TRANS-001", "TRANS", "TRANS-01", "committed", 20, 8),
        ("PSB-001", "PSB", "PSB-01", "committed", 60, 30),
        ("QTS-001", "QTS", "QTS-01", "instant", 0, 0),
        ("FIN-001", "FIN", "FIN-01", "instant", 0, 0),
        ("HCB-001", "HCB", "HCB-01", "committed", 15, 7),
    ],
)
@pytest.mark.seeded
def test_the_items_other_services_rely_on_keep_their_rules(
    cases_db, code, department, window, kind, statutory, promised
):
    with cases_db() as session:
        version = queries.version_in_force(session, code, date(2011, 1, 1))
    assert (version.department_code, version.window_code, version.case_kind) == (department, window, kind)
    assert (version.statutory_days, version.promised_days) == (statutory, promised)


@pytest.mark.seeded
def test_joint_items_name_their_parallel_departments(cases_db):
    with cases_db() as session:
        joint = {
            v.code: v
            for v in session.scalars(sa.select(ServiceItemVersion).where(ServiceItemVersion.case_kind == "joint"))
        }
    assert {"AIC-010", "HCB-010"} <= set(joint)
    assert joint["HCB-010"].department_code == "HCB" and set(joint["HCB-010"].joint_departments) == {"LAND", "PLAN"}
    assert set(joint["AIC-010"].joint_departments) == {"STAX", "LTAX", "PSB"}
    assert all(v.statutory_days == 45 for v in joint.values())


def test_fee_codes_are_those_the_fees_service_defines():
    standards = yaml.safe_load(FEE_STANDARDS.read_text(encoding="utf-8"))
    defined = {s["code"] for s in standards["standards"]}
    used = {fee for item in demo()["items"] for fee in item.get("fees", [])}
    assert used and used <= defined
    with_fees = [item["code"] for item in demo()["items"] if item.get("fees")]
    assert len(with_fees) < len(demo()["items"]) / 2  # most items are free


@pytest.mark.seeded
def test_every_window_has_one_approval_seal(cases_db):
    with cases_db() as session:
        windows = {w.code: w.department_code for w in session.scalars(sa.select(Window))}
        seals = list(session.scalars(sa.select(WindowSeal)))
    assert Counter(s.window_code for s in seals) == Counter(set(windows))
    assert all(s.department_code == windows[s.window_code] and s.active for s in seals)
    assert all(s.name.endswith("窗口审批专用章") for s in seals)


# --- re-import and versions -----------------------------------------------------------


def snapshot(cases_db) -> list[tuple]:
    with cases_db() as session:
        return [
            (v.id, v.code, v.version, v.effective_from, v.promised_days, repr(v.materials))
            for v in session.scalars(sa.select(ServiceItemVersion).order_by(ServiceItemVersion.id))
        ]


@pytest.mark.seeded
def test_an_unchanged_reimport_writes_nothing(cases_db):
    before = snapshot(cases_db)
    with transaction(cases_db) as session:
        assert catalog.import_catalog(session) == 0
        assert not session.dirty and not session.new
    assert snapshot(cases_db) == before
    assert len(before) == count(cases_db, ServiceItem)


@pytest.mark.seeded
def test_a_new_effective_date_alone_is_not_a_new_version(cases_db, tmp_path):
    data = demo()
    item_of(data, "AIC-002")["effective_from"] = date(2012, 1, 1)
    with transaction(cases_db) as session:
        assert catalog.import_catalog(session, write(tmp_path, data)) == 0
    with cases_db() as session:
        assert [v.version for v in catalog.list_versions(session, "AIC-002")] == [1]


@pytest.mark.seeded
def test_a_changed_item_becomes_version_2_and_the_date_picks_the_version(cases_db, tmp_path, clock):
    clock.set(IN_2011)  # a change takes effect today or later: today is in 2011 here
    data = demo()
    changed = item_of(data, "AIC-002")
    changed["promised_days"] = 2
    changed["effective_from"] = date(2011, 3, 1)
    changed["materials"].append({"name": "股东会决议", "form": "original", "count": 1})
    with transaction(cases_db) as session:
        assert catalog.import_catalog(session, write(tmp_path, data)) == 1
    with cases_db() as session:
        versions = catalog.list_versions(session, "AIC-002")
        assert [(v.version, v.effective_from, v.promised_days) for v in versions] == [
            (1, date(2010, 1, 1), 3),
            (2, date(2011, 3, 1), 2),
        ]
        assert queries.version_in_force(session, "AIC-002", date(2011, 2, 28)).version == 1
        assert queries.version_in_force(session, "AIC-002", date(2011, 3, 1)).version == 2
        headline = session.get(ServiceItem, "AIC-002")
        assert (headline.current_version, headline.promised_days) == (2, 2)
        assert [v.version for v in catalog.list_versions(session, "AIC-003")] == [1]
    # The same file again: still two versions.
    with transaction(cases_db) as session:
        assert catalog.import_catalog(session, write(tmp_path, data)) == 0
    with cases_db() as session:
        assert len(catalog.list_versions(session, "AIC-002")) == 2


@pytest.mark.seeded
def test_a_new_version_cannot_take_effect_before_the_current_one(cases_db, tmp_path):
    data = demo()
    item_of(data, "AIC-002")["promised_days"] = 2
    item_of(data, "AIC-002")["effective_from"] = date(2009, 12, 31)
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        catalog.import_catalog(session, write(tmp_path, data))
    assert fields_of(caught) == {"items[AIC-002].effective_from"}


@pytest.mark.seeded
def test_no_version_in_force_before_the_first_and_unknown_items(cases_db):
    with cases_db() as session:
        with pytest.raises(FailedPrecondition):
            queries.version_in_force(session, "AIC-002", date(2009, 12, 31))
        with pytest.raises(NotFound):
            queries.version_in_force(session, "NO-001", date(2011, 1, 1))
        with pytest.raises(NotFound):
            catalog.list_versions(session, "NO-001")


def _promised_over_statutory(data):
    item_of(data, "AIC-002")["promised_days"] = 16


def _unknown_kind(data):
    item_of(data, "AIC-002")["kind"] = "urgent"


def _unknown_type(data):
    item_of(data, "AIC-002")["type"] = "licence"


def _unknown_department(data):
    item_of(data, "AIC-002")["department"] = "XYZ"


def _window_of_another_department(data):
    item_of(data, "AIC-002")["window"] = "LAND-01"


def _duplicate_code(data):
    data["items"].append(copy.deepcopy(item_of(data, "AIC-001")))


def _malformed_fee_code(data):
    item_of(data, "AIC-002")["fees"] = ["fee aic license"]


def _joint_without_departments(data):
    item_of(data, "HCB-010")["joint_departments"] = []


def _instant_with_promised_days(data):
    item_of(data, "AIC-001").update(statutory_days=5, promised_days=2)


def _misspelt_attribute(data):
    item_of(data, "AIC-002")["promise_days"] = 3


def _material_without_form(data):
    item_of(data, "AIC-002")["materials"][0]["form"] = "scan"


def _seal_of_unknown_window(data):
    data["seals"].append({"code": "SEAL-XX-01", "window": "XX-01", "name": "某窗口审批专用章"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_promised_over_statutory, "items[AIC-002].promised_days"),
        (_unknown_kind, "items[AIC-002].kind"),
        (_unknown_type, "items[AIC-002].type"),
        (_unknown_department, "items[AIC-002].department"),
        (_window_of_another_department, "items[AIC-002].window"),
        (_duplicate_code, "items[AIC-001].code"),
        (_malformed_fee_code, "items[AIC-002].fees[0]"),
        (_joint_without_departments, "items[HCB-010].joint_departments"),
        (_instant_with_promised_days, "items[AIC-001].promised_days"),
        (_misspelt_attribute, "items[AIC-002].promise_days"),
        (_material_without_form, "items[AIC-002].materials[0].form"),
        (_seal_of_unknown_window, "seals[SEAL-XX-01].window"),
    ],
    ids=lambda value: value.__name__.strip("_") if callable(value) else None,
)
def test_an_invalid_catalog_is_refused_with_the_field_named_and_nothing_written(cases_db, tmp_path, change, field):
    data = demo()
    change(data)
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        catalog.import_catalog(session, write(tmp_path, data))
    assert fields_of(caught) == {field}
    assert count(cases_db, Department) == count(cases_db, ServiceItem) == count(cases_db, WindowSeal) == 0


def test_every_problem_is_named_at_once(cases_db, tmp_path):
    data = demo()
    _promised_over_statutory(data)
    _unknown_kind(data)
    _malformed_fee_code(data)
    item_of(data, "PSB-001")["statutory_days"] = -1
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        catalog.import_catalog(session, write(tmp_path, data))
    assert fields_of(caught) >= {
        "items[AIC-002].promised_days",
        "items[AIC-002].kind",
        "items[AIC-002].fees[0]",
        "items[PSB-001].statutory_days",
    }


def test_a_file_that_is_not_yaml_is_refused(cases_db, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("items: [ {code: AIC-001\n", encoding="utf-8")
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        catalog.import_catalog(session, path)
    assert fields_of(caught) == {"catalog"}


@pytest.mark.own_database
def test_the_import_command(cases_db, tmp_path, monkeypatch, capsys):
    with cases_db() as session:
        url = session.get_bind().url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    assert catalog_admin.main([str(catalog.DEMO_CATALOG)]) == 0
    assert count(cases_db, ServiceItem) >= 30
    data = demo()
    _promised_over_statutory(data)
    assert catalog_admin.main([str(write(tmp_path, data))]) == 2
    assert "items[AIC-002].promised_days" in capsys.readouterr().err


# --- admin ----------------------------------------------------------------------------


@pytest.mark.seeded
def test_a_manager_upserts_an_item_by_the_same_rules(cases_db, clock):
    clock.set(IN_2011)  # a change takes effect today or later: today is in 2011 here
    with cases_db() as session:
        definition = definition_of(queries.version_in_force(session, "TRANS-001", date(2011, 1, 1)))
    with transaction(cases_db) as session:
        same = catalog.upsert_item(session, definition=definition, actor=MANAGER)
        assert same.version == 1  # unchanged: nothing written
    definition.update(promised_days=5, effective_from="2011-07-01")
    with transaction(cases_db) as session:
        assert catalog.upsert_item(session, definition=definition, actor=MANAGER).version == 2
    new = dict(definition, code="TRANS-004", name="出租汽车经营许可", promised_days=10, effective_from=date(2011, 1, 1))
    with transaction(cases_db) as session:
        created = catalog.upsert_item(session, definition=new, actor=MANAGER)
        assert (created.code, created.version) == ("TRANS-004", 1)
    with cases_db() as session:
        assert [v.promised_days for v in catalog.list_versions(session, "TRANS-001")] == [8, 5]
        assert session.get(ServiceItem, "TRANS-004").current_version == 1


@pytest.mark.seeded
def test_upsert_item_refuses_staff_and_invalid_rules(cases_db):
    with cases_db() as session:
        definition = definition_of(queries.version_in_force(session, "TRANS-001", date(2011, 1, 1)))
    with transaction(cases_db) as session, pytest.raises(PermissionDenied):
        catalog.upsert_item(session, definition=dict(definition, promised_days=5), actor=CLERK)
    with transaction(cases_db) as session, pytest.raises(InvalidArgument) as caught:
        catalog.upsert_item(session, definition=dict(definition, promised_days=21, department="NOPE"), actor=MANAGER)
    assert fields_of(caught) == {"item.promised_days", "item.department"}
    with cases_db() as session:
        assert len(catalog.list_versions(session, "TRANS-001")) == 1


# --- the service guide ----------------------------------------------------------------


@pytest.mark.seeded
def test_the_guide_lists_exactly_the_materials_of_the_version_in_force(cases_db, tmp_path, clock):
    clock.set(IN_2011)  # a change takes effect today or later: today is in 2011 here
    data = demo()
    changed = item_of(data, "HCB-001")
    changed["materials"] = [m for m in changed["materials"] if m["name"] != "质量安全监督手续"]
    changed["materials"].append({"name": "安全生产许可证", "form": "copy", "count": 2})
    changed["effective_from"] = date(2011, 5, 1)
    with transaction(cases_db) as session:
        catalog.import_catalog(session, write(tmp_path, data))
    with cases_db() as session:
        for day, version in ((date(2011, 4, 30), 1), (date(2011, 5, 1), 2)):
            guide = service_guide(session, "HCB-001", on=day)
            rules = queries.version_in_force(session, "HCB-001", day)
            assert guide["version"] == version
            assert [(m["name"], m["form"], m["count"]) for m in guide["materials"]] == [
                (m["name"], m["form"], m["count"]) for m in rules.materials
            ]
        assert "安全生产许可证" in [m["name"] for m in guide["materials"]]
        assert "质量安全监督手续" not in [m["name"] for m in guide["materials"]]


@pytest.mark.seeded
def test_the_guide_says_where_to_go_how_long_and_what_it_costs(cases_db):
    with cases_db() as session:
        guide = service_guide(session, "AIC-002", on=date(2011, 1, 1))
        text = render_guide_text(session, "AIC-002", on=date(2011, 1, 1))
    assert guide["department"] == {"code": "AIC", "name": "县工商行政管理局"}
    assert guide["window"] == {"code": "AIC-01", "name": "工商登记窗口"}
    assert guide["time_limits"] == {"statutory_working_days": 15, "promised_working_days": 3, "on_the_spot": False}
    assert guide["fee_item_codes"] == ["FEE-AIC-LICENSE"] and not guide["free_of_charge"]
    assert guide["needs_seal"] is True
    assert text == format_guide(guide)
    assert "法定15个工作日，承诺3个工作日" in text
    assert "工商登记窗口（AIC-01）" in text and "FEE-AIC-LICENSE" in text
    for material in guide["materials"]:
        assert f"{material['name']}（{material['form_label']}{material['count']}份）" in text


@pytest.mark.seeded
def test_the_guide_of_an_instant_and_of_a_joint_item(cases_db):
    with cases_db() as session:
        instant = service_guide(session, "AIC-001", on=date(2011, 1, 1))
        joint = service_guide(session, "HCB-010", on=date(2011, 1, 1))
    assert instant["time_limits"]["on_the_spot"] and instant["free_of_charge"]
    assert "即办件" in format_guide(instant) and "收费标准：不收费" in format_guide(instant)
    assert {d["code"] for d in joint["joint_departments"]} == {"LAND", "PLAN"}
    assert "县规划局" in format_guide(joint) and "法定45个工作日" in format_guide(joint)


# --- one form -------------------------------------------------------------------------


@pytest.mark.seeded
def test_the_demo_forms_fit_the_catalog(cases_db):
    forms = load_forms()
    assert set(forms) == {"business_registration", "construction_permit_stage"}
    with cases_db() as session:
        check_forms(session, forms, date(2011, 1, 1))
        departments = {
            code: queries.version_in_force(session, code, date(2011, 1, 1)).department_code
            for form in forms.values()
            for code in (t.item_code for t in form.targets)
        }
    assert {departments[t.item_code] for t in forms["business_registration"].targets} == {"AIC", "STAX", "LTAX", "PSB"}
    assert {departments[t.item_code] for t in forms["construction_permit_stage"].targets} == {"HCB", "LAND", "PLAN"}


def test_the_business_form_projects_onto_each_department_item():
    projection = project(form_definition("business_registration"), dict(BUSINESS_FORM, address="  枞阳镇环城路8号 "))
    assert set(projection) == {"AIC-002", "STAX-001", "LTAX-001", "PSB-003"}
    assert projection["AIC-002"]["company_name"] == BUSINESS_FORM["enterprise_name"]
    assert projection["AIC-002"]["registered_capital"] == 100
    assert projection["STAX-001"] == {
        "taxpayer_name": BUSINESS_FORM["enterprise_name"],
        "legal_representative": "张三",
        "address": "枞阳镇环城路8号",
        "business_scope": BUSINESS_FORM["business_scope"],
        "accountant": "李四",
    }
    assert projection["PSB-003"]["seal_types"] == BUSINESS_FORM["seal_types"]
    assert "contact_phone" not in str(projection)


def test_optional_fields_left_empty_are_left_out_of_the_projection():
    data = {
        "project_name": "枞阳县第二中学教学楼",
        "builder": "枞阳县教育局",
        "site_location": "枞阳镇新城区",
        "parcel_number": "340723-001-0042",
        "land_area": 12000,
        "building_area": 8600,
        "contractor": "安徽某建设工程有限公司",
        "total_investment": 2400,
        "supervisor": "",
    }
    projection = project(form_definition("construction_permit_stage"), data)
    assert projection["LAND-001"] == {
        "land_user": "枞阳县教育局",
        "parcel_number": "340723-001-0042",
        "location": "枞阳镇新城区",
        "land_area": 12000,
    }
    assert "supervisor" not in projection["HCB-001"] and projection["HCB-001"]["contractor"] == "安徽某建设工程有限公司"
    assert projection["PLAN-002"]["building_area"] == 8600


def test_every_missing_required_field_is_named():
    data = {k: v for k, v in BUSINESS_FORM.items() if k not in ("enterprise_name", "seal_types")}
    data["accountant"] = "   "
    with pytest.raises(InvalidArgument) as caught:
        project(form_definition("business_registration"), data)
    assert fields_of(caught) == {"form_data.enterprise_name", "form_data.seal_types", "form_data.accountant"}


def test_a_field_the_form_does_not_have_is_refused():
    with pytest.raises(InvalidArgument) as caught:
        project(form_definition("business_registration"), dict(BUSINESS_FORM, favourite_colour="red"))
    assert fields_of(caught) == {"form_data.favourite_colour"}
    with pytest.raises(NotFound):
        form_definition("no_such_form")


def forms_file(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEMO_FORMS.read_text(encoding="utf-8"))
    change(data)
    return write(tmp_path, data, "forms.yaml")


def test_a_form_mapping_to_a_field_it_does_not_have_is_refused(tmp_path):
    def change(data):
        data["forms"][0]["targets"][0]["map"]["company_name"] = "company"

    with pytest.raises(InvalidArgument) as caught:
        load_forms(forms_file(tmp_path, change))
    assert fields_of(caught) == {"forms[business_registration].targets[AIC-002].map.company_name"}


@pytest.mark.seeded
def test_forms_that_disagree_with_the_catalog_are_refused(cases_db, tmp_path):
    def change(data):
        construction = data["forms"][1]
        construction["targets"][1]["map"]["plot"] = construction["targets"][1]["map"].pop("parcel_number")
        construction["targets"].pop()  # no planning item any more

    forms = load_forms(forms_file(tmp_path, change))
    with cases_db() as session, pytest.raises(InvalidArgument) as caught:
        check_forms(session, forms, date(2011, 1, 1))
    assert fields_of(caught) == {
        "forms[construction_permit_stage].targets[LAND-001].map.plot",
        "forms[construction_permit_stage].targets[LAND-001].map.parcel_number",
        "forms[construction_permit_stage].targets",
    }
