from django.apps import AppConfig

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

    def audit_labels(self) -> dict[str, str]:
        return AUDIT_LABELS
