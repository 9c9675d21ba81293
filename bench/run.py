"""Benchmarks of the heavy paths (QUALITY.md: speed and memory are measured here,
never in timed tests).  Run with ``make bench`` or ``.venv/bin/python bench/run.py``.

The run uses its own database, never the developer's: a fresh PostgreSQL database
``jiaotong_bench`` on 127.0.0.1:5432 when PostgreSQL answers (dropped, created and
migrated; dropped again at the end unless ``--keep``), else a SQLite file in a
temporary directory.  ``DATABASE_URL`` from the environment is ignored.

What it measures (bench/README.md explains each figure):

1. ``load_demo``: seconds.
2. The window list, the hotline list and the power list for a leader, through
   django.test.Client with extra rows bulk-created on top of the demo: median ms
   of page 1 and of the last page, SQL queries per request, requests/s.
3. ``import_xlsx applications`` of a generated workbook, then the same workbook
   again (every row unchanged): seconds and rows/s.
4. ``export_year_report 2023``: seconds and peak RSS in a fresh process (and,
   with ``--tracemalloc``, the peak of Python allocations).
5. ``verify_audit`` over the whole audit chain: seconds per 10,000 events.
6. ``jiaotong.metrics.registry.compute_all(2023)``: seconds and SQL queries.
7. The leaders' dashboard for 2023 (whole bureau) through django.test.Client:
   median ms and SQL queries uncached (the cache version bumped before every
   request, so every figure, chart and record year is recomputed, the previous
   year's figures included) and cached.

``--only dashboard`` (or lists, import, export, audit, indicators) runs the
setup (migrate, demo, extra rows) and that measurement alone.

Figures go to the terminal and to ``bench/results/latest.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
DEFAULT_PG_DB = "jiaotong_bench"
YEAR = 2023
SEED = 4114222023

# Rows added on top of the demo at --scale 1.
EXTRA_APPLICATIONS = 20_000
EXTRA_TICKETS = 20_000
EXTRA_MATTERS = 2_000
EXTRA_AUDIT_EVENTS = 20_000
IMPORT_ROWS = 2_000
# Tells the export child which database it may open (see measure_export).
CHILD_DB_VAR = "JIAOTONG_BENCH_DATABASE"


# --- Command line and the bench database ---------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmarks of Jiaotong's heavy paths, on a database of its own."
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the extra rows and the import size (default 1: "
        f"{EXTRA_APPLICATIONS:,} applications, {EXTRA_TICKETS:,} tickets, "
        f"{EXTRA_MATTERS:,} matters, {EXTRA_AUDIT_EVENTS:,} audit events, "
        f"a {IMPORT_ROWS:,}-row workbook)",
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=None,
        help=f"rows of the imported workbook (default {IMPORT_ROWS:,} x --scale); "
        "e.g. 100000 for issue 14's goal (100,000 rows in at most 60 s)",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=30,
        help="timed requests per list page (default 30)",
    )
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="use a temporary SQLite file even when PostgreSQL answers",
    )
    parser.add_argument(
        "--pg-db",
        default=DEFAULT_PG_DB,
        help=f"name of the PostgreSQL database to drop and create "
        f"(default {DEFAULT_PG_DB}; must contain 'bench')",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also run the export under tracemalloc for the peak of Python "
        "allocations (several times slower)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the bench database and the generated files afterwards",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS_DIR / "latest.json",
        help="where to write the figures (default bench/results/latest.json)",
    )
    parser.add_argument(
        "--only",
        choices=[
            "lists",
            "import",
            "export",
            "audit",
            "indicators",
            "dashboard",
            "draw",
        ],
        help="after the setup, measure this one path only",
    )
    # Internal: the export measured in a fresh process (see measure_export).
    parser.add_argument("--child-export", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    if "bench" not in args.pg_db or not re.fullmatch(r"[a-z0-9_]+", args.pg_db):
        parser.error("--pg-db must be lower-case letters, digits, _ and contain bench")
    return args


def postgres_answers() -> bool:
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
    except OSError:
        return False
    return True


def recreate_pg_database(name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=5
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            ident = sql.Identifier(name)
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident)
            )
            cursor.execute(
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                    ident
                )
            )
    finally:
        conn.close()


def drop_pg_database(name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
    finally:
        conn.close()


def configure_environment(database_url: str, work_dir: Path) -> None:
    """Settings for the run, set before django.setup(): our database only, the
    test defaults (fixed key, plain static files) with DEBUG off so that Django
    does not log every query, and production's persistent connections."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiaotong.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["JIAOTONG_TESTING"] = "1"
    os.environ["DEBUG"] = "0"
    os.environ["CONN_MAX_AGE"] = "60"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["MEDIA_ROOT"] = str(work_dir / "media")
    os.environ["LOG_LEVEL"] = "ERROR"
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_CACHE_URL"):
        os.environ.pop(name, None)  # tasks run in-process, cache in memory
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    quiet_warnings()


