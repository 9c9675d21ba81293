"""Celery task of the rollups (jiaotong.metrics.rollups)."""

from celery import shared_task
from django.core.cache import cache

from jiaotong.locks import single_run

from .rollups import refresh

PENDING_KEY = "metrics:rollups:pending"
PENDING_TTL = 10 * 60  # a lost task (worker killed) blocks new ones this long


@shared_task
@single_run()
def refresh_rollups_task() -> dict[str, float]:
    """Rebuild the rollups that are not current (beat, and after writes).
    The pending mark goes first, so a write during the run queues the next."""
    cache.delete(PENDING_KEY)
    return refresh()


def request_refresh() -> None:
    """Queue one refresh unless one is already waiting (called after commit
    by every bump of the dashboard's record versions)."""
    if cache.add(PENDING_KEY, 1, timeout=PENDING_TTL):
        refresh_rollups_task.delay()
