"""The registry's import kinds (spec/import-formats.md): ``matters`` and
``enterprises``.  Each row is written through the registry services, so an
import changes a record exactly as the edit page would."""

from __future__ import annotations

from jiaotong.imports.framework import (
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

from .models import CreditGrade, CreditGradeChange, Industry, MatterSource, PowerType
from .services import enterprise_upsert, matter_upsert


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

    def upsert(self, row):
        values = self.given(row, self.fields)
        values.pop("code")
        _, outcome = matter_upsert(
            code=row["事项编码"], values=values, by=self.by, actor_name=self.actor_name
        )
        return outcome


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

    def upsert(self, row):
        values = self.given(row, self.fields)
        values.pop("credit_code")
        _, outcome = enterprise_upsert(
            credit_code=row["统一社会信用代码"],
            values=values,
            by=self.by,
            actor_name=self.actor_name,
            grade_cause=CreditGradeChange.Cause.IMPORT,
            grade_reason="数据导入",
        )
        return outcome