def quiet_warnings() -> None:
    # WhiteNoise looks for collectstatic output; static files are not measured.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def setup_django(expected_name: str) -> None:
    import django

    django.setup()
    from django.conf import settings

    actual = str(settings.DATABASES["default"]["NAME"])
    if actual != expected_name:  # never touch any other database
        raise SystemExit(f"bench: refusing to run on database {actual!r}")


# --- Small helpers ----------------------------------------------------------------


def quiet_command(*args, **options) -> str:
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue()


def timed(func, *args, **kwargs):
    gc.collect()
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def peak_rss_mib() -> float:
    """This process's peak resident set size.  Linux's VmHWM belongs to the
    process image (a child starts from zero); ``ru_maxrss`` would carry over the
    parent's peak across fork and exec, so it is only the fallback."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def _at(day: dt.date, minutes: int) -> dt.datetime:
    from jiaotong.dates import at_local

    return at_local(day, dt.time(8, 30)) + dt.timedelta(minutes=minutes)


def _year_days() -> list[dt.date]:
    start = dt.date(YEAR, 1, 1)
    days = (start + dt.timedelta(n) for n in range(365))
    return [day for day in days if day.weekday() < 5]


class People:
    """Valid applicants: residents (GB 11643) and organisations (GB 32100)."""

    USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

    def __init__(self, rng: random.Random, persons: int = 3000, companies: int = 600):
        from stdnum.cn import uscc

        from jiaotong.validators import resident_id_check_char

        self.rng = rng
        self.persons = []
        for _ in range(persons):
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(50 * 365))
            body = f"411422{birth:%Y%m%d}{rng.randrange(1000):03d}"
            name = rng.choice("王李张刘陈杨赵黄周吴徐孙") + rng.choice(
                "伟芳娜敏静丽强磊"
            )
            self.persons.append(
                (name, "自然人", body + resident_id_check_char(body), self.phone())
            )
        self.companies = []
        for n in range(companies):
            serial = "".join(rng.choice(self.USCC_CHARS) for _ in range(8))
            body = f"91411422{serial}X"[:17]
            code = body + uscc.calc_check_digit(body)
            self.companies.append(
                (f"睢县基准测试运输有限公司{n}", "法人", code, self.phone())
            )

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def pick(self) -> tuple[str, str, str, str]:
        use_companies = self.companies and self.rng.random() < 0.3
        pool = self.companies if use_companies else self.persons
        return self.rng.choice(pool)


# --- The steps ---------------------------------------------------------------------


def migrate() -> float:
    seconds, _ = timed(quiet_command, "migrate", interactive=False, verbosity=0)
    return seconds


def load_demo() -> dict:
    seconds, _ = timed(quiet_command, "load_demo")
    return {"seconds": round(seconds, 2)}


def add_extra_rows(scale: float) -> dict:
    """Bulk-created rows on top of the demo, built the way the demo builds them."""
    from django.db import connection, transaction

    rng = random.Random(SEED)
    counts = {
        "applications": round(EXTRA_APPLICATIONS * scale),
        "tickets": round(EXTRA_TICKETS * scale),
        "matters": round(EXTRA_MATTERS * scale),
        "audit_events": round(EXTRA_AUDIT_EVENTS * scale),
    }
    start = time.perf_counter()
    with transaction.atomic():
        _extra_matters(counts["matters"])
        numbers = _extra_applications(rng, counts["applications"])
        _extra_tickets(rng, counts["tickets"])
        _extra_audit_events(numbers, counts["audit_events"])
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after such a load in production.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts["seconds"] = round(time.perf_counter() - start, 2)
    return counts


def _extra_matters(count: int) -> None:
    """Penalty matters (the bulk of a real power list): they lengthen the power
    list without lengthening the window's matter drop-down, which lists window
    matters only (a county has ~150 of those, as the demo does)."""
    from jiaotong.models import Matter, OrgUnit
    from jiaotong.registry.models import PowerType

    unit = OrgUnit.objects.get(code="JTJ-ZFDD")
    Matter.objects.bulk_create(
        [
            Matter(
                code=f"BENCH-M-{n:06d}",
                name=f"对基准测试违法行为{n}的行政处罚",
                power_type=PowerType.PENALTY,
                basis="基准测试",
                unit=unit,
                effective_from=dt.date(2021, 1, 1),
            )
            for n in range(1, count + 1)
        ],
        batch_size=1000,
    )


def _window_matters():
    from jiaotong.models import Matter
    from jiaotong.registry.models import PowerType

    return list(
        Matter.objects.filter(
            power_type__in=[PowerType.LICENSING, PowerType.PUBLIC_SERVICE],
            repealed_on__isnull=True,
        )
        .exclude(code__startswith="BENCH-")
        .order_by("code")
    )


def _extra_applications(rng: random.Random, count: int) -> list[tuple[int, str]]:
    from jiaotong.models import OrgUnit, User
    from jiaotong.registry.models import PowerType
    from licensing.models import Application, Channel, Evaluation, Result

    matters = _window_matters()
    unit = OrgUnit.objects.get(code="JTJ-XZSP")
    clerk = User.objects.filter(username="window1").first()
    people = People(rng)
    days = _year_days()
    rows = []
    for n in range(1, count + 1):
        matter = rng.choice(matters)
        received_day = rng.choice(days)
        received_at = _at(received_day, rng.randrange(0, 530))
        completed_at = received_at + dt.timedelta(
            days=rng.randint(0, 6), minutes=rng.randint(10, 120)
        )
        name, kind, id_number, phone = people.pick()
        licence = matter.power_type == PowerType.LICENSING
        evaluation = rng.choice([*Evaluation.values, "", ""])
        due = received_day + dt.timedelta(days=7)
        rows.append(
            Application(
                number=f"BENCH-{YEAR}-{n:07d}",
                matter=matter,
                applicant_name=name,
                applicant_type=kind,
                applicant_id_number=id_number,
                applicant_phone=phone,
                channel=rng.choices(Channel.values, weights=[70, 26, 4])[0],
                status=Application.Status.CLOSED,
                clerk=clerk,
                unit=unit,
                received_at=received_at,
                accepted_at=received_at,
                decided_at=completed_at if licence else None,
                result=Result.APPROVED if licence else Result.DONE,
                completed_at=completed_at,
                promised_due_date=due,
                due_date=due,
                evaluation=evaluation,
                evaluated_at=completed_at if evaluation else None,
            )
        )
    Application.objects.bulk_create(rows, batch_size=1000)
    return list(
        Application.objects.filter(number__startswith="BENCH-").values_list(
            "pk", "number"
        )
    )


def _extra_tickets(rng: random.Random, count: int) -> None:
    from hotline.models import (
        Area,
        Category,
        ClosureKind,
        FollowUpResult,
        Source,
        Status,
        Ticket,
    )
    from jiaotong.models import Enterprise, OrgUnit

    units = list(OrgUnit.objects.exclude(kind__in=["bureau", "town"]))
    enterprises = list(Enterprise.objects.all()) or [None]
    people = People(rng, persons=500, companies=0)
    days = _year_days()
    rows = []
    for n in range(1, count + 1):
        received_at = _at(rng.choice(days), rng.randrange(0, 600))
        closed = rng.random() < 0.9
        area = rng.choice(Area.values)
        category = rng.choice(Category.values)
        rows.append(
            Ticket(
                ticket_no=f"BENCH-{YEAR}-{n:07d}",
                source=rng.choice(Source.values),
                received_at=received_at,
                category=category,
                area=area,
                content=f"基准测试工单：来电人反映{area}方面的{category}事项（第{n}件）。",
                location="睢县汽车站",
                caller_name=people.pick()[0],
                caller_phone=people.phone(),
                caller_confidential=rng.random() < 0.05,
                enterprise=rng.choice(enterprises),
                unit=rng.choice(units),
                status=Status.CLOSED if closed else Status.IN_PROGRESS,
                due_date=received_at.date() + dt.timedelta(days=7),
                dispatched_at=received_at + dt.timedelta(minutes=30),
                signed_at=received_at + dt.timedelta(hours=2),
                reply_text="已核实处理并答复来电人。" if closed else "",
                replied_at=received_at + dt.timedelta(days=3) if closed else None,
                follow_up_result=FollowUpResult.SATISFIED if closed else "",
                followed_up_at=received_at + dt.timedelta(days=4) if closed else None,
                closure_kind=ClosureKind.HANDLED if closed else "",
                closed_at=received_at + dt.timedelta(days=4, hours=1)
                if closed
                else None,
            )
        )
    Ticket.objects.bulk_create(rows, batch_size=1000)


def _extra_audit_events(applications: list[tuple[int, str]], count: int) -> None:
    """Events that extend the hash chain exactly as audit_record would."""
    from django.utils import timezone

    from jiaotong.audit.services import GENESIS_HASH, compute_hash
    from jiaotong.models import AuditEvent

    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    prev = prev or GENESIS_HASH
    events = []
    for n in range(count):
        pk, number = applications[n % len(applications)] if applications else (0, "")
        event = AuditEvent(
            created_at=timezone.now(),
            actor=None,
            actor_name="基准测试",
            action="application_complete",
            object_type="licensing.application",
            object_id=str(pk),
            object_repr=number,
            from_state="accepted",
            to_state="closed",
            reason="",
            changes={"bench": n},
            ip_address=None,
            prev_hash=prev,
        )
        event.hash = prev = compute_hash(prev, event)
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def measure_lists(requests: int) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from hotline.models import Ticket
    from jiaotong.models import Matter, User
    from licensing.models import Application

    leader = User.objects.get(username="leader1")
    client = Client()
    client.force_login(leader)
    per_page = 25
    lists = [
        ("licensing:application_list", Application.objects.visible_to(leader)),
        ("hotline:ticket_list", Ticket.objects.visible_to(leader)),
        ("matter_list", Matter.objects.visible_to(leader)),
    ]
    results = []
    for url_name, rows in lists:
        url = reverse(url_name)
        total = rows.count()
        last = max(1, math.ceil(total / per_page))
        for page in sorted({1, last}):
            query = {"page": page}
            response = client.get(url, query)  # warm-up
            if response.status_code != 200:
                raise RuntimeError(f"{url}?page={page}: HTTP {response.status_code}")
            with CaptureQueriesContext(connection) as captured:
                client.get(url, query)
            # Counted now: the captured list reads the live log, which the next
            # request resets.
            queries = len(captured)
            times = []
            gc.collect()
            for _ in range(requests):
                start = time.perf_counter()
                client.get(url, query)
                times.append(time.perf_counter() - start)
            results.append(
                {
                    "list": url_name,
                    "rows": total,
                    "page": page,
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "p90_ms": round(_percentile(times, 0.9) * 1000, 1),
                    "queries": queries,
                    "requests_per_s": round(len(times) / sum(times), 1),
                }
            )
    return results


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def build_workbook(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from jiaotong.registry.models import PowerType

    rng = random.Random(SEED + 1)
    people = People(rng, persons=1500, companies=300)
    matters = _window_matters()
    days = _year_days()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("窗口办件")
    sheet.append(
        [
            "办件编号",
            "事项编码",
            "申请人",
            "申请人类型",
            "证件号码",
            "联系电话",
            "办理渠道",
            "收件时间",
            "受理结果",
            "办结时间",
            "办理结果",
            "告知承诺",
            "评价",
        ]
    )
    for n in range(1, rows + 1):
        matter = rng.choice(matters)
        received = _at(rng.choice(days), rng.randrange(0, 530)).replace(tzinfo=None)
        completed = received + dt.timedelta(days=rng.randint(0, 5), minutes=30)
        name, kind, id_number, phone = people.pick()
        licence = matter.power_type == PowerType.LICENSING
        sheet.append(
            [
                f"IMP-{YEAR}-{n:07d}",
                matter.code,
                name,
                kind,
                id_number,
                phone,
                rng.choice(["窗口", "网上", "自助终端"]),
                received,
                "受理",
                completed,
                "准予" if licence else "办结",
                "否",
                rng.choice(["非常满意", "满意", "基本满意", ""]),
            ]
        )
    workbook.save(path)


_SUMMARY = re.compile(r"新增 (\d+) 行，更新 (\d+) 行，未变化 (\d+) 行")


def _import(path: Path) -> dict:
    from django.core.management.base import CommandError

    try:
        seconds, output = timed(quiet_command, "import_xlsx", "applications", str(path))
    except CommandError as exc:
        raise RuntimeError(f"import_xlsx failed: {exc}") from exc
    match = _SUMMARY.search(output)
    if match is None:
        raise RuntimeError(f"import_xlsx: unexpected output {output!r}")
    created, updated, unchanged = (int(g) for g in match.groups())
    return {
        "seconds": seconds,
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
    }


def measure_import(work_dir: Path, rows: int) -> dict:
    path = work_dir / "applications.xlsx"
    build_workbook(path, rows)
    first = _import(path)
    again = _import(path)
    if first["created"] != rows or again["unchanged"] != rows:
        raise RuntimeError(f"import counts off: first {first}, again {again}")
    return {
        "rows": rows,
        "seconds": round(first["seconds"], 2),
        "rows_per_s": round(rows / first["seconds"], 1),
        "reimport_seconds": round(again["seconds"], 2),
        "reimport_rows_per_s": round(rows / again["seconds"], 1),
        "reimport_unchanged": again["unchanged"],
    }


def child_export(path: str) -> None:
    """Runs in a fresh process: the export's time and peak RSS, undisturbed by
    whatever the benchmark process allocated before."""
    import jiaotong.reports.builder  # noqa: F401  (imports are not part of the figure)

    before = peak_rss_mib()
    seconds, _ = timed(quiet_command, "export_year_report", str(YEAR), output=path)
    after = peak_rss_mib()
    print(json.dumps({"seconds": seconds, "rss_before": before, "rss_after": after}))


def measure_export(work_dir: Path, *, trace: bool) -> dict:
    path = work_dir / f"year-report-{YEAR}.xlsx"
    from django.db import connections

    connections.close_all()  # SQLite: nothing of ours holds the file open
    completed = subprocess.run(  # noqa: S603 (our own script, no shell)
        [sys.executable, str(Path(__file__).resolve()), "--child-export", str(path)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"export child failed:\n{completed.stderr[-3000:]}")
    child = json.loads(completed.stdout.strip().splitlines()[-1])
    result = {
        "seconds": round(child["seconds"], 2),
        "peak_rss_mib": round(child["rss_after"], 1),
        "rss_growth_mib": round(child["rss_after"] - child["rss_before"], 1),
        "tracemalloc_peak_mib": None,
        "file_kib": round(path.stat().st_size / 1024, 1),
    }
    if trace:
        # The same export here under tracemalloc: the peak of Python allocations.
        tracemalloc.start()
        quiet_command("export_year_report", str(YEAR), output=str(path))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result["tracemalloc_peak_mib"] = round(peak / 2**20, 1)
    return result


def measure_verify_audit() -> dict:
    from jiaotong.models import AuditEvent

    events = AuditEvent.objects.count()
    try:
        seconds, output = timed(quiet_command, "verify_audit", "--no-record")
    except SystemExit as exc:
        raise RuntimeError("verify_audit: the audit chain is broken") from exc
    if "审计链完整" not in output:
        raise RuntimeError(f"verify_audit: unexpected output {output!r}")
    return {
        "events": events,
        "seconds": round(seconds, 2),
        "seconds_per_10k": round(seconds / events * 10_000, 2),
    }


def measure_indicators(repeat: int = 3) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiaotong.metrics.registry import compute_all

    with CaptureQueriesContext(connection) as captured:
        values = compute_all(YEAR)
    queries = len(captured)
    times = [timed(compute_all, YEAR)[0] for _ in range(repeat)]
    return {
        "indicators": len(values),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "queries": queries,
    }


def measure_draw(repeat: int = 5) -> dict:
    """The supervision draw (algorithm v1, a pure function): 10,000 enterprises
    over the four credit grades, a fixed 500 drawn, teams of two from 60
    officers with some declared conflicts; snapshot hash included."""
    from supervision import draw as algo

    rng = random.Random(7)
    grades = rng.choices("ABCD", weights=[40, 40, 15, 5], k=10_000)
    snapshot = {
        "population": [[i, g] for i, g in enumerate(grades, start=1)],
        "directed": [],
        "officers": list(range(1, 61)),
        "excluded": {
            str(rng.randint(1, 10_000)): [rng.randint(1, 60)] for _ in range(300)
        },
        "ratios": {"A": "0.05", "B": "0.10", "C": "0.30", "D": "0.60"},
        "fixed": 500,
        "team_size": 2,
    }
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        algo.snapshot_sha256(snapshot)
        picks = algo.compute(f"{n:032x}", snapshot)
        times.append(time.perf_counter() - start)
    return {
        "enterprises": 10_000,
        "drawn": len(picks),
        "median_ms": round(statistics.median(times) * 1000, 1),
    }


def measure_dashboard(requests: int) -> dict:
    """The dashboard page of YEAR for a leader: uncached and cached."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from jiaotong.dashboard.cache import bump_version
    from jiaotong.models import User

    client = Client()
    client.force_login(User.objects.get(username="leader1"))
    url, query = reverse("dashboard"), {"year": YEAR}

    def run(uncached: bool) -> dict:
        if client.get(url, query).status_code != 200:  # warm-up
            raise RuntimeError(f"{url}: HTTP error")
        if uncached:
            bump_version()
        with CaptureQueriesContext(connection) as captured:
            client.get(url, query)
        queries = len(captured)
        times = []
        gc.collect()
        for _ in range(requests):
            if uncached:
                bump_version()
            start = time.perf_counter()
            client.get(url, query)
            times.append(time.perf_counter() - start)
        return {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p90_ms": round(_percentile(times, 0.9) * 1000, 1),
            "queries": queries,
        }

    return {"uncached": run(True), "cached": run(False)}


