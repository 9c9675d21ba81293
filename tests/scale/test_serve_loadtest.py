"""The load test keeps working (issue 14: `make loadtest` runs with 0 errors):
bench/locustfile.py's staff sign in with the demo accounts, browse, open
records and file tickets against a live server of the demo year without a
single failed request. Speed is not asserted here (bench/loadtest.py measures
it); this only catches a renamed page, a changed form or a lost session."""

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)


def test_the_load_test_runs_without_errors(live_server, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    prefix = tmp_path / "locust"
    result = subprocess.run(  # noqa: S603 (the venv's locust, fixed args)
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(BASE_DIR / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            "5",
            "-r",
            "5",
            "-t",
            "15s",
            "--host",
            live_server.url,
            "--csv",
            str(prefix),
            "--stop-timeout",
            "10",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
    total = rows["Aggregated"]
    assert int(total["Failure Count"]) == 0, failures + result.stderr[-2000:]
    assert int(rows["login"]["Request Count"]) == 5
    assert int(total["Request Count"]) > 10
