"""The service guide (办事指南) of an item, generated from the version of its rules in force,
so what the applicant reads and what the window enforces cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from services.cases.models import Department, ServiceItem, ServiceItemVersion, Window
from services.cases.queries import version_in_force
from shared.auth import Caller
from shared.clock import today
from shared.errors import FieldViolation, NotFound

ITEM_TYPE_LABELS = {
    "administrative_licence": "行政许可",
    "public_service": "公共服务",
    "administrative_confirmation": "行政确认",
    "other": "其他",
}
CASE_KIND_LABELS = {"instant": "即办件", "committed": "承诺件", "joint": "联办件"}
MATERIAL_FORM_LABELS = {"original": "原件", "copy": "复印件"}


def service_guide(session: Session, code: str, on: date | None = None) -> dict[str, Any]:
    """The guide of an item on a day (today in the hall by default): what to bring, how
    long it takes, what it costs, where to go. Plain JSON-ready values."""
    day = on or today(session)
    return guide_of(session, version_in_force(session, code, day), day)


def guide_of(session: Session, version: ServiceItemVersion, day: date) -> dict[str, Any]:
    """The guide of one version of an item's rules, as of a day (service_guide's answer)."""
    department = session.get(Department, version.department_code)
    window = session.get(Window, version.window_code)
    joint = []
    for other in version.joint_departments or []:
        found = session.get(Department, other)
        joint.append({"code": other, "name": found.name if found else other})
    return {
        "code": version.code,
        "name": version.name,
        "version": version.version,
        "effective_from": version.effective_from.isoformat(),
        "as_of": day.isoformat(),
        "item_type": version.item_type,
        "item_type_label": ITEM_TYPE_LABELS.get(version.item_type, version.item_type),
        "case_kind": version.case_kind,
        "case_kind_label": CASE_KIND_LABELS.get(version.case_kind, version.case_kind),
        "department": {
            "code": version.department_code,
            "name": department.name if department else version.department_code,
        },
        "window": {"code": version.window_code, "name": window.name if window else version.window_code},
        "time_limits": {
            "statutory_working_days": version.statutory_days,
            "promised_working_days": version.promised_days,
            "on_the_spot": version.case_kind == "instant",
        },
        "materials": [
            {
                "name": m["name"],
                "form": m["form"],
                "form_label": MATERIAL_FORM_LABELS.get(m["form"], m["form"]),
                "count": m["count"],
            }
            for m in version.materials or []
        ],
        "fee_item_codes": list(version.fee_item_codes or []),
        "free_of_charge": not version.fee_item_codes,
        "needs_seal": version.needs_seal,
        "form_fields": [dict(f) for f in version.form_fields or []],
        "joint_departments": joint,
    }


def render_guide_text(session: Session, code: str, on: date | None = None) -> str:
    """The guide of an item on a day as printable Chinese text."""
    return format_guide(service_guide(session, code, on))


def format_guide(guide: dict[str, Any]) -> str:
    """A guide (service_guide's answer, nothing else) as printable Chinese text."""
    limits = guide["time_limits"]
    lines = [
        f"办事指南：{guide['name']}",
        f"事项编码：{guide['code']}（第{guide['version']}版，自{guide['effective_from']}起施行）",
        f"事项类型：{guide['item_type_label']}",
        f"办件类型：{guide['case_kind_label']}",
        f"办理地点：县行政服务中心 {guide['department']['name']} "
        f"{guide['window']['name']}（{guide['window']['code']}）",
    ]
    if limits["on_the_spot"]:
        lines.append("办理时限：即办件，材料齐全、符合法定形式的，现场办结")
    else:
        lines.append(
            f"办理时限：法定{limits['statutory_working_days']}个工作日，承诺{limits['promised_working_days']}个工作日"
            "（自受理之日起计算，补正材料及依法需要听证、检验、检测、鉴定、专家评审的时间不计算在内）"
        )
    if guide["joint_departments"]:
        names = "、".join(d["name"] for d in guide["joint_departments"])
        lines.append(f"联办部门：{names}（并联审批，一个窗口受理，各部门同时办理）")
    lines.append("申请材料：")
    if guide["materials"]:
        for number, material in enumerate(guide["materials"], start=1):
            lines.append(f"  {number}. {material['name']}（{material['form_label']}{material['count']}份）")
    else:
        lines.append("  无")
    if guide["free_of_charge"]:
        lines.append("收费标准：不收费")
    else:
        lines.append(
            f"收费标准：{'、'.join(guide['fee_item_codes'])}（按统一收费标准由系统计算，"
            "凭缴款通知书到中心收费窗口统一缴纳，窗口不另收费）"
        )
    if guide["form_fields"]:
        fields = "、".join(f"{f['label']}{'（必填）' if f.get('required') else ''}" for f in guide["form_fields"])
        lines.append(f"申请表填写：{fields}")
    lines.append(
        "审批专用章：办理结果加盖窗口审批专用章，盖章时间为办结时间" if guide["needs_seal"] else "审批专用章：不需要"
    )
    lines.append("材料不全或不符合法定形式的，窗口一次性告知需要补正的全部内容。")
    return "\n".join(lines)


# ------------------------------------------------------------------------- use cases
@dataclass(frozen=True)
class ServiceGuide:
    version: ServiceItemVersion  # in force today: what the listing shows of the item too
    text: str


def get_service_guide(session: Session, caller: Caller, *, code: str) -> ServiceGuide:
    """An item's guide as it applies today: public (anyone may ask what to bring). The item
    shown with it and its text are one version, the one in force today, as in the listing
    (catalog.list_service_items)."""
    item = session.get(ServiceItem, code)
    if item is None:
        raise NotFound("no such service item", [FieldViolation("service_item_code", "not in the catalog")])
    day = today(session)
    version = version_in_force(session, item.code, day)
    return ServiceGuide(version=version, text=format_guide(guide_of(session, version, day)))