# --- Report -------------------------------------------------------------------------


def print_table(results: dict, meta: dict) -> None:
    rows: list[tuple[str, str, str]] = []
    draw = results.get("draw")
    if draw:
        rows.append(
            (
                f"supervision draw ({draw['enterprises']:,} enterprises)",
                f"{draw['median_ms']:.1f} ms",
                f"{draw['drawn']} drawn with teams of 2, median of 5",
            )
        )
    rows.append(("load_demo", f"{results['load_demo']['seconds']:.2f} s", ""))
    extra = results["extra_rows"]
    rows.append(
        (
            "extra rows (bulk_create)",
            f"{extra['seconds']:.2f} s",
            f"{extra['applications']:,} applications, {extra['tickets']:,} tickets, "
            f"{extra['matters']:,} matters, {extra['audit_events']:,} audit events",
        )
    )
    for item in results.get("lists", []):
        rows.append(
            (
                f"{item['list']} page {item['page']}",
                f"{item['median_ms']:.1f} ms",
                f"p90 {item['p90_ms']:.1f} ms, {item['queries']} queries, "
                f"{item['requests_per_s']:.0f} req/s, {item['rows']:,} rows",
            )
        )
    imp = results.get("import")
    if imp:
        rows.append(
            (
                f"import_xlsx applications ({imp['rows']:,} rows)",
                f"{imp['seconds']:.2f} s",
                f"{imp['rows_per_s']:.0f} rows/s",
            )
        )
        rows.append(
            (
                "  again, all unchanged",
                f"{imp['reimport_seconds']:.2f} s",
                f"{imp['reimport_rows_per_s']:.0f} rows/s",
            )
        )
    exp = results.get("export")
    if exp:
        traced = exp["tracemalloc_peak_mib"]
        rows.append(
            (
                f"export_year_report {YEAR}",
                f"{exp['seconds']:.2f} s",
                f"peak RSS {exp['peak_rss_mib']:.0f} MiB "
                f"(+{exp['rss_growth_mib']:.0f} during the export), "
                + (f"tracemalloc peak {traced:.1f} MiB, " if traced is not None else "")
                + f"{exp['file_kib']:,.0f} KiB file",
            )
        )
    aud = results.get("verify_audit")
    if aud:
        rows.append(
            (
                "verify_audit",
                f"{aud['seconds_per_10k']:.2f} s / 10k",
                f"{aud['events']:,} events in {aud['seconds']:.2f} s",
            )
        )
    ind = results.get("indicators")
    if ind:
        rows.append(
            (
                f"indicators compute_all({YEAR})",
                f"{ind['median_ms']:.1f} ms",
                f"{ind['indicators']} indicators, {ind['queries']} queries",
            )
        )
    for state, figures in (results.get("dashboard") or {}).items():
        rows.append(
            (
                f"dashboard {YEAR} ({state})",
                f"{figures['median_ms']:.1f} ms",
                f"p90 {figures['p90_ms']:.1f} ms, {figures['queries']} queries",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    print()
    print(
        f"Jiaotong benchmarks — {meta['database']}, scale {meta['scale']}, "
        f"{meta['cpus']} CPUs, {meta['total_seconds']:.0f} s in all"
    )
    print("-" * (widths[0] + widths[1] + 40))
    for name, value, note in rows:
        print(f"{name:<{widths[0]}}  {value:>{widths[1]}}  {note}")
    print()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child_export:
        # Inherits the parent's environment (our database, our settings); refuses
        # to run on anything else.
        sys.path.insert(0, str(ROOT))
        quiet_warnings()
        expected = os.environ.get(CHILD_DB_VAR)
        if not expected:
            raise SystemExit("bench: --child-export is started by bench/run.py only")
        setup_django(expected)
        child_export(args.child_export)
        return 0

    started = time.perf_counter()
    work_dir = Path(tempfile.mkdtemp(prefix="jiaotong-bench-"))
    use_pg = not args.sqlite and postgres_answers()
    if use_pg:
        recreate_pg_database(args.pg_db)
        database_url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{args.pg_db}"
        expected_name, database = args.pg_db, f"PostgreSQL {args.pg_db}"
    else:
        sqlite_path = work_dir / "bench.sqlite3"
        database_url = f"sqlite:///{sqlite_path}"
        expected_name, database = str(sqlite_path), "SQLite (temporary file)"
        if not args.sqlite:
            log("PostgreSQL does not answer on 127.0.0.1:5432: using SQLite")
    configure_environment(database_url, work_dir)
    os.environ[CHILD_DB_VAR] = expected_name
    setup_django(expected_name)
    log(f"database: {database}; work files in {work_dir}")

    results: dict = {}
    try:
        log("migrate")
        results["migrate_seconds"] = round(migrate(), 2)
        log("load_demo")
        results["load_demo"] = load_demo()
        log("extra rows")
        results["extra_rows"] = add_extra_rows(args.scale)
        wanted = lambda name: args.only in (None, name)  # noqa: E731
        if wanted("lists"):
            log(f"list pages ({args.requests} requests each)")
            results["lists"] = measure_lists(args.requests)
        if wanted("import"):
            rows = args.import_rows or round(IMPORT_ROWS * args.scale)
            log(f"import_xlsx applications ({rows:,} rows, twice)")
            results["import"] = measure_import(work_dir, rows)
        if wanted("export"):
            log("export_year_report")
            results["export"] = measure_export(work_dir, trace=args.tracemalloc)
        if wanted("audit"):
            log("verify_audit")
            results["verify_audit"] = measure_verify_audit()
        if wanted("indicators"):
            log("indicators")
            results["indicators"] = measure_indicators()
        if wanted("draw"):
            log("supervision draw (10,000 enterprises, 500 drawn)")
            results["draw"] = measure_draw()
        if wanted("dashboard"):
            log(f"dashboard ({args.requests} requests uncached, then cached)")
            results["dashboard"] = measure_dashboard(args.requests)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
            if use_pg:
                drop_pg_database(args.pg_db)

    import django

    meta = {
        "measured_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": database,
        "scale": args.scale,
        "requests_per_page": args.requests,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    print_table(results, meta)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2)
        + "\n",
        encoding="utf-8",
    )
    log(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
