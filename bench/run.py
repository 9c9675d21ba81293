"""Benchmarks of the heavy paths (QUALITY.md: speed and memory are measured here,
never in timed tests).  Run with ``make bench`` or ``.venv/bin/python bench/run.py``.

The run uses its own database, never the developer's: a fresh PostgreSQL database
``jiaotong_bench`` on 127.0.0.1:5432 when PostgreSQL answers (dropped, created and
migrated; dropped again at the end unless ``--keep``), else a SQLite file in a
temporary directory.  ``DATABASE_URL`` from the environment is ignored.

Setup: migrate, ``load_demo``, then ``generate_load`` at ``--scale`` (1: 20,000
applications, 6,000 tickets, 2,000 cases over 2014-2023; 50: issue 14's city of
1,000,000 applications) and a few bench extras. ``--reuse-db`` keeps the
prepared database between runs and measures on a fresh copy of it.

What it measures (bench/README.md explains each figure and its goal):

1. ``load_demo``: seconds.
2. The window, hotline, case and power lists for a leader, through
   django.test.Client: p95 and median ms of page 1, a deep page and the last
   page (reached through the list's own links), SQL queries per request,
   requests/s.
3. ``import_xlsx applications`` of a generated workbook, then the same workbook
   again (every row unchanged): seconds and rows/s.
4. ``export_year_report 2023``: seconds and peak RSS in a fresh process (and,
   with ``--tracemalloc``, the peak of Python allocations).
5. ``verify_audit`` over the whole audit chain: seconds per 10,000 events.
6. ``jiaotong.metrics.registry.compute_all(2023)``: seconds and SQL queries.
7. The leaders' dashboard for 2023 (whole bureau) through django.test.Client:
   median ms and SQL queries uncached (the cache version bumped before every
   request, so every figure, chart and record year is recomputed, the previous
   year's figures included) and cached; and uncached with every rollup
   stale, as in the minutes between a write and the next refresh (the
   figures then come from the records).

``--only dashboard`` (or lists, import, export, audit, indicators, draw) runs
the setup and that measurement alone.

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

# Records generate_load writes on top of the demo at --scale 1, spread over
# LOAD_YEARS (2023 holds a tenth): --scale 50 is issue 14's city, 1,000,000
# applications, 300,000 tickets and 100,000 penalty cases.
LOAD_APPLICATIONS = 20_000
LOAD_TICKETS = 6_000
LOAD_CASES = 2_000
LOAD_YEARS = "2014-2023"
# Added by the bench itself at every scale: penalty matters (a county's power
# list does not grow with the years) and events extending the audit chain.
EXTRA_MATTERS = 2_000
EXTRA_AUDIT_EVENTS = 20_000
IMPORT_ROWS = 2_000
# The deepest page measured by number, where the list can go there.
DEEP_PAGE = 1_000
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
        help="multiply the generated records and the import size (default 1: "
        f"generate_load --applications {LOAD_APPLICATIONS:,} --tickets "
        f"{LOAD_TICKETS:,} --cases {LOAD_CASES:,} --years {LOAD_YEARS}, "
        f"a {IMPORT_ROWS:,}-row workbook; 50 is issue 14's city of 1,000,000 "
        "applications)",
    )
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="keep the prepared database (--pg-db) between runs: when it already "
        "holds the demo and the generated records, skip drop, create, demo and "
        "generate_load; each run measures on a fresh copy of it (PostgreSQL only)",
    )
    parser.add_argument(
        "--deep-page",
        type=int,
        default=DEEP_PAGE,
        help=f"also measure this page of each list (default {DEEP_PAGE:,}; a "
        "keyset list is walked there by its next links; 0: skip)",
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
    if args.reuse_db and args.sqlite:
        parser.error("--reuse-db keeps a PostgreSQL database; not with --sqlite")
    if args.deep_page < 0:
        parser.error("--deep-page must be 0 or more")
    return args


def load_counts(scale: float) -> dict[str, int]:
    """generate_load's options at this scale."""
    return {
        "applications": round(LOAD_APPLICATIONS * scale),
        "tickets": round(LOAD_TICKETS * scale),
        "cases": round(LOAD_CASES * scale),
    }


