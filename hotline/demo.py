"""Demo year 2023 of the hotline: 108 tickets from 12328 and 99 from 12345, every
one closed within the year (report §一(四)), complaints weighted toward driving
schools and taxis (report §一(三)), follow-ups mostly 满意.

Runs after jiaotong/demo.py and looks its units, people and enterprises up by
code, username and industry, doing without any it does not find. Deterministic
(a fixed seed); loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from jiaotong.audit.services import audit_record
from jiaotong.calendar.workdays import add_working_days
from jiaotong.dates import at_local
from jiaotong.models import Enterprise, OrgUnit, User

from .models import (
    AreaRoutingRule,
    ClosureKind,
    Status,
    Ticket,
    TicketExtension,
    TicketNumberSequence,
)
from .services import NUMBER_PREFIX, deadline_rule

YEAR = 2023
PREFIX = {source: f"{prefix}-{YEAR}-" for source, prefix in NUMBER_PREFIX.items()}
PREVIOUS_SHARE = 0.88  # 2022 had somewhat fewer calls

# Tickets per business area and source (12328: 108, 12345: 99).
AREAS = {
    "12328": {
        "驾驶员培训": 32,
        "出租汽车": 34,
        "道路客运": 16,
        "道路货运": 8,
        "公交": 6,
        "路政": 6,
        "超限治理": 4,
        "其他": 2,
    },
    "12345": {
        "出租汽车": 28,
        "驾驶员培训": 26,
        "道路客运": 12,
        "公交": 10,
        "道路货运": 6,
        "路政": 9,
        "超限治理": 4,
        "其他": 4,
    },
}

# Handling unit per area (codes of jiaotong/demo.py).
UNIT_FOR_AREA = {
    "出租汽车": "JTJ-ZFDD-1",
    "驾驶员培训": "JTJ-YGS",
    "道路客运": "JTJ-ZFDD-2",
    "道路货运": "JTJ-ZFDD-2",
    "公交": "JTJ-YS",
    "路政": "JTJ-ZFDD-3",
    "超限治理": "JTJ-ZFDD-3",
    "其他": "JTJ-BGS",
}

# Enterprise industry per area (jiaotong.registry.models.Industry values).
INDUSTRY_FOR_AREA = {
    "出租汽车": "出租汽车",
    "驾驶员培训": "驾驶员培训",
    "道路客运": "道路旅客运输",
    "道路货运": "道路货物运输",
    "公交": "公交",
}

# (category, weight) per kind of area: the regulated trades draw complaints.
CATEGORY_WEIGHTS = {
    "trade": [("投诉", 70), ("举报", 10), ("咨询", 12), ("求助", 3), ("建议", 3), ("表扬", 2)],
    "road": [("投诉", 35), ("举报", 15), ("咨询", 15), ("求助", 15), ("建议", 20)],
    "other": [("咨询", 70), ("建议", 20), ("求助", 10)],
}  # fmt: skip

PLACES = [
    "县人民医院门口",
    "睢县汽车站",
    "北湖景区东门",
    "城关镇步行街",
    "凤城街道万达广场",
    "县一高附近",
    "火车站广场",
    "西陵寺镇集市",
]

CONTENT = {
    ("出租汽车", "投诉"): [
        "来电人反映在{place}乘坐{plate}出租车，司机不打表、要求议价{n}元。",
        "来电人称{plate}出租车司机在{place}拒载，态度恶劣，要求查处。",
        "来电人反映{plate}出租车绕道行驶，多收车费约{n}元，要求退还。",
        "来电人称{enterprise}的出租车司机途中甩客，要求处理。",
        "来电人反映{plate}出租车车内有人吸烟、拼客，服务差。",
    ],
    ("出租汽车", "举报"): [
        "来电人举报一辆无营运资质的车辆冒充出租车在{place}揽客。",
        "来电人举报{enterprise}部分车辆私改计价器。",
    ],
    ("驾驶员培训", "投诉"): [
        "来电人反映在{enterprise}报名学车已{n}个月，迟迟不安排练车。",
        "来电人称{enterprise}教练员索要好处费，否则不安排约考。",
        "来电人反映{enterprise}培训学时未达标即要求签字确认。",
        "来电人因个人原因申请退学，{enterprise}拒绝按合同退还剩余费用。",
        "来电人反映{enterprise}在报名费外另收“模拟费”{n}元。",
    ],
    ("驾驶员培训", "举报"): [
        "来电人举报{enterprise}使用未备案车辆开展教学。",
        "来电人举报有人以{enterprise}名义在{place}招生，收费后失联。",
    ],
    ("道路客运", "投诉"): [
        "来电人反映睢县至商丘班线客车超员，车上乘客约{n}人。",
        "来电人称{enterprise}班线客车中途甩客，未退还票款。",
        "来电人反映客车不按规定站点停靠，在{place}随意上下客。",
    ],
    ("道路客运", "举报"): ["来电人举报一辆面包车在{place}非法载客营运。"],
    ("道路货运", "投诉"): [
        "来电人反映渣土运输车辆在{place}沿路抛洒。",
        "来电人称货车夜间在居民区鸣笛、停放，影响休息。",
    ],
    ("道路货运", "举报"): ["来电人举报{enterprise}车辆疑似超载运输。"],
    ("公交", "投诉"): [
        "来电人反映{n}路公交车不按时发车，候车时间过长。",
        "来电人称公交司机在{place}站点未停车。",
    ],
    ("路政", "投诉"): [
        "来电人反映{place}附近道路路面坑洼，存在安全隐患。",
        "来电人称道路两侧有人违规设置广告牌。",
    ],
    ("路政", "举报"): ["来电人举报有人在{place}附近公路上占道摆摊、堆放杂物。"],
    ("超限治理", "投诉"): ["来电人反映超限货车夜间通行，压坏村道路面。"],
    ("超限治理", "举报"): ["来电人举报有超限车辆绕行乡村道路躲避检查。"],
}
GENERIC = {
    "咨询": [
        "来电人咨询网约车驾驶员从业资格证的办理条件和流程。",
        "来电人咨询道路运输从业资格证到期换证需要哪些材料。",
        "来电人咨询{area}方面的政策规定。",
        "来电人咨询驾驶员培训费用的收费标准。",
    ],
    "求助": [
        "来电人在出租车上遗失手机一部，请求帮助查找。",
        "来电人的车辆在{place}附近故障，请求协调救援。",
    ],
    "建议": [
        "来电人建议在{place}增设公交站点。",
        "来电人建议加强对{area}的日常检查。",
    ],
    "表扬": ["来电人表扬{plate}出租车司机拾金不昧，归还遗失物品。"],
    "投诉": ["来电人反映{area}方面的问题，要求处理。"],
    "举报": ["来电人举报{area}方面的违法行为。"],
}
REPLIES = {
    "投诉": [
        "经调查情况属实，已约谈经营者负责人，责令整改，并对当事驾驶员批评教育；已电话告知来电人处理结果。",
        "经核查，已责令涉事单位向来电人退还多收费用并道歉，来电人表示认可。",
        "经调取行车记录和询问当事人，已依法作出处理，并将结果告知来电人。",
    ],
    "举报": [
        "执法人员已赴现场核查，对违法行为依法立案调查，处理情况已反馈来电人。",
        "经现场核查未发现所举报问题，已加强巡查，并向来电人说明。",
    ],
    "咨询": ["已向来电人详细解答办理条件、所需材料和办理地点。"],
    "求助": ["已协调相关企业和人员处理，问题已解决，已告知来电人。"],
    "建议": ["感谢来电人的建议，已转相关股室研究，将在后续工作中统筹考虑。"],
    "表扬": ["已将表扬转达企业及驾驶员本人，并在行业内通报表扬。"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭"


def load(stdout) -> None:
    _load_routes()
    if Ticket.objects.filter(ticket_no__startswith=PREFIX["12328"]).exists():
        stdout.write("热线工单：演示数据已存在，跳过。")
        return
    with transaction.atomic():
        count = _load(random.Random(YEAR))  # noqa: S311 (demo data, not security)
        # A plausible 2022 beside 2023 (the dashboard's year-over-year view),
        # loaded after 2023 with its own random stream: 2023 stays as it was.
        previous = _load(random.Random(YEAR - 1), year=YEAR - 1, share=PREVIOUS_SHARE)  # noqa: S311
    stdout.write(
        f"热线工单：{YEAR} 年 12328 {count['12328']} 件、12345 {count['12345']} 件，"
        f"{YEAR - 1} 年 {previous['12328'] + previous['12345']} 件，全部办结。"
    )


def _load_routes() -> None:
    """The routing table the intake form suggests units from (UNIT_FOR_AREA)."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=UNIT_FOR_AREA.values())}
    for area, code in UNIT_FOR_AREA.items():
        if code in units:
            AreaRoutingRule.objects.get_or_create(
                area=area, defaults={"unit": units[code]}
            )


