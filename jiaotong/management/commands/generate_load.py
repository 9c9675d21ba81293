"""Generate many realistic records fast, from a seed, for measuring at scale:

    manage.py generate_load --applications 1000000 --tickets 300000 \\
        --cases 100000 --years 2014-2023 --seed 7

Each app's ``loadgen.py`` registers its generators (jiaotong/loadgen.py); an
option whose app provides no generator (an app not installed) says so and
writes nothing. Run after ``load_demo`` (it needs units and matters).
"""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiaotong.loadgen import LoadContext, discover, vacuum

# Options offered even before the app that fills them exists.
EXPECTED = {
    "applications": "窗口办件数",
    "tickets": "热线工单数",
    "cases": "行政处罚案件数",
}


def parse_years(text: str) -> list[int]:
    """``2014-2023`` or ``2019,2021,2023``."""
    years: set[int] = set()
    try:
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            years.update(range(int(first), int(last or first) + 1))
    except ValueError as exc:
        raise CommandError(f"年份格式不对：{text}（例如 2014-2023）") from exc
    this_year = dt.date.today().year
    if not years or min(years) < 1990 or max(years) > this_year:
        raise CommandError(f"年份应在 1990 至 {this_year} 之间：{text}")
    return sorted(years)


class Command(BaseCommand):
    help = "按种子批量生成大量仿真记录（基准测试与容量验证用）。"

    def add_arguments(self, parser):
        options = {name: gen.help for name, gen in discover().items()}
        for name, text in {**EXPECTED, **options}.items():
            parser.add_argument(f"--{name}", type=int, default=0, help=text)
        this_year = dt.date.today().year
        parser.add_argument(
            "--years",
            default=f"{this_year - 9}-{this_year}",
            help="记录分布的年份，如 2014-2023 或 2021,2023（默认最近十年）",
        )
        parser.add_argument("--seed", type=int, default=20231231, help="随机种子")

    def handle(self, *args, **options):
        years = parse_years(options["years"])
        generators = discover()
        ctx = LoadContext(
            rng=random.Random(options["seed"]), years=years, stdout=self.stdout
        )
        names = [*EXPECTED, *(n for n in generators if n not in EXPECTED)]
        for name in names:
            count = options.get(name) or 0
            if count < 0:
                raise CommandError(f"--{name} 不能为负数")
            if not count:
                continue
            if name not in generators:
                self.stdout.write(
                    f"--{name}：对应的应用尚未提供生成器（{name}），未生成记录。"
                )
                continue
            start = time.perf_counter()
            with transaction.atomic():
                written = generators[name].func(ctx, count)
            vacuum(generators[name].model)
            seconds = time.perf_counter() - start
            self.stdout.write(
                f"{generators[name].help}：生成 {written:,} 条，"
                f"{years[0]}–{years[-1]} 年，{seconds:.1f} 秒"
                f"（{written / max(seconds, 1e-6):,.0f} 条/秒）。"
            )
