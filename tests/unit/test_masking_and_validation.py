"""Personal identifiers are masked wherever they could leak, and validated on input."""

import json
import logging

import pytest

from shared.logging import JsonFormatter
from shared.masking import mask_email, mask_id_card, mask_phone, mask_text
from shared.validation import id_card_problem, is_email, is_mobile_phone
from tests.support import VALID_ID_CARD


def test_masks_keep_only_what_identifies_nobody():
    assert mask_id_card("11010519491231002X") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_email("zhang.san@example.cn") == "z***@example.cn"


def test_mask_text_finds_identifiers_inside_free_text():
    text = f"申请人身份证 {VALID_ID_CARD}，手机13812345678，邮箱 li@example.com"
    masked = mask_text(text)
    assert VALID_ID_CARD not in masked and "340723********0019" in masked
    assert "13812345678" not in masked and "138****5678" in masked
    assert "li@example.com" not in masked


def test_mask_text_leaves_case_numbers_and_amounts_alone():
    assert mask_text("AIC-20261128-00001 paid 15000 fen") == "AIC-20261128-00001 paid 15000 fen"


def test_json_log_lines_are_masked():
    record = logging.makeLogRecord(
        {"msg": "applicant %s called", "args": ("13912345678",), "levelname": "INFO", "id_card": VALID_ID_CARD}
    )
    line = json.loads(JsonFormatter("test").format(record))
    assert line["message"] == "applicant 139****5678 called"
    assert line["id_card"] == "340723********0019"
    assert line["service"] == "test"


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        (VALID_ID_CARD, None),
        ("11010519491231002X", None),
        ("110105194912310021", "check digit does not match"),
        ("11010519491331002X", "contains an impossible date of birth"),
        ("1101051949123100", "must be 18 characters: 17 digits and a check digit (0-9 or X)"),
        ("", "must be 18 characters: 17 digits and a check digit (0-9 or X)"),
    ],
)
def test_id_card_numbers_are_checked_by_gb11643(number, problem):
    assert id_card_problem(number) == problem


def test_phone_and_email():
    assert is_mobile_phone("13812345678")
    assert not is_mobile_phone("12812345678")
    assert not is_mobile_phone("1381234567")
    assert is_email("a.b@dept.gov.cn")
    assert not is_email("not-an-address")
