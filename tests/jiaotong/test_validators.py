"""Identifier validators and masking helpers (DOMAIN.md §8, jiaotong.validators)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from jiaotong.validators import (
    _PROVINCES,
    mask_id_number,
    mask_name,
    mask_personal_numbers,
    mask_phone,
    validate_credit_code,
    validate_id_for_party,
    validate_mobile,
    validate_phone,
    validate_plate,
    validate_resident_id,
)

RIC_CHECK_CHARS = "0123456789X"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z


def full_width(text: str) -> str:
    """ASCII letters and digits as their full-width forms (Ａ, １ …)."""
    return "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text
    )


RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ric_check(body17: str) -> str:
    """GB 11643 check character, written out from the standard (DOMAIN.md §8.1)
    and cross-checked with stdnum, which wants the check position included."""
    by_weights = "10X98765432"[
        sum(int(d) * w for d, w in zip(body17, RIC_WEIGHTS, strict=True)) % 11
    ]
    assert ric.calc_check_digit(body17 + "0") == by_weights
    return by_weights


def ric_with_check(body17: str) -> str:
    return body17 + ric_check(body17)


def first_body_with_check_x(prefix14: str) -> str:
    """The first 17-digit body with this area+birth prefix whose check char is X."""
    for seq in range(1000):
        body = f"{prefix14}{seq:03d}"
        if ric_check(body) == "X":
            return body
    raise AssertionError("no sequence number gives X")  # pragma: no cover


def message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- 居民身份证号码 ------------------------------------------------------------------

ric_bodies = st.builds(
    lambda province, area, birth, seq: (
        f"{province:02d}{area:04d}{birth:%Y%m%d}{seq:03d}"
    ),
    st.sampled_from(sorted(_PROVINCES)),
    st.integers(0, 9999),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=timezone.localdate()),
    st.integers(0, 999),
)


@given(body=ric_bodies)
def test_resident_id_with_valid_province_past_birth_and_check_digit_is_accepted(
    body,
):
    number = ric_with_check(body)

    assert validate_resident_id(number) == number


@given(body=ric_bodies, last=st.sampled_from(RIC_CHECK_CHARS))
def test_resident_id_with_any_other_check_char_is_rejected(body, last):
    assume(last != ric_check(body))

    with pytest.raises(ValidationError) as exc_info:
        validate_resident_id(body + last)
    assert "校验位" in message(exc_info)


def test_stdnum_check_digit_takes_the_check_position_along():
    # The example of DOMAIN.md §8.1 ends in 9; the bare body read by stdnum's
    # calc_check_digit would drop its last digit and give another answer.
    assert ric_check("41142219850101123") == "9"
    assert ric.calc_check_digit("41142219850101123") != "9"
    assert validate_resident_id("411422198501011239") == "411422198501011239"
    with pytest.raises(ValidationError):
        validate_resident_id("411422198501011238")


def test_resident_id_of_county_renamed_after_birth_is_accepted_though_stdnum_refuses():
    # 睢县 has been 411422 only since 1997; a number assigned later to someone
    # born in 1985 keeps 411422 for life (DOMAIN.md §8.1).
    number = ric_with_check("41142219850101123")
    with pytest.raises(ric.InvalidComponent):
        ric.validate(number)

    assert validate_resident_id(number) == number


@pytest.mark.parametrize("code", ["81", "82", "83"])
def test_hong_kong_macau_taiwan_residence_permits_are_accepted(code):
    number = ric_with_check(f"{code}000019900101001")

    assert validate_resident_id(number) == number


def test_resident_id_born_tomorrow_is_rejected():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    number = ric_with_check(f"411422{tomorrow:%Y%m%d}123")

    with pytest.raises(ValidationError) as exc_info:
        validate_resident_id(number)
    assert "出生日期" in message(exc_info)


def test_resident_id_born_today_is_accepted_and_today_can_be_given():
    number = ric_with_check("41142220240301123")

    assert validate_resident_id(number, today=dt.date(2024, 3, 1)) == number
    with pytest.raises(ValidationError):
        validate_resident_id(number, today=dt.date(2024, 2, 29))


@given(birth=st.dates(min_value=dt.date(2100, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_resident_id_with_future_birth_date_is_always_rejected(birth):
    number = ric_with_check(f"411422{birth:%Y%m%d}123")

    with pytest.raises(ValidationError):
        validate_resident_id(number)


@pytest.mark.parametrize("birth", ["18991231", "19850230", "19851301", "19850100"])
def test_resident_id_with_impossible_birth_date_is_rejected(birth):
    number = ric_with_check(f"411422{birth}123")

    with pytest.raises(ValidationError) as exc_info:
        validate_resident_id(number)
    assert "出生日期" in message(exc_info)


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "39", "72", "80", "91"])
def test_resident_id_with_unknown_province_is_rejected(province):
    number = ric_with_check(f"{province}142219850101123")

    with pytest.raises(ValidationError) as exc_info:
        validate_resident_id(number)
    assert "省级行政区划" in message(exc_info)


def test_lower_case_x_is_normalised_to_upper_case():
    body = first_body_with_check_x("41142219850101")

    assert validate_resident_id(body + "x") == body + "X"


def test_full_width_resident_id_and_surrounding_spaces_are_normalised():
    body = first_body_with_check_x("41142219900615")
    typed = "　" + full_width(body + "x") + " "  # ideographic space, full-width ｘ

    assert validate_resident_id(typed) == body + "X"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "18位"),
        (None, "18位"),
        ("41142219850101123", "18位"),  # 17 characters
        ("4114221985010112390", "18位"),
        ("41142219850101123A", "最后一位"),
        ("4114221985O101123X", "前17位"),
        # Arabic-Indic digits survive NFKC and are digits to Python's \d and int().
        ("٤١١٤٢٢١٩٨٥٠١٠١١٢٣٩", "前17位"),
    ],
)
def test_malformed_resident_ids_are_rejected_with_the_reason(value, reason):
    with pytest.raises(ValidationError) as exc_info:
        validate_resident_id(value)
    assert reason in message(exc_info)


# --- 统一社会信用代码 ----------------------------------------------------------------

uscc_bodies = st.builds(
    lambda first, kind, area, org: first + kind + area + org,
    st.sampled_from("0123456789ANY"),
    st.sampled_from(USCC_ALPHABET),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)


@given(body=uscc_bodies)
def test_credit_code_with_right_check_char_is_accepted(body):
    code = body + uscc.calc_check_digit(body)

    assert validate_credit_code(code) == code


@given(body=uscc_bodies, last=st.sampled_from(USCC_ALPHABET))
def test_credit_code_with_any_other_check_char_is_rejected(body, last):
    assume(last != uscc.calc_check_digit(body))

    with pytest.raises(ValidationError) as exc_info:
        validate_credit_code(body + last)
    assert "校验位" in message(exc_info)


@pytest.mark.parametrize("first", ["A", "N", "Y"])
def test_credit_codes_starting_with_a_n_y_are_accepted_though_stdnum_refuses(first):
    body = f"{first}2411422MA0000001"
    code = body + uscc.calc_check_digit(body)
    with pytest.raises(uscc.ValidationError):
        uscc.validate(code)

    assert validate_credit_code(code) == code


@pytest.mark.parametrize("letter", list("IOZSV"))
@pytest.mark.parametrize("position", [1, 9, 16, 17])
def test_credit_code_with_letter_outside_the_alphabet_is_refused(letter, position):
    chars = list("91411422MA00000015")
    chars[position] = letter

    with pytest.raises(ValidationError) as exc_info:
        validate_credit_code("".join(chars))
    assert "不允许的字符" in message(exc_info)


@pytest.mark.parametrize("first", ["B", "C", "X"])
def test_credit_code_with_unknown_registration_authority_is_refused(first):
    body = f"{first}1411422MA0000001"

    with pytest.raises(ValidationError) as exc_info:
        validate_credit_code(body + uscc.calc_check_digit(body))
    assert "不允许的字符" in message(exc_info)


def test_credit_code_with_letter_in_the_area_code_is_refused():
    body = "9141142AMA0000001"

    with pytest.raises(ValidationError):
        validate_credit_code(body + uscc.calc_check_digit(body))


def test_credit_code_lower_case_full_width_and_spaces_are_normalised():
    body = "91411422MA0000001"
    code = body + uscc.calc_check_digit(body)
    typed = " " + full_width(code.lower()[:9]) + " " + code.lower()[9:] + "　"

    assert validate_credit_code(typed) == code


@pytest.mark.parametrize("value", ["", "91411422MA000000", "91411422MA00000015X"])
def test_credit_code_of_wrong_length_is_refused(value):
    with pytest.raises(ValidationError) as exc_info:
        validate_credit_code(value)
    assert "18位" in message(exc_info)


def test_validate_id_for_party_picks_resident_id_or_credit_code():
    person = ric_with_check("41142219850101123")
    body = "91411422MA0000001"
    company = body + uscc.calc_check_digit(body)

    assert validate_id_for_party("自然人", person) == person
    assert validate_id_for_party("法人", company) == company
    with pytest.raises(ValidationError):
        validate_id_for_party("自然人", company)
    with pytest.raises(ValidationError):
        validate_id_for_party("法人", person)


# --- 机动车号牌 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "plate",
    [
        "豫N12345",  # ordinary
        "豫NA1234",
        "京AZ9Y8X",
        "豫N1234挂",  # trailer
        "豫N1234学",  # coach car
        "豫N1234警",
        "粤Z1234港",
        "粤Z1234澳",
        "豫ND12345",  # small new-energy, pure electric
        "豫NFA2345",  # small new-energy, letter after F
        "豫N12345D",  # large new-energy
        "豫N12345F",
    ],
)
def test_valid_plates_are_accepted_unchanged(plate):
    assert validate_plate(plate) == plate


@pytest.mark.parametrize(
    ("typed", "plate"),
    [
        ("豫n12345", "豫N12345"),
        ("豫N·12345", "豫N12345"),
        ("豫N-12345", "豫N12345"),
        (" 豫 N 12345 ", "豫N12345"),
        ("豫Ｎ１２３４５", "豫N12345"),
        ("豫nd12345", "豫ND12345"),
        ("豫N・12345d", "豫N12345D"),
    ],
)
def test_plates_are_normalised(typed, plate):
    assert validate_plate(typed) == plate


@pytest.mark.parametrize(
    "plate",
    [
        "豫I12345",  # I is never a serial letter
        "豫O12345",
        "豫N1I345",
        "豫N1234O",
        "豫NO1234",
        "A N12345",  # not a province
        "台N12345",
        "豫N1234",  # too short
        "豫N123456",  # ordinary plates have five serial characters
        "豫ND1A34X",  # small NEV ends in four digits
        "豫NE12345",  # extended energy letters are not enabled
        "豫N12345E",
        "豫N1234D5",
        "豫N12345挂",  # suffix makes eight characters
        "豫1N2345",
        "",
    ],
)
def test_invalid_plates_are_refused(plate):
    with pytest.raises(ValidationError) as exc_info:
        validate_plate(plate)
    assert "车牌号格式不正确" in message(exc_info)


# --- 手机号码 ----------------------------------------------------------------------


@given(
    second=st.sampled_from("3456789"), rest=st.from_regex(r"[0-9]{9}", fullmatch=True)
)
def test_any_mobile_starting_13_to_19_is_accepted(second, rest):
    phone = "1" + second + rest

    assert validate_mobile(phone) == phone


@pytest.mark.parametrize(
    "typed",
    [
        "138 1234 5678",
        "138-1234-5678",
        "+86 13812345678",
        "+8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_spaces_prefix_and_full_width_are_normalised(typed):
    assert validate_mobile(typed) == "13812345678"


# --- 联系电话 (one validator for applicants, enterprises and callers) ------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("138 1234 5678", "13812345678"),
        ("0370-8123456", "0370-8123456"),
        ("0370 8123456", "0370-8123456"),
        ("０３７０－８１２３４５６", "0370-8123456"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "01012345678"),  # no separator: kept as typed
        ("0370-8123456转8012", "0370-8123456转8012"),
        ("0370-8123456-8012", "0370-8123456转8012"),
        ("0370-8123456 分机 12", "0370-8123456转12"),
        ("", ""),
    ],
)
def test_phone_accepts_mobiles_and_landlines_with_extensions(typed, stored):
    assert validate_phone(typed) == stored


@pytest.mark.parametrize("value", ["abc", "8123456", "0370-812", "12345", "1381234"])
def test_phone_refuses_numbers_without_area_code_or_too_short(value):
    with pytest.raises(ValidationError) as exc_info:
        validate_phone(value)
    assert "带区号的固定电话" in message(exc_info)


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",
        "23812345678",
        "1381234567",
        "138123456789",
        "1381234567a",
        "",
        "١٣٨١٢٣٤٥٦٧٨",
    ],
)
def test_malformed_mobiles_are_refused(value):
    with pytest.raises(ValidationError) as exc_info:
        validate_mobile(value)
    assert "11位数字" in message(exc_info)


# --- Masking -----------------------------------------------------------------------


def test_mask_id_number_keeps_area_code_and_last_four():
    number = ric_with_check("41142219850101123")

    masked = mask_id_number(number)

    assert masked == number[:6] + "********" + number[-4:]
    assert masked == "411422********" + number[-4:]
    assert number[6:14] not in masked


@given(number=ric_bodies.map(ric_with_check))
def test_masked_id_never_shows_the_birth_date(number):
    masked = mask_id_number(number)

    assert len(masked) == len(number)
    assert masked[6:14] == "*" * 8
    assert (masked[:6], masked[-4:]) == (number[:6], number[-4:])


@pytest.mark.parametrize("value", ["", None, "1234", "1234567890"])
def test_mask_id_number_of_short_values_hides_everything(value):
    assert mask_id_number(value) == "*" * len(value or "")


def test_mask_phone_keeps_first_three_and_last_four_of_a_mobile():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("0370-8123456", "********3456"), ("5678", "****"), ("", ""), (None, "")],
)
def test_mask_phone_of_other_numbers_keeps_only_the_last_four(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三丰", "张*丰"),
        ("王五", "王*"),
        ("欧阳娜娜", "欧**娜"),
        ("李", "李"),
        ("", ""),
    ],
)
def test_mask_name_keeps_family_name_and_last_character(value, masked):
    assert mask_name(value) == masked


def test_personal_numbers_inside_free_text_are_masked():
    number = ric_with_check("41142219850101123")
    text = f"申请人{number}，电话13812345678；编号2023100112345678901234不变"

    masked = mask_personal_numbers(text)

    assert masked == (
        f"申请人{mask_id_number(number)}，电话138****5678；"
        "编号2023100112345678901234不变"
    )
    assert mask_personal_numbers(None) == ""
