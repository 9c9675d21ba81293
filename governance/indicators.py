"""oversight.*, documents.*, mediation.*, education.*, campaign.* and training.*
of spec/indicators.md: the figures of one register in Y read one aggregate
query (``replied_figures``, ``activity_figures``, ``issue_figures``,
``reviewed_figures``, ``education_figures``), the others one query each.

"In Y" is the local (Asia/Shanghai) date of the named timestamp: an activity at
23:30 on 31 December counts in that year, one at 00:30 on 1 January in the next.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from jiaotong.dates import year_bounds
from jiaotong.metrics.registry import indicator, shared

from .models import (
    CampaignActivity,
    CampaignIssue,
    DocumentReview,
    EducationEvent,
    Mediation,
    Petition,
    ReviewResult,
    Suggestion,
    SuggestionKind,
    TrainingAttendance,
    TrainingSession,
)


def _in_year(field: str, year: int) -> Q:
    start, end = year_bounds(year)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _in_org(queryset, org, unit_field: str = "unit"):
    if org is None:
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": org.path})


def _sums(queryset, *fields: str) -> dict[str, int]:
    """field -> its sum over ``queryset`` (0 when nothing), in one query."""
    totals = queryset.aggregate(**{field: Sum(field) for field in fields})
    return {field: total or 0 for field, total in totals.items()}


# --- Oversight --------------------------------------------------------------------------


def replied_in(year: int, org=None):
    """Suggestions and proposals whose (first) reply was made in Y."""
    return _in_org(Suggestion.objects.filter(_in_year("replied_at", year)), org)


@shared
def replied_figures(year: int, org=None) -> dict[str, int]:
    return replied_in(year, org).aggregate(
        **{
            kind: Count("pk", filter=Q(kind=kind))
            for kind in (SuggestionKind.NPC, SuggestionKind.CPPCC)
        }
    )


@indicator("oversight.npc_suggestions")
def npc_suggestions(year: int, org=None) -> int:
    return replied_figures(year, org)[SuggestionKind.NPC]


@indicator("oversight.cppcc_proposals")
def cppcc_proposals(year: int, org=None) -> int:
    return replied_figures(year, org)[SuggestionKind.CPPCC]


# --- Special campaigns and training ----------------------------------------------------------


def campaign_activities(year: int, org=None):
    return _in_org(
        CampaignActivity.objects.filter(_in_year("held_at", year)),
        org,
        "campaign__unit",
    )


@shared
def activity_figures(year: int, org=None) -> dict[str, int]:
    """Banners, articles and enterprise visits of the activities held in Y."""
    return _sums(
        campaign_activities(year, org), "banners", "articles", "enterprise_visits"
    )


@indicator("campaign.banners")
def campaign_banners(year: int, org=None) -> int:
    return activity_figures(year, org)["banners"]


@indicator("campaign.articles")
def campaign_articles(year: int, org=None) -> int:
    return activity_figures(year, org)["articles"]


@indicator("campaign.enterprise_visits")
def campaign_enterprise_visits(year: int, org=None) -> int:
    return activity_figures(year, org)["enterprise_visits"]


def campaign_issues(year: int, org=None):
    """Problems put on a campaign's list in Y."""
    return _in_org(
        CampaignIssue.objects.filter(_in_year("listed_at", year)),
        org,
        "campaign__unit",
    )


@shared
def issue_figures(year: int, org=None) -> dict[str, int]:
    """The problems listed in Y and, of them, those rectified by 31 Dec of Y."""
    _, end = year_bounds(year)
    return campaign_issues(year, org).aggregate(
        listed=Count("pk"), fixed=Count("pk", filter=Q(rectified_at__lt=end))
    )


@indicator("campaign.issues")
def campaign_issue_count(year: int, org=None) -> int:
    return issue_figures(year, org)["listed"]


@indicator("campaign.issues_fixed")
def campaign_issues_fixed(year: int, org=None) -> int:
    """Of the problems listed in Y, those rectified by 31 Dec of Y."""
    return issue_figures(year, org)["fixed"]


def training_sessions(year: int, org=None):
    """Enforcement training sessions held in Y."""
    return _in_org(
        TrainingSession.objects.filter(_in_year("held_at", year), for_enforcement=True),
        org,
    )


@indicator("training.sessions")
def training_session_count(year: int, org=None) -> int:
    return training_sessions(year, org).count()


@indicator("training.attendance")
def training_attendance(year: int, org=None) -> int:
    """人次: attendance rows of those sessions (a person at two sessions counts
    twice)."""
    return TrainingAttendance.objects.filter(
        session__in=training_sessions(year, org)
    ).count()


# --- Normative documents, mediation, petitions ------------------------------------------------


def reviews_concluded(year: int, org=None):
    return _in_org(
        DocumentReview.objects.filter(_in_year("concluded_at", year)),
        org,
        "document__unit",
    )


@shared
def reviewed_figures(year: int, org=None) -> dict[str, int]:
    """Distinct documents whose clean-up review concluded in Y: all of them
    (``reviewed``) and those with each result."""
    return reviews_concluded(year, org).aggregate(
        reviewed=Count("document", distinct=True),
        **{
            result: Count("document", distinct=True, filter=Q(result=result))
            for result in (ReviewResult.REPEAL, ReviewResult.RETAIN)
        },
    )


@indicator("documents.reviewed")
def documents_reviewed(year: int, org=None) -> int:
    return reviewed_figures(year, org)["reviewed"]


@indicator("documents.repealed")
def documents_repealed(year: int, org=None) -> int:
    return reviewed_figures(year, org)[ReviewResult.REPEAL]


@indicator("documents.retained")
def documents_retained(year: int, org=None) -> int:
    return reviewed_figures(year, org)[ReviewResult.RETAIN]


def mediations_accepted(year: int, org=None):
    return _in_org(Mediation.objects.filter(_in_year("accepted_at", year)), org)


def petitions_resolved(year: int, org=None):
    return _in_org(Petition.objects.filter(_in_year("resolved_at", year)), org)


@indicator("mediation.disputes")
def mediation_disputes(year: int, org=None) -> int:
    """Mediation cases accepted in Y."""
    return mediations_accepted(year, org).count()


@indicator("mediation.petitions")
def mediation_petitions(year: int, org=None) -> int:
    """Petitions (信访) resolved in Y."""
    return petitions_resolved(year, org).count()


# --- Legal education -------------------------------------------------------------------------


def education_events(year: int, org=None):
    return _in_org(EducationEvent.objects.filter(_in_year("held_at", year)), org)


@shared
def education_figures(year: int, org=None) -> dict[str, int]:
    """Banners, leaflets, participants and articles of the events held in Y."""
    return _sums(
        education_events(year, org), "banners", "leaflets", "participants", "articles"
    )


def _education_sum(year: int, org, field: str) -> int:
    return education_figures(year, org)[field]


@indicator("education.banners")
def education_banners(year: int, org=None) -> int:
    return _education_sum(year, org, "banners")


@indicator("education.leaflets")
def education_leaflets(year: int, org=None) -> int:
    return _education_sum(year, org, "leaflets")


@indicator("education.participants")
def education_participants(year: int, org=None) -> int:
    return _education_sum(year, org, "participants")


@indicator("education.articles")
def education_articles(year: int, org=None) -> int:
    return _education_sum(year, org, "articles")


def report_sheets(year: int, org=None):
    """The records behind the governance figures, one worksheet per register."""
    from . import selectors

    return selectors.report_sheets(year, org)
