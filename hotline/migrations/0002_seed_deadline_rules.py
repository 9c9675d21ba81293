"""Seed the ticket deadline rules (DOMAIN.md §5.3), one row per source and category.

投诉/举报/建议/表扬: handle and reply within 5 working days (安阳市政务服务条例
art. 50; 潍坊市12345条例 art. 20). 咨询/求助: within 3 working days (the
"same day or within 3 working days" rule). Extension: +5 working days with the
unit head's approval. Administrators may change every value afterwards.
"""

from django.db import migrations

FIVE_DAYS = ("投诉", "举报", "建议", "表扬")
THREE_DAYS = ("咨询", "求助")
BASIS_5 = "安阳市政务服务条例第50条：5个工作日内办理答复"
BASIS_3 = "咨询、求助类当日或3个工作日内答复"


def seed(apps, schema_editor):
    Rule = apps.get_model("hotline", "TicketDeadlineRule")
    for source in ("12328", "12345"):
        for category in FIVE_DAYS + THREE_DAYS:
            five = category in FIVE_DAYS
            Rule.objects.get_or_create(
                source=source,
                category=category,
                defaults={
                    "days": 5 if five else 3,
                    "extension_days": 5,
                    "basis": BASIS_5 if five else BASIS_3,
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("hotline", "TicketDeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
