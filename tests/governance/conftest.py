"""The governance cast: a legal-affairs officer (政策法规股) and an office clerk
(办公室), plus factories for the registers."""

import datetime as dt
import zoneinfo

import pytest

from governance import services
from governance.models import SuggestionKind
from jiaotong import roles
from tests.factories import make_user

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


@pytest.fixture
def legal(org):
    return make_user(
        "legal", roles=[roles.ROLE_LEGAL_AFFAIRS], unit=org["legal"], full_name="马丽萍"
    )


@pytest.fixture
def office(org):
    return make_user("office", roles=[roles.ROLE_OFFICE], unit=org["legal"])


_numbers = iter(range(1, 10_000))


def make_suggestion(by, *, kind=SuggestionKind.NPC, assigned_on=None, **extra):
    extra.setdefault("title", "关于改善农村客运的建议")
    extra.setdefault("proposers", "张卫国")
    return services.suggestion_create(
        by=by,
        unit=extra.pop("unit", by.unit),
        kind=kind,
        number=extra.pop("number", f"T-{next(_numbers):04d}"),
        assigned_on=assigned_on or dt.date(2023, 3, 10),
        **extra,
    )


def replied_suggestion(by, *, replied_at=None, **extra):
    suggestion = make_suggestion(by, **extra)
    services.suggestion_start(suggestion=suggestion, by=by)
    return services.suggestion_reply(
        suggestion=suggestion,
        by=by,
        reply_doc_no="睢交建〔2023〕1号",
        reply_summary="已落实。",
        outcome="A",
        replied_at=replied_at or at(2023, 5, 10),
    )
