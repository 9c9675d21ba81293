"""Production settings: `check --deploy` is clean, the secret key and database
come from the environment, static files collect, and the CSP header is strict.

Settings are read once per process, so each production case runs in a
subprocess with its own environment (pytest is not imported there, so the test
defaults do not apply)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
_STRIPPED = {
    # set by the test harness (tests/browser/conftest.py), never in deployment
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "JIAOTONG_TESTING",
    "DEBUG",
    "SECRET_KEY",
    "AUDIT_HMAC_KEYS",
    "AUDIT_CHECKPOINT_DIR",
    "ALLOWED_HOSTS",
    "CELERY_BROKER_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "STATIC_ROOT",
    "MEDIA_ROOT",
}


def _production_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED}
    env.update(
        DJANGO_SETTINGS_MODULE="jiaotong.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_HMAC_KEYS=f"k1:{secrets.token_urlsafe(48)}",
        ALLOWED_HOSTS="example.gov.cn",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _run(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_reports_no_issues_with_production_settings():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = _run(["manage.py", "check"], _production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


_PRINT_DATABASE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({k: db[k] for k in "
    "('ENGINE', 'NAME', 'HOST', 'PORT', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}))"
)


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    env = _production_env(
        DATABASE_URL="postgres://jiaotong:pw@db.example.gov.cn:5432/jiaotong"
    )
    result = _run(["-c", _PRINT_DATABASE], env)
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "jiaotong.db.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"]) == (
        "jiaotong",
        "db.example.gov.cn",
        5432,
    )
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True


def test_without_database_url_the_embedded_sqlite_file_is_used():
    result = _run(["-c", _PRINT_DATABASE], _production_env())
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["ENGINE"] == "jiaotong.db.sqlite3"
    assert Path(db["NAME"]) == BASE_DIR / "db.sqlite3"


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    # What the Dockerfile and `make serve` run: hashed, compressed static files.
    env = _production_env(STATIC_ROOT=str(tmp_path / "static"))
    result = _run(["manage.py", "collectstatic", "--noinput", "-v0"], env, 300)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "js/progress.js" in manifest["paths"]
    assert "vendor/bootstrap-5.3.9/dist/css/bootstrap.min.css" in manifest["paths"]


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_csp_header_forbids_plugins_base_tags_framing_and_inline_scripts(client):
    response = client.get(reverse("login"))
    csp = _csp(response)
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    script_src = csp.get("script-src", csp.get("default-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src


@pytest.mark.django_db
def test_signed_in_pages_carry_the_csp_header_too(client, sysadmin):
    client.force_login(sysadmin)
    response = client.get(reverse("year_report_request"))
    assert response.status_code == 200
    assert _csp(response)["object-src"] == ["'none'"]


def test_manage_py_runs_on_a_developer_machine_without_configuration():
    env = {
        k: v
        for k, v in _production_env().items()
        if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    }
    result = _run(["manage.py", "check"], env)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_audit_keys():
    result = _run(["-c", "import jiaotong.wsgi"], _production_env(AUDIT_HMAC_KEYS=None))
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEYS must be set when DEBUG is off" in result.stderr


def test_wsgi_refuses_to_start_without_a_secret_key():
    env = {
        k: v for k, v in _production_env().items() if k not in ("SECRET_KEY", "DEBUG")
    }
    result = _run(["-c", "import jiaotong.wsgi"], env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
