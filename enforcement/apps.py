from django.apps import AppConfig

from jiaotong.roles import ROLE_LEADER, ROLE_OFFICER, ROLE_REVIEWER


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "行政执法"

    # (label, url name, bootstrap icon, who, order) — the menu contract.
    nav_items = [
        (
            "行政处罚案件",
            "enforcement:case_list",
            "file-earmark-text",
            {ROLE_OFFICER, ROLE_REVIEWER, ROLE_LEADER},
            30,
        ),
        (
            "法制审核",
            "enforcement:review_queue",
            "clipboard-check",
            "perm:enforcement.review_penaltycase",
            31,
        ),
        (
            "双公示",
            "enforcement:publicity_list",
            "megaphone",
            "perm:enforcement.view_publicityrecord",
            32,
        ),
        (
            "执法人员",
            "enforcement:officer_list",
            "person-badge",
            "perm:enforcement.view_officer",
            33,
        ),
    ]

    def home_queues(self, user) -> list[dict]:
        """Open cases, cases near or past the 90-day limit, decisions awaiting
        publicity, certificates expiring within 60 days, and the review queue."""
        from .queues import home_queues

        return home_queues(user)

    def ticket_sections(self, ticket, user) -> list[dict]:
        """The hotline ticket page's linked penalty cases (and, for officers, a
        button that opens a case draft from a 投诉/举报 ticket)."""
        from .queues import ticket_sections

        return ticket_sections(ticket, user)

    def enterprise_sections(self, enterprise, user) -> list[dict]:
        """The enterprise page's penalty record (cases the user may see)."""
        from .queues import enterprise_sections

        return enterprise_sections(enterprise, user)

    def audit_labels(self) -> dict[str, str]:
        from .workflow import AUDIT_LABELS

        return AUDIT_LABELS
