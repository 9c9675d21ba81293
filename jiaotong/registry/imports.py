"""The registry's import kinds (spec/import-formats.md): ``matters`` and
``enterprises``.  Each row is written through the registry services, so an
import changes a record exactly as the edit page would."""

from __future__ import annotations

from django.utils import timezone

from jiaotong.audit.changes import apply_changes
from jiaotong.imports.framework import (
    BulkUpsert,
    CellError,
    Column,
    Importer,
    choice,
    parse_bool,
    parse_date,
    parse_int,
    register,
    text,
    validated,
)
from jiaotong.validators import validate_credit_code

from .models import (
    CreditGrade,
    CreditGradeChange,
    Enterprise,
    Industry,
    Matter,
    MatterChange,
    MatterSource,
    PowerType,
)
from .services import (
    ENTERPRISE_FIELDS,
    NOTIFY_COMMIT_NOTE,
    _check_matter,
    _grade_change,
    _matter_changes,
    enterprise_upsert,
    matter_upsert,
)

GRADE_REASON = "数据导入"


@register
class MatterImporter(Importer):
    kind = "matters"
    label = "权责清单事项"
    key = "事项编码"
    columns = (
        Column("事项编码", text(64), required=True),
        Column("事项名称", text(200), required=True),
        Column("权力类型", choice(*PowerType.values), required=True),
        Column("实施依据", text(), default=""),
        Column("法定时限", parse_int),
        Column("承诺时限", parse_int),
        Column("承接来源", choice(*MatterSource.values), default=MatterSource.OWN),
        Column("告知承诺", parse_bool, default=False),
        Column("需公示", parse_bool, default=False),
        Column("生效日期", parse_date),
        Column("废止日期", parse_date),
    )
    fields = {
        "code": "事项编码",
        "name": "事项名称",
        "power_type": "权力类型",
        "basis": "实施依据",
        "statutory_limit_days": "法定时限",
        "promised_limit_days": "承诺时限",
        "source": "承接来源",
        "notify_commit": "告知承诺",
        "publicity_required": "需公示",
        "effective_from": "生效日期",
        "repealed_on": "废止日期",
    }

    def check_row(self, row):
        start, end = row["生效日期"], row["废止日期"]
        if start and end and end < start:
            raise CellError("废止日期", f"不能早于生效日期（{start:%Y-%m-%d}）")
        statutory, promised = row["法定时限"], row["承诺时限"]
        if statutory is not None and promised is not None and promised > statutory:
            raise CellError("承诺时限", f"不能超过法定时限（{statutory}个工作日）")

    def _values(self, row) -> dict:
        values = self.given(row, self.fields)
        values.pop("code")
        return values

    def upsert(self, row):
        _, outcome = matter_upsert(
            code=row["事项编码"],
            values=self._values(row),
            by=self.by,
            actor_name=self.actor_name,
        )
        return outcome

    def bulk_write(self, batch):
        """``matter_upsert`` for a batch: the same records, MatterChange rows
        and audit events, with a few queries for the whole batch."""
        bulk = BulkUpsert(
            Matter,
            "code",
            [row[self.key] for _number, row in batch],
            by=self.by,
            actor_name=self.actor_name,
        )
        turned = []  # existing matters whose 告知承诺 turns from 否 to 是
        for _number, row in batch:
            matter, created = bulk.get(row[self.key])
            was_notify_commit = matter.notify_commit
            changes = _matter_changes(matter, self._values(row))
            if not created and not changes:
                bulk.unchanged()
                continue
            _check_matter(matter, exclude=["unit"])  # the import sets no unit
            bulk.saved(matter, created=created, changes=changes)
            if not created and matter.notify_commit and not was_notify_commit:
                turned.append(matter)
        result = bulk.done()
        if turned:  # matter_upsert's get_or_create, for the batch
            today = timezone.localdate()
            kind = MatterChange.Kind.NOTIFY_COMMIT
            recorded = set(
                MatterChange.objects.filter(
                    matter__in=turned, kind=kind, effective_on=today
                ).values_list("matter_id", flat=True)
            )
            MatterChange.objects.bulk_create(
                MatterChange(
                    matter=matter,
                    kind=kind,
                    effective_on=today,
                    note=NOTIFY_COMMIT_NOTE,
                )
                for matter in turned
                if matter.pk not in recorded
            )
        return result


@register
class EnterpriseImporter(Importer):
    kind = "enterprises"
    label = "企业名录"
    key = "统一社会信用代码"
    columns = (
        Column("企业名称", text(200), required=True),
        Column("统一社会信用代码", validated(validate_credit_code), required=True),
        Column("行业类别", choice(*Industry.values), required=True),
        Column("所属乡镇", text(50), default=""),
        Column("信用等级", choice(*CreditGrade.values), default=CreditGrade.B),
        Column("联系人", text(50), default=""),
        Column("联系电话", text(30), default=""),
        Column("地址", text(200), default=""),
    )
    fields = {
        "name": "企业名称",
        "credit_code": "统一社会信用代码",
        "industry": "行业类别",
        "town": "所属乡镇",
        "credit_grade": "信用等级",
        "contact": "联系人",
        "phone": "联系电话",
        "address": "地址",
    }

    def _values(self, row) -> dict:
        values = self.given(row, self.fields)
        values.pop("credit_code")
        return values

    def upsert(self, row):
        _, outcome = enterprise_upsert(
            credit_code=row["统一社会信用代码"],
            values=self._values(row),
            by=self.by,
            actor_name=self.actor_name,
            grade_cause=CreditGradeChange.Cause.IMPORT,
            grade_reason=GRADE_REASON,
        )
        return outcome

    def bulk_write(self, batch):
        """``enterprise_upsert`` for a batch (the credit codes are checked and
        normalised by the column): the same records, CreditGradeChange rows and
        audit events, with a few queries for the whole batch."""
        bulk = BulkUpsert(
            Enterprise,
            "credit_code",
            [row[self.key] for _number, row in batch],
            by=self.by,
            actor_name=self.actor_name,
        )
        today, grade_changes = timezone.localdate(), []
        for _number, row in batch:
            enterprise, created = bulk.get(row[self.key])
            from_grade = enterprise.credit_grade
            changes = apply_changes(enterprise, self._values(row), ENTERPRISE_FIELDS)
            if not created and not changes:
                bulk.unchanged()
                continue
            enterprise.full_clean(validate_unique=False, validate_constraints=False)
            graded = "credit_grade" in changes
            if graded and not created:
                grade_changes.append(
                    _grade_change(
                        enterprise,
                        from_grade,
                        changed_on=today,
                        cause=CreditGradeChange.Cause.IMPORT,
                        reason=GRADE_REASON,
                    )
                )
            bulk.saved(
                enterprise,
                created=created,
                changes=changes,
                reason=GRADE_REASON if graded else "",
            )
        result = bulk.done()
        CreditGradeChange.objects.bulk_create(grade_changes)
        return result
