"""Identifier validators and masking helpers, used by forms and imports alike.

Each ``validate_*`` returns the normalised value or raises ``ValidationError``
with a Chinese message that says what is wrong.  The ``mask_*`` helpers are what
every list, page and export shows instead of the full value (PIPL).
"""

import re
import unicodedata
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric, uscc

# --- 居民身份证号码 (GB 11643) -------------------------------------------------

# First two digits: the provinces, plus 81/82/83 for the HK/Macau/Taiwan
# residence permits, which share the checksum.
_PROVINCES = {
    *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
    *range(50, 55), *range(61, 66), 71, 81, 82, 83,
}  # fmt: skip
# ASCII classes throughout: Python's ``\d`` also matches Arabic-Indic and other
# Unicode digits that NFKC leaves alone, and ``int()`` would happily read them.
_RIC_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def _fold(value: str) -> str:
    """Full-width to half-width, trimmed, upper case."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().upper()


def validate_resident_id(value, *, today: date | None = None) -> str:
    """An 18-character resident ID: shape, province, real past birth date, check digit.

    The county code's history is deliberately *not* checked: a number keeps the
    county code it was first given, so stdnum's ``validate`` wrongly rejects
    everyone born before their county's current code (DOMAIN.md §8.1).
    """
    number = _fold(value).replace(" ", "")
    if len(number) != 18:
        raise ValidationError(
            "身份证号码应为18位（当前%(n)d位）。", params={"n": len(number)}
        )
    if not _RIC_SHAPE.fullmatch(number):
        raise ValidationError("身份证号码前17位应为数字，最后一位为数字或X。")
    if int(number[:2]) not in _PROVINCES:
        raise ValidationError("身份证号码前两位不是有效的省级行政区划代码。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError("身份证号码中的出生日期不是有效日期。") from exc
    today = today or timezone.localdate()
    if birth < date(1900, 1, 1) or birth > today:
        raise ValidationError("身份证号码中的出生日期不在合理范围内。")
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号码校验位错误。")
    return number


def resident_id_check_char(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a 17-digit body.

    stdnum's ``ric.calc_check_digit`` expects the number *with* its check
    character and ignores the last character it is given: handing it the bare
    17-digit body silently computes the check of the first 16 digits.
    """
    return ric.calc_check_digit(body[:17] + "?")


# --- 统一社会信用代码 (GB 32100) ----------------------------------------------

_USCC_CHAR = "0-9A-HJ-NP-RTUW-Y"
_USCC_SHAPE = re.compile(
    rf"[0-9ANY][{_USCC_CHAR}][0-9]{{6}}[{_USCC_CHAR}]{{9}}[{_USCC_CHAR}]"
)


def validate_credit_code(value) -> str:
    """An 18-character unified social credit code with a valid check character.

    The first character may be A, N or Y (stdnum's ``validate`` wrongly refuses
    them), so only its ``calc_check_digit`` is used.
    """
    code = _fold(value).replace(" ", "")
    if len(code) != 18:
        raise ValidationError(
            "统一社会信用代码应为18位（当前%(n)d位）。", params={"n": len(code)}
        )
    if not _USCC_SHAPE.fullmatch(code):
        raise ValidationError(
            "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V，第3至8位为数字）。"
        )
    if uscc.calc_check_digit(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位错误。")
    return code


# --- 机动车号牌 (GA 36-2018) ----------------------------------------------------

_PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "A-HJ-NP-Z"  # serial letters never use I or O
_PLATE_ORDINARY = re.compile(
    rf"[{_PROVINCE_ABBR}][{_L}][{_L}0-9]{{4}}[{_L}0-9挂学警港澳]"
)
_PLATE_NEV = re.compile(
    rf"[{_PROVINCE_ABBR}][{_L}](?:[DF][{_L}0-9][0-9]{{4}}|[0-9]{{5}}[DF])"
)
# Separators people type inside a plate: spaces, middle dots, hyphens, full stops.
_PLATE_SEPARATORS = re.compile(r"[\s·•・‧\-.]")


def normalise_plate(value) -> str:
    return _PLATE_SEPARATORS.sub("", _fold(value))


def validate_plate(value) -> str:
    """An ordinary (7-character) or new-energy (8-character) plate, e.g. 豫N12345 or 豫ND12345."""
    plate = normalise_plate(value)
    if _PLATE_ORDINARY.fullmatch(plate) or _PLATE_NEV.fullmatch(plate):
        return plate
    raise ValidationError(
        "车牌号格式不正确（例：豫N12345，新能源：豫ND12345 或 豫N12345D）。"
    )


# --- 用户名 ------------------------------------------------------------------------

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9._-]{1,29}")


def validate_username(value) -> str:
    """Sign-in names: 2-30 ASCII letters, digits, ``.``, ``_`` or ``-``, starting
    with a letter (pinyin such as ``zhang.wei``). Nothing that could be markup,
    confusable Unicode or whitespace, since names appear on pages and in the
    audit trail."""
    name = str(value or "").strip()
    if not _USERNAME.fullmatch(name):
        raise ValidationError(
            "用户名须为2至30位英文字母、数字或 . _ -，并以字母开头（如 zhang.wei）。",
            code="username_charset",
        )
    return name


