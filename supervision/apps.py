from django.apps import AppConfig

from jiaotong.roles import ROLE_LEADER, ROLE_SUPERVISOR

AUDIT_LABELS = {
    "spotchecktask_create": "创建抽查任务",
    "spotchecktask_directed": "增加定向检查对象",
    "spotchecktask_draw": "随机抽取",
    "spotchecktask_redraw": "重新抽取",
    "spotchecktask_cancel": "取消抽查任务",
    "spotchecktask_publish": "公示检查结果",
    "inspectorconflict_declare": "申报利害关系回避",
    "inspectionrecord_create": "录入检查记录",
    "inspectionrecord_publish": "公示检查记录",
}


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "双随机监管"

    # (label, url name, bootstrap icon, who, order) — the menu contract.
    nav_items = [
        (
            "双随机抽查",
            "supervision:task_list",
            "shuffle",
            {ROLE_SUPERVISOR, ROLE_LEADER},
            40,
        ),
        (
            "检查记录",
            "supervision:record_list",
            "clipboard-data",
            "perm:supervision.view_inspectionrecord",
            41,
        ),
    ]

    def home_queues(self, user) -> list[dict]:
        """Open spot-check tasks and results waiting for publication."""
        from .selectors import home_queues

        return home_queues(user)

    def enterprise_sections(self, enterprise, user) -> list[dict]:
        """The enterprise page's 监管检查与信用 section (一企一档)."""
        from .selectors import enterprise_file

        section = enterprise_file(enterprise, user)
        return [section] if section else []

    def audit_labels(self) -> dict[str, str]:
        return AUDIT_LABELS
