"""The bulk writes of units, matters, enterprises and cases (issue 14 item 4):
the batch path (``Importer.bulk_write``) writes exactly what the row-by-row
path (``upsert``) writes — the same records, outcomes, error messages and audit
content — and its number of queries does not grow with the number of rows."""

import datetime as dt
from io import BytesIO

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from enforcement.imports import CaseImporter
from enforcement.models import LegalReview, PenaltyCase, PublicityRecord
from jiaotong.accounts.imports import UnitImporter
from jiaotong.imports.framework import Importer, run_import
from jiaotong.models import AuditEvent, Enterprise, Matter, OrgUnit
from jiaotong.registry.imports import EnterpriseImporter, MatterImporter
from jiaotong.registry.models import CreditGradeChange, MatterChange
from tests.factories import credit_code, make_matter, resident_id

pytestmark = pytest.mark.django_db

IMPORTERS = {
    "units": UnitImporter,
    "matters": MatterImporter,
    "enterprises": EnterpriseImporter,
    "cases": CaseImporter,
}


def book(headers, rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Workbooks ----------------------------------------------------------------------

UNIT_HEADERS = ["单位编码", "单位名称", "单位类型", "上级单位编码", "正式编制"]


def units_book(n: int, *, edit: str = "", extra=()) -> bytes:
    """The bureau, two 股室 and n - 3 units below them, children first."""
    rows = [[f"U{k:04d}", f"单位{k}{edit if k % 2 else ''}", "机关股室", f"S{k % 2}", k % 5] for k in range(n - 3)]  # fmt: skip
    rows += [["S0", "股室0", "机关股室", "B", 3], ["S1", f"股室1{edit}", "机关股室", "B", 3]]  # fmt: skip
    rows += [["B", "睢县交通运输局", "局", "", 50], *extra]
    return book(UNIT_HEADERS, rows)


MATTER_HEADERS = ["事项编码", "事项名称", "权力类型", "法定时限", "承诺时限", "告知承诺", "需公示"]  # fmt: skip


def matters_book(n: int, *, edit: str = "", extra=()) -> bytes:
    rows = [
        [f"M{k:04d}", f"道路运输事项{k}{edit if k % 3 == 0 else ''}", "行政许可",
         20, 10, "是" if edit and k % 4 == 0 else "否", "否"]
        for k in range(n)
    ]  # fmt: skip
    return book(MATTER_HEADERS, [*rows, *extra])


ENTERPRISE_HEADERS = ["企业名称", "统一社会信用代码", "行业类别", "信用等级", "联系电话"]  # fmt: skip


def enterprise_code(k: int) -> str:
    return credit_code(f"91411422MA{k:07d}")


def enterprises_book(n: int, *, edit: str = "", extra=()) -> bytes:
    rows = [
        [f"睢县运输有限公司{k}{edit if k % 3 == 0 else ''}", enterprise_code(k),
         "出租汽车", "ABCD"[(k + (1 if edit and k % 2 else 0)) % 4], "13800000000"]
        for k in range(n)
    ]  # fmt: skip
    return book(ENTERPRISE_HEADERS, [*rows, *extra])


CASE_HEADERS = [
    "案件编号", "立案日期", "程序类型", "当事人", "当事人类型", "证件号码",
    "违法行为事项编码", "法制审核完成日期", "法制审核意见", "处理结果",
    "决定日期", "处罚种类", "罚款金额", "公示日期", "结案日期",
]  # fmt: skip
PERSON = resident_id("41142219900101001")


def case_row(k: int, edit: str = "") -> list:
    """Cases on five filing days (the calendar is asked for a few dates only):
    open, penalised (reviewed, published, some closed), not penalised,
    cancelled; every third one a company's."""
    filed = dt.datetime(2023, 3, 1 + k % 5, 9, 0)
    decided = filed + dt.timedelta(days=10)
    outcome = ["", "处罚", "不予处罚", "撤销立案"][k % 4]
    if edit and k % 8 == 1:
        outcome = ""  # reopened: no decision, no review, publicity stays
    company = k % 3 == 0
    reviewed = outcome and not (edit and k % 8 == 5)
    return [
        f"CASE-{k:05d}",
        filed,
        "普通程序",
        f"当事人{k}{edit if k % 2 else ''}",
        "法人" if company else "自然人",
        enterprise_code(9000 + k % 7) if company else PERSON,
        "CF001",
        decided - dt.timedelta(days=2) if reviewed else None,
        ("退回补充" if edit and k % 8 == 3 else "同意") if reviewed else "",
        outcome,
        decided if outcome else None,
        "罚款" if outcome == "处罚" else "",
        200 if outcome == "处罚" else None,
        decided.date() + dt.timedelta(days=3 + (1 if edit else 0))
        if outcome == "处罚"
        else None,
        decided + dt.timedelta(days=20) if outcome and k % 5 == 0 else None,
    ]


def cases_book(n: int, *, edit: str = "", extra=()) -> bytes:
    return book(CASE_HEADERS, [*(case_row(k, edit) for k in range(n)), *extra])


BOOKS = {
    "units": units_book,
    "matters": matters_book,
    "enterprises": enterprises_book,
    "cases": cases_book,
}


@pytest.fixture
def references(org):
    """What the cases refer to: a penalty matter and a few enterprises."""
    make_matter("CF001", power_type="行政处罚", unit=org["brigade"])
    for k in range(9000, 9004):  # 9004-9006 unknown: such a case links none
        Enterprise.objects.create(
            credit_code=enterprise_code(k), name=f"企业{k}", industry="出租汽车"
        )


# --- Snapshots of what an import wrote ----------------------------------------------


def _rows(queryset, *exclude):
    names = [
        f.attname
        for f in queryset.model._meta.concrete_fields
        if not f.primary_key and f.attname not in exclude
    ]
    return list(queryset.values_list(*names))


def records(kind: str) -> dict:
    """The records of a kind (and those it writes beside them), without ids
    and timestamps; relations by their keys."""
    if kind == "units":
        return {"units": list(OrgUnit.objects.order_by("code").values_list("code", "name", "kind", "parent__code", "path", "established_posts"))}  # fmt: skip
    if kind == "matters":
        return {
            "matters": _rows(Matter.objects.order_by("code"), "updated_at"),
            "changes": list(
                MatterChange.objects.order_by("matter__code").values_list(
                    "matter__code", "kind", "effective_on", "note"
                )
            ),  # fmt: skip
        }
    if kind == "enterprises":
        return {
            "enterprises": _rows(
                Enterprise.objects.order_by("credit_code"), "updated_at"
            ),  # fmt: skip
            "grades": list(
                CreditGradeChange.objects.order_by(
                    "enterprise__credit_code"
                ).values_list(
                    "enterprise__credit_code",
                    "from_grade",
                    "to_grade",
                    "changed_on",
                    "cause",
                    "reason",
                )
            ),  # fmt: skip
        }
    cases = PenaltyCase.objects.order_by("number")
    return {
        "cases": _rows(
            cases, "created_at", "updated_at", "matter_id", "unit_id", "enterprise_id"
        ),  # fmt: skip
        "links": list(
            cases.values_list(
                "number", "matter__code", "unit__code", "enterprise__credit_code"
            )
        ),  # fmt: skip
        "reviews": [
            (r.case.number, *_rows(LegalReview.objects.filter(pk=r.pk), "case_id")[0])
            for r in LegalReview.objects.order_by("case__number", "id")
        ],
        "publicity": [
            (
                p.case.number,
                *_rows(
                    PublicityRecord.objects.filter(pk=p.pk), "case_id", "created_at"
                )[0],
            )  # fmt: skip
            for p in PublicityRecord.objects.order_by("case__number")
        ],
    }


def events_since(last_id: int) -> list[tuple]:
    """The audit events appended, without their times and hashes; each names
    the record it is about by that record's own text (ids differ per run)."""
    out = []
    for event in AuditEvent.objects.filter(id__gt=last_id).order_by("id"):
        about = ""
        if event.object_id:
            model = apps.get_model(event.object_type)
            about = str(model.objects.get(pk=event.object_id))
        out.append(
            (
                event.actor_id,
                event.actor_name,
                event.action,
                event.object_type,
                event.object_repr,
                about,
                event.from_state,
                event.to_state,
                event.reason,
                event.changes,
            )
        )
    return out


def outcome(result) -> tuple:
    return (
        result.created,
        result.updated,
        result.unchanged,
        [str(e) for e in result.errors],
    )


def imported(kind: str, data: bytes, by, *, bulk: bool, monkeypatch, dry_run=False):
    """Import ``data`` in a savepoint that is undone afterwards; returns the
    result, the records and the audit events it wrote."""
    with monkeypatch.context() as patch:
        if not bulk:  # the kind without its batch form: written row by row
            patch.setattr(IMPORTERS[kind], "bulk_write", Importer.bulk_write)
        with transaction.atomic():
            last = AuditEvent.objects.order_by("-id").values_list("id", flat=True)
            last_id = last.first() or 0
            result = run_import(kind, BytesIO(data), by=by, dry_run=dry_run)
            seen = (outcome(result), records(kind), events_since(last_id))
            transaction.set_rollback(True)
    return seen


def both_paths(kind, data, by, monkeypatch, **options):
    rows = imported(kind, data, by, bulk=False, monkeypatch=monkeypatch, **options)
    bulk = imported(kind, data, by, bulk=True, monkeypatch=monkeypatch, **options)
    return rows, bulk


# --- Row by row and in bulk: the same ----------------------------------------------


@pytest.mark.parametrize("kind", sorted(BOOKS))
def test_the_bulk_path_writes_what_the_row_path_writes(
    kind, references, sysadmin, monkeypatch
):
    build = BOOKS[kind]
    first = build(30)

    rows, bulk = both_paths(kind, first, sysadmin, monkeypatch)

    assert rows == bulk
    created, updated, unchanged, errors = rows[0]
    assert created + updated == 30 and not errors and rows[2]  # with events

    # Stored once, then a workbook that changes some, leaves some and adds some.
    run_import(kind, BytesIO(first), by=sysadmin)
    edited = build(40, edit="（改）")

    rows, bulk = both_paths(kind, edited, sysadmin, monkeypatch)

    assert rows == bulk
    created, updated, unchanged, errors = rows[0]
    assert not errors and created == 10 and updated and unchanged
    assert both_paths(kind, edited, sysadmin, monkeypatch, dry_run=True)[1][0] == rows[0]  # fmt: skip


def test_grade_changes_and_notify_commit_changes_are_the_same_in_bulk(
    sysadmin, monkeypatch
):
    run_import("enterprises", BytesIO(enterprises_book(20)), by=sysadmin)
    run_import("matters", BytesIO(matters_book(20)), by=sysadmin)

    for kind, build in (("enterprises", enterprises_book), ("matters", matters_book)):
        rows, bulk = both_paths(kind, build(20, edit="改"), sysadmin, monkeypatch)
        assert rows == bulk
        assert rows[1]["grades" if kind == "enterprises" else "changes"]


BAD_ROWS = {
    # Rows refused by the write (the model's or the database's checks), not by
    # the checks before it: the batch is undone and its rows written one by
    # one, naming the row.
    "cases": [
        # decided at 00:00 of the day it was filed at 09:00 (case_decided_after_filed)
        [
            "CASE-BAD",
            dt.datetime(2023, 3, 1, 9),
            "普通程序",
            "王五",
            "自然人",
            PERSON,
            "CF001",
            None,
            "",
            "处罚",
            dt.datetime(2023, 3, 1),
            "罚款",
            1,
            None,
            None,
        ],
    ],  # fmt: skip
    "matters": [["MBAD", "坏事项", "行政许可", 99999, 1, "否", "否"]],
    "units": [["UBAD", "坏单位", "机关股室", "B", 10**12]],
}


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_a_row_refused_while_writing_has_the_same_message_in_bulk(
    kind, references, sysadmin, monkeypatch
):
    data = BOOKS[kind](20, extra=BAD_ROWS[kind])

    rows, bulk = both_paths(kind, data, sysadmin, monkeypatch)

    assert rows == bulk
    (_c, _u, _n, errors), _records, events = rows
    assert len(errors) == 1 and errors[0].startswith("第")
    assert not events


def test_moving_a_stored_unit_goes_row_by_row_with_the_same_result(
    sysadmin, monkeypatch
):
    run_import("units", BytesIO(units_book(20)), by=sysadmin)
    moved = book(
        UNIT_HEADERS,
        [["S0", "股室0", "机关股室", "S1", 3], ["S1", "股室1", "机关股室", "B", 3]],
    )

    rows, bulk = both_paths("units", moved, sysadmin, monkeypatch)

    assert rows == bulk
    paths = dict((code, path) for code, *_rest, path, _posts in bulk[1]["units"])
    assert paths["U0000"] == "/B/S1/S0/U0000/"  # the subtree re-derived


# --- Queries per batch, not per row -------------------------------------------------


def queries(kind: str, data: bytes, by) -> int:
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        result = run_import(kind, BytesIO(data), by=by)
        assert result.ok, result.errors
        transaction.set_rollback(True)
    return len(captured)


@pytest.mark.parametrize("kind", sorted(BOOKS))
def test_the_number_of_queries_does_not_grow_with_the_rows(kind, references, sysadmin):
    build = BOOKS[kind]
    # One batch each: new records, the same again (unchanged), then changed.
    few, many = queries(kind, build(50), sysadmin), queries(kind, build(500), sysadmin)
    assert many - few <= 1, (few, many)

    run_import(kind, BytesIO(build(500)), by=sysadmin)
    assert queries(kind, build(500), sysadmin) - queries(kind, build(50), sysadmin) <= 1
    edited_few = queries(kind, build(50, edit="改"), sysadmin)
    edited_many = queries(kind, build(500, edit="改"), sysadmin)
    assert edited_many - edited_few <= 1, (edited_few, edited_many)
