"""Connections stay bounded (issue 14): the development server against
PostgreSQL keeps no connection per finished request thread, even when
CONN_MAX_AGE asks for persistent connections (before, each request's thread
left one open until PostgreSQL refused new clients)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="counts PostgreSQL connections"
    ),
]

REQUESTS = 12


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_connections(app_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [app_name],
        )
        return cursor.fetchone()[0]


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
        response.read()
        return response.status


def test_runserver_closes_each_request_threads_connection():
    db = settings.DATABASES["default"]
    app_name = f"jt-runserver-{uuid.uuid4().hex[:8]}"  # libpq reads PGAPPNAME
    port = _spare_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "JIAOTONG_TESTING"},
        "DJANGO_SETTINGS_MODULE": "jiaotong.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CONN_MAX_AGE": "60",
        "DEBUG": "1",
        "PGAPPNAME": app_name,
    }
    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/public/powers/"  # public, reads the database
        deadline = time.monotonic() + 120
        while True:
            try:
                assert _get(url) == 200
                break
            except OSError:
                assert server.poll() is None, "runserver stopped"
                assert time.monotonic() < deadline, "runserver did not answer"
                time.sleep(0.5)
        for _ in range(REQUESTS):
            assert _get(url) == 200
        # Each request ran in a thread of its own that has finished by now; a
        # closed connection leaves pg_stat_activity a moment later.
        deadline = time.monotonic() + 10
        while (left := _server_connections(app_name)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert left == 0
    finally:
        server.terminate()
        server.wait(timeout=30)
