"""Beat tasks are safe when two run at once (issue 14): of two concurrent runs
of the same task, each on its own database connection as two Celery workers
would be, exactly one does the work; the other skips with a log line."""

import importlib
import logging
import threading

import pytest
from django.conf import settings
from django.db import connection, connections

from jiaotong.locks import lock_key, single_run

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="advisory locks need PostgreSQL"
    ),
]


def _in_thread(target):
    """Run ``target`` in a thread of its own (its own database connection)."""
    box = {}

    def run():
        try:
            box["result"] = target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def test_two_concurrent_runs_exactly_one_does_the_work(caplog):
    both_in = threading.Barrier(2)
    tried = threading.Event()
    work = []

    @single_run("tests.nightly")
    def nightly(who):
        both_in.wait(timeout=10)  # the other run is about to try the lock
        tried.wait(timeout=10)  # ... and has tried it
        work.append(who)
        return who

    def second():
        both_in.wait(timeout=10)
        try:
            return nightly("second")
        finally:
            tried.set()

    caplog.set_level(logging.WARNING, logger="jiaotong.locks")
    thread, box = _in_thread(second)
    first = nightly("first")
    thread.join(timeout=20)

    assert work == ["first"] and first == "first"
    assert box["result"] is None
    assert "tests.nightly: another run holds the lock" in caplog.text


def test_the_lock_is_released_after_the_run_even_when_it_fails():
    @single_run("tests.failing")
    def failing():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()

    thread, box = _in_thread(lambda: single_run("tests.failing")(lambda: "ran")())
    thread.join(timeout=20)
    assert box["result"] == "ran"


def test_context_manager_tells_whether_the_lock_was_taken():
    held, release = threading.Event(), threading.Event()

    def hold():
        with single_run("tests.manual") as acquired:
            held.set()
            release.wait(timeout=10)
            return acquired

    thread, box = _in_thread(hold)
    held.wait(timeout=10)
    try:
        with single_run("tests.manual") as acquired:
            assert acquired is False
        with single_run("tests.other") as acquired:
            assert acquired is True
    finally:
        release.set()
        thread.join(timeout=20)
    assert box["result"] is True


def test_lock_keys_are_stable_and_distinct():
    assert lock_key("a") == lock_key("a") != lock_key("b")
    assert -(2**63) <= lock_key("licensing.tasks.x") < 2**63


def _held_elsewhere(name: str):
    """Hold the lock ``name`` in another thread (another connection, as another
    worker would) until the returned event is set."""
    held, release = threading.Event(), threading.Event()

    def other_run():
        with single_run(name) as acquired:
            held.set()
            release.wait(timeout=30)
            return acquired

    thread, box = _in_thread(other_run)
    held.wait(timeout=10)
    return thread, box, release


def test_every_beat_task_skips_while_another_run_holds_its_lock(caplog):
    caplog.set_level(logging.WARNING, logger="jiaotong.locks")
    for entry in sorted(settings.CELERY_BEAT_SCHEDULE):
        name = settings.CELERY_BEAT_SCHEDULE[entry]["task"]
        module, _, attr = name.rpartition(".")
        task = getattr(importlib.import_module(module), attr)
        thread, box, release = _held_elsewhere(name)
        try:
            assert task() is None, entry
        finally:
            release.set()
            thread.join(timeout=30)
        assert box["result"] is True, entry
        assert f"{name}: another run holds the lock" in caplog.text, entry
