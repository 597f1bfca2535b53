"""A small hall for the cases tests: one migrated database with a hand-made catalog, so the
tests say exactly which rules they rely on (the demo catalog may change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from services.cases import intake, queries
from services.cases.models import Department, ServiceItem, ServiceItemVersion, Window, WindowSeal
from shared.auth import Caller
from shared.db import transaction

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "services" / "cases" / "migrations"
ID_CARD = "340723199001010019"

MATERIALS = [
    {"name": "申请书", "form": "original", "count": 1},
    {"name": "营业执照", "form": "copy", "count": 1},
    {"name": "场地证明", "form": "copy", "count": 1},
]

ITEMS = [
    # code, department, kind, statutory, promised, materials, fees, seal, joint departments
    ("AIC-002", "AIC", "committed", 15, 3, MATERIALS, ["FEE-AIC-LICENSE"], True, []),
    ("AIC-001", "AIC", "instant", 0, 0, MATERIALS[:1], [], True, []),
    ("LAND-001", "LAND", "committed", 20, 10, MATERIALS[:1], [], False, []),
    ("HCB-009", "HCB", "joint", 45, 20, MATERIALS[:1], [], False, ["LAND", "PLAN"]),
]


def _all_materials(code: str) -> list[str]:
    return next([m["name"] for m in row[5]] for row in ITEMS if row[0] == code)


def staff(department: str, *roles: str, staff_id: str | None = None) -> Caller:
    return Caller(
        staff_id=staff_id or f"{department.lower()}-01",
        department_code=department,
        roles=frozenset(roles or ("window_staff",)),
    )


MANAGER = Caller(staff_id="zy-mgr", department_code="ZY", roles=frozenset({"manager"}))


@dataclass
class Hall:
    session_factory: sessionmaker[Session]

    @property
    def url(self) -> str:
        """The database's URL, for a second engine or a command line: only for tests marked
        `own_database` (the shared test database keeps the test's rows in an open transaction)."""
        bind = self.session_factory.kw["bind"]
        assert isinstance(bind, Engine), "mark the test own_database to open the database a second time"
        return bind.url.render_as_string(hide_password=False)

    def submit(self, item: str = "AIC-002", *, materials: list[str] | None = None) -> tuple[str, str]:
        with transaction(self.session_factory) as session:
            case, _, code = intake.submit_application(
                session,
                service_item_code=item,
                applicant=intake.ApplicantInput(name="张三", id_card_number=ID_CARD, phone="13812345678"),
                materials_supplied=_all_materials(item) if materials is None else materials,
            )
            return case.case_number, code

    def do(self, work):
        with transaction(self.session_factory) as session:
            return work(session)

    def case(self, number: str):
        with self.session_factory() as session:
            return queries.find_case(session, number)


def build_hall(factory: sessionmaker[Session]) -> Hall:
    """The small catalog below, written into an empty cases database."""
    with transaction(factory) as session:
        for code in ("AIC", "LAND", "HCB", "PLAN", "ZY"):
            session.add(Department(code=code, name=f"{code} 局"))
        session.flush()
        for code in ("AIC", "LAND", "HCB", "PLAN", "ZY"):
            session.add(Window(code=f"{code}-01", department_code=code, name=f"{code} 窗口"))
            session.add(
                WindowSeal(
                    code=f"SEAL-{code}-01",
                    window_code=f"{code}-01",
                    department_code=code,
                    name=f"{code} 窗口审批专用章",
                    active=True,
                )
            )
        session.flush()
        for code, department, kind, statutory, promised, materials, fees, seal, joint in ITEMS:
            session.add(
                ServiceItem(
                    code=code,
                    name=f"事项 {code}",
                    department_code=department,
                    window_code=f"{department}-01",
                    case_kind=kind,
                    statutory_days=statutory,
                    promised_days=promised,
                    current_version=1,
                )
            )
            session.flush()
            session.add(
                ServiceItemVersion(
                    code=code,
                    version=1,
                    effective_from=date(2010, 1, 1),
                    name=f"事项 {code}",
                    department_code=department,
                    window_code=f"{department}-01",
                    item_type="administrative_licence",
                    case_kind=kind,
                    statutory_days=statutory,
                    promised_days=promised,
                    materials=materials,
                    fee_item_codes=fees,
                    needs_seal=seal,
                    form_fields=[],
                    joint_departments=joint,
                )
            )
    return Hall(factory)
