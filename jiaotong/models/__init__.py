"""Models shared by every domain: organisation, people, registries, calendar, audit."""

from .audit import AuditEvent
from .calendar import CalendarDay, RuleParameter
from .closing import YearClosing
from .jobs import ExportJob
from .org import OrgUnit, PasswordHistory, User
from .registry import (
    CreditGradeChange,
    DiscretionItem,
    Enterprise,
    Matter,
    MatterChange,
)

__all__ = [
    "AuditEvent",
    "CalendarDay",
    "CreditGradeChange",
    "DiscretionItem",
    "Enterprise",
    "ExportJob",
    "Matter",
    "MatterChange",
    "OrgUnit",
    "PasswordHistory",
    "RuleParameter",
    "User",
    "YearClosing",
]
