"""Import kind ``tickets`` (spec/import-formats.md): hotline tickets keyed by 工单编号."""

from django.utils import timezone

from jiaotong.imports.framework import (
    CellError,
    Column,
    Importer,
    WorkingDays,
    choice,
    parse_date,
    parse_datetime,
    parse_text,
    register,
    validated,
)
from jiaotong.models import Enterprise, OrgUnit
from jiaotong.validators import validate_credit_code

from .models import Area, Category, Source
from .services import TicketRow, ticket_import_many, ticket_import_row
from .services.tickets import deadline_rule

NOT_VISITED = "未回访"


def _max_length(limit: int):
    def parse(value) -> str:
        text = parse_text(value)
        if len(text) > limit:
            raise ValueError(f"不能超过{limit}个字符")
        return text

    return parse


@register
class TicketImporter(Importer):
    kind = "tickets"
    label = "热线工单"
    key = "工单编号"
    columns = (
        Column("工单编号", _max_length(40), required=True),
        Column("热线来源", choice(*Source.values), required=True),
        Column("来电时间", parse_datetime, required=True),
        Column("诉求类型", choice(*Category.values), required=True),
        Column("业务类别", choice(*Area.values), required=True),
        Column("诉求内容", parse_text, required=True),
        Column("来电人", _max_length(50), default=""),
        Column("联系电话", _max_length(30), default=""),
        Column("涉及企业信用代码", validated(validate_credit_code)),
        Column("承办单位", parse_text),
        Column("办理时限", parse_date),
        Column("办结时间", parse_datetime),
        Column("答复内容", parse_text, default=""),
        Column(
            "回访结果",
            choice("满意", "基本满意", "不满意", NOT_VISITED),
            default=NOT_VISITED,
        ),
    )

    def __init__(self, *, by):
        super().__init__(by=by)
        self._units: dict[str, list[OrgUnit]] = {}
        self._days = WorkingDays()  # the working-day calendar, once per import
        self._rules: dict[tuple[str, str], int] = {}

    def _due(self, received_at, source: str, category: str):
        """compute_due_date with the rule table and the calendar cached."""
        if (source, category) not in self._rules:
            self._rules[source, category] = deadline_rule(source, category)[0]
        return self._days.add(
            timezone.localdate(received_at), self._rules[source, category]
        )

    def prefetch(self, rows) -> None:
        self.remember(
            Enterprise, "credit_code", (row["涉及企业信用代码"] for row in rows)
        )
        names = {row["承办单位"] for row in rows if row["承办单位"]}
        found: dict[str, list[OrgUnit]] = {name: [] for name in names}
        for unit in OrgUnit.objects.filter(name__in=names):
            found[unit.name].append(unit)
        self._units.update({name: units[:2] for name, units in found.items()})

    def _enterprise(self, code: str) -> Enterprise | None:
        return self.find(Enterprise, credit_code=code)

    def _unit(self, name: str) -> list[OrgUnit]:
        if name not in self._units:
            self._units[name] = list(OrgUnit.objects.filter(name=name)[:2])
        return self._units[name]

    def check_row(self, row) -> None:
        code = row["涉及企业信用代码"]
        if code and self._enterprise(code) is None:
            raise CellError(
                "涉及企业信用代码", f"企业名录中没有信用代码为 {code} 的企业"
            )
        name = row["承办单位"]
        if name:
            units = self._unit(name)
            if not units:
                raise CellError("承办单位", f"没有名为“{name}”的组织单位")
            if len(units) > 1:
                raise CellError("承办单位", f"名为“{name}”的组织单位不止一个")
        received, closed = row["来电时间"], row["办结时间"]
        if closed is not None and closed < received:
            raise CellError("办结时间", "不能早于来电时间")
        if closed is not None and not row["答复内容"]:
            raise CellError("答复内容", "填写了办结时间时必须填写答复内容")
        due = row["办理时限"]
        if due is not None and due < received.date():
            raise CellError("办理时限", "不能早于来电日期")

    def _ticket(self, row) -> TicketRow:
        follow_up = row["回访结果"]
        return TicketRow(
            ticket_no=row["工单编号"],
            source=row["热线来源"],
            received_at=row["来电时间"],
            category=row["诉求类型"],
            area=row["业务类别"],
            content=row["诉求内容"],
            caller_name=row["来电人"],
            caller_phone=row["联系电话"],
            enterprise=self._enterprise(row["涉及企业信用代码"])
            if row["涉及企业信用代码"]
            else None,
            unit=self._unit(row["承办单位"])[0] if row["承办单位"] else None,
            due_date=row["办理时限"],
            closed_at=row["办结时间"],
            reply_text=row["答复内容"],
            follow_up_result="" if follow_up == NOT_VISITED else follow_up,
        )

    def upsert(self, row) -> str:
        return ticket_import_row(row=self._ticket(row), by=self.by)

    def bulk_write(self, batch):
        return ticket_import_many(
            rows=[self._ticket(row) for _number, row in batch],
            by=self.by,
            due=self._due,
        )
