"""Demo data of the project package (``python manage.py load_demo``): the bureau's
organisation, one user for every role, the regulated enterprises, and the
penalty side of the power list (24 行政处罚 matters and the 355 entries of the
discretion benchmark).  The other power types, the public-service matters and
the year's power-list changes are licensing's demo data (licensing/demo.py).

The figures follow the bureau's 2023 report: org.enforcement_staff = 43,
org.towns = 20, powers.penalty = 24, powers.benchmarked_penalties = 355.
Loading twice changes nothing (rows are keyed by their codes).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from stdnum.cn import uscc

from jiaotong import roles
from jiaotong.models import DiscretionItem, Enterprise, Matter, OrgUnit, User
from jiaotong.registry.models import CreditGrade, Industry, MatterSource, PowerType
from jiaotong.validators import validate_credit_code

# Meets the password rules (12+ characters, 4 character classes). Demo only.
DEMO_PASSWORD = "Jiaotong@2023demo"  # noqa: S105 (documented demo password)

BUREAU = "JTJ"
OFFICE = "JTJ-BGS"
LEGAL = "JTJ-ZCFG"
WINDOW = "JTJ-XZSP"
TRANSPORT = "JTJ-YS"
SAFETY = "JTJ-AQ"
BRIGADE = "JTJ-ZFDD"
SQUAD_1 = "JTJ-ZFDD-1"
SQUAD_2 = "JTJ-ZFDD-2"
SQUAD_3 = "JTJ-ZFDD-3"
BRIGADE_LEGAL = "JTJ-ZFDD-FZ"
TRANSPORT_AGENCY = "JTJ-YGS"
ROAD_AGENCY = "JTJ-GLS"

K = OrgUnit.Kind
# (code, name, kind, parent code, established posts).  The brigade's posts are
# its command (大队部); 7 + 11 + 10 + 9 + 6 = 43 正式编制 (报告 二(二)).
UNITS = [
    (BUREAU, "睢县交通运输局", K.BUREAU, None, 0),
    (OFFICE, "办公室", K.OFFICE, BUREAU, 0),
    (LEGAL, "政策法规股", K.OFFICE, BUREAU, 0),
    (WINDOW, "行政审批股", K.OFFICE, BUREAU, 0),
    (TRANSPORT, "运输股", K.OFFICE, BUREAU, 0),
    (SAFETY, "安全股", K.OFFICE, BUREAU, 0),
    (BRIGADE, "交通运输综合执法大队", K.BRIGADE, BUREAU, 7),
    (SQUAD_1, "第一中队", K.SQUAD, BRIGADE, 11),
    (SQUAD_2, "第二中队", K.SQUAD, BRIGADE, 10),
    (SQUAD_3, "第三中队（路政）", K.SQUAD, BRIGADE, 9),
    (BRIGADE_LEGAL, "法制股", K.OFFICE, BRIGADE, 6),
    (TRANSPORT_AGENCY, "运输管理所", K.AGENCY, BUREAU, 0),
    (ROAD_AGENCY, "公路管理所", K.AGENCY, BUREAU, 0),
]

# The 20 towns and sub-districts (镇、乡、街道) of the brigade's enforcement area.
TOWNS = [
    "城关镇",
    "城郊乡",
    "西陵寺镇",
    "蓼堤镇",
    "长岗镇",
    "平岗镇",
    "周堂镇",
    "潮庄镇",
    "尤吉屯乡",
    "匡城乡",
    "河集乡",
    "孙聚寨乡",
    "白庙乡",
    "董店乡",
    "后台乡",
    "涧岗乡",
    "胡堂乡",
    "白楼乡",
    "凤城街道",
    "北湖街道",
]

# (username, full name, role, unit code)
USERS = [
    ("window1", "张晓敏", roles.ROLE_WINDOW, WINDOW),
    ("officer1", "李建国", roles.ROLE_OFFICER, SQUAD_1),
    ("reviewer1", "王慧", roles.ROLE_REVIEWER, BRIGADE_LEGAL),
    ("hotline1", "赵丽娟", roles.ROLE_HOTLINE, TRANSPORT_AGENCY),
    ("handler1", "刘志强", roles.ROLE_HANDLER, SQUAD_1),
    ("supervisor1", "陈卫东", roles.ROLE_SUPERVISOR, TRANSPORT),
    ("leader1", "周正", roles.ROLE_LEADER, BUREAU),
    ("sysadmin", "孙伟", roles.ROLE_SYSTEM_ADMIN, OFFICE),
    ("secadmin", "吴静", roles.ROLE_SECURITY_ADMIN, OFFICE),
    ("auditor", "郑洁", roles.ROLE_AUDIT_ADMIN, OFFICE),
]

# The 24 penalty matters (行政处罚) of the power list, handled by the brigade.
PENALTY_MATTERS = [
    "对未取得道路运输经营许可擅自从事道路旅客运输经营的行政处罚",
    "对未取得道路运输经营许可擅自从事道路普通货物运输经营的行政处罚",
    "对未取得道路危险货物运输许可擅自从事道路危险货物运输的行政处罚",
    "对客运经营者不按批准的客运站点停靠或者不按规定的线路、班次行驶的行政处罚",
    "对客运经营者强行招揽旅客、货运经营者强行招揽货物的行政处罚",
    "对道路运输车辆未随车携带道路运输证的行政处罚",
    "对道路运输经营者使用卫星定位装置不能保持在线的车辆从事经营的行政处罚",
    "对未经许可擅自从事巡游出租汽车经营的行政处罚",
    "对巡游出租汽车驾驶员拒载、议价、途中甩客或者故意绕道行驶的行政处罚",
    "对未取得网络预约出租汽车运输证从事网约车经营的行政处罚",
    "对未经备案从事机动车维修经营的行政处罚",
    "对机动车维修经营者使用假冒伪劣配件维修机动车的行政处罚",
    "对机动车维修经营者签发虚假机动车维修竣工出厂合格证的行政处罚",
    "对未经备案从事机动车驾驶员培训业务的行政处罚",
    "对机动车驾驶员培训机构不严格按照规定进行培训的行政处罚",
    "对客运站经营者允许无证经营的车辆进站从事经营活动的行政处罚",
    "对货运站经营者对超限、超载车辆配载放行出站的行政处罚",
    "对车辆超限运输擅自行驶公路的行政处罚",
    "对车辆装载物触地拖行、掉落、遗洒造成公路路面损坏、污染的行政处罚",
    "对擅自占用、挖掘公路或者使公路改线的行政处罚",
    "对擅自在公路用地范围内设置非公路标志的行政处罚",
    "对擅自在公路建筑控制区内修建建筑物、地面构筑物的行政处罚",
    "对损坏、擅自移动、涂改公路附属设施的行政处罚",
    "对道路运输经营者未按规定投保承运人责任险的行政处罚",
]
BENCHMARK_ENTRIES = 355
BENCHMARK_FROM = dt.date(2022, 9, 1)
# The earlier benchmark edition: repealed when the current one took effect, so
# none of it is in force at the end of 2023.
OLD_BENCHMARK_ENTRIES = 12
OLD_BENCHMARK_FROM = dt.date(2019, 1, 1)
LEVELS = [
    ("轻微", "首次违法且及时改正", 0.0, 0.2),
    ("一般", "违法情节一般", 0.2, 0.5),
    ("较重", "违法情节较重或造成一定后果", 0.5, 0.8),
    ("严重", "违法情节严重或造成严重后果", 0.8, 1.0),
]

IND = Industry
# (name, industry, town, credit grade, contact)
ENTERPRISES = [
    ("睢县汽车运输有限公司", IND.PASSENGER, "城关镇", "A", "高建军"),
    ("睢县顺达客运有限公司", IND.PASSENGER, "城郊乡", "A", "孟庆华"),
    ("商丘市睢州公共交通有限公司", IND.BUS, "城关镇", "A", "段文涛"),
    ("睢县惠济河旅游客运有限公司", IND.PASSENGER, "西陵寺镇", "B", "马晓东"),
    ("睢县通达物流有限公司", IND.LOGISTICS, "城郊乡", "A", "杨光辉"),
    ("睢县鑫源物流有限公司", IND.LOGISTICS, "长岗镇", "B", "许德胜"),
    ("睢县宏运货物运输有限公司", IND.FREIGHT, "平岗镇", "B", "韩志刚"),
    ("睢县安达货运有限公司", IND.FREIGHT, "周堂镇", "B", "冯国庆"),
    ("睢县恒通运输有限公司", IND.FREIGHT, "蓼堤镇", "C", "曹永亮"),
    ("睢县顺丰源运输有限公司", IND.FREIGHT, "潮庄镇", "B", "彭海洋"),
    ("睢县金鹏危险货物运输有限公司", IND.FREIGHT, "尤吉屯乡", "A", "蒋兴旺"),
    ("睢县诚信货物运输有限公司", IND.FREIGHT, "匡城乡", "D", "沈红旗"),
    ("睢县城通出租汽车有限公司", IND.TAXI, "城关镇", "A", "罗立新"),
    ("睢县畅行出租汽车有限公司", IND.TAXI, "城关镇", "B", "宋保国"),
    ("睢县北湖出租汽车服务有限公司", IND.TAXI, "凤城街道", "B", "唐明亮"),
    ("睢县安泰机动车驾驶员培训有限公司", IND.DRIVING_SCHOOL, "城郊乡", "A", "董卫红"),
    ("睢县通利驾驶员培训学校", IND.DRIVING_SCHOOL, "河集乡", "B", "袁长青"),
    ("睢县金桥机动车驾驶员培训有限公司", IND.DRIVING_SCHOOL, "北湖街道", "C", "潘志勇"),
    ("睢县宏达汽车维修服务中心", IND.REPAIR, "城关镇", "A", "蔡建设"),
    ("睢县正泰汽车修理厂", IND.REPAIR, "孙聚寨乡", "B", "田中华"),
    ("睢县捷诚汽车维修有限公司", IND.REPAIR, "白庙乡", "B", "樊忠义"),
    ("睢县永顺汽修部", IND.REPAIR, "董店乡", "C", "胡永顺"),
    ("睢县路路通汽车快修店", IND.REPAIR, "后台乡", "B", "姜红军"),
    ("睢县车之家汽车服务有限公司", IND.REPAIR, "涧岗乡", "A", "钟立平"),
    ("睢县万里达汽车维修厂", IND.REPAIR, "胡堂乡", "B", "吕建华"),
    ("睢县盛达物流园有限公司", IND.LOGISTICS, "白楼乡", "B", "常新民"),
    ("睢县中原快递服务有限公司", IND.LOGISTICS, "凤城街道", "A", "邵国强"),
    ("睢县豫东冷链物流有限公司", IND.LOGISTICS, "长岗镇", "B", "于洪涛"),
    ("睢县宏图建材运输有限公司", IND.FREIGHT, "西陵寺镇", "C", "贾兴华"),
    ("睢县长运汽车客运站有限公司", IND.PASSENGER, "城关镇", "A", "程卫国"),
    ("睢县平岗农村客运服务站", IND.PASSENGER, "平岗镇", "B", "魏长海"),
    ("睢县绿源新能源汽车租赁有限公司", IND.OTHER, "北湖街道", "B", "秦晓峰"),
    ("睢县睢州驾校服务有限公司", IND.DRIVING_SCHOOL, "蓼堤镇", "B", "丁宝华"),
    ("睢县利民汽车检测有限公司", IND.OTHER, "城郊乡", "A", "夏振东"),
    ("睢县天顺运输有限公司", IND.FREIGHT, "周堂镇", "B", "任玉山"),
    ("睢县恒瑞汽车维修服务有限公司", IND.REPAIR, "匡城乡", "B", "廖春生"),
]
# Characters of an organisation-code segment (no I, O, S, V, Z).
_USCC_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"


def load(stdout) -> None:
    units = _load_units()
    _load_users(units)
    _load_enterprises()
    _load_penalty_powers(units[BRIGADE])
    stdout.write(
        f"基础数据：{len(units) + len(TOWNS)} 个单位（含 {len(TOWNS)} 个镇（街）），"
        f"{len(USERS)} 个演示账号，{len(ENTERPRISES)} 家企业，"
        f"{len(PENALTY_MATTERS)} 项行政处罚事项，{BENCHMARK_ENTRIES} 条裁量基准。"
    )


def write_accounts(stdout) -> None:
    """The demo sign-ins, printed at the end of load_demo."""
    stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，正式部署前务必停用或修改）：")
    unit_names = {code: name for code, name, *_ in UNITS}
    for username, full_name, role, unit_code in USERS:
        unit = unit_names[unit_code]
        stdout.write(f"  {username:<12} {role:<8} {full_name}（{unit}）")


def demo_credit_code(n: int, kind: str = "91") -> str:
    """A valid unified social credit code registered in 睢县 (411422)."""
    letters = "".join(
        _USCC_LETTERS[(n * step) % len(_USCC_LETTERS)] for step in (1, 7, 13)
    )
    body = f"{kind}411422MA{n:04d}{letters}"  # 2 + 6 + 2 + 4 + 3 = 17
    return validate_credit_code(body + uscc.calc_check_digit(body))


def _load_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for order, (code, name, kind, parent, posts) in enumerate(UNITS):
        units[code], _ = OrgUnit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parent": units.get(parent),
                "sort_order": order,
                "established_posts": posts,
            },
        )
    for order, name in enumerate(TOWNS, start=1):
        OrgUnit.objects.update_or_create(
            code=f"{BUREAU}-Z{order:02d}",
            defaults={
                "name": name,
                "kind": K.TOWN,
                "parent": units[BUREAU],
                "sort_order": 100 + order,
            },
        )
    return units


def _load_users(units: dict[str, OrgUnit]) -> None:
    # Argon2 costs ~0.1 s: hash the shared demo password once.
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    for username, full_name, role, unit_code in USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "unit": units[unit_code],
                "password": password,
                "password_changed_at": now,
                # README: the 系统管理员 keeps reference data in the back office.
                "is_staff": role == roles.ROLE_SYSTEM_ADMIN,
            },
        )
        user.groups.add(Group.objects.get(name=role))


def _load_enterprises() -> None:
    for n, (name, industry, town, grade, contact) in enumerate(ENTERPRISES, 1):
        # Small repair shops are 个体工商户 (credit codes starting 92).
        kind = "92" if name.endswith(("部", "店")) else "91"
        Enterprise.objects.update_or_create(
            credit_code=demo_credit_code(n, kind),
            defaults={
                "name": name,
                "industry": industry,
                "town": town,
                "credit_grade": CreditGrade(grade),
                "contact": contact,
                "phone": f"1390370{n:04d}",
                "address": f"河南省商丘市睢县{town}",
            },
        )


def _load_penalty_powers(brigade: OrgUnit) -> None:
    matters = []
    for n, name in enumerate(PENALTY_MATTERS, start=1):
        matter, _ = Matter.objects.update_or_create(
            code=f"411422-CF-{n:03d}",
            defaults={
                "name": name,
                "power_type": PowerType.PENALTY,
                "basis": "《中华人民共和国道路运输条例》《中华人民共和国公路法》等",
                "source": MatterSource.OWN,
                "effective_from": dt.date(2021, 1, 1),
                "unit": brigade,
            },
        )
        matters.append(matter)

    # 355 entries over 24 matters: 19 matters with 15 entries, 5 with 14.
    per_matter, extra = divmod(BENCHMARK_ENTRIES, len(matters))
    for index, matter in enumerate(matters):
        count = per_matter + (1 if index < extra else 0)
        for k in range(count):
            _benchmark_entry(matter, index, k, f"CLJZ-{index + 1:02d}-{k + 1:03d}")
    for k in range(OLD_BENCHMARK_ENTRIES):
        matter = matters[k % len(matters)]
        DiscretionItem.objects.update_or_create(
            code=f"CLJZ2019-{k + 1:03d}",
            defaults={
                "matter": matter,
                "violation": f"{_violation(matter)}（2019年版）",
                "effective_from": OLD_BENCHMARK_FROM,
                "repealed_on": BENCHMARK_FROM,
            },
        )


def _benchmark_entry(matter: Matter, index: int, k: int, code: str) -> None:
    level, circumstance, low, high = LEVELS[k % len(LEVELS)]
    ceiling = 1000 * (1 + index % 10)  # fine ceilings of 1,000..10,000 yuan
    DiscretionItem.objects.update_or_create(
        code=code,
        defaults={
            "matter": matter,
            "violation": f"{_violation(matter)}——{level}：{circumstance}"
            f"（情形{k // len(LEVELS) + 1}）",
            "basis": matter.basis,
            "fine_min": round(ceiling * low),
            "fine_max": round(ceiling * high),
            "effective_from": BENCHMARK_FROM,
            "repealed_on": None,
        },
    )


def _violation(matter: Matter) -> str:
    return matter.name.removeprefix("对").removesuffix("的行政处罚")
