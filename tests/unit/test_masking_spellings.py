"""mask_text finds ID card and phone numbers however they are written: with spaces or dashes
between the digits, in full-width digits, with +86 / 0086 in front, inside any text; and it
leaves the hall's own numbers (dates, amounts, case, voucher, notice and receipt numbers) alone."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.masking import mask_text

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
SEPARATORS = [" ", "-", "  ", " - ", "\u3000", "－", "‐", "—"]
# What may surround a number: words, punctuation and separators, but no digit (a digit next to
# the number would make a longer number, which is not the one written).
SURROUNDING = st.text(
    alphabet=st.sampled_from(list("申请人电话手机号码身份证联系方式备注请回电谢谢ABCxyz，。：:；（）() -")), max_size=12
)


def _digits(number: str, full_width: list[bool]) -> str:
    return "".join(c.translate(FULL_WIDTH) if wide else c for c, wide in zip(number, full_width, strict=True))


def _grouped(number: str, cuts: list[int], seps: list[str]) -> str:
    """The number with a separator at each cut (cuts are positions inside it)."""
    out, last = [], 0
    for cut, sep in zip(sorted(set(cuts)), seps, strict=False):
        out += [number[last:cut], sep]
        last = cut
    return "".join(out) + number[last:]


@st.composite
def spelled(draw, number: str) -> str:
    """One way a person could write `number`: separators at a few places, some digits full-width."""
    wide = draw(st.sampled_from(["none", "all", "some"]))
    flags = [wide == "all" or (wide == "some" and draw(st.booleans())) for _ in number]
    text = _digits(number, flags)
    cuts = draw(st.lists(st.integers(1, len(number) - 1), max_size=4))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(cuts), max_size=len(cuts)))
    return _grouped(text, cuts, seps)


MOBILES = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
ID_CARDS = st.builds(
    lambda region, born, sequence, check: f"{region}{born:%Y%m%d}{sequence:03d}{check}",
    st.integers(100000, 999999),
    st.dates(date(1900, 1, 1), date(2099, 12, 31)),
    st.integers(0, 999),
    st.sampled_from("0123456789Xx"),
)
PREFIXES = st.sampled_from(["", "+86", "+86 ", "+86-", "0086", "0086 ", "0086-", "86", "86 ", "＋８６", "（+86）"])


def _plain(text: str) -> str:
    """The text as digits only: full-width folded, every separator dropped, so that a number
    still readable across separators is found."""
    folded = text.translate(str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")).upper()
    return re.sub(r"[^0-9X*]", "", folded)


@settings(max_examples=400, deadline=None)
@given(st.data(), MOBILES, PREFIXES, SURROUNDING, SURROUNDING)
def test_no_mobile_number_survives_in_any_spelling(data, mobile, prefix, before, after):
    written = prefix + data.draw(spelled(mobile))
    masked = mask_text(before + written + after)
    # Exactly the middle four digits go: the rest tells numbers apart on the phone.
    expected = _plain(before) + _plain(prefix) + mobile[:3] + "****" + mobile[7:] + _plain(after)
    assert _plain(masked) == expected, masked


@settings(max_examples=400, deadline=None)
@given(st.data(), ID_CARDS, SURROUNDING, SURROUNDING)
def test_no_id_card_number_survives_in_any_spelling(data, number, before, after):
    written = data.draw(spelled(number))
    masked = mask_text(before + written + after)
    # The region and the last four stay; the date of birth goes.
    expected = _plain(before) + number[:6] + "*" * 8 + number[14:].upper() + _plain(after)
    assert _plain(masked) == expected, masked


@settings(max_examples=200, deadline=None)
@given(
    st.data(),
    st.sampled_from(["010", "021", "0551", "0556", "0755"]),
    st.text(alphabet="0123456789", min_size=6, max_size=7).map(lambda rest: "6" + rest),
    SURROUNDING,
    SURROUNDING,
)
def test_no_landline_number_survives_written_with_its_area_code(data, area, local, before, after):
    sep = data.draw(st.sampled_from(["-", " ", "－", ")", "）"]))
    opening = "(" if sep == ")" else "（" if sep == "）" else ""
    masked = mask_text(before + opening + area + sep + data.draw(spelled(local)) + after)
    assert local not in _plain(masked), masked


def test_the_spellings_of_the_issue_are_masked():
    for written, shown in [
        ("138 1234 5678", "138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("+8613812345678", "+86138****5678"),
        ("0086-13812345678", "0086-138****5678"),
        ("340723 19900101 0019", "340723 ******** 0019"),
        ("3407-2319-9001-0100-1X", "3407-23**-****-**00-1X"),
        ("３４０７２３１９９００１０１００１９", "３４０７２３********００１９"),
        ("0551-62345678", "0551-****5678"),
        ("(0551)6234-5678", "(0551)****-5678"),
        ("13812345678 13998765432", "138****5678 139****5432"),
        ("2025-11-05 138 1234 5678", "2025-11-05 138 **** 5678"),
        ("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8"),
        ("34072319900101001 X", "340723********001 X"),
    ]:
        assert mask_text(f"电话{written}，谢谢") == f"电话{shown}，谢谢"


ORDINARY = [
    "LAND-20251103-00001",
    "AIC-20261128-00001 paid 15000 fen",
    "LAND-YQ-2025-00001",
    "LAND-ZT-2025-00012 LAND-HF-2025-00013",
    "PN-20251103-00001",
    "FS-2025-00000123",
    "2025-11-05",
    "2025年11月05日 09:30",
    "2025 11 05",
    "CNY 41,670,000.00",
    "15000 fen, 1380 yuan, 138.00 元",
    "第3(2)项，共 12 份材料",
    "ZY-009 v3",
    "20251103 - 20251110",
    "0.05 rate, 100 m2",
]


def test_ordinary_text_is_left_alone():
    for text in ORDINARY:
        assert mask_text(text) == text


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["LAND", "AIC", "HCB", "PN", "TAX", "LAND-YQ", "LAND-ZT", "FS"]),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)),
    st.integers(0, 99999),
    st.integers(0, 10**9),
)
def test_the_halls_numbers_dates_and_amounts_are_left_alone(prefix, day, serial, amount):
    text = (
        f"{prefix}-{day:%Y%m%d}-{serial:05d} {prefix}-{day:%Y}-{serial:08d} "
        f"{day.isoformat()} {amount} fen {amount / 100:,.2f} 元"
    )
    assert mask_text(text) == text


@given(st.uuids())
def test_the_halls_own_uuids_are_never_taken_for_a_number(value):
    # A notice id like ...-1385-2345-6789... once came back half masked from an error message.
    text = f"no notice {value}"
    assert mask_text(text) == text
