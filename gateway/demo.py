"""Demo accounts for `make up` (never for a real hall): a few staff of several roles with a
known password, the privileged ones with a known TOTP secret, and one department system.
Idempotent: an account or client that exists is left as it is."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.identity.passwords import hash_password
from gateway.models import Account, SystemClient
from gateway.settings import GatewaySettings
from shared.db import make_engine, make_session_factory, run_in_transaction

DEMO_PASSWORD = "Demo-hall-2026!"
DEMO_CLIENT_SECRET = "demo-secret-of-the-land-registry-system"
# (staff id, name, department, roles, TOTP secret or "")
DEMO_STAFF = (
    ("aic-01", "市场监管局窗口", "AIC", ["window_staff"], ""),
    ("aic-chief", "市场监管局首席代表", "AIC", ["chief_representative"], ""),
    ("land-01", "自然资源局窗口", "LAND", ["window_staff"], ""),
    ("fin-01", "财政局窗口", "FIN", ["window_staff"], ""),
    ("fin-cash-1", "收费窗口", "FIN", ["cashier"], "DEMOCASHIERTOTPSECRETAAAAAAAAAAA"),
    # A second till: the fee examples close fin-cash-1's day and then take one more payment.
    ("fin-cash-2", "收费窗口二", "FIN", ["cashier"], "DEMOSECONDCASHIERTOTPSECRETAAAAA"),
    ("fin-appr", "财政局审批", "FIN", ["approver"], "DEMOAPPROVERTOTPSECRETAAAAAAAAAA"),
    ("zy-mgr", "中心管理人员", "ZY", ["manager"], "DEMOMANAGERTOTPSECRETAAAAAAAAAAA"),
    ("xn-01", "县效能办", "XN", ["efficiency_office"], "DEMOEFFICIENCYOFFICETOTPSECRETAA"),
    ("admin", "账号管理员", "ZY", ["administrator"], "DEMOADMINISTRATORTOTPSECRETAAAAA"),
)
DEMO_CLIENT = ("land-registry", "不动产登记系统", ["LAND"], ["window_staff"], ["servicehall.cases.v1.CasesService/*"])


def seed_demo_accounts(settings: GatewaySettings) -> list[str]:
    engine = make_engine(settings.resolved_database_url())
    try:
        run_in_transaction(make_session_factory(engine), _seed)
    finally:
        engine.dispose()
    lines = [
        f"  password of every account: {DEMO_PASSWORD}",
        f"  {'staff id':<11} {'dept':<5} {'roles':<22}TOTP secret",
    ]
    for staff_id, _name, department, roles, secret in DEMO_STAFF:
        lines.append(f"  {staff_id:<11} {department:<5} {','.join(roles):<22}{secret or '-'}")
    client_id, _name, departments, _roles, scopes = DEMO_CLIENT
    lines.append(
        f"  department system {client_id} ({','.join(departments)}, {' '.join(scopes)}): secret {DEMO_CLIENT_SECRET}"
    )
    return lines


def _seed(session: Session) -> None:
    password_hash = hash_password(DEMO_PASSWORD)
    for staff_id, name, department, roles, secret in DEMO_STAFF:
        if session.get(Account, staff_id) is None:
            session.add(
                Account(
                    staff_id=staff_id,
                    display_name=name,
                    department_code=department,
                    roles=roles,
                    password_hash=password_hash,
                    totp_secret=secret,
                )
            )
    client_id, name, departments, roles, scopes = DEMO_CLIENT
    if session.get(SystemClient, client_id) is None:
        session.add(
            SystemClient(
                client_id=client_id,
                name=name,
                departments=departments,
                roles=roles,
                scopes=scopes,
                secret_hash=hash_password(DEMO_CLIENT_SECRET),
            )
        )
