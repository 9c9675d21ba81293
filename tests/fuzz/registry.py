"""The fuzz registry: every app registers the forms (POST) and filters (GET) a
user can reach, and the suite (test_fuzz.py) throws generated values at each —
extreme dates and numbers, very long text, NUL and control characters, markup,
spreadsheet formula prefixes — as a role that may use it.

The answer must be a form error or a success: never a server error, never a
partial write (a refused request leaves the tables it could write unchanged).

A later app joins by adding ``tests/fuzz/<app>.py`` that calls ``form(...)`` and
``filter_url(...)``; modules here are discovered by name.

Examples per target: FUZZ_EXAMPLES (total budget, spread over the targets;
``make fuzz`` runs 10,000), default small enough for the normal test run.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms as djforms
from hypothesis import strategies as st

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x08\x1b[31m",
    "\r\n\t",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "'; DROP TABLE jiaotong_user; --",
    "%s%n%x",
    "../../etc/passwd",
    "𠮷" * 300,
    "\u202eevil\u202c",
    "\ufeff\u200b",
    "x" * 10_000,
    "411422198501011234",
    "13812345678",
    "NaN",
    "-0",
    "9" * 40,
]
NASTY_DATES = [
    "0001-01-01",
    "9999-12-31",
    "1948-12-31",
    "1949-01-01",
    "2026-02-30",
    "2026-13-01",
    "20260101",
    "today",
    "",
    "-1-01-01",
    "99999-01-01",
]
NASTY_NUMBERS = [
    "",
    "0",
    "-1",
    "1.5",
    "1e10",
    "NaN",
    "Infinity",
    "٣",
    "32767",
    "32768",
    "2147483647",
    "2147483648",
    "9223372036854775808",
    "9" * 50,
]


def text_values():
    return st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=200))


def date_values(with_time: bool = False):
    plain = st.one_of(
        st.sampled_from(NASTY_DATES),
        st.dates().map(lambda d: d.isoformat()),
    )
    if not with_time:
        return plain
    return st.one_of(
        plain,
        st.tuples(plain, st.sampled_from(["T00:00", "T23:59", " 12:00", "T25:61"])).map(
            "".join
        ),
    )


def number_values():
    return st.one_of(
        st.sampled_from(NASTY_NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def _choice_values(field) -> list[str]:
    values = []
    try:
        choices = list(getattr(field, "choices", None) or [])
    except TypeError:  # django-filter's iterator over a callable's choices
        choices = list(field.choices.choices())
    for value, _label in choices:
        if isinstance(_label, list | tuple):  # option groups
            values.extend(str(v) for v, _ in _label)
        else:
            values.append(str(getattr(value, "value", value)))
    return values[:200]


def strategy_for(field) -> st.SearchStrategy:
    """Values for one Django form field: mostly hostile, sometimes valid."""
    if isinstance(field, djforms.FileField):
        return st.just("")
    if isinstance(field, djforms.DateTimeField):
        return date_values(with_time=True)
    if isinstance(field, djforms.DateField):
        return date_values()
    if isinstance(
        field, djforms.IntegerField | djforms.DecimalField | djforms.FloatField
    ):
        return number_values()
    if isinstance(field, djforms.BooleanField | djforms.NullBooleanField):
        return st.sampled_from(["on", "", "true", "false", "\x00"])
    if isinstance(
        field, djforms.MultipleChoiceField | djforms.ModelMultipleChoiceField
    ):
        valid = _choice_values(field)
        pool = st.sampled_from(valid) if valid else st.nothing()
        return st.lists(st.one_of(pool, text_values()), max_size=4)
    if isinstance(field, djforms.ChoiceField | djforms.ModelChoiceField):
        valid = _choice_values(field)
        if valid:
            return st.one_of(
                st.sampled_from(valid), st.sampled_from(valid), text_values()
            )
        return text_values()
    return text_values()


def data_strategy(form: djforms.Form, fixed: dict | None = None):
    """A dict of POST/GET data for every field of ``form`` (with its prefix)."""
    fields = {form.add_prefix(name): strategy_for(f) for name, f in form.fields.items()}
    fixed = fixed or {}
    return st.fixed_dictionaries(
        {k: v for k, v in fields.items() if k not in fixed}
    ).map(lambda data: {**data, **fixed})


@dataclass
class Target:
    """One form or filter: where it is, who uses it, what it may write."""

    name: str
    method: str  # "post" (a form) or "get" (a filter / query string)
    user: str  # a fixture of the cast (tests/conftest.py)
    url: Callable[[dict], str]  # world -> URL
    form: Callable[[dict], djforms.Form]  # world -> an unbound form (its fields)
    fixed: Callable[[dict], dict] = lambda world: {}
    writes: tuple[str, ...] = ()  # "app.Model" labels whose row counts must not move
    extra: dict = field(default_factory=dict)


TARGETS: list[Target] = []


def form(name, *, user, url, form, fixed=None, writes=()):
    TARGETS.append(
        Target(name, "post", user, url, form, fixed or (lambda w: {}), tuple(writes))
    )


def filter_url(name, *, user, url, form, fixed=None):
    TARGETS.append(Target(name, "get", user, url, form, fixed or (lambda w: {})))


def workflow_forms(prefix, workflow, *, url_name, record, users, writes=()):
    """Every move of ``workflow`` that takes input, posted to the app's one
    generic action URL (``url_name`` with the record's pk and the action) as the
    cast member ``users`` names for the move's permission. A move the record's
    state refuses must still answer with a message, never a server error."""
    from django.urls import reverse

    for name, move in workflow.transitions.items():
        if not move.form:
            continue
        form(
            f"{prefix}_{name}",
            user=users[move.permission],
            url=lambda w, name=name: reverse(url_name, args=[w[record].pk, name]),
            form=lambda w, move=move, name=name: move.get_form(prefix=name),
            writes=writes,
        )


def discover() -> list[Target]:
    if not TARGETS:
        package = importlib.import_module("tests.fuzz")
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.startswith(("test_", "registry", "conftest")):
                continue
            importlib.import_module(f"tests.fuzz.{module.name}")
    return TARGETS


def examples_per_target(count: int) -> int:
    budget = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
    if budget <= 0:
        return 5  # the normal run: a quick sweep of every target
    return max(5, budget // max(count, 1))
