"""Time the keyset lists on a big database: page 1, a deep page and the last
page of the window, ticket and case lists, per user (issue 14).

Run it against a *copy* of a big database, never the template itself::

    createdb -h 127.0.0.1 -U postgres -T jt_scale50 jt_lists_big
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jt_lists_big \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jt_lists_big JIAOTONG_TESTING=1 \\
        DEBUG=0 SECRET_KEY=x ALLOWED_HOSTS=testserver \\
        .venv/bin/python scripts/measure_lists.py --users leader1,window1 -n 20

Prints, per page: median and p95 wall time of ``-n`` requests through
``django.test.Client`` (in process, no network), the Python CPU time, the SQL
queries of one request and the total the page shows. ``--explain`` also prints
``EXPLAIN ANALYZE`` of the count and page queries (look for "Seq Scan" on the
big tables). Speed is measured here and in bench/run.py, never in tests.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaotong.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from enforcement import selectors as cases  # noqa: E402
from hotline import selectors as tickets  # noqa: E402
from jiaotong import pagination  # noqa: E402
from jiaotong.accounts.otp import TOTP_NAME, requires_second_factor  # noqa: E402
from jiaotong.models import User  # noqa: E402
from licensing import selectors as applications  # noqa: E402

LISTS = {
    "apps": ("licensing:application_list", applications.application_list, 500_000),
    "tickets": ("hotline:ticket_list", tickets.ticket_list, 150_000),
    "cases": ("enforcement:case_list", cases.case_list, 50_000),
}
BIG_TABLES = (
    '"licensing_application"',
    '"hotline_ticket"',
    '"enforcement_penaltycase"',
)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    if requires_second_factor(user):  # as after typing the code
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(
            user=user, name=TOTP_NAME, confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def measure(client, url, params, label, n, explain):
    client.get(url, params)  # warm-up
    wall, cpu = [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    wall.sort()
    p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
    shown = re.search(r"data-total>(.*?)每页", response.content.decode(), re.S)
    total = re.sub(r"<[^>]+>|，", "", shown.group(1)).strip() if shown else "—"
    print(
        f"{label:38s} median {statistics.median(wall):6.1f} ms  p95 {p95:6.1f} ms"
        f"  (python cpu {statistics.median(cpu):5.1f} ms)"
        f"  {len(queries.captured_queries)} queries  {total}"
    )
    if explain:
        for query in queries.captured_queries:
            sql = query["sql"]
            if any(t in sql for t in BIG_TABLES) and ("LIMIT" in sql):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN ANALYZE " + sql)
                    plan = "\n    ".join(row[0] for row in cursor.fetchall())
                print(f"    {sql[:160]}…\n    {plan}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="leader1,window1,hotline1,officer1")
    parser.add_argument("--lists", default="apps,tickets,cases")
    parser.add_argument("-n", type=int, default=20, help="requests per page")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    for username in args.users.split(","):
        user = User.objects.get(username=username)
        client = signed_in(user)
        for name in args.lists.split(","):
            url_name, selector, depth = LISTS[name]
            rows = selector(user)
            if not rows.exists():
                continue
            url = reverse(url_name)
            deep = pagination.cursor_at(rows, depth) or pagination.cursor_at(
                rows, 1_000
            )
            pages = [("page 1", {}), ("last", {"cursor": pagination.LAST})]
            if deep:
                pages.insert(1, ("deep", {"cursor": deep}))
            for label, params in pages:
                measure(
                    client, url, params, f"{username} {name} {label}", args.n,
                    args.explain,
                )  # fmt: skip


if __name__ == "__main__":
    main()
