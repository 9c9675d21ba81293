"""Celery task of the rollups (jiaotong.metrics.rollups)."""

from celery import shared_task
from django.core.cache import cache

from jiaotong.locks import single_run

from .rollups import refresh

PENDING_KEY = "metrics:rollups:pending"
PENDING_TTL = 15 * 60  # a lost task (worker killed) blocks new ones this long
# Writes within this many seconds share one refresh. A rebuild reads a source's
# every year: at a city's size 4-9 s of a CPU for the hotline's 300,000 tickets,
# 20-50 s for a million applications. With 30 s here, the load test against the
# scale-50 database filed a ticket every few seconds and kept a worker rebuilding
# (p95 1 s after sign-in); until the refresh, the figures of a stale source are
# read from the records (exact, as slow as without rollups).
REFRESH_DELAY = 5 * 60


@shared_task
@single_run()
def refresh_rollups_task() -> dict[str, float]:
    """Rebuild the rollups that are not current (beat, and after writes).
    The pending mark goes first, so a write during the run queues the next."""
    cache.delete(PENDING_KEY)
    return refresh()


def request_refresh() -> None:
    """Queue one refresh for a worker unless one is already waiting (called
    after commit by every bump of the dashboard's record versions).

    Not when tasks run in-process (the embedded default, the bench): there the
    refresh would run inside the writing request (seconds at a city's size);
    the figures are exact either way, read from the records while a source is
    stale, and ``refresh_rollups_task`` or ``rollups.refresh()`` rebuilds."""
    if refresh_rollups_task.app.conf.task_always_eager:
        return
    if cache.add(PENDING_KEY, 1, timeout=PENDING_TTL):
        refresh_rollups_task.apply_async(countdown=REFRESH_DELAY)
