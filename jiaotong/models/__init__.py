"""Models shared by every domain, re-exported from the concern that owns each:
organisation and people (accounts), registries (registry), calendar, audit, jobs, metrics (rollups), dashboard (closed years).
``from jiaotong.models import X`` works for every core model."""

from jiaotong.accounts.models import OrgUnit, PasswordHistory, User
from jiaotong.audit.models import AuditEvent
from jiaotong.calendar.models import CalendarDay, RuleParameter
from jiaotong.dashboard.models import YearClosing
from jiaotong.jobs.models import ExportJob
from jiaotong.metrics.models import RollupCount, RollupState
from jiaotong.registry.models import (
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
    "RollupCount",
    "RollupState",
    "RuleParameter",
    "User",
    "YearClosing",
]
