"""No consumer receives personal data it does not need. The cases service's events are read
record by record as each consumer's group would get them (every record of the topics it
consumes, handled or not), and each consumer may find in them only the applicant's data it
needs: notification whom to tell and how (name, phone, e-mail), fees the payer's name,
evaluation nothing. The ID card number is in no event at all."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from google.protobuf import text_format

from services.attendance.server import DEFINITION as ATTENDANCE
from services.cases import deadlines, decisions, intake
from services.cases.models import OutboxMessage
from services.evaluation.server import DEFINITION as EVALUATION
from services.fees.server import DEFINITION as FEES
from services.notification.server import DEFINITION as NOTIFICATION
from shared.kafka.envelope import decode
from tests.cases_hall import ID_CARD, staff

NAME, PHONE, EMAIL = "欧阳明", "13912345678", "ouyang.ming@example.cn"
PERSONAL = {"name": NAME, "phone": PHONE, "email": EMAIL, "id_card": ID_CARD}
# What each consumer needs of the applicant, and why.
NEEDS = {
    NOTIFICATION.name: {"name", "phone", "email"},  # it writes to the applicant by name
    FEES.name: {"name"},  # the payer on the payment notice and the receipt
    EVALUATION.name: set(),  # it counts cases
    ATTENDANCE.name: set(),
}
CONSUMERS = [NOTIFICATION, FEES, EVALUATION, ATTENDANCE]


def _case_with_every_applicant_event(hall) -> str:
    case, _, _ = hall.do(
        lambda s: intake.submit_application(
            s,
            service_item_code="AIC-002",
            applicant=intake.ApplicantInput(name=NAME, id_card_number=ID_CARD, phone=PHONE, email=EMAIL),
            materials_supplied=["申请书", "营业执照", "场地证明"],
        )
    )
    aic = staff("AIC")
    hall.do(lambda s: decisions.accept(s, case.case_number, aic))
    hall.do(lambda s: deadlines.pause(s, case.case_number, aic, reason="testing", expected_end=date(2099, 1, 1)))
    hall.do(lambda s: deadlines.resume(s, case.case_number, aic))
    approver = staff("AIC", "approver", staff_id="aic-02")
    hall.do(lambda s: deadlines.extend(s, case.case_number, approver, extra_days=1, reason="检测周期较长"))
    return case.case_number


def test_each_consumer_receives_only_the_personal_data_it_needs(hall, clock):
    _case_with_every_applicant_event(hall)
    with hall.session_factory() as session:
        rows = session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        records = [(row.topic, decode(row.envelope)[1]) for row in rows]
    assert len(records) >= 6
    received = {consumer.name: set() for consumer in CONSUMERS}
    for consumer in CONSUMERS:
        for topic, payload in records:
            if topic not in consumer.consumes:
                continue
            text = text_format.MessageToString(payload, as_utf8=True)
            found = {kind for kind, value in PERSONAL.items() if value in text}
            assert found <= NEEDS[consumer.name], (consumer.name, topic, type(payload).__name__, found)
            received[consumer.name] |= found
    # ... and the notification service still gets what it needs to reach the applicant.
    assert received[NOTIFICATION.name] == {"name", "phone", "email"}
    assert received[FEES.name] == {"name"}
