"""Import kind ``cases`` (spec/import-formats.md): penalty cases keyed by 案件编号."""

from django.core.exceptions import ValidationError

from jiaotong.imports.framework import (
    CellError,
    Column,
    Importer,
    WorkingDays,
    choice,
    parse_date,
    parse_datetime,
    parse_decimal,
    register,
    text,
)
from jiaotong.models import Enterprise, Matter
from jiaotong.registry.models import PowerType
from jiaotong.validators import validate_id_for_party, validate_plate

from .import_services import (
    REVIEW_RESULTS,
    ImportedCase,
    case_import_many,
    case_import_row,
)
from .models import MAX_FINE, PENALTY_SEPARATOR, CaseSource, Outcome, PartyType

PENALTIES = (
    "警告",
    "通报批评",
    "罚款",
    "没收违法所得",
    "暂扣许可证件",
    "降低资质等级",
    "吊销许可证件",
    "责令停产停业",
)


def parse_penalties(value) -> str:
    items = [p.strip() for p in str(value).replace("､", "、").split(PENALTY_SEPARATOR)]
    items = [p for p in items if p]
    unknown = [p for p in items if p not in PENALTIES]
    if unknown:
        raise ValueError(
            f"未知的处罚种类：{'、'.join(unknown)}（可选：{' / '.join(PENALTIES)}）"
        )
    return PENALTY_SEPARATOR.join(dict.fromkeys(items))


def parse_fine(value):
    amount = parse_decimal(value)
    if amount > MAX_FINE:
        raise ValueError(f"不能超过{MAX_FINE:.0f}元")
    return amount


def _credit_code(value: str) -> str | None:
    """The code as check_row will normalise it, or None if it is not one."""
    try:
        return validate_id_for_party("法人", value)
    except ValidationError:
        return None


@register
class CaseImporter(Importer):
    kind = "cases"
    label = "行政处罚案件"
    key = "案件编号"
    columns = (
        Column("案件编号", text(40), required=True),
        Column("立案日期", parse_datetime, required=True),
        Column("程序类型", choice("简易程序", "普通程序"), required=True),
        Column("当事人", text(200), required=True),
        Column("当事人类型", choice(*PartyType.values), required=True),
        Column("证件号码", text(), required=True),
        Column("车牌号", text(), default=""),
        Column("违法行为事项编码", text(64), required=True),
        Column("案件来源", choice(*CaseSource.values), default="其他"),
        Column("法制审核完成日期", parse_datetime),
        Column("法制审核意见", choice(*REVIEW_RESULTS), default=""),
        Column(
            "处理结果", choice(*(o for o in Outcome.values if o != "移送")), default=""
        ),
        Column("决定日期", parse_datetime),
        Column("处罚种类", parse_penalties, default=""),
        Column("罚款金额", parse_fine),
        Column("公示日期", parse_date),
        Column("结案日期", parse_datetime),
    )
    fields = {
        "number": "案件编号",
        "filed_at": "立案日期",
        "procedure": "程序类型",
        "party_name": "当事人",
        "party_type": "当事人类型",
        "party_id_number": "证件号码",
        "plate": "车牌号",
        "matter": "违法行为事项编码",
        "source": "案件来源",
        "outcome": "处理结果",
        "decided_at": "决定日期",
        "penalty_types": "处罚种类",
        "fine": "罚款金额",
        "closed_at": "结案日期",
    }

    def __init__(self, *, by):
        super().__init__(by=by)
        self._units: dict = {}  # the handling unit per matter
        self._days = WorkingDays()  # the working-day calendar, once per import

    def prefetch(self, rows) -> None:
        self.remember(Matter, "code", (row["违法行为事项编码"] for row in rows))
        self.remember(
            Enterprise,
            "credit_code",
            (
                _credit_code(row["证件号码"])
                for row in rows
                if row["当事人类型"] == "法人"
            ),
        )

    def _matter(self, code: str) -> Matter | None:
        return self.find(Matter, code=code)

    def _enterprise(self, code: str) -> Enterprise | None:
        return self.find(Enterprise, credit_code=code)

    def check_row(self, row) -> None:
        matter = self._matter(row["违法行为事项编码"])
        if matter is None:
            raise CellError(
                "违法行为事项编码",
                f"事项目录中没有编码为 {row['违法行为事项编码']} 的事项",
            )
        if matter.power_type != PowerType.PENALTY:
            raise CellError(
                "违法行为事项编码",
                f"该事项的权力类型为{matter.power_type}，应为行政处罚",
            )
        try:
            row["证件号码"] = validate_id_for_party(row["当事人类型"], row["证件号码"])
        except ValidationError as exc:
            kind = (
                "居民身份证号码"
                if row["当事人类型"] == "自然人"
                else "统一社会信用代码"
            )
            raise CellError(
                "证件号码", f"应为{kind}：{'；'.join(exc.messages)}"
            ) from None
        if row["车牌号"]:
            try:
                row["车牌号"] = validate_plate(row["车牌号"])
            except ValidationError as exc:
                raise CellError("车牌号", "；".join(exc.messages)) from None
        filed, decided = row["立案日期"], row["决定日期"]
        outcome, review_at = row["处理结果"], row["法制审核完成日期"]
        if outcome and decided is None:
            raise CellError("决定日期", "填写了处理结果时必须填写决定日期")
        if decided is not None and decided.date() < filed.date():
            raise CellError("决定日期", "不能早于立案日期")
        if review_at is not None:
            if review_at.date() < filed.date():
                raise CellError("法制审核完成日期", "不能早于立案日期")
            if decided is not None and review_at.date() > decided.date():
                raise CellError("法制审核完成日期", "不能晚于决定日期")
        elif row["法制审核意见"]:
            raise CellError(
                "法制审核完成日期", "填写了法制审核意见时必须填写法制审核完成日期"
            )
        for column in ("公示日期", "结案日期"):
            value = row[column]
            if value is None:
                continue
            day = value if column == "公示日期" else value.date()
            if decided is None:
                raise CellError(column, "没有决定日期时不能填写")
            if day < decided.date():
                raise CellError(column, "不能早于决定日期")
        if row["公示日期"] is not None and outcome != Outcome.PENALTY:
            raise CellError("公示日期", "只有处理结果为“处罚”的案件有处罚决定公示")

    def _imported(self, row) -> ImportedCase:
        return ImportedCase(
            number=row["案件编号"],
            filed_at=row["立案日期"],
            procedure=row["程序类型"],
            party_name=row["当事人"],
            party_type=row["当事人类型"],
            party_id_number=row["证件号码"],
            plate=row["车牌号"],
            matter=self._matter(row["违法行为事项编码"]),
            source=row["案件来源"],
            review_at=row["法制审核完成日期"],
            review_result=row["法制审核意见"],
            outcome=row["处理结果"],
            decided_at=row["决定日期"],
            penalty_types=row["处罚种类"],
            fine=row["罚款金额"] if row["罚款金额"] is not None else 0,
            published_on=row["公示日期"],
            closed_at=row["结案日期"],
        )

    def upsert(self, row) -> str:
        return case_import_row(
            row=self._imported(row), by=self.by, enterprise=self._enterprise
        )

    def bulk_write(self, batch):
        return case_import_many(
            rows=[self._imported(row) for _number, row in batch],
            by=self.by,
            enterprise=self._enterprise,
            units=self._units,
            due=self._days.add,
        )