def _units() -> dict[str, OrgUnit | None]:
    fallback = OrgUnit.objects.exclude(kind__in=["bureau", "town"]).first()
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=UNIT_FOR_AREA.values())}
    return {area: found.get(code, fallback) for area, code in UNIT_FOR_AREA.items()}


def _enterprises() -> dict[str, list[Enterprise]]:
    by_industry: dict[str, list[Enterprise]] = {}
    for enterprise in Enterprise.objects.order_by("pk"):
        by_industry.setdefault(enterprise.industry, []).append(enterprise)
    return {area: by_industry.get(ind, []) for area, ind in INDUSTRY_FOR_AREA.items()}


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return at_local(day, dt.time(hour, minute))


def _kind_of(area: str) -> str:
    """The regulated trades draw complaints; bus and road calls are more often
    suggestions and requests for help; "other" is mostly questions."""
    if area == "其他":
        return "other"
    return "trade" if area in INDUSTRY_FOR_AREA and area != "公交" else "road"


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _phone(rng: random.Random) -> str:
    return rng.choice(
        ["138", "139", "150", "151", "158", "186", "187", "135"]
    ) + "".join(rng.choice("0123456789") for _ in range(8))


def _plate(rng: random.Random) -> str:
    return "豫NT" + "".join(rng.choice("0123456789") for _ in range(4))


