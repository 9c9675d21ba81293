"""Seed the 重大执法决定法制审核目录 from DOMAIN.md §4.5 (APL art. 58 and the
local catalogue's example thresholds); administrators edit it afterwards."""

from decimal import Decimal

from django.db import migrations

BASIS_LOCAL = "重大执法决定法制审核目录清单（本局）"
BASIS_APL = "《中华人民共和国行政处罚法》第五十八条"

RULES = [
    ("对公民处以3000元以上罚款", "fine", "自然人", Decimal("3000"), "", BASIS_LOCAL),
    (
        "对法人或者其他组织处以20000元以上罚款",
        "fine",
        "法人",
        Decimal("20000"),
        "",
        BASIS_LOCAL,
    ),
    ("降低资质等级", "penalty", "", None, "降低资质等级", BASIS_LOCAL),
    ("吊销许可证件", "penalty", "", None, "吊销许可证件", BASIS_LOCAL),
    ("责令停产停业", "penalty", "", None, "责令停产停业", BASIS_LOCAL),
    ("责令关闭", "penalty", "", None, "责令关闭", BASIS_LOCAL),
    ("限制从业", "penalty", "", None, "限制从业", BASIS_LOCAL),
    ("没收违法所得或非法财物", "penalty", "", None, "没收违法所得", BASIS_LOCAL),
    ("经过听证程序的案件", "hearing", "", None, "", BASIS_APL),
    (
        "涉及重大公共利益或案件情况疑难复杂、涉及多个法律关系的案件",
        "complex",
        "",
        None,
        "",
        BASIS_APL,
    ),
]


def seed(apps, schema_editor):
    ReviewRule = apps.get_model("enforcement", "ReviewRule")
    for order, (name, kind, party, threshold, penalty, basis) in enumerate(RULES):
        ReviewRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "party_type": party,
                "fine_threshold": threshold,
                "penalty_type": penalty,
                "basis": basis,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