# --- 手机号码 ---------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def validate_mobile(value) -> str:
    phone = re.sub(r"[\s\-]", "", _fold(value))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _MOBILE.fullmatch(phone):
        raise ValidationError("手机号码应为以1开头的11位数字。")
    return phone


# A landline with its area code (0 + 2–3 digits), an optional extension after
# "-", "转", "分机" or "#". Extensions are accepted on purpose: an enterprise's
# or an office's number is usually a switchboard ("0370-8123456转8012").
_LANDLINE = re.compile(
    r"(0[0-9]{2,3})([\s\-]?)([0-9]{7,8})(?:\s*(?:-|转|分机|#)\s*([0-9]{1,6}))?"
)


def validate_phone(value) -> str:
    """A contact number: a mobile (normalised as ``validate_mobile`` does) or a
    landline with area code, written ``0370-8123456`` or ``0370-8123456转8012``.
    Empty stays empty (the field is optional wherever it appears)."""
    text = _fold(value or "")
    if not text:
        return ""
    landline = _LANDLINE.fullmatch(text)
    if landline:
        area, separator, number, extension = landline.groups()
        # Without a separator "01012345678" may be 010- or 0101-: keep it as typed.
        main = f"{area}-{number}" if separator else f"{area}{number}"
        return main + (f"转{extension}" if extension else "")
    try:
        return validate_mobile(text)
    except ValidationError:
        raise ValidationError(
            "联系电话应为11位手机号码，或带区号的固定电话"
            "（例：0370-8123456，分机写作 0370-8123456转8012）。"
        ) from None


def validate_id_for_party(party_type: str, value) -> str:
    """A resident ID for 自然人, a credit code for 法人 (imports and forms alike)."""
    if party_type == "自然人":
        return validate_resident_id(value)
    return validate_credit_code(value)


# --- Masking ------------------------------------------------------------------------


def mask_id_number(value) -> str:
    """411422********1234: the area code and last four characters only."""
    text = str(value or "")
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(value) -> str:
    """138****5678 for mobiles; other numbers keep their last four characters."""
    text = str(value or "")
    if len(text) == 11 and text.isdigit():
        return text[:3] + "****" + text[-4:]
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def mask_personal_numbers(text) -> str:
    """Free text (audit reasons, change lists) with every ID number and mobile in it
    masked, for pages that show what others typed."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group()), str(text or ""))
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def mask_name(value) -> str:
    """张*明 / 王*: the family name and, for three or more characters, the last one."""
    text = str(value or "")
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


# --- Plausible dates, bounded numbers, clean text (issue 12) -------------------------
# One window for every boundary (forms, imports, query strings): nothing in this
# bureau's records happened before 1949, and nothing is planned more than ten years
# ahead. Outside it lie typing slips (0001, 9999) that break date arithmetic later.

EARLIEST_DATE = date(1949, 1, 1)
FUTURE_YEARS = 10


def latest_plausible_date(today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + FUTURE_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + FUTURE_YEARS, day=28)


def plausible_window_message(today: date | None = None) -> str:
    return (
        f"日期应在 {EARLIEST_DATE:%Y-%m-%d} 至 "
        f"{latest_plausible_date(today):%Y-%m-%d} 之间。"
    )


def is_plausible_date(value, today: date | None = None) -> bool:
    if value is None:
        return True
    if hasattr(value, "date") and callable(value.date):  # a datetime
        value = (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return EARLIEST_DATE <= value <= latest_plausible_date(today)


def validate_plausible_date(value) -> None:
    """Form and filter validator for dates and date-times (aware or naive)."""
    if not is_plausible_date(value):
        raise ValidationError(plausible_window_message(), code="implausible_date")


# Database CHECK constraints cannot say "today + 10 years"; they hold a fixed,
# generous ceiling so that no stored value can overflow date arithmetic.
DB_LATEST_DATE = date(2199, 12, 31)
# The same window for timestamps, as aware instants: 1949-01-01 00:00 Beijing time.
DB_EARLIEST_INSTANT = datetime(1948, 12, 31, 16, 0, tzinfo=UTC)
DB_LATEST_INSTANT = datetime(2200, 1, 1, 0, 0, tzinfo=UTC)

# Upper bounds of stored numbers (validators on the model fields and the same
# figures in CHECK constraints): a working-day limit longer than a year is a slip.
MAX_LIMIT_DAYS = 365
MAX_TICKET_DAYS = 60
MAX_COUNT = 100_000

# C0 control characters and DEL, except tab, line feed and carriage return that
# text areas legitimately carry. NUL in particular cannot be stored by PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS_STRICT = re.compile(r"[\x00-\x1f\x7f]")  # single-line input


def validate_no_control_characters(value) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            "含有不允许的控制字符（如 NUL、退格、ESC），请删除后重新输入。",
            code="control_characters",
        )
