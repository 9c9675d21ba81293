"""Import kind ``applications`` (spec/import-formats.md): window applications
keyed by the provincial platform's 办件编号."""

from django.core.exceptions import ValidationError

from jiaotong.imports.framework import (
    CellError,
    Column,
    Importer,
    choice,
    parse_bool,
    parse_datetime,
    register,
    text,
)
from jiaotong.models import Matter
from jiaotong.validators import validate_id_for_party

from .import_services import (
    WITHDRAWN_OUTCOME,
    Deadlines,
    ImportedApplication,
    application_import_many,
    application_import_row,
)
from .models import WINDOW_POWER_TYPES, ApplicantType, Channel, Evaluation, Result

ACCEPTED, NOT_ACCEPTED = "受理", "不予受理"
# Optional columns that, when absent from a workbook, leave the record's value.
_OPTIONAL_SIMPLE_FIELDS = ("applicant_phone", "channel", "notify_commit", "evaluation")


@register
class ApplicationImporter(Importer):
    kind = "applications"
    label = "窗口办件"
    key = "办件编号"
    columns = (
        Column("办件编号", text(40), required=True),
        Column("事项编码", text(64), required=True),
        Column("申请人", text(200), required=True),
        Column("申请人类型", choice(*ApplicantType.values), required=True),
        Column("证件号码", text(), required=True),
        Column("联系电话", text(30), default=""),
        Column("办理渠道", choice(*Channel.values), default=Channel.WINDOW),
        Column("收件时间", parse_datetime, required=True),
        Column("受理结果", choice(ACCEPTED, NOT_ACCEPTED), required=True),
        Column("办结时间", parse_datetime),
        Column("办理结果", choice(*Result.values, WITHDRAWN_OUTCOME)),
        Column("告知承诺", parse_bool, default=False),
        Column("评价", choice(*Evaluation.values), default=""),
    )
    fields = {
        "number": "办件编号",
        "matter": "事项编码",
        "applicant_name": "申请人",
        "applicant_type": "申请人类型",
        "applicant_id_number": "证件号码",
        "applicant_phone": "联系电话",
        "channel": "办理渠道",
        "received_at": "收件时间",
        "completed_at": "办结时间",
        "result": "办理结果",
        "notify_commit": "告知承诺",
        "evaluation": "评价",
    }

    def __init__(self, *, by):
        super().__init__(by=by)
        self._deadlines = Deadlines()  # the working-day calendar, once per import
        self._units: dict = {}

    def _matter(self, code: str) -> Matter | None:
        return self.find(Matter, code=code)

    def prefetch(self, rows) -> None:
        self.remember(Matter, "code", (row["事项编码"] for row in rows))

    def check_row(self, row) -> None:
        matter = self._matter(row["事项编码"])
        if matter is None:
            raise CellError(
                "事项编码", f"事项目录中没有编码为 {row['事项编码']} 的事项"
            )
        if matter.power_type not in WINDOW_POWER_TYPES:
            raise CellError(
                "事项编码", f"该事项的权力类型为{matter.power_type}，不能登记为窗口办件"
            )
        try:
            row["证件号码"] = validate_id_for_party(row["申请人类型"], row["证件号码"])
        except ValidationError as exc:
            kind = (
                "居民身份证号码"
                if row["申请人类型"] == "自然人"
                else "统一社会信用代码"
            )
            raise CellError(
                "证件号码", f"应为{kind}：{'；'.join(exc.messages)}"
            ) from None
        received, completed, outcome = row["收件时间"], row["办结时间"], row["办理结果"]
        if completed is not None and completed < received:
            raise CellError("办结时间", "不能早于收件时间")
        if completed is not None and not outcome:
            raise CellError("办理结果", "填写了办结时间时必须填写办理结果")
        if outcome and completed is None:
            raise CellError("办结时间", "填写了办理结果时必须填写办结时间")
        if row["受理结果"] == NOT_ACCEPTED and outcome:
            raise CellError("办理结果", "不予受理的办件没有办理结果，应为空")
        if row["评价"] and outcome not in Result.values:
            raise CellError("评价", "只有已办结（准予、不予许可、办结）的办件才有评价")
        if outcome == Result.APPROVED and matter.power_type != "行政许可":
            # The format accepts 准予 for any matter; outside 行政许可 it means 办结.
            row["办理结果"] = Result.DONE

    def _imported(self, row) -> ImportedApplication:
        return ImportedApplication(
            number=row["办件编号"],
            matter=self._matter(row["事项编码"]),
            applicant_name=row["申请人"],
            applicant_type=row["申请人类型"],
            applicant_id_number=row["证件号码"],
            applicant_phone=row["联系电话"],
            channel=row["办理渠道"],
            received_at=row["收件时间"],
            accepted=row["受理结果"] == ACCEPTED,
            completed_at=row["办结时间"],
            outcome=row["办理结果"],
            notify_commit=row["告知承诺"],
            evaluation=row["评价"],
        )

    def _leave_alone(self) -> tuple[str, ...]:
        return tuple(
            field
            for field in _OPTIONAL_SIMPLE_FIELDS
            if self.fields[field] not in self.present
        )

    def upsert(self, row) -> str:
        return application_import_row(
            row=self._imported(row),
            by=self.by,
            leave_alone=self._leave_alone(),
            limit=self._deadlines,
        )

    def bulk_write(self, batch):
        return application_import_many(
            rows=[self._imported(row) for _number, row in batch],
            by=self.by,
            leave_alone=self._leave_alone(),
            limit=self._deadlines,
            units=self._units,
        )
