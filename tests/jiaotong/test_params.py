"""Configurable rule parameters (jiaotong.calendar.params, DOMAIN.md §10)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from jiaotong.calendar.params import (
    DEFAULTS,
    SEEDS,
    clean_param_value,
    get_param,
    rule_parameters_seed,
)

from jiaotong.models import AuditEvent, RuleParameter

pytestmark = pytest.mark.django_db

D = dt.date
DOMAIN_MD = Path(settings.BASE_DIR).parent / "shared" / "DOMAIN.md"


def test_every_key_the_domains_read_works_without_any_rows():
    assert not RuleParameter.objects.exists()
    for key in (
        "license.notify_supplement_wd",
        "license.decide_wd",
        "license.extend_wd",
        "hotline.reply_wd",
        "hotline.extend_wd",
        "hotline.return_hours",
        "publicity.license_penalty_wd",
        "random.publish_wd",
    ):
        assert get_param(key) == DEFAULTS[key]
        assert isinstance(get_param(key), int)


@pytest.mark.skipif(
    not DOMAIN_MD.exists(), reason="shared/DOMAIN.md not beside the repo"
)
def test_defaults_are_the_seed_values_of_domain_md():
    table = DOMAIN_MD.read_text(encoding="utf-8").split("## 10.")[1].split("## 11.")[0]
    seeds = {}
    for keys, values in re.findall(r"^\| (`[^|]+`) \| ([^|]+) \|", table, re.M):
        names = re.findall(r"`([^`]+)`", keys)
        numbers = re.findall(r"\d+(?:\.\d+)?", values)
        if len(names) == 2 and not names[1].count("."):  # `a.b_wd` / `c_wd`
            names[1] = names[0].rsplit(".", 1)[0] + "." + names[1]
        for name, number in zip(names, numbers, strict=False):
            seeds[name] = Decimal(number)

    for key, value in DEFAULTS.items():
        assert Decimal(str(value)) == seeds[key], key


def test_a_row_in_force_overrides_the_default():
    RuleParameter.objects.create(key="hotline.reply_wd", value="3", unit="工作日")

    assert get_param("hotline.reply_wd") == 3


def test_the_row_in_force_on_the_given_date_is_used():
    RuleParameter.objects.create(
        key="license.decide_wd", value="15", effective_to=D(2023, 12, 31)
    )
    RuleParameter.objects.create(
        key="license.decide_wd", value="12", effective_from=D(2024, 1, 1)
    )

    assert get_param("license.decide_wd", on=D(2023, 6, 1)) == 15
    assert get_param("license.decide_wd", on=D(2023, 12, 31)) == 15
    assert get_param("license.decide_wd", on=D(2024, 1, 1)) == 12


def test_the_latest_rule_wins_when_several_are_in_force():
    RuleParameter.objects.create(key="license.decide_wd", value="18")
    RuleParameter.objects.create(
        key="license.decide_wd", value="16", effective_from=D(2022, 1, 1)
    )
    RuleParameter.objects.create(
        key="license.decide_wd", value="14", effective_from=D(2023, 7, 1)
    )

    assert get_param("license.decide_wd", on=D(2021, 5, 1)) == 18
    assert get_param("license.decide_wd", on=D(2023, 1, 1)) == 16
    assert get_param("license.decide_wd", on=D(2023, 7, 1)) == 14


def test_a_rule_not_yet_or_no_longer_in_force_falls_back_to_the_default():
    RuleParameter.objects.create(
        key="hotline.extend_wd", value="9", effective_from=D(2030, 1, 1)
    )
    RuleParameter.objects.create(
        key="hotline.extend_wd", value="8", effective_to=D(2020, 12, 31)
    )

    assert (
        get_param("hotline.extend_wd", on=D(2023, 1, 1))
        == DEFAULTS["hotline.extend_wd"]
    )


def test_on_defaults_to_today_and_accepts_a_datetime():
    today = timezone.localdate()
    RuleParameter.objects.create(
        key="hotline.reply_wd", value="4", effective_from=today
    )

    assert get_param("hotline.reply_wd") == 4
    assert get_param("hotline.reply_wd", on=timezone.now()) == 4
    assert get_param("hotline.reply_wd", on=today - dt.timedelta(days=1)) == 5


def test_an_explicit_default_is_used_for_unknown_keys_and_missing_rows():
    assert get_param("governance.unknown_wd", default=11) == 11
    assert get_param("hotline.reply_wd", default=6) == 6


def test_an_unknown_key_without_default_is_a_programming_error():
    with pytest.raises(KeyError):
        get_param("governance.unknown_wd")


def test_cast_reads_decimals_and_none_keeps_the_text():
    RuleParameter.objects.create(key="penalty.surcharge_rate_per_day", value="0.03")

    assert get_param("penalty.surcharge_rate_per_day", cast=Decimal) == Decimal("0.03")
    assert get_param("penalty.surcharge_rate_per_day", cast=None) == "0.03"


def test_an_unreadable_stored_value_falls_back_to_the_default(caplog):
    RuleParameter.objects.create(key="hotline.reply_wd", value="五")

    assert get_param("hotline.reply_wd") == DEFAULTS["hotline.reply_wd"]
    assert "hotline.reply_wd" in caplog.text


@pytest.mark.parametrize(
    ("key", "value", "ok"),
    [
        ("hotline.reply_wd", " 7 ", True),
        ("hotline.reply_wd", "7.5", False),
        ("hotline.reply_wd", "七", False),
        ("penalty.surcharge_rate_per_day", "0.05", True),
        ("penalty.surcharge_rate_per_day", "百分之三", False),
        ("governance.free_text", "3个月至1年", True),
    ],
)
def test_admin_values_are_checked_against_the_seed_type(key, value, ok):
    if ok:
        assert clean_param_value(key, value) == value.strip()
    else:
        with pytest.raises(ValidationError) as exc_info:
            clean_param_value(key, value)
        assert key in exc_info.value.messages[0]


def test_seeding_creates_one_audited_row_per_key_once(sysadmin):
    RuleParameter.objects.create(key="hotline.reply_wd", value="3")

    created = rule_parameters_seed(by=sysadmin)
    again = rule_parameters_seed(by=sysadmin)

    assert (created, again) == (len(SEEDS) - 1, 0)
    assert RuleParameter.objects.count() == len(SEEDS)
    assert get_param("hotline.reply_wd") == 3  # an existing row is kept
    row = RuleParameter.objects.get(key="license.decide_wd")
    assert (row.value, row.unit) == ("20", "工作日") and "行政许可法" in row.basis
    assert AuditEvent.objects.filter(action="rule_parameter_seed").count() == created
