"""Free text a person types (remarks, reasons, notes, a consultation's asker and topic) is stored
with its ID card and phone numbers masked, so no answer, event or log line built from it can
carry them: every free-text column of every service is declared (shared.db.free_text), and the
use cases of the cases service store, answer and publish the masked text."""

from __future__ import annotations

from datetime import date
from importlib import import_module

import pytest
import sqlalchemy as sa

from services.cases import consultations, deadlines, decisions, intake
from services.cases.models import OutboxMessage
from shared.db import FREE_TEXT_COLUMNS
from shared.kafka.envelope import decode
from tests.cases_hall import ID_CARD, staff

PHONE = "13812345678"
# The numbers as a hostile applicant would type them, so that the plain-digit masking of old
# would not see them.
TYPED = f"身份证 {ID_CARD[:6]} {ID_CARD[6:14]} {ID_CARD[14:]}，电话 138-1234-5678，或 +86１３８１２３４５６７８"
SERVICES = ["cases", "fees", "attendance", "evaluation", "notification"]

# Text columns that are not free text a person types, and why.
NOT_FREE_TEXT = {
    "cases.cases.applicant_name": "the applicant's name, needed in full on the notices and vouchers",
    "cases.cases.applicant_email": "validated as an e-mail address on input, shown masked",
    "cases.cases.applicant_id_card_number": "validated on input, shown masked",
    "cases.cases.applicant_phone": "validated on input, shown masked",
    "cases.service_items.name": "the catalog, written by administrators",
    "cases.service_item_versions.name": "the catalog",
    "cases.service_item_versions.legal_basis": "the catalog",
    "cases.departments.name": "the catalog",
    "cases.windows.name": "the catalog",
    "cases.window_seals.name": "the catalog",
    "cases.material_waivers.material": "the name of a material of the catalog",
    "cases.deadline_changes.reason": "written by the system (e.g. 'arrangement 2027 imported')",
    "cases.holiday_arrangements.notice": "the State Council's published notice",
    "cases.vouchers.title": "the kind of voucher, fixed by the code",
    "fees.fee_standards.name": "the fee standard catalog",
    "fees.fee_standards.legal_basis": "the fee standard catalog",
    "fees.notice_lines.fee_item_name": "the fee standard catalog",
    "fees.notice_lines.basis": "computed from the fee standard",
    "fees.receipt_lines.fee_item_name": "the fee standard catalog",
    "fees.fee_cases.applicant_name": "the payer's name on the receipt",
    "fees.receipts.payer_name": "the payer's name on the receipt",
    "fees.fee_cases.assessment_error": "written by the system",
    "fees.payments.idempotency_key": "a key the client generates",
    "fees.refunds.idempotency_key": "a key the client generates",
    "fees.payments.reference": "a bank or card reference, checked by the cashier",
    "notification.notices.recipient": "the address a notice goes to, shown masked",
    "notification.notices.subject": "composed from the case event (its free text masked at the source)",
    "notification.notices.body": "composed from the case event (its free text masked at the source)",
    "notification.notices.last_error": "masked when stored (delivery.py)",
}


def _text_columns(service: str) -> set[str]:
    """Every column that can hold a sentence: Text, or a String of 100 characters or more."""
    metadata = import_module(f"services.{service}.models").Base.metadata
    return {
        f"{service}.{table.name}.{column.name}"
        for table in metadata.tables.values()
        if table.name not in ("outbox_messages", "processed_events")  # the event machinery
        for column in table.columns
        if isinstance(column.type, sa.Text) or (isinstance(column.type, sa.String) and (column.type.length or 0) >= 100)
    }


@pytest.mark.parametrize("service", SERVICES)
def test_every_text_column_is_declared_free_text_or_excused(service):
    declared = {f"{service}.{name}" for s, name in FREE_TEXT_COLUMNS if s == service}
    undecided = _text_columns(service) - declared - NOT_FREE_TEXT.keys()
    assert not undecided, f"declare these free text (shared.db.free_text) or say why they are not: {undecided}"


@pytest.mark.parametrize("service", SERVICES)
def test_a_declared_column_masks_what_is_set(service):
    models = import_module(f"services.{service}.models")
    for mapper in models.Base.registry.mappers:
        for attribute in mapper.column_attrs:
            (column,) = attribute.columns
            if (service, f"{column.table.name}.{column.name}") not in FREE_TEXT_COLUMNS:
                continue
            row = mapper.class_()
            setattr(row, attribute.key, TYPED)
            value = getattr(row, attribute.key)
            assert PHONE not in value.replace("-", "") and ID_CARD[6:14] not in value.replace(" ", ""), value


def _events(hall, number: str) -> list:
    with hall.session_factory() as session:
        rows = session.scalars(sa.select(OutboxMessage).where(OutboxMessage.partition_key == number)).all()
        return [decode(row.envelope)[1] for row in rows]


def _unmasked(text: str) -> bool:
    plain = "".join(c for c in text.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if c.isdigit())
    return PHONE in plain or ID_CARD[6:14] in plain


def test_the_cases_use_cases_store_answer_and_publish_masked_free_text(hall, clock):
    case, _, _ = hall.do(
        lambda s: intake.submit_application(
            s,
            service_item_code="LAND-001",
            applicant=intake.ApplicantInput(name="张三", id_card_number=ID_CARD, phone=PHONE),
            remarks=TYPED,
            materials_supplied=["申请书"],
        )
    )
    number = case.case_number
    answers = [case.remarks]
    land = staff("LAND")
    answers.append(hall.do(lambda s: decisions.accept(s, number, land, reason=TYPED)).remarks)
    pause = hall.do(
        lambda s: deadlines.pause(s, number, land, reason="testing", expected_end=date(2099, 1, 1), note=TYPED)
    )
    answers.append(pause.note)
    answers.append(hall.do(lambda s: deadlines.resume(s, number, land, reason=TYPED)).remarks)
    approver = staff("LAND", "approver", staff_id="land-02")
    answers.append(hall.do(lambda s: deadlines.extend(s, number, approver, extra_days=2, reason=TYPED)).reason)
    consultation = hall.do(
        lambda s: consultations.record_consultation(
            s, department_code="LAND", window_code="LAND-01", asker=TYPED, topic=TYPED, staff_id="land-01"
        )
    )
    answers += [consultation.asker, consultation.topic]
    assert not [a for a in answers if _unmasked(a)]

    with hall.session_factory() as session:
        stored = [
            value
            for table, column in FREE_TEXT_COLUMNS
            if table == "cases"
            for value in session.execute(
                sa.text(f"SELECT {column.split('.')[1]} FROM {column.split('.')[0]}")
            ).scalars()
            if value
        ]
    assert stored and not [s for s in stored if _unmasked(s)]
    # The free text each event carries (the applicant's contact details are another matter:
    # test_event_contracts_privacy.py).
    published = [
        value
        for event in _events(hall, number)
        for field, value in event.ListFields()
        if field.name in ("reason", "note", "remarks")
    ]
    assert len(published) >= 4 and not [p for p in published if _unmasked(p)]
