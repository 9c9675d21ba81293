"""Hotline rules that reads and writes both need, so that no selector imports
a service."""

from __future__ import annotations

from .models import Ticket


def can_see_caller(user, ticket: Ticket) -> bool:
    """A whistle-blower's identity is hidden from everyone but hotline staff."""
    return not ticket.caller_confidential or user.has_perm(
        "hotline.view_confidential_caller"
    )
