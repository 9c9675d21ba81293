"""Celery task of the rollups (jiaotong.metrics.rollups)."""

from celery import shared_task
from django.core.cache import cache

from jiaotong.locks import single_run

from .rollups import refresh

PENDING_KEY = "metrics:rollups:pending"
PENDING_TTL = 10 * 60  # a lost task (worker killed) blocks new ones this long
# Writes within this many seconds share one refresh: at a busy window a
# rebuild (seconds of reading at a city's size) does not follow every save.
REFRESH_DELAY = 30


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
