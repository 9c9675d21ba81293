"""Import times of the kinds other than ``applications`` (issue 14 item 4):
``units``, ``matters``, ``enterprises`` and ``cases`` workbooks generated here,
each imported three times through ``import_xlsx``: new (every row created), the
same workbook again (every row unchanged), and a changed copy (every row
updated).  ``bench/run.py`` measures ``applications``; this script the rest.

    .venv/bin/python bench/import_kinds.py [--enterprises 20000] [--cases 5000]

Like bench/run.py it uses its own PostgreSQL database (``--database``, default
``jiaotong_bench_kinds``: dropped, created and migrated, dropped again at the
end unless ``--keep``), never ``DATABASE_URL``'s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as bench  # noqa: E402  (after the path is set)

PENALTY_MATTERS = 40


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--matters", type=int, default=5000)
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--database", default="jiaotong_bench_kinds")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    if "bench" not in args.database:
        parser.error("--database must contain 'bench'")
    return args


def _headers(kind: str, omit=()) -> list[str]:
    """The kind's columns as its importer declares them (the import format),
    without ``omit``: the rows below follow this order."""
    from jiaotong.imports.framework import importer_for

    return [c.header for c in importer_for(kind).columns if c.header not in omit]


def _save(path: Path, title: str, headers: list[str], rows) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def units_workbook(path: Path, n: int, *, edit: str = "") -> Path:
    """The bureau, ten 股室 below it and n - 11 units below those, children
    listed before their parents (the import writes parents first)."""
    rows = [
        [f"U{k:04d}", f"单位{k}{edit}", "机关股室", f"S{k % 10}", k % 7]
        for k in range(n - 11)
    ]
    rows += [[f"S{k}", f"股室{k}{edit}", "机关股室", "B", 5] for k in range(10)]
    rows.append(["B", f"睢县交通运输局{edit}", "局", "", 80])
    return _save(
        path,
        "组织单位",
        ["单位编码", "单位名称", "单位类型", "上级单位编码", "正式编制"],
        rows,
    )


def matters_workbook(path: Path, n: int, *, edit: str = "") -> Path:
    kinds = ["行政许可", "行政处罚", "行政确认", "其他行政权力", "公共服务"]
    rows = [
        [
            f"M{k:05d}" if k >= PENALTY_MATTERS else f"CF{k:03d}",
            f"道路运输事项{k}{edit}",
            "行政处罚" if k < PENALTY_MATTERS else kinds[k % len(kinds)],
            "《中华人民共和国道路运输条例》",
            20,
            10 if not edit else 8,
            "本级",
            "否",
            "是" if k % 3 == 0 else "否",
        ]
        for k in range(n)
    ]
    headers = _headers("matters", omit=("生效日期", "废止日期"))
    return _save(path, "权责清单", headers, rows)


def enterprises_workbook(path: Path, n: int, *, edit: str = "") -> Path:
    from jiaotong.loadgen import People

    rng = random.Random(bench.SEED + 2)
    people = People(rng, persons=1, companies=n)
    industries = [
        "道路旅客运输",
        "道路货物运输",
        "出租汽车",
        "驾驶员培训",
        "机动车维修",
    ]
    rows = [
        [
            name + edit,
            code,
            industries[k % len(industries)],
            "城关镇",
            "ABCD"[k % 4] if not edit else "ABCD"[(k + 1) % 4],
            "张三",
            phone,
            f"睢县北湖路{k}号",
        ]
        for k, (name, _kind, code, phone) in enumerate(people.companies)
    ]
    return _save(path, "企业名录", _headers("enterprises"), rows)


def cases_workbook(path: Path, n: int, *, edit: str = "") -> Path:
    from jiaotong.loadgen import People

    rng = random.Random(bench.SEED + 3)
    people = People(rng, persons=1500, companies=300)
    rows = []
    for k in range(n):
        filed = dt.datetime(2023, 1, 2, 9) + dt.timedelta(days=k % 300, minutes=k % 400)
        decided = filed + dt.timedelta(days=10)
        name, kind, id_number, _phone = people.pick()
        outcome = ["处罚", "处罚", "不予处罚", ""][k % 4]
        rows.append(
            [
                f"CASE-{k:06d}",
                filed,
                "普通程序",
                name + edit,
                kind,
                id_number,
                f"CF{k % PENALTY_MATTERS:03d}",
                "路面巡查",
                decided - dt.timedelta(days=2) if outcome else None,
                "同意" if outcome else "",
                outcome,
                decided if outcome else None,
                "罚款" if outcome == "处罚" else "",
                200 if outcome == "处罚" else None,
                decided.date() + dt.timedelta(days=3) if outcome == "处罚" else None,
                decided + dt.timedelta(days=20) if k % 8 == 0 and outcome else None,
            ]
        )
    return _save(path, "处罚案件", _headers("cases", omit=("车牌号",)), rows)


def _import(kind: str, path: Path) -> tuple[float, dict]:
    seconds, output = bench.timed(bench.quiet_command, "import_xlsx", kind, str(path))
    match = bench._SUMMARY.search(output)
    if match is None:
        raise RuntimeError(f"import_xlsx {kind}: unexpected output {output!r}")
    created, updated, unchanged = (int(g) for g in match.groups())
    return seconds, {"created": created, "updated": updated, "unchanged": unchanged}


def measure(kind: str, build, rows: int, work: Path) -> dict:
    new = build(work / f"{kind}.xlsx", rows)
    edited = build(work / f"{kind}-edited.xlsx", rows, edit="（更名）")
    figures = {"rows": rows}
    for label, path, expected in (
        ("new", new, "created"),
        ("again", new, "unchanged"),
        ("edited", edited, "updated"),
    ):
        seconds, counts = _import(kind, path)
        if counts[expected] != rows:
            raise RuntimeError(f"{kind} {label}: counts off {counts}")
        figures[f"{label}_seconds"] = round(seconds, 2)
        figures[f"{label}_rows_per_s"] = round(rows / seconds, 1)
        bench.log(f"{kind} {label}: {rows} rows in {seconds:.2f} s")
    return figures


def main(argv=None) -> None:
    args = parse_args(argv)
    if not bench.postgres_answers():
        raise SystemExit("import_kinds: PostgreSQL on 127.0.0.1:5432 does not answer")
    work = Path(tempfile.mkdtemp(prefix="jt-import-kinds-"))
    url = f"postgres://{bench.PG_USER}@{bench.PG_HOST}:{bench.PG_PORT}/{args.database}"
    bench.recreate_pg_database(args.database)
    bench.configure_environment(url, work)
    bench.setup_django(args.database)
    try:
        bench.quiet_command("migrate", verbosity=0)
        results = {
            "units": measure("units", units_workbook, args.units, work),
            "matters": measure("matters", matters_workbook, args.matters, work),
            "enterprises": measure(
                "enterprises", enterprises_workbook, args.enterprises, work
            ),
            "cases": measure("cases", cases_workbook, args.cases, work),
        }
        print(json.dumps(results, ensure_ascii=False, indent=2))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            bench.drop_pg_database(args.database)


if __name__ == "__main__":
    main()
