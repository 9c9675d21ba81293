"""Dashboard cache: figures and charts are kept per (year, unit) under a
version number that any change to the counted records bumps.

The version is bumped after commit by ``post_save``/``post_delete`` of the
models of the apps that register indicators (and of the shared registers the
jiaotong figures count), and by every audit event about such a record — every
service writes one, which covers the services' queryset ``update()`` calls that
send no model signal.  Bulk loads (``load_demo``) call ``bump_version``
themselves.  A reader takes the version before computing and stores under it,
so a figure computed while a write commits is never kept under the new version.
The TTL is a safety net for writes outside Django (raw SQL), not the mechanism.

Beside the dashboard's version, each app label whose records changed has its
own record version (``jiaotong.metrics.rollups.record_stamp``): the rollups of jiaotong.metrics.rollups
are summed only while the record versions they were built from are current, so
a change of a ticket leaves the window's rollups in use.  A bump with a label
also asks for a rollup refresh (debounced, after commit).  Versions start from
the clock, so a flushed cache never brings an old number back.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from jiaotong.metrics.rollups import counter, increment, records_changed
from jiaotong.metrics.tasks import request_refresh

VERSION_KEY = "dashboard:version"
TTL = 60 * 60

# jiaotong models whose rows the project's own figures count (powers.*, org.*).
SHARED_COUNTED = {"matter", "matterchange", "discretionitem", "orgunit", "enterprise"}


def version() -> int:
    return counter(VERSION_KEY)


def bump_version(label: str | None = "*", *, refresh: bool = True) -> None:
    """Invalidate the cached figures. ``label``: the app whose records changed
    ("*", the default: any app), whose rollups go stale and are refreshed
    (unless not ``refresh``); None: the cache only (the bench's uncached
    measurements)."""
    increment(VERSION_KEY)
    if label is not None:
        records_changed(label)
        if refresh:
            request_refresh()


def bump_after_commit(label: str = "*", *, refresh: bool = True) -> None:
    transaction.on_commit(lambda: bump_version(label, refresh=refresh))


def _migrating(sender) -> bool:
    """A data migration's historical model: its writes stale the rollups, but
    the rollup tables may not exist yet, so the beat rebuilds them."""
    return sender.__module__ == "__fake__"


def cached(name: str, year: int, org, compute):
    """``compute()`` cached under the current version for (name, year, unit)."""
    key = f"dashboard:{version()}:{name}:{year}:{org.pk if org else 'all'}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value


def counts(app_label: str, model_name: str) -> bool:
    """Whether rows of this model may change a figure."""
    from django.apps import apps

    if app_label == "jiaotong":
        return model_name in SHARED_COUNTED
    return app_label in _indicator_apps(apps)


def _indicator_apps(apps) -> set[str]:
    from jiaotong.metrics.registry import indicator_modules

    return {
        module.__name__.split(".", 1)[0]
        for module in indicator_modules()
        if module.__name__ != "jiaotong.registry.indicators"
    }


def on_record_change(sender, **kwargs) -> None:
    meta = sender._meta
    if counts(meta.app_label, meta.model_name):
        bump_after_commit(meta.app_label, refresh=not _migrating(sender))


def on_audit_event(sender, instance, created=False, **kwargs) -> None:
    label, _, model_name = (instance.object_type or "").partition(".")
    if created and label and counts(label, model_name):
        bump_after_commit(label, refresh=not _migrating(sender))