def _plan(rng: random.Random) -> list[tuple[str, str]]:
    """(source, area) for every ticket, shuffled over the year."""
    plan = [
        (s, a) for s, areas in AREAS.items() for a, n in areas.items() for _ in range(n)
    ]
    rng.shuffle(plan)
    return plan


def _prefix(source: str, year: int) -> str:
    return PREFIX[source].replace(f"-{YEAR}-", f"-{year}-")


def _load(rng: random.Random, year: int = YEAR, share: float = 1.0) -> dict[str, int]:
    """The year's tickets: the plan of AREAS (``share`` of it for another year)."""
    units, enterprises = _units(), _enterprises()
    agent = User.objects.filter(username="hotline1").first()
    handler = User.objects.filter(username="handler1").first()
    leader = User.objects.filter(username="leader1").first()
    plan = _plan(rng)
    if share < 1:
        plan = plan[: round(len(plan) * share)]
    # Calls spread evenly over 3 Jan .. 12 Dec, so every ticket closes in the year.
    first, last = dt.date(year, 1, 3), dt.date(year, 12, 12)
    span = (last - first).days
    tickets, extensions, seq = [], [], {"12328": 0, "12345": 0}
    for index, (source, area) in enumerate(plan):
        seq[source] += 1
        received_day = first + dt.timedelta(days=round(index * span / (len(plan) - 1)))
        received_at = _at(received_day, rng.randint(8, 20), rng.randint(0, 59))
        kind = _kind_of(area)
        category = _pick(rng, CATEGORY_WEIGHTS[kind])
        ticket, extension = _ticket(
            rng, source, seq[source], area, category, received_at, units, enterprises
        )
        ticket.ticket_no = f"{_prefix(source, year)}{seq[source]:04d}"
        ticket.created_by = agent
        if ticket.unit is None:
            ticket.replied_by = agent
        else:
            ticket.dispatched_by = agent
            if handler is not None and handler.unit_id == ticket.unit.pk:
                ticket.signed_by = ticket.replied_by = handler
        tickets.append(ticket)
        if extension is not None:
            extension.requested_by, extension.decided_by = handler or agent, leader
            extensions.append((ticket.ticket_no, extension))
    Ticket.objects.bulk_create(tickets, batch_size=200)
    ids = dict(
        Ticket.objects.filter(ticket_no__in=[n for n, _ in extensions]).values_list(
            "ticket_no", "pk"
        )
    )
    for number, extension in extensions:
        extension.ticket_id = ids[number]
    TicketExtension.objects.bulk_create([e for _, e in extensions if e.requested_by_id])
    for source, last in seq.items():
        TicketNumberSequence.objects.update_or_create(
            source=source, year=YEAR, defaults={"last": last}
        )
    audit_record(
        by=None,
        action="demo_load",
        reason=f"演示数据：{year} 年热线工单 {len(tickets)} 件",
        changes=dict(seq),
    )
    return seq


