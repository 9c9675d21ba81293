"""Import kind ``units`` (spec/import-formats.md): the bureau's organisation,
the first workbook a new county imports.  A row may name as its parent a unit
of the same workbook (in any row order) or one already in the portal; rows are
written parents first, each through ``unit_upsert``."""

from __future__ import annotations

from jiaotong.audit.changes import apply_changes
from jiaotong.imports.framework import (
    BulkUpsert,
    CellError,
    Column,
    Importer,
    RowByRow,
    RowError,
    parse_date,
    parse_int,
    register,
    text,
)

from .models import OrgUnit
from .services import UNIT_FIELDS, check_unit, unit_upsert

PARENT = "上级单位编码"
# The format lists 镇（街） with full-width brackets; half-width ones mean the same.
_KIND_BY_LABEL = {str(label): value for value, label in OrgUnit.Kind.choices}
_KIND_BY_LABEL["镇(街)"] = OrgUnit.Kind.TOWN


def parse_kind(value) -> str:
    label = str(value).strip()
    if label not in _KIND_BY_LABEL:
        allowed = " / ".join(str(label) for _v, label in OrgUnit.Kind.choices)
        raise ValueError(f"应为 {allowed} 之一")
    return _KIND_BY_LABEL[label]


@register
class UnitImporter(Importer):
    kind = "units"
    label = "组织单位"
    key = "单位编码"
    columns = (
        Column("单位编码", text(32), required=True),
        Column("单位名称", text(100), required=True),
        Column("单位类型", parse_kind, required=True),
        Column(PARENT, text(32)),
        Column("正式编制", parse_int, default=0),
        Column("设立日期", parse_date),
        Column("撤销日期", parse_date),
    )
    fields = {
        "code": "单位编码",
        "name": "单位名称",
        "kind": "单位类型",
        "parent": PARENT,
        "established_posts": "正式编制",
        "established_on": "设立日期",
        "abolished_on": "撤销日期",
    }

    def __init__(self, *, by):
        super().__init__(by=by)
        # code -> parent code of every unit already in the portal.
        self._stored = {
            code: parent
            for code, parent in OrgUnit.objects.values_list("code", "parent__code")
        }

    def check_row(self, row) -> None:
        if not row[PARENT] and row["单位类型"] != OrgUnit.Kind.BUREAU:
            raise CellError(PARENT, "只有“局”可以没有上级单位，请填写上级单位编码")
        start, end = row["设立日期"], row["撤销日期"]
        if start and end and end < start:
            raise CellError("撤销日期", f"不能早于设立日期（{start:%Y-%m-%d}）")

    def check_rows(self, parsed) -> list[RowError]:
        """Every parent exists (in the workbook or the portal) and no chain of
        parents comes back to where it started."""
        parents = {
            **self._stored,
            **{row["单位编码"]: row[PARENT] for _n, row in parsed},
        }
        errors = []
        for number, row in parsed:
            parent = row[PARENT]
            if parent and parent not in parents:
                errors.append(
                    RowError(
                        number, PARENT, f"本表和系统中都没有编码为 {parent} 的单位"
                    )
                )
                continue
            chain, code = [row["单位编码"]], parent
            while code and code not in chain:
                chain.append(code)
                code = parents.get(code)
            if code:
                loop = " → ".join([*chain[chain.index(code) :], code])
                errors.append(RowError(number, PARENT, f"上级关系形成循环：{loop}"))
        return errors

    def write_order(self, parsed):
        """Parents before their children: by depth within workbook and portal."""
        parents = {
            **self._stored,
            **{row["单位编码"]: row[PARENT] for _n, row in parsed},
        }

        def depth(code: str) -> int:
            n = 0
            while parents.get(code):
                code, n = parents[code], n + 1
            return n

        return sorted(parsed, key=lambda item: depth(item[1]["单位编码"]))

    def _values(self, row, parent) -> dict:
        """The unit's values; ``parent(code)`` finds the parent unit."""
        values = self.given(row, self.fields)
        values.pop("code")
        if "parent" in values:
            code = values["parent"]
            values["parent"] = parent(code) if code else None
        return values

    def upsert(self, row) -> str:
        _, outcome = unit_upsert(
            code=row["单位编码"],
            values=self._values(row, lambda code: OrgUnit.objects.get(code=code)),
            by=self.by,
            actor_name=self.actor_name,
        )
        return outcome

    def bulk_write(self, batch):
        """``unit_upsert`` for a batch: the same units and audit events, with a
        few queries for the whole batch (the rows come parents first: a new
        parent is stored before its children need its id).  A batch that moves
        a stored unit to another parent goes row by row (``RowByRow``): a move
        re-derives the paths of everything below the unit, one by one."""
        codes = [row[self.key] for _number, row in batch]
        if PARENT in self.present and any(
            code in self._stored and row[PARENT] != self._stored[code]
            for code, (_number, row) in zip(codes, batch, strict=True)
        ):
            raise RowByRow
        bulk = BulkUpsert(
            OrgUnit,
            "code",
            codes,
            by=self.by,
            actor_name=self.actor_name,
            related=("parent",),
        )
        wanted = {row[PARENT] for _number, row in batch} - set(codes) - {None}
        others = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=wanted)}
        batch_units: dict[str, OrgUnit] = {}

        def parent(code: str) -> OrgUnit:
            unit = batch_units.get(code) or others.get(code)
            if unit is None:  # gone since the check (upsert reports it)
                raise RowByRow
            if unit.pk is None:  # new in this batch: store it (and the rest) now
                bulk.flush()
            return unit

        for code, (_number, row) in zip(codes, batch, strict=True):
            unit, created = bulk.get(code)
            batch_units[code] = unit
            old_path = unit.path
            changes = apply_changes(unit, self._values(row, parent), UNIT_FIELDS)
            if not created and not changes:
                bulk.unchanged()
                continue
            check_unit(unit, old_path)
            if created:  # as OrgUnit.save derives it (a stored unit does not move)
                unit.path = (unit.parent.path if unit.parent else "/") + f"{code}/"
            bulk.saved(unit, created=created, changes=changes)
        return bulk.done()
