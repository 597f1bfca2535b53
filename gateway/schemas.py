"""HTTP shapes, separate from the proto messages; times in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import BaseModel, ConfigDict, Field

from servicehall.cases.v1 import cases_pb2
from servicehall.notification.v1 import notification_pb2
from shared.timeutil import SHANGHAI, from_timestamp


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApplicantIn(Strict):
    name: str = Field(min_length=1, max_length=50, examples=["张三"])
    id_card_number: str = Field(min_length=1, max_length=18, examples=["340723199001010019"])
    phone: str = Field("", max_length=11, examples=["13812345678"])
    email: str = Field("", max_length=200)


class CaseSubmission(Strict):
    service_item_code: str = Field(min_length=1, max_length=40, examples=["AIC-002"])
    applicant: ApplicantIn
    remarks: str = Field("", max_length=2000)


class ServiceItemOut(BaseModel):
    code: str
    name: str
    department_code: str
    department_name: str
    window_code: str
    case_kind: str
    statutory_days: int
    promised_days: int


class ApplicantOut(BaseModel):
    name: str
    id_card_number: str = Field(description="masked")
    phone: str = Field(description="masked")
    email: str = Field(description="masked")


class CaseOut(BaseModel):
    case_number: str
    query_code: str | None = Field(None, description="only in the answer to the submission")
    status: str
    service_item: ServiceItemOut
    applicant: ApplicantOut
    submitted_at: datetime
    remarks: str


class NoticeOut(BaseModel):
    notice_id: str
    case_number: str
    channel: str
    recipient: str = Field(description="masked")
    subject: str
    body: str
    created_at: datetime


class NoticeList(BaseModel):
    notices: list[NoticeOut]


class ServiceItemList(BaseModel):
    items: list[ServiceItemOut]


def shown(stamp: Timestamp) -> datetime:
    return from_timestamp(stamp).astimezone(SHANGHAI)


def _enum_name(enum: object, value: int, prefix: str) -> str:
    return enum.Name(value).removeprefix(prefix).lower()  # type: ignore[attr-defined]


def item_out(item: cases_pb2.ServiceItem) -> ServiceItemOut:
    return ServiceItemOut(
        code=item.code,
        name=item.name,
        department_code=item.department_code,
        department_name=item.department_name,
        window_code=item.window_code,
        case_kind=_enum_name(cases_pb2.CaseKind, item.case_kind, "CASE_KIND_"),
        statutory_days=item.statutory_days,
        promised_days=item.promised_days,
    )


def case_out(case: cases_pb2.Case) -> CaseOut:
    return CaseOut(
        case_number=case.case_number,
        query_code=case.query_code or None,
        status=_enum_name(cases_pb2.CaseStatus, case.status, "CASE_STATUS_"),
        service_item=item_out(case.service_item),
        applicant=ApplicantOut(
            name=case.applicant.name,
            id_card_number=case.applicant.id_card_number,
            phone=case.applicant.phone,
            email=case.applicant.email,
        ),
        submitted_at=shown(case.submitted_at),
        remarks=case.remarks,
    )


def notice_out(notice: notification_pb2.Notice) -> NoticeOut:
    return NoticeOut(
        notice_id=notice.notice_id,
        case_number=notice.case_number,
        channel=notice.channel,
        recipient=notice.recipient,
        subject=notice.subject,
        body=notice.body,
        created_at=shown(notice.created_at),
    )