def _ticket(rng, source, number, area, category, received_at, units, enterprises):
    """One closed ticket with plausible times; maybe an extension request."""
    days, extra = deadline_rule(source, category)
    received_day = received_at.date()
    due = add_working_days(received_day, days)
    candidates = enterprises.get(area) or []
    enterprise = (
        rng.choice(candidates)
        if candidates and category in ("投诉", "举报", "表扬")
        else None
    )
    plate = _plate(rng) if area == "出租汽车" and category in ("投诉", "表扬") else ""
    templates = CONTENT.get((area, category)) or GENERIC[category]
    content = rng.choice(templates).format(
        place=rng.choice(PLACES),
        plate=plate or "一辆",
        enterprise=enterprise.name if enterprise else "某企业",
        n=rng.randint(2, 9) * (10 if category == "投诉" else 1),
        area=area,
    )
    confidential = category == "举报" and rng.random() < 0.5
    ticket = Ticket(
        ticket_no=f"{PREFIX[source]}{number:04d}",
        source=source,
        received_at=received_at,
        category=category,
        area=area,
        content=content,
        location=rng.choice(PLACES) if category in ("投诉", "举报", "求助") else "",
        caller_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
        caller_phone=_phone(rng),
        caller_confidential=confidential,
        enterprise=enterprise,
        plate=plate,
        status=Status.CLOSED,
        due_date=due,
        reply_text=rng.choice(REPLIES[category]),
    )
    if category == "咨询" and rng.random() < 0.4:
        # 即时答复: answered during the call, no handling unit.
        closed = received_at + dt.timedelta(minutes=rng.randint(3, 15))
        ticket.replied_at = ticket.closed_at = closed
        ticket.closure_kind = ClosureKind.ON_CALL
        return ticket, None

    ticket.unit = units.get(area)
    ticket.dispatched_at = received_at + dt.timedelta(minutes=rng.randint(10, 90))
    ticket.signed_at = ticket.dispatched_at + dt.timedelta(hours=rng.randint(1, 16))
    extension = None
    roll = rng.random()
    if roll < 0.05:
        # 延期: a complex ticket, approved by a leader, answered within the new limit.
        new_due = add_working_days(due, extra)
        extension = TicketExtension(
            reason="需现场调查取证并约谈经营者，申请延期。",
            previous_due=due,
            requested_due=new_due,
            requested_at=_at(add_working_days(received_day, days - 1), 10, 0),
            approved=True,
            new_due=new_due,
            decision_note="同意延期，请按期办结。",
            decided_at=_at(add_working_days(received_day, days - 1), 15, 30),
        )
        ticket.due_date = due = new_due
        reply_day = add_working_days(received_day, days + extra - 2)
    elif roll < 0.08:
        reply_day = add_working_days(received_day, days + 1)  # late
    else:
        reply_day = add_working_days(received_day, rng.randint(1, max(days - 1, 1)))
    replied_at = max(
        _at(reply_day, rng.randint(9, 17), rng.randint(0, 59)), ticket.signed_at
    )
    ticket.replied_at = replied_at

    outcome = _pick(
        rng, [("满意", 78), ("基本满意", 14), ("联系不上", 4), ("不满意", 4)]
    )
    visit_day = add_working_days(reply_day, 1)
    note = {"联系不上": "多次拨打电话无人接听。"}.get(outcome, "")
    if outcome == "不满意" and extension is None and rng.random() < 0.7:
        # 重办: dissatisfied, re-handled and answered again; satisfied the second time.
        ticket.reopen_count = 1
        ticket.due_date = add_working_days(visit_day, days)
        reply_day = add_working_days(visit_day, 2)
        ticket.replied_at = _at(reply_day, 11, 0)
        ticket.reply_text += "（重办）已再次核查并督促企业整改到位，已向来电人说明。"
        visit_day = add_working_days(reply_day, 1)
        outcome = "满意"
    elif outcome == "不满意":
        note = "来电人要求赔偿损失，超出行政处理范围，已解释并告知民事途径。"
    ticket.follow_up_result = outcome
    ticket.follow_up_note = note
    ticket.followed_up_at = _at(visit_day, rng.randint(9, 11), rng.randint(0, 59))
    ticket.closed_at = ticket.followed_up_at + dt.timedelta(minutes=rng.randint(5, 60))
    ticket.closure_kind = ClosureKind.HANDLED
    return ticket, extension
