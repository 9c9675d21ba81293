"""Writes for the governance registers. Every function takes keyword-only
arguments including ``by`` (the acting user), runs in one transaction, checks
its rules and writes one audit event. State changes go through the transition
tables in governance.workflow (lock, re-check, set status, audit).

One module per register group; this package exports them all, so callers (and
the workflow tables' dotted paths) say ``governance.services.<name>``."""

from .activities import (
    campaign_activity_add,
    campaign_create,
    campaign_issue_add,
    campaign_issue_rectify,
    campaign_update,
    education_create,
    education_update,
    training_create,
    training_set_attendance,
    training_update,
)
from .attachments import attachment_add
from .documents import (
    REVIEW_ACTIONS,
    document_create,
    document_enforce,
    document_file,
    document_publish,
    document_register_existing,
    document_review,
    document_update,
    drafting_step_record,
)
from .mediation import (
    mediation_accept,
    mediation_agree,
    mediation_close,
    mediation_create,
    mediation_not_accept,
    mediation_terminate,
    mediation_update,
    petition_create,
    petition_resolve,
    petition_update,
)
from .suggestions import (
    add_months,
    rehandle_due_date,
    suggestion_add_contact,
    suggestion_close,
    suggestion_create,
    suggestion_due_date,
    suggestion_record_feedback,
    suggestion_rehandle,
    suggestion_reply,
    suggestion_start,
    suggestion_update,
)

__all__ = [
    "REVIEW_ACTIONS",
    "add_months",
    "attachment_add",
    "campaign_activity_add",
    "campaign_create",
    "campaign_issue_add",
    "campaign_issue_rectify",
    "campaign_update",
    "document_create",
    "document_enforce",
    "document_file",
    "document_publish",
    "document_register_existing",
    "document_review",
    "document_update",
    "drafting_step_record",
    "education_create",
    "education_update",
    "mediation_accept",
    "mediation_agree",
    "mediation_close",
    "mediation_create",
    "mediation_not_accept",
    "mediation_terminate",
    "mediation_update",
    "petition_create",
    "petition_resolve",
    "petition_update",
    "rehandle_due_date",
    "suggestion_add_contact",
    "suggestion_close",
    "suggestion_create",
    "suggestion_due_date",
    "suggestion_record_feedback",
    "suggestion_rehandle",
    "suggestion_reply",
    "suggestion_start",
    "suggestion_update",
    "training_create",
    "training_set_attendance",
    "training_update",
]
