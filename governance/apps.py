from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "法治政府建设"

    # (label, url name, bootstrap icon, who, order) — the menu contract of
    # jiaotong.context_processors; "who" is a permission here.
    nav_items = [
        ("建议提案", "governance:suggestion_list", "megaphone", "perm:governance.view_suggestion", 60),
        ("规范性文件", "governance:document_list", "journal-bookmark", "perm:governance.view_normativedocument", 61),
        ("调解与信访", "governance:mediation_list", "people", "perm:governance.view_mediation", 62),
        ("普法与整治", "governance:education_list", "broadcast", "perm:governance.view_educationevent", 63),
        ("执法培训", "governance:training_list", "mortarboard", "perm:governance.view_trainingsession", 64),
    ]  # fmt: skip

    def home_queues(self, user) -> list[dict]:
        """Suggestions and proposals whose reply is due soon or overdue."""
        if not user.is_authenticated or not user.has_perm(
            "governance.change_suggestion"
        ):
            return []
        from .queues import home_queues

        return home_queues(user)

    def audit_labels(self) -> dict[str, str]:
        from .workflow import AUDIT_LABELS

        return AUDIT_LABELS
