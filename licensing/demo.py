"""Demo data of the service window (``python manage.py load_demo``, after
jiaotong's): the window side of the power list and the window year 2023.

The power list: 132 行政许可 (54 承接省市下放), 1 行政确认, 3 其他行政权力 (the
filings that replaced the three licences reformed into 备案 in 2023) and 10
public services; 2023's adjustments: 3 改备案 and 2 告知承诺 (May and December).

The year 2023 reproduces the report (spec/indicators.md): 2,370 applications
accepted and completed (677 licensing, 1,693 public service), every accepted
receipt of the year completed by 31 Dec (100.0 %), and 126 of the 142 window
matters in force at year end with a completed application (88.7 %).  Withdrawn
and not-accepted applications are there too, as at any window; they count in
none of the figures.  A handful of open applications of the current days fill
the clerk's queue.  Rows are written with ``bulk_create``; no audit events
are written for the demo's history.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from jiaotong.calendar.workdays import add_working_days, is_working_day
from jiaotong.dates import LOCAL_TZ, at_local
from jiaotong.models import Enterprise, Matter, MatterChange, OrgUnit, User
from jiaotong.registry.models import MatterSource, PowerType
from jiaotong.registry.services import pinyin_initials
from jiaotong.roles import ROLE_WINDOW
from jiaotong.validators import resident_id_check_char

from .models import (
    ApplicantType,
    Application,
    ApplicationSequence,
    Channel,
    CommitmentCheck,
    Evaluation,
    Rectification,
    Result,
)
from .services import (
    NUMBER_PREFIX,
    application_accept,
    application_receive,
    application_review,
)

YEAR = 2023
SEED = 20231231
WINDOW_UNIT_CODE = "JTJ-XZSP"
WINDOW_UNIT_NAME = "行政审批股"
IN_FORCE_FROM = dt.date(2021, 1, 1)

# The report's window figures for 2023.
COMPLETED_LICENSING = 677
COMPLETED_PUBLIC_SERVICE = 1693
LICENSING_MATTERS_IDLE = 16  # 116 of 132 licensing matters saw a completed application
WITHDRAWN = 14
NOT_ACCEPTED = 11

# --- The power list ------------------------------------------------------------------

# (base name, sub-items): three sub-items each, 44 x 3 = 132 licensing matters.
_OPERATING = ("（新办）", "（变更）", "（延续）")
_ROAD = ("（审批）", "（变更）", "（延期）")
LICENSING_BASES = [
    ("道路旅客运输经营许可", _OPERATING),
    ("道路客运班线经营许可", _OPERATING),
    ("农村客运班线经营许可", _OPERATING),
    ("旅游客运经营许可", _OPERATING),
    ("包车客运经营许可", _OPERATING),
    ("定制客运经营许可", _OPERATING),
    ("道路旅客运输站（场）经营许可", _OPERATING),
    ("道路普通货物运输经营许可", _OPERATING),
    ("道路危险货物运输经营许可", _OPERATING),
    ("放射性物品道路运输经营许可", _OPERATING),
    ("巡游出租汽车经营许可", _OPERATING),
    ("巡游出租汽车车辆运营证核发", _OPERATING),
    ("出租汽车驾驶员从业资格证核发", _OPERATING),
    ("网络预约出租汽车经营许可", _OPERATING),
    ("网络预约出租汽车运输证核发", _OPERATING),
    ("网络预约出租汽车驾驶员证核发", _OPERATING),
    ("经营性道路旅客运输驾驶员从业资格证核发", _OPERATING),
    ("经营性道路货物运输驾驶员从业资格证核发", _OPERATING),
    ("道路危险货物运输从业人员从业资格证核发", _OPERATING),
    ("城市公共汽车客运线路经营许可", _OPERATING),
    ("城乡公交客运线路经营许可", _OPERATING),
    ("道路客运接驳运输许可", _OPERATING),
    ("超限运输车辆行驶公路许可", _ROAD),
    ("大件运输车辆跨市行驶公路许可", _ROAD),
    ("涉路施工许可（占用、挖掘公路）", _ROAD),
    ("涉路施工许可（跨越、穿越公路架设、埋设管线设施）", _ROAD),
    ("涉路施工许可（公路建筑控制区内埋设管道、电缆）", _ROAD),
    ("使公路改线审批", _ROAD),
    ("在公路用地范围内设置非公路标志许可", _ROAD),
    ("公路增设、改造平面交叉道口许可", _ROAD),
    ("更新采伐护路林审批", _ROAD),
    ("铁轮车、履带车等机具在公路上行驶许可", _ROAD),
    ("利用公路桥梁、隧道、涵洞铺设电缆等设施许可", _ROAD),
    ("公路桥梁周边疏浚作业许可", _ROAD),
    ("公路建筑控制区内修建临时建筑物许可", _ROAD),
    ("农村公路建设项目施工许可", _ROAD),
    ("农村公路建设项目设计文件审批", _ROAD),
    ("公路建设项目竣工验收", _ROAD),
    ("公路工程交工验收备查核准", _ROAD),
    ("公路超限检测站设置审批", _ROAD),
    ("公路水运工程监理现场机构审核", _ROAD),
    ("道路运输车辆改装审批", _ROAD),
    ("客运车辆更新审批", _OPERATING),
    ("道路货物运输站（场）场站变更审批", _OPERATING),
]
# Licensing bases whose sub-items were delegated by the province / city.
DELEGATED_PROVINCE = 7  # the first 7 bases: 21 matters
DELEGATED_CITY = 11  # the next 11 bases: 33 matters -> 54 in all
# Matters on which 告知承诺制 took effect in 2023 (index into the licensing list).
NOTIFY_COMMIT = [(21, dt.date(2023, 5, 16)), (24, dt.date(2023, 12, 8))]
NOTIFY_COMMIT_DOCUMENT = "睢交审〔2023〕{n}号 关于推行证明事项告知承诺制的通知"

# 许可改备案 in 2023: the licence is repealed, a filing (其他行政权力) replaces it.
FILING_REFORMS = [
    (
        "道路货物运输站（场）经营许可",
        "道路货物运输站（场）经营备案",
        dt.date(2023, 5, 16),
    ),
    ("机动车维修经营许可", "机动车维修经营备案", dt.date(2023, 5, 16)),
    ("机动车驾驶员培训经营许可", "机动车驾驶员培训经营备案", dt.date(2023, 12, 8)),
]
FILING_DOCUMENT = "豫交文〔2023〕{n}号 关于调整行政许可事项实施方式的通知"
CONFIRMATION = "公路路产损失确认"
BUSIEST_LICENCE = "道路普通货物运输经营许可（新办）"

PUBLIC_SERVICES = [
    ("道路运输证配发", 0),
    ("道路运输证换发、补发", 0),
    ("道路运输车辆年度审验", 1),
    ("从业资格证换证、补证", 1),
    ("出租汽车驾驶员从业资格注册", 1),
    ("道路运输经营许可证换发", 1),
    ("道路运输从业人员诚信考核", 3),
    ("营运车辆技术等级评定核查", 2),
    ("客运班车标志牌核发", 1),
    ("道路运输车辆达标核查", 2),
]

# --- Applicants ----------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = [
    "建国", "建华", "国强", "志强", "永刚", "红军", "卫东", "海燕", "秀英", "丽娟",
    "桂兰", "玉梅", "伟", "磊", "军", "勇", "杰", "涛", "明", "超", "静", "敏",
    "艳", "娜", "芳", "鹏", "浩", "宇", "晨", "欣怡", "子豪", "梓涵", "雨轩",
    "俊杰", "振华", "德胜", "长青", "保国", "新民", "庆华", "春生", "金凤",
    "文博", "思远", "佳琪", "晓东", "立新", "红旗", "学军", "志刚",
]  # fmt: skip
COUNTY_CODES = ["411422"] * 6 + ["411421", "411423", "411402", "411403", "411424"]
COMPANY_WORDS = [
    "通达", "顺达", "宏运", "安达", "恒通", "鑫源", "金鹏", "畅行", "路路通", "长运",
    "豫东", "睢州", "北湖", "中原", "顺丰源", "诚信", "天顺", "利民", "盛达", "永顺",
]  # fmt: skip
COMPANY_KINDS = [
    "运输有限公司", "物流有限公司", "客运有限公司", "汽车服务有限公司",
    "出租汽车有限公司", "建设工程有限公司", "管道工程有限公司", "电力工程有限公司",
]  # fmt: skip
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def load(stdout) -> None:
    with transaction.atomic():
        unit = _window_unit()
        clerk = _window_clerk(unit)
        matters = _load_power_list(unit)
        if Application.objects.filter(
            number__startswith=f"{NUMBER_PREFIX}-{YEAR}-"
        ).exists():
            stdout.write("窗口办件：2023 年度演示办件已存在，跳过。")
            return
        count = _load_year(matters, unit, clerk)
        previous = _load_previous_year(matters, unit, clerk)
    open_count = _load_open_applications(matters, clerk) if clerk else 0
    stdout.write(
        f"窗口办件：{len(matters['licensing'])} 项行政许可、{len(matters['service'])} 项"
        f"公共服务等事项，{YEAR} 年办件 {count} 件（另 {YEAR - 1} 年 {previous} 件），"
        f"当前待办 {open_count} 件。"
    )


# --- Units and people ------------------------------------------------------------------


def _window_unit() -> OrgUnit:
    unit = (
        OrgUnit.objects.filter(code=WINDOW_UNIT_CODE).first()
        or OrgUnit.objects.filter(name=WINDOW_UNIT_NAME).first()
    )
    if unit is not None:
        return unit
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return OrgUnit.objects.create(
        code=WINDOW_UNIT_CODE,
        name=WINDOW_UNIT_NAME,
        kind=OrgUnit.Kind.OFFICE,
        parent=root,
    )


def _window_clerk(unit: OrgUnit) -> User | None:
    return (
        User.objects.filter(groups__name=ROLE_WINDOW, unit=unit)
        .order_by("username")
        .first()
    )


# --- The power list ------------------------------------------------------------------------


def _matter(code, name, power_type, unit, **extra) -> Matter:
    """An unsaved matter; ``_save`` writes them all at once."""
    extra.setdefault("effective_from", IN_FORCE_FROM)
    return Matter(
        code=code,
        name=name,
        power_type=power_type,
        unit=unit,
        pinyin_initials=pinyin_initials(name),
        **extra,
    )


def _save(matters: list[Matter]) -> dict[str, Matter]:
    """Create the matters not there yet (loading twice changes nothing)."""
    codes = [m.code for m in matters]
    existing = set(Matter.objects.filter(code__in=codes).values_list("code", flat=True))
    Matter.objects.bulk_create([m for m in matters if m.code not in existing])
    return Matter.objects.filter(code__in=codes).in_bulk(field_name="code")


def _licensing_matters(unit: OrgUnit) -> list[Matter]:
    rng = random.Random(SEED)
    commit_on = {index for index, _ in NOTIFY_COMMIT}
    matters = []
    for b, (base, subs) in enumerate(LICENSING_BASES):
        if b < DELEGATED_PROVINCE:
            source = MatterSource.PROVINCE
        elif b < DELEGATED_PROVINCE + DELEGATED_CITY:
            source = MatterSource.CITY
        else:
            source = MatterSource.OWN
        for s, sub in enumerate(subs):
            matters.append(
                _matter(
                    f"411422-XK-{b + 1:03d}-{s + 1}",
                    base + sub,
                    PowerType.LICENSING,
                    unit,
                    basis="《中华人民共和国行政许可法》《中华人民共和国道路运输条例》"
                    "《中华人民共和国公路法》等",
                    statutory_limit_days=20,
                    promised_limit_days=rng.choice([1, 2, 3, 5, 5, 7, 10]),
                    source=source,
                    notify_commit=len(matters) in commit_on,
                    publicity_required=True,
                )
            )
    return matters


def _load_power_list(unit: OrgUnit) -> dict[str, list[Matter]]:
    licensing = _licensing_matters(unit)
    reformed = [
        _matter(
            f"411422-XK-9{n:02d}",
            licence,
            PowerType.LICENSING,
            unit,
            statutory_limit_days=20,
            promised_limit_days=5,
            repealed_on=day,
        )
        for n, (licence, _, day) in enumerate(FILING_REFORMS, start=1)
    ]
    filings = [
        _matter(
            f"411422-QT-{n:03d}",
            filing,
            PowerType.OTHER,
            unit,
            promised_limit_days=0,
            effective_from=day,
        )
        for n, (_, filing, day) in enumerate(FILING_REFORMS, start=1)
    ]
    confirmation = _matter(
        "411422-QR-001",
        CONFIRMATION,
        PowerType.CONFIRMATION,
        unit,
        statutory_limit_days=20,
        promised_limit_days=5,
    )
    service = [
        _matter(
            f"411422-GG-{n:03d}",
            name,
            PowerType.PUBLIC_SERVICE,
            unit,
            promised_limit_days=days,
        )
        for n, (name, days) in enumerate(PUBLIC_SERVICES, start=1)
    ]
    saved = _save([*licensing, *reformed, *filings, confirmation, *service])

    def fetch(items):
        return [saved[m.code] for m in items]

    licensing, reformed = fetch(licensing), fetch(reformed)
    changes = [
        MatterChange(
            matter=licensing[index],
            kind=MatterChange.Kind.NOTIFY_COMMIT,
            effective_on=day,
            document=NOTIFY_COMMIT_DOCUMENT.format(n=10 + n),
        )
        for n, (index, day) in enumerate(NOTIFY_COMMIT, start=1)
    ]
    changes += [
        MatterChange(
            matter=matter,
            kind=MatterChange.Kind.FILING_REFORM,
            effective_on=day,
            document=FILING_DOCUMENT.format(n=40 + n),
            note=f"改为{filing}",
        )
        for n, (matter, (_, filing, day)) in enumerate(
            zip(reformed, FILING_REFORMS, strict=True), start=1
        )
    ]
    province = MatterSource.PROVINCE
    changes += [
        MatterChange(
            matter=matter,
            kind=MatterChange.Kind.DELEGATED,
            effective_on=dt.date(2021, 1, 1)
            if matter.source == province
            else dt.date(2022, 3, 1),
            document="豫政〔2020〕28号"
            if matter.source == province
            else "商政〔2022〕6号",
            note=f"承接{matter.get_source_display()}的许可事项",
        )
        for matter in licensing
        if matter.source != MatterSource.OWN
    ]
    # The unique (matter, kind, day) constraint keeps a second load from doubling.
    MatterChange.objects.bulk_create(changes, ignore_conflicts=True)
    return {
        "licensing": licensing,
        "service": fetch(service),
        "other": fetch([*filings, confirmation]),
    }


# --- The year 2023 ---------------------------------------------------------------------------


class _Calendar:
    """Working days of the demo year (and the weeks after it), looked up once."""

    def __init__(self, start: dt.date, end: dt.date):
        days = (end - start).days + 1
        self.days = [
            day
            for day in (start + dt.timedelta(n) for n in range(days))
            if is_working_day(day)
        ]
        self.index = {day: i for i, day in enumerate(self.days)}

    def add(self, day: dt.date, n: int) -> dt.date:
        """add_working_days for a working ``day`` (the n-th working day after it)."""
        return self.days[self.index[day] + n]


class _People:
    """A pool of applicants, so that people come back (the intake form fills
    their details from earlier applications)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.persons = [self._person(i) for i in range(900)]
        # The register's enterprises apply under their own credit codes; the
        # other companies get one fixed code each (one code per name, however
        # often the demo is built).
        registered = [
            (name, ApplicantType.ORGANISATION, code, phone)
            for name, code, phone in Enterprise.objects.order_by("pk").values_list(
                "name", "credit_code", "phone"
            )
        ]
        names = {row[0] for row in registered}
        others = [self._company(i) for i in range(160)]
        self.companies = registered + [row for row in others if row[0] not in names]

    def _person(self, i: int) -> tuple:
        rng = self.rng
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
        body = f"{rng.choice(COUNTY_CODES)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        return (
            name,
            ApplicantType.PERSON,
            body + resident_id_check_char(body),
            self._phone(),
        )

    def _company(self, i: int) -> tuple:
        # Derived from the index alone: the same company, the same code.
        serial = "".join(
            _USCC_BODY[(i * step + 7) % len(_USCC_BODY)]
            for step in (1, 3, 5, 11, 13, 17)
        )
        body = f"91411422MB{i % 10}{serial}"
        code = body + uscc.calc_check_digit(body)
        word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
        kind = COMPANY_KINDS[i // len(COMPANY_WORDS) % len(COMPANY_KINDS)]
        return (f"睢县{word}{kind}", ApplicantType.ORGANISATION, code, self._phone())

    def _phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def pick(self, organisation_share: float) -> tuple:
        if self.rng.random() < organisation_share:
            return self.rng.choice(self.companies)
        return self.rng.choice(self.persons)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` spread over ``parts`` (each at least 1), unevenly like real demand."""
    weights = [rng.paretovariate(1.3) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return at_local(day, dt.time(8, 30)) + dt.timedelta(minutes=minutes)


def _office_minutes(rng: random.Random) -> int:
    """A moment of the office day: 08:30–11:40 or 14:30–17:20."""
    if rng.random() < 0.6:
        return rng.randrange(0, 190)
    return rng.randrange(360, 530)


def _load_year(matters, unit: OrgUnit, clerk: User | None) -> int:
    rng = random.Random(SEED)
    calendar = _Calendar(dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 2, 29))
    year_days = [d for d in calendar.days if d.year == YEAR]
    last_day = year_days[-1]
    people = _People(rng)

    # 告知承诺 matters are among the busy ones, so their applications show.
    committed = [matters["licensing"][i] for i, _ in NOTIFY_COMMIT]
    licensing = [m for m in matters["licensing"] if m not in committed]
    rng.shuffle(licensing)
    # The freight licence is the county window's busiest licence (it is what
    # "货运" at intake should find first): never idle, and the largest share.
    freight = next(m for m in matters["licensing"] if m.name == BUSIEST_LICENCE)
    if freight in licensing:
        licensing.remove(freight)
        licensing.insert(0, freight)
    busy = committed + licensing[: len(licensing) - LICENSING_MATTERS_IDLE]
    counts = _split(COMPLETED_LICENSING, len(busy), rng)
    top = counts.index(max(counts))
    at = busy.index(freight)
    counts[at], counts[top] = counts[top], counts[at]
    plan = [
        (matter, count, 0.45) for matter, count in zip(busy, counts, strict=True)
    ] + [
        (matter, count, 0.2)
        for matter, count in zip(
            matters["service"],
            _split(COMPLETED_PUBLIC_SERVICE, len(matters["service"]), rng),
            strict=True,
        )
    ]
    commit_from = {matters["licensing"][i].pk: day for i, day in NOTIFY_COMMIT}

    rows: list[Application] = []
    for matter, count, organisation_share in plan:
        promised = matter.promised_limit_days or 0
        for _ in range(count):
            received_day = rng.choice(year_days)
            limit_day = calendar.add(received_day, promised)
            late = promised and rng.random() < 0.02
            offset = rng.randint(0, promised) + (rng.randint(1, 2) if late else 0)
            done_day = min(calendar.add(received_day, offset), last_day)
            received_at = _at(received_day, _office_minutes(rng))
            if done_day == received_day:
                completed_at = received_at + dt.timedelta(minutes=rng.randint(15, 90))
            else:
                completed_at = _at(done_day, _office_minutes(rng))
            name, kind, id_number, phone = people.pick(organisation_share)
            since = commit_from.get(matter.pk)
            notify_commit = bool(since and received_day >= since and rng.random() < 0.6)
            is_licence = matter.power_type == PowerType.LICENSING
            result = Result.DONE
            if is_licence:
                result = Result.DENIED if rng.random() < 0.015 else Result.APPROVED
            rows.append(
                Application(
                    matter=matter,
                    applicant_name=name,
                    applicant_type=kind,
                    applicant_id_number=id_number,
                    applicant_phone=phone,
                    channel=rng.choices(Channel.values, weights=[70, 26, 4])[0],
                    status=Application.Status.CLOSED,
                    notify_commit=notify_commit,
                    clerk=clerk,
                    unit=unit,
                    received_at=received_at,
                    accepted_at=received_at,
                    decided_at=completed_at if is_licence else None,
                    result=result,
                    decision_reason="经审查，申请人不符合法定条件"
                    if result == Result.DENIED
                    else "",
                    completed_at=completed_at,
                    promised_due_date=limit_day
                    if matter.promised_limit_days is not None
                    else None,
                    due_date=limit_day
                    if matter.promised_limit_days is not None
                    else None,
                    statutory_due_date=calendar.add(
                        received_day, matter.statutory_limit_days
                    )
                    if matter.statutory_limit_days
                    else None,
                    **_evaluation(rng, completed_at),
                )
            )
    rows += _unfinished(rng, matters, people, calendar, year_days, unit, clerk)

    rows.sort(key=lambda a: a.received_at)
    for n, application in enumerate(rows, start=1):
        application.number = f"{NUMBER_PREFIX}-{YEAR}-{n:06d}"
    Application.objects.bulk_create(rows, batch_size=500)
    ApplicationSequence.objects.update_or_create(
        year=YEAR, defaults={"last": len(rows)}
    )
    _load_follow_ups(rng)
    return len(rows)


# A plausible 2022 beside 2023 for the dashboard's year-over-year view.
PREVIOUS_COMPLETED_LICENSING = 618
PREVIOUS_COMPLETED_PUBLIC_SERVICE = 1532
PREVIOUS_LICENSING_MATTERS_BUSY = 108


def _load_previous_year(matters, unit: OrgUnit, clerk: User | None) -> int:
    """2022: fewer applications on fewer matters, all received, accepted and
    completed within 2022 and only well rated (no follow-up visits owed), so
    not one 2023 figure moves.  Loaded after 2023 with its own random stream,
    so the 2023 records are exactly what they were."""
    year = YEAR - 1
    rng = random.Random(SEED - 1)  # noqa: S311 (demo data, not security)
    calendar = _Calendar(dt.date(year, 1, 1), dt.date(year + 1, 2, 28))
    year_days = [d for d in calendar.days if d.year == year]
    last_day = year_days[-1]
    people = _People(rng)
    licensing = list(matters["licensing"])
    rng.shuffle(licensing)
    busy = licensing[:PREVIOUS_LICENSING_MATTERS_BUSY]
    plan = list(
        zip(busy, _split(PREVIOUS_COMPLETED_LICENSING, len(busy), rng), strict=True)
    ) + list(
        zip(
            matters["service"],
            _split(PREVIOUS_COMPLETED_PUBLIC_SERVICE, len(matters["service"]), rng),
            strict=True,
        )
    )
    rows = []
    for matter, count in plan:
        promised = matter.promised_limit_days or 0
        is_licence = matter.power_type == PowerType.LICENSING
        for _ in range(count):
            received_day = rng.choice(year_days)
            offset = rng.randint(0, promised)
            done_day = min(calendar.add(received_day, offset), last_day)
            received_at = _at(received_day, _office_minutes(rng))
            completed_at = (
                received_at + dt.timedelta(minutes=rng.randint(15, 90))
                if done_day == received_day
                else _at(done_day, _office_minutes(rng))
            )
            name, kind, id_number, phone = people.pick(0.45 if is_licence else 0.2)
            limit = (
                calendar.add(received_day, promised)
                if matter.promised_limit_days is not None
                else None
            )
            evaluation = {}
            if rng.random() < 0.85:
                evaluation = {
                    "evaluation": rng.choices(Evaluation.values[:3], [72, 23, 5])[0],
                    "evaluated_at": completed_at
                    + dt.timedelta(minutes=rng.randint(1, 30)),
                }
            rows.append(
                Application(
                    matter=matter,
                    applicant_name=name,
                    applicant_type=kind,
                    applicant_id_number=id_number,
                    applicant_phone=phone,
                    channel=rng.choices(Channel.values, weights=[76, 21, 3])[0],
                    status=Application.Status.CLOSED,
                    clerk=clerk,
                    unit=unit,
                    received_at=received_at,
                    accepted_at=received_at,
                    decided_at=completed_at if is_licence else None,
                    result=Result.APPROVED if is_licence else Result.DONE,
                    completed_at=completed_at,
                    promised_due_date=limit,
                    due_date=limit,
                    **evaluation,
                )
            )
    rows.sort(key=lambda a: a.received_at)
    for n, application in enumerate(rows, start=1):
        application.number = f"{NUMBER_PREFIX}-{year}-{n:06d}"
    Application.objects.bulk_create(rows, batch_size=500)
    ApplicationSequence.objects.update_or_create(
        year=year, defaults={"last": len(rows)}
    )
    return len(rows)


def _evaluation(rng: random.Random, completed_at: dt.datetime) -> dict:
    if rng.random() < 0.15:
        return {}
    evaluation = rng.choices(Evaluation.values, weights=[70, 22, 6, 1.5, 0.5])[0]
    return {
        "evaluation": evaluation,
        "evaluated_at": completed_at + dt.timedelta(minutes=rng.randint(1, 30)),
    }


def _unfinished(rng, matters, people, calendar, year_days, unit, clerk) -> list:
    """Withdrawn and not-accepted applications of 2023: counted nowhere."""
    rows = []
    pool = matters["licensing"][:30] + matters["service"]
    for k in range(WITHDRAWN + NOT_ACCEPTED):
        matter = rng.choice(pool)
        day = rng.choice(year_days[:-10])
        received_at = _at(day, _office_minutes(rng))
        name, kind, id_number, phone = people.pick(0.3)
        withdrawn = k < WITHDRAWN
        promised = matter.promised_limit_days
        due = calendar.add(day, promised) if promised is not None else None
        rows.append(
            Application(
                matter=matter,
                applicant_name=name,
                applicant_type=kind,
                applicant_id_number=id_number,
                applicant_phone=phone,
                channel=Channel.WINDOW,
                clerk=clerk,
                unit=unit,
                received_at=received_at,
                status=Application.Status.WITHDRAWN
                if withdrawn
                else Application.Status.NOT_ACCEPTED,
                accepted_at=received_at if withdrawn else None,
                withdrawn_at=_at(calendar.add(day, 1), 60) if withdrawn else None,
                not_accepted_at=None
                if withdrawn
                else received_at + dt.timedelta(minutes=20),
                not_accepted_reason=""
                if withdrawn
                else "申请事项依法不属于本机关职权范围，请向商丘市交通运输局提出申请。",
                promised_due_date=due,
                due_date=due,
            )
        )
    return rows


def _office_moment(days_ago: int, rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A moment of office hours, local time, ``days_ago`` working days before
    today, never later than ``now`` (before today's office hours: an earlier
    working day)."""
    local_now = timezone.localtime(now, LOCAL_TZ)
    day, back = local_now.date(), days_ago
    while True:
        if is_working_day(day):
            if back == 0:
                moment = _at(day, _office_minutes(rng))
                if moment <= local_now - dt.timedelta(minutes=5):
                    return moment
            else:
                back -= 1
        day -= dt.timedelta(days=1)


def _load_follow_ups(rng: random.Random) -> None:
    """告知承诺 post-checks and the rectification of every bad rating."""
    year = Application.objects.filter(number__startswith=f"{NUMBER_PREFIX}-{YEAR}-")
    checks = [
        CommitmentCheck(
            application_id=pk,
            due_date=add_working_days(timezone.localdate(done), 20),
            outcome=CommitmentCheck.Outcome.PASSED,
            note="经实地核查，申请人承诺内容属实。",
            checked_at=done + dt.timedelta(days=10),
        )
        for pk, done in year.filter(notify_commit=True).values_list(
            "pk", "completed_at"
        )
    ]
    CommitmentCheck.objects.bulk_create(checks)
    problems = [
        ("等候时间较长", "高峰时段增开综合受理窗口，推行预约办理"),
        ("一次性告知不够清楚", "修订办事指南，材料清单上墙公示"),
        ("窗口人员解释不耐心", "开展服务礼仪培训，纳入月度考核"),
    ]
    rectifications = []
    bad = year.filter(evaluation__in=["不满意", "非常不满意"]).values_list(
        "pk", "completed_at"
    )
    for n, (pk, done) in enumerate(bad):
        problem, measures = problems[n % len(problems)]
        rectifications.append(
            Rectification(
                application_id=pk,
                problem=problem,
                measures=measures,
                rectified_on=timezone.localdate(done) + dt.timedelta(days=3),
                visited=True,
                visit_note="电话回访，申请人对整改表示认可。",
            )
        )
    Rectification.objects.bulk_create(rectifications)


# --- The current days -----------------------------------------------------------------------


def _load_open_applications(matters, clerk: User) -> int:
    """A few applications of the last days for the clerk's queue, logged through
    the services so that their timelines are real."""
    if Application.objects.filter(
        status__in=["received", "accepted", "under_review"]
    ).exists():
        return 0
    rng = random.Random(SEED + 1)
    people = _People(rng)
    now = timezone.now()
    plans = [
        # (matter, days ago, moves)
        (matters["licensing"][0], 0, []),
        (matters["licensing"][3], 1, [application_accept]),
        (matters["licensing"][10], 2, [application_accept, application_review]),
        (matters["licensing"][40], 6, [application_accept, application_review]),
        (matters["licensing"][50], 9, [application_accept]),
        (matters["service"][0], 0, []),
        (matters["service"][2], 1, [application_accept]),
        (matters["service"][6], 4, [application_accept]),
    ]
    count = 0
    for matter, days_ago, moves in plans:
        name, kind, id_number, phone = people.pick(0.3)
        application = application_receive(
            matter=matter,
            applicant_name=name,
            applicant_type=kind,
            applicant_id_number=id_number,
            applicant_phone=phone,
            by=clerk,
            received_at=_office_moment(days_ago, rng, now),
        )
        for move in moves:
            application = move(application=application, by=clerk)
        if application.accepted_at:
            # Accepted at the counter, a quarter of an hour after receipt.
            Application.objects.filter(pk=application.pk).update(
                accepted_at=application.received_at + dt.timedelta(minutes=15)
            )
        count += 1
    return count
