"""``make loadtest``: the production-like stack of ``make serve`` (two gunicorn
workers, two Celery workers, beat) on a spare port against a database of its
own, locust headless against it (bench/locustfile.py: by default 50 staff who
sign in two a second, a morning's arrivals compressed into 25 s, then browse
for 60 s), then requests/s, p95 and errors beside the goals of issue 14
(0 errors, p95 ≤ 300 ms), and the stack is stopped.

    .venv/bin/python bench/loadtest.py                    # or: make loadtest
    .venv/bin/python bench/loadtest.py --db jiaotong_bench_big --time 120s

The database (default ``jiaotong_bench_loadtest``) is created, migrated and given
the demo year when it does not exist; an existing one is used as it is (it needs
the demo accounts, e.g. a copy of a bench database after ``generate_load``).
Traffic goes to 127.0.0.1 only. Exit status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
GOAL_P95_MS = 300
# A fixed, obviously unsafe audit key for this throw-away database: the demo's
# audit rows and the load test's stay one verifiable chain across runs.
AUDIT_KEY = "loadtest:insecure-load-test-audit-key-do-not-use-anywhere"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="jiaotong_bench_loadtest")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/13",
        help="Celery broker; the shared cache is the next database number",
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=2,
        help="people signing in per second (default 2: 50 staff in 25 s)",
    )
    parser.add_argument(
        "--time",
        default="60s",
        help="how long everyone browses once the last person has signed in "
        "(locust's --run-time is this plus the sign-in ramp)",
    )
    parser.add_argument(
        "--wait",
        default="2,5",
        help="seconds between one person's clicks, MIN,MAX (default 2,5)",
    )
    parser.add_argument("--port", type=int, default=0, help="0: a spare port")
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d+(\.\d+)?,\d+(\.\d+)?", args.wait):
        parser.error("--wait must be MIN,MAX in seconds, e.g. 2,5")
    if not re.fullmatch(r"[a-z0-9_]+", args.db):
        parser.error("--db must be lower-case letters, digits and _")
    match = re.fullmatch(r"(\d+)([sm]?)", args.time)
    if not match or args.spawn_rate <= 0:
        parser.error("--time must be seconds or minutes (60s, 2m); --spawn-rate > 0")
    args.steady_seconds = int(match.group(1)) * (60 if match.group(2) == "m" else 1)
    args.ramp_seconds = math.ceil(args.users / args.spawn_rate)
    return args


def log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg(query: str, params=(), dbname: str = "postgres"):
    import psycopg2

    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def prepare_database(name: str, fresh: bool) -> bool:
    """Create the database when missing; True when it is new."""
    from psycopg2 import sql

    if fresh:
        _pg(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
    if _pg("SELECT 1 FROM pg_database WHERE datname = %s", [name]):
        return False
    _pg(
        sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
            sql.Identifier(name)
        )
    )
    return True


def stack_env(args, port: int, work: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("JIAOTONG_TESTING", "REDIS_CACHE_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        DATABASE_URL=f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{args.db}",
        CELERY_BROKER_URL=args.redis,
        CONN_MAX_AGE="60",
        DEBUG="0",
        SECRET_KEY=os.urandom(32).hex(),
        AUDIT_HMAC_KEYS=AUDIT_KEY,
        AUDIT_CHECKPOINT_DIR=str(work / "audit-checkpoints"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback: no redirect to HTTPS, cookies not "Secure".
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="0",
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def wait_until_up(url: str, stack: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise SystemExit(
                f"make serve stopped (exit {stack.returncode}); see its log"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def stop(stack: subprocess.Popen) -> None:
    if stack.poll() is None:
        os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()


def connections_to(db: str) -> int:
    rows = _pg("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [db])
    return int(rows[0][0])


def read_stats(prefix: Path) -> tuple[dict, list[dict]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return total, [row for row in rows if row["Name"] != "Aggregated"]


# What the warm-up opens, as each role: every page the locustfile visits.
WARM_UP = {
    "window1": ["/licensing/", "/licensing/?q=王"],
    "hotline1": ["/hotline/", "/hotline/?category=投诉", "/hotline/new/"],
    "officer1": ["/enforcement/"],
}


def warm_up(base: str, rounds: int = 6) -> None:
    """A production server has served these pages before: each gunicorn
    worker has imported the views and compiled the templates. Without this,
    the first request of each page in each worker (a second or more) lands in
    the measured minute and dominates its p95."""
    import requests

    for username, paths in WARM_UP.items():
        session = requests.Session()
        page = session.get(f"{base}/accounts/login/", timeout=60)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        session.post(
            f"{base}/accounts/login/",
            data={
                "username": username,
                "password": os.environ.get("LOADTEST_PASSWORD", "Jiaotong@2023demo"),
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": page.url},
            timeout=60,
        )
        for _ in range(rounds):
            for path in paths:
                body = session.get(base + path, timeout=60).text
                record = re.search(r'href="(/[a-z]+/\d+/)"', body)
                if record:
                    session.get(base + record.group(1), timeout=60)


class ConnectionWatch(threading.Thread):
    """The most connections to the database seen during the run (once a second):
    bounded by the processes of the stack, whatever the number of requests."""

    def __init__(self, db: str):
        super().__init__(daemon=True)
        self.db, self.most, self._done = db, 0, threading.Event()

    def run(self) -> None:
        while not self._done.wait(1):
            self.most = max(self.most, connections_to(self.db))

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=10)


def report(
    total: dict, rows: list[dict], pages: dict, connections: tuple[int, int], args
) -> bool:
    requests = int(total["Request Count"])
    errors = int(total["Failure Count"])
    p95 = float(total["95%"])
    rps = float(total["Requests/s"])
    width = max(len(row["Name"]) for row in rows) + 2 if rows else 20
    print()
    print(
        f"Load test — {args.users} staff signing in over {args.ramp_seconds} s, "
        f"then {args.steady_seconds} s of browsing, {args.wait} s between clicks, "
        f"database {args.db}"
    )
    print(f"{'request':<{width}} {'count':>7} {'errors':>7} {'median':>8} {'p95':>8}")
    for row in rows:
        print(
            f"{row['Name']:<{width}} {row['Request Count']:>7} "
            f"{row['Failure Count']:>7} {row['50%']:>6} ms {row['95%']:>6} ms"
        )
    ok_errors, ok_p95 = errors == 0, p95 <= GOAL_P95_MS
    print()
    print(f"requests/s   {rps:8.1f}          ({requests:,} requests)")
    print(
        f"p95          {p95:8.0f} ms       goal ≤ {GOAL_P95_MS} ms  {'✓' if ok_p95 else '✗'}"
    )
    if pages.get("count"):
        steady = pages["p95_ms"]
        print(
            f"  steady     {steady:8.0f} ms       goal ≤ {GOAL_P95_MS} ms  "
            f"{'✓' if steady <= GOAL_P95_MS else '✗'}  p95 of the "
            f"{pages['count']:,} page requests after everyone signed in"
        )
    print(
        f"errors       {errors:8d}          goal 0         {'✓' if ok_errors else '✗'}"
    )
    print(
        f"connections  {connections[0]:8d}          most at once to {args.db} "
        f"during the run ({connections[1]} at the end; the stack has 2 gunicorn "
        "workers and 2 Celery workers)"
    )
    print()
    return ok_errors and ok_p95


def main(argv=None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="jiaotong-loadtest-"))
    port = args.port or spare_port()
    env = stack_env(args, port, work)
    if prepare_database(args.db, args.fresh):
        log(f"database {args.db} created: migrate, load_demo")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
    stack_log = work / "serve.log"
    log(f"make serve on http://127.0.0.1:{port}/ (log: {stack_log})")
    with open(stack_log, "wb") as out:
        stack = subprocess.Popen(  # noqa: S603 (fixed args)
            [
                shutil.which("make") or "/usr/bin/make",
                "--no-print-directory",
                "-o",
                "setup",
                "serve",
                "HOST=127.0.0.1",
                f"PORT={port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", stack)
        log("warm-up: each page a few times per role (not measured)")
        warm_up(f"http://127.0.0.1:{port}")
        log(
            f"locust: {args.users} users signing in at {args.spawn_rate}/s "
            f"({args.ramp_seconds} s), then {args.steady_seconds} s of browsing"
        )
        prefix = work / "locust"
        watch = ConnectionWatch(args.db)
        watch.start()
        subprocess.run(  # noqa: S603 (the venv's locust, fixed args)
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.ramp_seconds + args.steady_seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOADTEST_PAGES_FILE": str(work / "pages.json"),
                "LOADTEST_WAIT": args.wait,
            },
            check=False,  # exit 1 on any failure: counted below
        )
        watch.stop()
        connections = (watch.most, connections_to(args.db))
    finally:
        log("stopping the stack")
        stop(stack)
    total, rows = read_stats(prefix)
    pages_file = work / "pages.json"
    pages = json.loads(pages_file.read_text()) if pages_file.exists() else {}
    ok = report(total, rows, pages, connections, args)
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and len(failures.read_text(encoding="utf-8").splitlines()) > 1:
        print(failures.read_text(encoding="utf-8"))
    if args.keep_logs:
        log(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