def postgres_answers() -> bool:
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=1).close()
    except OSError:
        return False
    return True


def recreate_pg_database(name: str, template: str = "template0") -> None:
    """Drop ``name`` and create it empty, or as a copy of ``template``."""
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
                sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE {}").format(
                    ident, sql.Identifier(template)
                )
            )
    finally:
        conn.close()


def pg_database_exists(name: str) -> bool:
    import psycopg2

    conn = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=5
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        conn.close()


def switch_database(name: str) -> None:
    """Point Django (and the export child) at another PostgreSQL database of
    the bench, e.g. the copy a --reuse-db run measures on."""
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    os.environ["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    os.environ[CHILD_DB_VAR] = name


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


def generate_records(scale: float, only: dict | None = None) -> dict:
    """``generate_load`` at this scale (the way a city's ten years are made),
    then the bench's own few extras; ``ANALYZE`` as autovacuum would soon do.
    ``only``: just these generate_load options, on a kept database that has
    the rest (no extras then: it has them)."""
    from django.db import connection, transaction

    counts = only or load_counts(scale)
    start = time.perf_counter()
    output = quiet_command(
        "generate_load",
        *(f"--{name}={count}" for name, count in counts.items()),
        f"--years={LOAD_YEARS}",
        f"--seed={SEED}",
    )
    generated = round(time.perf_counter() - start, 2)
    for line in output.splitlines():
        log(f"  generate_load: {line}")
    if only is None:
        with transaction.atomic():
            _extra_matters(EXTRA_MATTERS)
            _extra_audit_events(EXTRA_AUDIT_EVENTS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        **record_counts(),
        "generate_load_seconds": generated,
        "seconds": round(time.perf_counter() - start, 2),
        "reused": only is not None,
    }


def record_counts() -> dict[str, int]:
    """What the bench database holds (the demo's records included)."""
    from enforcement.models import PenaltyCase
    from hotline.models import Ticket
    from jiaotong.models import AuditEvent
    from licensing.models import Application

    return {
        "applications": Application.objects.count(),
        "tickets": Ticket.objects.count(),
        "cases": PenaltyCase.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def has_cases_generator() -> bool:
    from jiaotong.loadgen import discover

    return "cases" in discover()


def kept_records(scale: float) -> tuple[bool, dict, dict]:
    """For a kept bench database: whether it holds the demo (migrated, with its
    accounts), what it holds, and the generate_load options of the kinds it
    holds fewer of than this scale asks (cases only once their generator
    exists), e.g. the cases of a database made before their generator."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    from jiaotong.models import User

    if not MigrationRecorder(connection).has_table():
        return False, {}, {}
    if not User.objects.filter(username="leader1").exists():
        return False, {}, {}
    present = record_counts()
    wanted = load_counts(scale)
    if not has_cases_generator():
        wanted.pop("cases")
    missing = {name: n for name, n in wanted.items() if present[name] < n}
    return True, present, missing


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


def _extra_audit_events(count: int) -> None:
    """Events that extend the hash chain exactly as audit_record would."""
    from django.utils import timezone

    from jiaotong.audit.services import GENESIS_HASH, compute_hash
    from jiaotong.models import AuditEvent
    from licensing.models import Application

    applications = list(
        Application.objects.order_by("-pk").values_list("pk", "number")[:count]
    )

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


def leader_client():
    """A django.test.Client signed in as the leader (sees every row), second
    factor included: the leader's role requires one, so the bench gives the
    leader of its own database a confirmed authenticator (when none) and
    verifies the session with it, as typing its code would."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from jiaotong.models import User

    leader = User.objects.get(username="leader1")
    device = TOTPDevice.objects.filter(user=leader, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=leader, name="bench", confirmed=True)
    client = Client()
    client.force_login(leader)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# The lists measured for the leader (sees every row): URL name and label. The
# big ones have keyset pages (jiaotong/pagination.py); the power list keeps
# Django's Paginator. Either way the pages are reached through the list's own
# links (bench/pagelinks.py), as a person would.
LISTS = [
    ("licensing:application_list", "window list"),
    ("hotline:ticket_list", "hotline list"),
    ("enforcement:case_list", "case list"),
    ("matter_list", "power list"),
]
PER_PAGE = 25
_TOTAL = re.compile(r"data-total>(.*?)</span>\s*(?:<ul|</div>|</nav>)", re.S)


def _list_total(body: str) -> str:
    """The list's own total as it shows it (共 N 条 exact, 约 N 条 estimated)."""
    match = _TOTAL.search(body)
    text = re.sub(r"<[^>]+>", "", match.group(1)) if match else ""
    found = re.search(r"([共约])\s*([\d,]+)", text)
    if found:
        return f"{found.group(1)} {int(found.group(2).replace(',', '')):,}"
    above = re.search(r"([\d,]+)\s*条以上", text)  # no planner estimate (SQLite)
    return f"> {above.group(1)}" if above else "?"


def measure_lists(requests: int, deep_page: int = DEEP_PAGE) -> list[dict]:
    """Page 1, a deep page and the last page of each list: median and p95 of
    ``requests`` requests, SQL queries of one request, requests/s in-process.
    The last page is the list's 末页 link from page 1 (a cursor on keyset
    lists, ?page=N on a Paginator; ?page=N computed from the total when the
    page has no such link). The deep page is ?page=N on a Paginator; a keyset
    list has no page numbers, so it is walked there by its 下一页 links (the
    walk's median per page is reported too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from pagelinks import page_link

    client = leader_client()

    def get(url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        return response

    def measure(url: str) -> dict:
        get(url)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            get(url)
        queries = len(captured)  # now: the next request resets the log
        times = []
        gc.collect()
        for _ in range(requests):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        return {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(_percentile(times, 0.95) * 1000, 1),
            "p90_ms": round(_percentile(times, 0.9) * 1000, 1),
            "queries": queries,
            "requests_per_s": round(len(times) / sum(times), 1),
        }

    results = []
    for url_name, label in LISTS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        body = get(url).content.decode()
        total = _list_total(body)
        last = page_link(body, "last")
        keyset = last is not None and "page=" not in last
        if last is None and total[2:].replace(",", "").isdigit():
            count = int(total[2:].replace(",", ""))
            if count > PER_PAGE:
                last = f"?page={math.ceil(count / PER_PAGE)}"
        pages = [("page 1", url, None)]
        if deep_page > 1 and keyset:
            href, walk, number = None, [], 1
            while number < deep_page:
                href = page_link(body, "next")
                if href is None:
                    break
                start = time.perf_counter()
                body = get(url + href).content.decode()
                walk.append(time.perf_counter() - start)
                number += 1
            if number == deep_page:
                walk_ms = round(statistics.median(walk) * 1000, 1)
                pages.append((f"page {deep_page:,}", url + href, walk_ms))
        elif deep_page > 1 and last is not None:
            last_number = int(re.search(r"page=(\d+)", last).group(1))
            if deep_page < last_number:
                pages.append((f"page {deep_page:,}", f"{url}?page={deep_page}", None))
        if last is not None:
            pages.append(("last page", url + last, None))
        for page, target, walk_ms in pages:
            figures = measure(target)
            results.append(
                {
                    "list": url_name,
                    "label": label,
                    "rows": total,
                    "page": page,
                    "pagination": "keyset" if keyset else "paginator",
                    **figures,
                    **({"walk_median_ms": walk_ms} if walk_ms is not None else {}),
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


# Which writer the export child runs (see measure_export).
EXPORT_WRITER_VAR = "JIAOTONG_BENCH_EXPORT_WRITER"
EXPORT_WRITERS = {
    "workbook": "export_year_report",
    "xlsxwriter": "bare XlsxWriter constant_memory, write_row",
    "openpyxl": "bare openpyxl write-only, append",
}


def child_export(path: str) -> None:
    """Runs in a fresh process: the export's time and peak RSS, undisturbed by
    whatever the benchmark process allocated before.  With EXPORT_WRITER_VAR set
    to ``xlsxwriter`` or ``openpyxl``, a bare writer instead: the record rows of
    the same ``report_sheets`` hooks (same queries, same masking), one plain
    sheet each, no summary, no formats, no cleaning; the floor the workbook is
    measured against."""
    import jiaotong.reports.builder  # noqa: F401  (imports are not part of the figure)

    writer = os.environ.get(EXPORT_WRITER_VAR, "workbook")
    before = peak_rss_mib()
    if writer == "workbook":
        seconds, _ = timed(quiet_command, "export_year_report", str(YEAR), output=path)
        cells = None
    else:
        bare = _bare_xlsxwriter if writer == "xlsxwriter" else _bare_openpyxl
        seconds, cells = timed(bare, path)
    after = peak_rss_mib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_before": before,
                "rss_after": after,
                **(cells or {}),
            }
        )
    )


def _bare_xlsxwriter(path: str) -> dict:
    import xlsxwriter

    from jiaotong.reports.builder import _record_sheets

    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "remove_timezone": True}
    )
    rows = cells = 0
    for n, (title, headers, records) in enumerate(_record_sheets(YEAR, None)):
        sheet = workbook.add_worksheet(f"{n}{title}"[:31])
        sheet.write_row(0, 0, headers)
        for r, record in enumerate(records, start=1):
            sheet.write_row(r, 0, record)
            cells += len(record)
            rows += 1
    workbook.close()
    return {"rows": rows, "cells": cells}


def _bare_openpyxl(path: str) -> dict:
    from openpyxl import Workbook

    from jiaotong.reports.builder import _record_sheets

    workbook = Workbook(write_only=True)
    rows = cells = 0
    for n, (title, headers, records) in enumerate(_record_sheets(YEAR, None)):
        sheet = workbook.create_sheet(f"{n}{title}"[:31])
        sheet.append(headers)
        for record in records:
            # openpyxl refuses aware datetimes: the least it needs.
            sheet.append(
                [
                    v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v
                    for v in record
                ]
            )
            cells += len(record)
            rows += 1
    workbook.save(path)
    return {"rows": rows, "cells": cells}


def _export_child(path: Path, writer: str) -> dict:
    from django.db import connections

    connections.close_all()  # SQLite: nothing of ours holds the file open
    completed = subprocess.run(  # noqa: S603 (our own script, no shell)
        [sys.executable, str(Path(__file__).resolve()), "--child-export", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, EXPORT_WRITER_VAR: writer},
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"export child ({writer}) failed:\n{completed.stderr[-3000:]}"
        )
    child = json.loads(completed.stdout.strip().splitlines()[-1])
    child["growth"] = child["rss_after"] - child["rss_before"]
    child["file_kib"] = path.stat().st_size / 1024
    return child


def measure_export(work_dir: Path, *, trace: bool) -> dict:
    """The workbook, then the bare writers of the same record rows, each in a
    fresh process of the same run (the workbook first: if anything, the bare
    writers find the database's cache warmer).  Goals (issue 14): the workbook
    within 1.3x the bare XlsxWriter writer, its RSS growth within 128 MiB."""
    path = work_dir / f"year-report-{YEAR}.xlsx"
    runs = {
        writer: _export_child(
            path if writer == "workbook" else work_dir / f"bare-{writer}-{YEAR}.xlsx",
            writer,
        )
        for writer in EXPORT_WRITERS
    }
    book, floor = runs["workbook"], runs["xlsxwriter"]
    ratio = book["seconds"] / floor["seconds"]
    log(
        f"export: {floor['rows']:,} record rows ({floor['cells']:,} cells) "
        "and the summary sheets"
    )
    for writer, label in EXPORT_WRITERS.items():
        run = runs[writer]
        log(
            f"  {label:<44} {run['seconds']:7.2f} s  "
            f"{run['seconds'] / floor['seconds']:5.2f}x  peak RSS "
            f"{run['rss_after']:.0f} MiB (+{run['growth']:.0f})  "
            f"{run['file_kib']:,.0f} KiB"
        )
    log(
        f"  workbook / bare XlsxWriter: {ratio:.2f} (goal <= 1.3), RSS growth "
        f"{book['growth']:.0f} MiB (goal <= 128): "
        + ("met" if ratio <= 1.3 and book["growth"] <= 128 else "NOT MET")
    )
    result = {
        "seconds": round(book["seconds"], 2),
        "peak_rss_mib": round(book["rss_after"], 1),
        "rss_growth_mib": round(book["growth"], 1),
        "tracemalloc_peak_mib": None,
        "file_kib": round(book["file_kib"], 1),
        "record_rows": floor["rows"],
        "record_cells": floor["cells"],
        "bare_xlsxwriter_seconds": round(floor["seconds"], 2),
        "bare_xlsxwriter_rss_growth_mib": round(floor["growth"], 1),
        "bare_openpyxl_seconds": round(runs["openpyxl"]["seconds"], 2),
        "bare_openpyxl_rss_growth_mib": round(runs["openpyxl"]["growth"], 1),
        "ratio_to_bare_xlsxwriter": round(ratio, 3),
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


def measure_indicators(repeat: int = 5) -> dict:
    """``compute_all(YEAR)`` uncached: median and best of ``repeat`` runs after
    one warm-up run, the SQL queries of one run and the slowest of them (the
    per-table aggregate queries: what to look at when the figure grows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiaotong.metrics.registry import compute_all

    values = compute_all(YEAR)  # warm-up: the first run pays for cold caches
    with CaptureQueriesContext(connection) as captured:
        compute_all(YEAR)
    times = [timed(compute_all, YEAR)[0] for _ in range(repeat)]
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]
    return {
        "indicators": len(values),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "best_ms": round(min(times) * 1000, 1),
        "queries": len(captured),
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:160]}
            for q in slowest
        ],
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
    """The dashboard page of YEAR for a leader: uncached (the cache cleared,
    the rollups current: their full rebuild is timed first), cached, and
    uncached with the rollups stale (every source's records changed since its
    refresh: what a leader waits for until the next refresh)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from jiaotong.dashboard.cache import bump_version
    from jiaotong.metrics.rollups import records_changed, refresh

    started = time.perf_counter()
    refresh(force=True)
    refresh_seconds = round(time.perf_counter() - started, 1)
    client = leader_client()
    url, query = reverse("dashboard"), {"year": YEAR}

    def run(uncached: bool, stale: bool = False) -> dict:
        def invalidate():
            if stale:
                records_changed("*")  # stale rollups (no refresh is queued)
            if uncached:
                bump_version(None)  # the cached figures only

        if client.get(url, query).status_code != 200:  # warm-up
            raise RuntimeError(f"{url}: HTTP error")
        invalidate()
        with CaptureQueriesContext(connection) as captured:
            client.get(url, query)
        queries = len(captured)
        times = []
        gc.collect()
        for _ in range(requests):
            invalidate()
            start = time.perf_counter()
            client.get(url, query)
            times.append(time.perf_counter() - start)
        return {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p90_ms": round(_percentile(times, 0.9) * 1000, 1),
            "queries": queries,
        }

    return {
        "uncached": run(True),
        "cached": run(False),
        "uncached, rollups stale": run(True, stale=True),
        "rollup_refresh_s": refresh_seconds,
    }


# --- Report -------------------------------------------------------------------------


# Issue 14's goals, printed beside each figure with ✓ or ✗.
GOAL_LIST_P95_MS = 50  # window and hotline lists (and the case list): any depth
GOAL_INDICATORS_MS = 200  # compute_all(2023), uncached
GOAL_DASHBOARD_MS = 200  # the dashboard of 2023, uncached (rollups current)
GOAL_IMPORT_SECONDS = 60  # import_xlsx applications, 100,000 rows
GOAL_EXPORT_RATIO = 1.3  # export_year_report vs bare XlsxWriter
GOAL_EXPORT_MIB = 128  # RSS growth of the export process during the export
_GOAL_LISTS = {
    "licensing:application_list",
    "hotline:ticket_list",
    "enforcement:case_list",
}


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("✓" if ok else "✗")


def _num(value, spec: str, unit: str = "") -> str:
    return "—" if value is None else f"{value:{spec}}{unit}"


def print_table(results: dict, meta: dict) -> None:
    """One row per figure: name, value, goal, ✓/✗, details. Keys of the other
    measurements are read with .get, so a figure a measurement no longer
    returns prints as — instead of failing the run."""
    rows: list[tuple[str, str, str, str, str]] = []

    def row(name, value, goal="", ok=None, note=""):
        rows.append((name, value, goal, _mark(ok), note))

    draw = results.get("draw")
    if draw:
        row(
            f"supervision draw ({draw['enterprises']:,} enterprises)",
            f"{draw['median_ms']:.1f} ms",
            "< 1 s",
            draw["median_ms"] < 1000,
            f"{draw['drawn']} drawn with teams of 2, median of 5",
        )
    demo = results.get("load_demo") or {}
    row(
        "load_demo",
        "reused" if demo.get("reused") else _num(demo.get("seconds"), ".2f", " s"),
    )
    rec = results.get("records") or {}
    if rec:
        row(
            "records (generate_load)",
            _num(rec.get("generate_load_seconds"), ".1f", " s")
            if "generate_load_seconds" in rec
            else "reused",
            note=", ".join(
                f"{rec[name]:,} {name.replace('_', ' ')}"
                for name in ("applications", "tickets", "cases", "audit_events")
                if name in rec
            ),
        )
    lists = results.get("lists", [])
    queries_by_list: dict[str, set] = {}
    for item in lists:
        queries_by_list.setdefault(item["list"], set()).add(item["queries"])
    for item in lists:
        p95 = item.get("p95_ms", item.get("p90_ms"))
        goal_applies = item["list"] in _GOAL_LISTS
        constant = len(queries_by_list[item["list"]]) == 1
        walk = item.get("walk_median_ms")
        row(
            f"{item.get('label', item['list'])} {item['page']}",
            f"p95 {p95:.1f} ms",
            f"≤ {GOAL_LIST_P95_MS} ms" if goal_applies else "",
            (p95 <= GOAL_LIST_P95_MS and constant) if goal_applies else None,
            f"median {item['median_ms']:.1f} ms, {item['queries']} queries"
            + ("" if constant else " (not constant)")
            + f", {item['requests_per_s']:.0f} req/s, {item['rows']} rows"
            + (f", {item.get('pagination')}" if item.get("pagination") else "")
            + (f"; walked there: median {walk:.1f} ms a page" if walk else ""),
        )
    imp = results.get("import")
    if imp:
        seconds = imp.get("seconds")
        full = imp.get("rows", 0) >= 100_000
        row(
            f"import_xlsx applications ({imp.get('rows', 0):,} rows)",
            _num(seconds, ".2f", " s"),
            f"≤ {GOAL_IMPORT_SECONDS} s at 100,000 rows",
            (seconds is not None and seconds <= GOAL_IMPORT_SECONDS) if full else None,
            _num(imp.get("rows_per_s"), ",.0f", " rows/s"),
        )
        if imp.get("reimport_seconds") is not None:
            row(
                "  again, all unchanged",
                _num(imp.get("reimport_seconds"), ".2f", " s"),
                note=_num(imp.get("reimport_rows_per_s"), ",.0f", " rows/s"),
            )
    exp = results.get("export")
    if exp:
        ratio = exp.get("ratio_to_bare_xlsxwriter", exp.get("ratio"))
        bare = exp.get("bare_xlsxwriter_seconds", exp.get("bare_seconds"))
        growth = exp.get("rss_growth_mib")
        traced = exp.get("tracemalloc_peak_mib")
        openpyxl = exp.get("bare_openpyxl_seconds")
        row(
            f"export_year_report {YEAR}",
            _num(exp.get("seconds"), ".2f", " s"),
            f"≤ {GOAL_EXPORT_RATIO}× bare XlsxWriter",
            None if ratio is None else ratio <= GOAL_EXPORT_RATIO,
            f"bare XlsxWriter {_num(bare, '.2f', ' s')}, ratio {_num(ratio, '.2f', '×')}"
            + (f", bare openpyxl {openpyxl:.2f} s" if openpyxl is not None else "")
            + (
                f", {exp['record_rows']:,} record rows"
                if exp.get("record_rows") is not None
                else ""
            )
            + f", {_num(exp.get('file_kib'), ',.0f', ' KiB')} file",
        )
        row(
            "  export memory (RSS growth)",
            _num(growth, ".0f", " MiB"),
            f"≤ {GOAL_EXPORT_MIB} MiB",
            None if growth is None else growth <= GOAL_EXPORT_MIB,
            f"peak RSS {_num(exp.get('peak_rss_mib'), '.0f', ' MiB')} of the process"
            + (f", tracemalloc peak {traced:.1f} MiB" if traced is not None else ""),
        )
    aud = results.get("verify_audit")
    if aud:
        row(
            "verify_audit",
            f"{aud['seconds_per_10k']:.2f} s / 10k",
            note=f"{aud['events']:,} events in {aud['seconds']:.2f} s",
        )
    ind = results.get("indicators")
    if ind:
        value = ind.get("median_ms")
        row(
            f"indicators compute_all({YEAR})",
            _num(value, ".1f", " ms"),
            f"≤ {GOAL_INDICATORS_MS} ms uncached",
            None if value is None else value <= GOAL_INDICATORS_MS,
            f"{ind.get('indicators', '?')} indicators, {ind.get('queries', '?')} queries",
        )
    dashboard = results.get("dashboard") or {}
    for state in ("uncached", "cached", "uncached, rollups stale"):
        figures = dashboard.get(state)
        if not figures:
            continue
        uncached = state == "uncached"
        row(
            f"dashboard {YEAR} ({state})",
            f"{figures['median_ms']:.1f} ms",
            f"≤ {GOAL_DASHBOARD_MS} ms" if uncached else "",
            figures["median_ms"] <= GOAL_DASHBOARD_MS if uncached else None,
            f"p90 {figures['p90_ms']:.1f} ms, {figures['queries']} queries"
            + (", until the next refresh" if "stale" in state else ""),
        )
    if dashboard.get("rollup_refresh_s") is not None:
        row(
            "dashboard rollups: full rebuild",
            f"{dashboard['rollup_refresh_s']:.1f} s",
            note="every source, every year (jiaotong.metrics.rollups.refresh)",
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    print(
        f"Jiaotong benchmarks — {meta['database']}, scale {meta['scale']}"
        + (" (reused)" if meta.get("reused") else "")
        + f", {meta['cpus']} CPUs, load average {meta.get('load_average', '?')}, "
        f"{meta['total_seconds']:.0f} s in all"
    )
    print(
        f"{'figure':<{widths[0]}}  {'value':>{widths[1]}}  {'goal':<{widths[2]}}  "
        f"{'':<{widths[3]}}  details"
    )
    print("-" * (sum(widths) + 50))
    for name, value, goal, mark, note in rows:
        print(
            f"{name:<{widths[0]}}  {value:>{widths[1]}}  {goal:<{widths[2]}}  "
            f"{mark:<{widths[3]}}  {note}"
        )
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
    if args.reuse_db and not use_pg:
        raise SystemExit("bench: --reuse-db needs PostgreSQL on 127.0.0.1:5432")
    fresh = not (args.reuse_db and pg_database_exists(args.pg_db))
    if use_pg:
        if fresh:
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
    measured_on = None  # the copy a --reuse-db run measures on
    try:
        log("migrate")
        results["migrate_seconds"] = round(migrate(), 2)
        has_demo, present, missing = (
            (False, {}, {}) if fresh else kept_records(args.scale)
        )
        if has_demo:
            log(
                f"--reuse-db: {args.pg_db} already holds the records "
                f"({present['applications']:,} applications, "
                f"{present['tickets']:,} tickets, {present['cases']:,} cases): "
                "no demo"
                + (
                    ", generate_load "
                    + ", ".join(f"--{name} {n:,}" for name, n in missing.items())
                    + " only"
                    if missing
                    else ", no generate_load"
                )
            )
            results["load_demo"] = {"seconds": None, "reused": True}
            results["records"] = (
                generate_records(args.scale, only=missing)
                if missing
                else {**present, "reused": True}
            )
        else:
            if not fresh:
                log(f"--reuse-db: {args.pg_db} lacks the demo: made anew")
                from django.db import connections

                connections.close_all()
                recreate_pg_database(args.pg_db)
                migrate()
            log("load_demo")
            results["load_demo"] = load_demo()
            counts = load_counts(args.scale)
            log(
                "generate_load "
                + ", ".join(f"--{name} {count:,}" for name, count in counts.items())
                + f" --years {LOAD_YEARS}"
                + ("" if has_cases_generator() else " (no cases generator yet)")
            )
            results["records"] = generate_records(args.scale)
        if args.reuse_db:
            # Measure on a copy: the import adds rows, and the next run must
            # find the kept database as it was.
            measured_on = f"{args.pg_db}_run"
            from django.db import connections

            connections.close_all()
            log(f"--reuse-db: measuring on a copy, {measured_on}")
            recreate_pg_database(measured_on, template=args.pg_db)
            switch_database(measured_on)
        wanted = lambda name: args.only in (None, name)  # noqa: E731
        if wanted("lists"):
            log(
                f"list pages ({args.requests} requests each"
                + (f", page {args.deep_page:,} too" if args.deep_page > 1 else "")
                + ")"
            )
            results["lists"] = measure_lists(args.requests, args.deep_page)
        # Reading figures first, on the records the setup made (the scale's
        # 2014-2023 spread); the import then adds its rows (all in 2023) and
        # the audit chain is verified with the import's events in it.
        if wanted("indicators"):
            log("indicators")
            results["indicators"] = measure_indicators()
        if wanted("dashboard"):
            log(f"dashboard ({args.requests} requests uncached, then cached)")
            results["dashboard"] = measure_dashboard(args.requests)
        if wanted("export"):
            log("export_year_report")
            results["export"] = measure_export(work_dir, trace=args.tracemalloc)
        if wanted("import"):
            rows = args.import_rows or round(IMPORT_ROWS * args.scale)
            log(f"import_xlsx applications ({rows:,} rows, twice)")
            results["import"] = measure_import(work_dir, rows)
        if wanted("audit"):
            log("verify_audit")
            results["verify_audit"] = measure_verify_audit()
        if wanted("draw"):
            log("supervision draw (10,000 enterprises, 500 drawn)")
            results["draw"] = measure_draw()
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
            if measured_on:
                drop_pg_database(measured_on)
            elif use_pg and not args.reuse_db:
                drop_pg_database(args.pg_db)

    import django

    meta = {
        "measured_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "database": database,
        "scale": args.scale,
        "reused": bool(args.reuse_db and not fresh),
        "requests_per_page": args.requests,
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
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
