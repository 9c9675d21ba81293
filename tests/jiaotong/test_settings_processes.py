"""Several processes behave as one (issue 14): with a Redis broker configured,
every process shares one cache in Redis (the per-address login limit counts
across gunicorn workers), and the development server keeps no database
connection per finished request thread.

Settings are read once per process, so each case runs in a subprocess with its
own environment, without pytest (the production defaults apply)."""

import json
import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# The broker named here is never used (no task is sent); the cache beside it is
# the next database number, the one these tests may write to.
TEST_REDIS = os.environ.get("JIAOTONG_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
_server, _, _number = TEST_REDIS.rpartition("/")
BROKER_BESIDE_TEST_REDIS = f"{_server}/{(int(_number) - 1) % 16}"

_STRIPPED = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "JIAOTONG_TESTING",
    "DEBUG",
    "SECRET_KEY",
    "AUDIT_HMAC_KEYS",
    "ALLOWED_HOSTS",
    "CELERY_BROKER_URL",
    "REDIS_CACHE_URL",
    "CONN_MAX_AGE",
}

_PRINT = (
    "import json, sys; sys.argv[1:] = {argv!r}; import django; django.setup(); "
    "from django.conf import settings; "
    "print(json.dumps({{'cache': settings.CACHES['default'], "
    "'conn_max_age': settings.DATABASES['default']['CONN_MAX_AGE']}}))"
)


def _env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED}
    env.update(
        DJANGO_SETTINGS_MODULE="jiaotong.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_HMAC_KEYS=f"k1:{secrets.token_urlsafe(48)}",
        ALLOWED_HOSTS="example.gov.cn",
        DATABASE_URL="postgres://jiaotong:pw@db.example.gov.cn:5432/jiaotong",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _python(code: str, env: dict) -> str:
    result = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _settings(argv=(), **overrides) -> dict:
    return json.loads(_python(_PRINT.format(argv=list(argv)), _env(**overrides)))


def test_a_redis_broker_brings_a_shared_redis_cache_beside_it():
    figures = _settings(CELERY_BROKER_URL="redis://redis.example.gov.cn:6379/0")
    assert figures["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert figures["cache"]["LOCATION"] == "redis://redis.example.gov.cn:6379/1"
    # REDIS_CACHE_URL names another place; the embedded default (one process,
    # no broker) keeps the local-memory cache.
    figures = _settings(
        CELERY_BROKER_URL="redis://redis.example.gov.cn:6379/0",
        REDIS_CACHE_URL="redis://cache.example.gov.cn:6379/3",
    )
    assert figures["cache"]["LOCATION"] == "redis://cache.example.gov.cn:6379/3"
    assert _settings()["cache"]["BACKEND"].endswith("LocMemCache")


def test_the_development_server_never_keeps_connections_open():
    # Each request of runserver is a new thread: a persistent connection per
    # finished thread would pile up until PostgreSQL refuses new clients.
    assert _settings(["runserver"], CONN_MAX_AGE="60")["conn_max_age"] == 0
    assert _settings(["runserver"])["conn_max_age"] == 0
    # gunicorn's sync workers and Celery workers: one connection per process.
    assert _settings()["conn_max_age"] == 60
    assert _settings(CONN_MAX_AGE="0")["conn_max_age"] == 0


_FAIL = (
    "import django; django.setup(); "
    "from jiaotong.accounts.passwords import ip_login_failed; "
    "print(sum(ip_login_failed({ip!r}) for _ in range({count})))"
)
_LOCKED = (
    "import django; django.setup(); "
    "from jiaotong.accounts.passwords import ip_is_locked; "
    "print(ip_is_locked({ip!r}))"
)


def test_the_login_limit_per_address_counts_across_processes():
    try:
        redis.Redis.from_url(TEST_REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # pragma: no cover (CI has Redis)
        pytest.skip(f"Redis {TEST_REDIS} does not answer: {exc}")
    env = _env(CELERY_BROKER_URL=BROKER_BESIDE_TEST_REDIS, AXES_IP_FAILURE_LIMIT="30")
    ip = f"203.0.113.{uuid.uuid4().int % 250 + 1}-{uuid.uuid4().hex[:8]}"
    try:
        # Two web workers each see 15 failures from one address: the 30th locks it
        # for every process, a third one included.
        assert _python(_FAIL.format(ip=ip, count=15), env) == "0"
        assert _python(_LOCKED.format(ip=ip), env) == "False"
        assert _python(_FAIL.format(ip=ip, count=15), env) == "1"
        assert _python(_LOCKED.format(ip=ip), env) == "True"
    finally:
        client = redis.Redis.from_url(TEST_REDIS)
        for key in client.scan_iter(f"*{ip}*"):
            client.delete(key)
