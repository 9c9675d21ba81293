"""Beat tasks that are safe when two run at once: one PostgreSQL advisory lock
per name, so that of two concurrent runs (two beats by mistake, a run that
overlaps the next, an operator starting the task by hand) exactly one does the
work and the other skips with a log line.

    @shared_task
    @single_run()                       # the lock is named after the task
    def flag_overdue_tickets_task(): ...

    with single_run("reports.rebuild") as acquired:
        if not acquired:
            return

The lock is session-level (``pg_try_advisory_lock``), taken on the thread's own
database connection and released in ``finally``; a connection that cannot
release it (a broken transaction) is closed, which releases it as well. It does
not wait: a second run skips at once. On SQLite (the embedded default, one
process) it is a no-op and every run goes ahead.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (the same in every process and
    every release, unlike ``hash()``)."""
    digest = hashlib.blake2b(f"jiaotong:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class single_run:  # noqa: N801 (used as a decorator, read like one)
    """Context manager (``as`` gives whether the lock was taken) and decorator
    (the function is skipped, returning None, when another run holds the lock).
    Without a name, the decorator names the lock after the function
    (``module.function``, which is the Celery task's name)."""

    def __init__(self, name: str | None = None):
        if callable(name):
            raise TypeError("write @single_run() or @single_run('name')")
        self.name = name
        self._held: list[bool] = []

    # --- context manager ---------------------------------------------------

    def __enter__(self) -> bool:
        if self.name is None:
            raise TypeError("single_run needs a name when used with 'with'")
        acquired = _try_lock(self.name)
        self._held.append(acquired)
        return acquired

    def __exit__(self, *exc_info) -> None:
        if self._held.pop():
            _unlock(self.name)

    # --- decorator ---------------------------------------------------------

    def __call__(self, func: Callable) -> Callable:
        name = self.name or f"{func.__module__}.{func.__name__}"

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with single_run(name) as acquired:
                if not acquired:
                    logger.warning(
                        "%s: another run holds the lock, this run is skipped", name
                    )
                    return None
                return func(*args, **kwargs)

        wrapper.lock_name = name
        return wrapper


def _try_lock(name: str) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_key(name)])
        return bool(cursor.fetchone()[0])


def _unlock(name: str) -> None:
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])
    except DatabaseError:
        # E.g. the task left its transaction broken: ending the session
        # releases every lock it holds.
        logger.exception("%s: could not release the lock, closing the connection", name)
        connection.close()
