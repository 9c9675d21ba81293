"""Demo data of the governance registers (``python manage.py load_demo``, after
jiaotong's): the 2023 figures of the bureau's report, recorded through the
services so that every record has its audit trail.

2023 (spec/indicators.md): 11 NPC suggestions and 10 CPPCC proposals replied;
5 normative documents reviewed (2 repealed, 3 retained); 6 mediation cases
accepted (2 driving-school, 4 logistics) and 1 petition resolved; legal
education 28 banners, 2,500 leaflets, 1,100 participants, 11 articles; the
special campaign 8 banners, 13 articles, 40 enterprise visits, 9 problems all
rectified; 6 enforcement training sessions with 207 attendances taken from the
brigade's staff list (and, for auxiliary staff without accounts, by name).

Records just outside 2023 (replied, accepted, reviewed or held on 1 January
2024 or in 2022), a non-enforcement training and a mediation application not
accepted are there too: they count in none of 2023's figures.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from jiaotong import roles
from jiaotong.models import OrgUnit, User
from jiaotong.registry.models import Industry

from . import services
from .models import (
    DraftingStepKind,
    EducationEvent,
    Feedback,
    Outcome,
    ReviewResult,
    Suggestion,
    SuggestionContact,
    SuggestionKind,
)

LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2023
OFFICE = "JTJ-BGS"
LEGAL = "JTJ-ZCFG"
BRIGADE = "JTJ-ZFDD"
SQUADS = ("JTJ-ZFDD-1", "JTJ-ZFDD-2", "JTJ-ZFDD-3", "JTJ-ZFDD-FZ")
MARKER_NUMBER = "RD2023-001"

# (username, full name, role, unit code)
USERS = [
    ("legal1", "马丽萍", roles.ROLE_LEGAL_AFFAIRS, LEGAL),
    ("office1", "黄文博", roles.ROLE_OFFICE, OFFICE),
]
STAFF_COUNT = 40  # brigade staff accounts the training attendance is taken from
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = [
    "建华",
    "志刚",
    "海涛",
    "晓东",
    "国强",
    "红军",
    "卫东",
    "永胜",
    "立新",
    "振华",
]


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def load(stdout) -> None:
    with transaction.atomic():
        units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="JTJ")}
        if LEGAL not in units or OFFICE not in units:
            stdout.write("法治政府建设：缺少政策法规股或办公室，跳过。")
            return
        people = _load_users(units)
        staff = _load_staff(units)
        if Suggestion.objects.filter(number=MARKER_NUMBER).exists():
            stdout.write("法治政府建设：2023 年度演示数据已存在，跳过。")
            return
        legal, office = people["legal1"], people["office1"]
        _suggestions(office, units)
        _documents(legal, units[LEGAL])
        _mediation(legal, units[LEGAL])
        _education(office, units[OFFICE])
        _campaign(office, units[OFFICE])
        _training(office, units[OFFICE], staff)
    stdout.write(
        "法治政府建设：建议提案、规范性文件、调解信访、普法、专项整治与培训"
        f"（{YEAR} 年度），演示账号 legal1（法制工作人员）、office1（办公室人员）。"
    )


# --- People ----------------------------------------------------------------------------


def _password() -> str:
    # Argon2 costs ~0.1 s: reuse the shared demo password's hash when there is one.
    existing = User.objects.filter(username="window1").values_list("password").first()
    if existing:
        return existing[0]
    from jiaotong.demo import DEMO_PASSWORD

    return make_password(DEMO_PASSWORD)


def _load_users(units) -> dict[str, User]:
    password = _password()
    people = {}
    for username, full_name, role, unit_code in USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "unit": units[unit_code],
                "password": password,
                "password_changed_at": timezone.now(),
            },
        )
        user.groups.add(Group.objects.get(name=role))
        people[username] = user
    return people


def _load_staff(units) -> list[User]:
    """The brigade's officers as accounts without a usable password (they appear
    on the staff list for attendance; nobody signs in as them)."""
    squads = [units[code] for code in SQUADS if code in units] or [units[BRIGADE]]
    staff = []
    for n in range(STAFF_COUNT):
        name = _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n * 3) % len(_GIVEN)]
        user, created = User.objects.get_or_create(
            username=f"zf{n + 1:03d}",
            defaults={"full_name": name, "unit": squads[n % len(squads)]},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        staff.append(user)
    return staff


# --- Suggestions and proposals ------------------------------------------------------------

NPC_TITLES = [
    "关于加快农村公路提档升级的建议",
    "关于完善城乡公交站点设置的建议",
    "关于加强驾培行业监管的建议",
    "关于治理货车超限超载的建议",
    "关于规范出租汽车经营秩序的建议",
    "关于改善县城停车难问题的建议",
    "关于加强农村客运安全管理的建议",
    "关于推进快递进村工作的建议",
    "关于修复G343睢县段破损路面的建议",
    "关于增设学校周边交通安全设施的建议",
    "关于优化道路运输证件办理流程的建议",
]
CPPCC_TITLES = [
    "关于推进城乡客运一体化的提案",
    "关于发展冷链物流的提案",
    "关于加强危险货物运输监管的提案",
    "关于建设县域物流配送中心的提案",
    "关于规范机动车维修市场的提案",
    "关于提升农村公路养护水平的提案",
    "关于推广新能源公交车的提案",
    "关于加强网约车监管的提案",
    "关于完善公路沿线绿化的提案",
    "关于建设交通运输信用体系的提案",
]
PROPOSERS = ["张卫国", "李秀英", "王建设", "刘淑芬", "陈志明", "杨桂兰", "赵德华"]


def _suggestions(by, units) -> None:
    unit = units[OFFICE]
    co = [units[c] for c in ("JTJ-YS", "JTJ-GLS") if c in units]
    for n, title in enumerate(NPC_TITLES, start=1):
        assigned = dt.date(2023, 3, 10) + dt.timedelta(days=n)
        # The last one is answered late on New Year's Eve: still 2023.
        replied = at(2023, 12, 31, 23, 30) if n == 11 else at(2023, 5, 10 + n, 10)
        if n == 11:
            assigned = dt.date(2023, 10, 8)
        _suggestion(
            by,
            unit,
            SuggestionKind.NPC,
            f"RD2023-{n:03d}",
            title,
            assigned,
            replied,
            co_units=co[: n % 3],
            feedback=Feedback.BASIC if n in (3, 7) else Feedback.SATISFIED,
        )
    for n, title in enumerate(CPPCC_TITLES, start=1):
        assigned = dt.date(2023, 3, 15) + dt.timedelta(days=n)
        _suggestion(
            by,
            unit,
            SuggestionKind.CPPCC,
            f"ZX2023-{n:03d}",
            title,
            assigned,
            at(2023, 6, 1 + n, 15),
            difficult=n == 2,
            # One proposer was not satisfied: re-handled and answered again.
            feedback=Feedback.DISSATISFIED if n == 4 else Feedback.SATISFIED,
        )
    # Outside 2023: replied in December 2022, and replied on 1 January 2024.
    _suggestion(
        by,
        unit,
        SuggestionKind.NPC,
        "RD2022-015",
        "关于整治县城周边砂石车扬尘的建议",
        dt.date(2022, 9, 20),
        at(2022, 12, 20),
    )
    _suggestion(
        by,
        unit,
        SuggestionKind.CPPCC,
        "ZX2023-011",
        "关于开通高铁站接驳公交的提案",
        dt.date(2023, 11, 6),
        at(2024, 1, 1, 0, 30),
    )
    # One of the current days, still being handled (the home page's queue).
    today = timezone.localdate()
    current = services.suggestion_create(
        by=by,
        unit=unit,
        kind=SuggestionKind.NPC,
        number=f"RD{today.year}-101",
        title="关于增开农村客运周末班次的建议",
        proposers="孙红梅",
        assigned_on=today - dt.timedelta(days=80),
    )
    services.suggestion_start(suggestion=current, by=by)


def _suggestion(
    by,
    unit,
    kind,
    number,
    title,
    assigned_on,
    replied_at,
    *,
    co_units=(),
    difficult=False,
    feedback=Feedback.SATISFIED,
) -> Suggestion:
    n = int(number[-3:])
    suggestion = services.suggestion_create(
        by=by,
        unit=unit,
        kind=kind,
        number=number,
        title=title,
        proposers=PROPOSERS[n % len(PROPOSERS)],
        assigned_on=assigned_on,
        difficult=difficult,
        content=f"{title.removeprefix('关于').removesuffix('的建议')}。",
        co_units=co_units,
    )
    services.suggestion_start(suggestion=suggestion, by=by)
    met_on = min(assigned_on + dt.timedelta(days=20), timezone.localdate(replied_at))
    services.suggestion_add_contact(
        suggestion=suggestion,
        by=by,
        way=SuggestionContact.Way.MEETING if n % 2 else SuggestionContact.Way.PHONE,
        contacted_on=met_on,
        note="向代表（委员）通报办理思路，听取意见。",
    )
    services.suggestion_reply(
        suggestion=suggestion,
        by=by,
        reply_doc_no=f"睢交{'建' if kind == SuggestionKind.NPC else '提'}〔{replied_at.year}〕{n}号",
        reply_summary="已会同相关单位研究落实，具体措施见答复函。",
        outcome=Outcome.A if n % 3 else Outcome.B,
        replied_at=replied_at,
    )
    feedback_on = timezone.localdate(replied_at) + dt.timedelta(days=7)
    if feedback_on > timezone.localdate():
        return suggestion
    services.suggestion_record_feedback(
        suggestion=suggestion, by=by, feedback=feedback, feedback_on=feedback_on
    )
    if feedback == Feedback.DISSATISFIED:
        services.suggestion_rehandle(
            suggestion=suggestion, by=by, note="委员认为措施不够具体，重新办理。"
        )
        services.suggestion_reply(
            suggestion=suggestion,
            by=by,
            reply_doc_no=f"睢交提〔{replied_at.year}〕{n}-1号",
            reply_summary="补充了时间表和责任单位。",
            outcome=Outcome.B,
            replied_at=at(replied_at.year, replied_at.month, replied_at.day)
            + dt.timedelta(days=25),
        )
        services.suggestion_record_feedback(
            suggestion=suggestion,
            by=by,
            feedback=Feedback.BASIC,
            feedback_on=feedback_on + dt.timedelta(days=25),
        )
    services.suggestion_close(suggestion=suggestion, by=by)
    return suggestion


# --- Normative documents --------------------------------------------------------------------

# (title, doc no, published, clean-up result, concluded at)
LEGACY_DOCUMENTS = [
    ("睢县出租汽车经营权管理办法", "睢交〔2016〕12号", dt.date(2016, 5, 1),
     ReviewResult.REPEAL, at(2023, 8, 15)),
    ("睢县道路运输驾驶员培训管理暂行规定", "睢交〔2015〕30号", dt.date(2015, 9, 1),
     ReviewResult.REPEAL, at(2023, 8, 15)),
    ("睢县农村公路养护管理办法", "睢交〔2019〕8号", dt.date(2019, 3, 1),
     ReviewResult.RETAIN, at(2023, 8, 15)),
    ("睢县城市公共交通管理办法", "睢交〔2020〕5号", dt.date(2020, 6, 1),
     ReviewResult.RETAIN, at(2023, 8, 16)),
    ("睢县超限运输车辆行驶公路管理实施细则", "睢交〔2021〕3号", dt.date(2021, 4, 1),
     ReviewResult.RETAIN, at(2023, 12, 31, 23, 30)),
    # Reviewed outside 2023.
    ("睢县公路路政管理规定", "睢交〔2018〕21号", dt.date(2018, 7, 1),
     ReviewResult.RETAIN, at(2022, 11, 30)),
    ("睢县机动车维修行业管理办法", "睢交〔2019〕15号", dt.date(2019, 10, 1),
     ReviewResult.RETAIN, at(2024, 1, 1, 0, 30)),
]  # fmt: skip


def _documents(by, unit) -> None:
    for title, doc_no, published, result, concluded in LEGACY_DOCUMENTS:
        document = services.document_register_existing(
            by=by,
            unit=unit,
            title=title,
            doc_no=doc_no,
            published_on=published,
            filed_on=published + dt.timedelta(days=20),
            filed_with="睢县人民政府",
        )
        services.document_review(
            document=document,
            by=by,
            result=result,
            reason=(
                "上位法已修改，文件内容与现行规定不一致。"
                if result == ReviewResult.REPEAL
                else "符合现行法律法规，继续有效。"
            ),
            concluded_at=concluded,
        )
    # Drafted through every step in 2023, published and in force.
    document = services.document_create(
        by=by,
        unit=unit,
        title="睢县道路运输行业信用管理办法",
        summary="道路运输经营者信用评价、分级分类监管和信用修复。",
    )
    for day, kind in enumerate(DraftingStepKind.values, start=1):
        services.drafting_step_record(
            document=document,
            by=by,
            kind=kind,
            done_on=dt.date(2023, 9, day * 3),
            conclusion=f"{kind}已完成，意见已吸收。",
        )
    services.document_publish(
        document=document,
        by=by,
        doc_no="睢交〔2023〕18号",
        published_on=dt.date(2023, 10, 10),
        effective_from=dt.date(2023, 11, 1),
        expires_on=dt.date(2028, 10, 31),
    )
    services.document_file(
        document=document,
        by=by,
        filed_on=dt.date(2023, 10, 25),
        filed_with="睢县人民政府",
    )
    services.document_enforce(document=document, by=by)
    # Still drafting: legality review and collective discussion not yet done.
    drafting = services.document_create(
        by=by, unit=unit, title="睢县网络预约出租汽车经营服务管理细则"
    )
    for kind in DraftingStepKind.values[:3]:
        services.drafting_step_record(
            document=drafting,
            by=by,
            kind=kind,
            done_on=dt.date(2024, 3, 5),
            conclusion=f"{kind}已完成。",
        )


# --- Mediation and petitions ------------------------------------------------------------------

# (number, applicant, respondent, industry, applied, accepted, outcome)
MEDIATIONS = [
    ("TJ2023-01", "学员周某", "睢县通利驾驶员培训学校", Industry.DRIVING_SCHOOL,
     dt.date(2023, 3, 6), at(2023, 3, 7), "agree"),
    ("TJ2023-02", "学员郑某", "睢县金桥机动车驾驶员培训有限公司",
     Industry.DRIVING_SCHOOL, dt.date(2023, 7, 3), at(2023, 7, 4), "agree"),
    ("TJ2023-03", "货主孔某", "睢县通达物流有限公司", Industry.LOGISTICS,
     dt.date(2023, 4, 10), at(2023, 4, 11), "agree"),
    ("TJ2023-04", "司机韩某", "睢县鑫源物流有限公司", Industry.LOGISTICS,
     dt.date(2023, 6, 12), at(2023, 6, 12, 15), "agree"),
    ("TJ2023-05", "商户卢某", "睢县中原快递服务有限公司", Industry.LOGISTICS,
     dt.date(2023, 9, 18), at(2023, 9, 19), "terminate"),
    ("TJ2023-06", "货主蒋某", "睢县豫东冷链物流有限公司", Industry.LOGISTICS,
     dt.date(2023, 12, 29), at(2023, 12, 31, 23, 30), "agree"),
    # Outside 2023: accepted on 2 January 2024; not accepted at all.
    ("TJ2024-01", "学员邓某", "睢县安泰机动车驾驶员培训有限公司",
     Industry.DRIVING_SCHOOL, dt.date(2023, 12, 30), at(2024, 1, 2), "agree"),
    ("TJ2023-07", "乘客许某", "睢县城通出租汽车有限公司", Industry.TAXI,
     dt.date(2023, 11, 2), None, "not_accept"),
]  # fmt: skip


def _mediation(by, unit) -> None:
    for number, applicant, respondent, industry, applied, accepted, end in MEDIATIONS:
        mediation = services.mediation_create(
            by=by,
            unit=unit,
            number=number,
            applicant=applicant,
            respondent=respondent,
            industry=industry,
            summary="因服务费用退还发生纠纷，申请调解。",
            applied_on=applied,
        )
        if end == "not_accept":
            services.mediation_not_accept(
                mediation=mediation,
                by=by,
                note="属于治安管理事项，告知向公安机关反映。",
            )
            continue
        services.mediation_accept(mediation=mediation, by=by, moment=accepted)
        concluded = accepted + dt.timedelta(days=6)
        if end == "agree":
            services.mediation_agree(
                mediation=mediation,
                by=by,
                agreement="双方自愿达成协议，被申请人退还相关费用。",
                notes="组织双方当面协商。",
                concluded_at=concluded,
            )
        else:
            services.mediation_terminate(
                mediation=mediation, by=by, note="双方未能达成一致，告知可依法诉讼。"
            )
        services.mediation_close(
            mediation=mediation, by=by, note="回访：协议已履行，当事人满意。"
        )
    petition = services.petition_create(
        by=by,
        unit=unit,
        number="XF2023-01",
        petitioner="睢县—商丘班线经营者代表",
        industry=Industry.PASSENGER,
        received_on=dt.date(2023, 6, 5),
        subject="班线经营期限届满后的延续问题",
        content="班线经营者集体上访，反映经营期限和线路调整问题。",
    )
    services.petition_resolve(
        petition=petition,
        by=by,
        resolution="依法解释政策，协调办理延续手续，经营者表示满意。",
        resolved_at=at(2023, 6, 20, 16),
    )
    late = services.petition_create(
        by=by,
        unit=unit,
        number="XF2023-02",
        petitioner="货车司机代表",
        industry=Industry.FREIGHT,
        received_on=dt.date(2023, 12, 20),
        subject="超限检测站称重争议",
    )
    services.petition_resolve(
        petition=late,
        by=by,
        resolution="复核称重记录并答复。",
        resolved_at=at(2024, 1, 8),
    )


# --- Legal education, the campaign, training --------------------------------------------------

T = EducationEvent.Theme
# (title, theme, held at, banners, leaflets, participants, articles)
EDUCATION = [
    ("4·15全民国家安全教育日集中宣传", T.SECURITY_DAY, at(2023, 4, 15), 4, 400, 150, 1),
    ("民法典宣传月进企业活动", T.CIVIL_CODE, at(2023, 5, 20), 4, 400, 200, 2),
    ("路政宣传月法规进村", T.ROAD_MONTH, at(2023, 6, 10), 6, 500, 100, 2),
    ("信用交通宣传月", T.CREDIT_MONTH, at(2023, 6, 20), 4, 300, 150, 2),
    ("网络安全宣传周知识竞答", T.CYBER, at(2023, 9, 12), 3, 200, 200, 1),
    ("跨省通办政策宣传", T.CROSS_PROVINCE, at(2023, 10, 18), 3, 300, 100, 1),
    ("宪法宣传周暨国家宪法日", T.CONSTITUTION, at(2023, 12, 4), 4, 400, 200, 2),
    # Outside 2023.
    ("元旦道路运输安全宣传", T.OTHER, at(2024, 1, 1, 0, 10), 2, 100, 50, 1),
    ("宪法宣传周（2022）", T.CONSTITUTION, at(2022, 12, 4), 5, 300, 120, 2),
]  # fmt: skip
LAWS = "中华人民共和国宪法\n中华人民共和国民法典\n中华人民共和国道路运输条例"


def _education(by, unit) -> None:
    for title, theme, held, banners, leaflets, participants, articles in EDUCATION:
        services.education_create(
            by=by,
            unit=unit,
            title=title,
            theme=theme,
            held_at=held,
            place="睢县人民广场",
            laws=LAWS,
            banners=banners,
            leaflets=leaflets,
            participants=participants,
            articles=articles,
        )


def _campaign(by, unit) -> None:
    campaign = services.campaign_create(
        by=by,
        unit=unit,
        title="道路运输领域顽瘴痼疾专项整治",
        plan="聚焦执法不规范、服务不到位等突出问题，查摆问题、建立清单、限期整改。",
        plan_issued_on=dt.date(2023, 5, 14),
        starts_on=dt.date(2023, 5, 14),
        ends_on=dt.date(2023, 12, 31),
    )
    # (kind, held at, description, banners, articles, enterprise visits)
    activities = [
        ("会议", at(2023, 5, 17, 15), "专项整治动员部署会", 0, 1, 0),
        ("宣传", at(2023, 5, 22), "悬挂宣传横幅、推送政策解读", 5, 4, 0),
        ("走访", at(2023, 6, 8), "走访客运、货运企业听取意见", 0, 0, 15),
        ("宣传", at(2023, 7, 12), "微信公众号推送整治进展", 3, 5, 0),
        ("走访", at(2023, 8, 16), "走访驾培、维修企业", 0, 0, 15),
        ("走访", at(2023, 10, 11), "回访物流企业整改成效", 0, 3, 10),
    ]
    for kind, held, description, banners, articles, visits in activities:
        services.campaign_activity_add(
            campaign=campaign,
            by=by,
            kind=kind,
            held_at=held,
            description=description,
            banners=banners,
            articles=articles,
            enterprise_visits=visits,
        )
    problems = [
        "执法文书填写不规范",
        "执法证件未及时办理和注销",
        "行政处罚案卷归档不及时",
        "窗口服务一次性告知不到位",
        "网约车投诉处理不及时",
        "驾培投诉回访不到位",
        "执法记录仪使用不规范",
        "重点企业监管台账不完整",
        "涉企检查计划未按时公示",
    ]
    for n, problem in enumerate(problems):
        listed = at(2023, 5, 25 + n % 5)
        issue = services.campaign_issue_add(
            campaign=campaign,
            by=by,
            description=problem,
            owner="法制股" if n % 2 else "执法大队",
            deadline=dt.date(2023, 11, 30),
            measures="制定整改措施，明确责任人和时限。",
            listed_at=listed,
        )
        services.campaign_issue_rectify(
            issue=issue,
            by=by,
            rectification="已整改到位，建立长效机制。",
            rectified_at=at(2023, 12, 31, 23, 30) if n == 8 else at(2023, 9, 1 + n),
        )
    later = services.campaign_create(
        by=by,
        unit=unit,
        title="2024年道路运输安全生产治本攻坚",
        plan_issued_on=dt.date(2024, 3, 1),
        starts_on=dt.date(2024, 3, 1),
    )
    services.campaign_activity_add(
        campaign=later,
        by=by,
        kind="宣传",
        held_at=at(2024, 3, 5),
        description="启动宣传",
        banners=2,
        articles=1,
    )
    services.campaign_issue_add(
        campaign=later,
        by=by,
        description="部分企业安全台账不健全",
        owner="运输股",
        deadline=dt.date(2024, 6, 30),
        listed_at=at(2024, 3, 10),
    )


# (topic, held at, hours, staff accounts present, auxiliary staff by name)
TRAININGS = [
    ("新修订《行政处罚法》专题培训", at(2023, 2, 22, 14, 30), "3.0", 33, 2),
    ("交通运输行政执法文书规范培训", at(2023, 4, 12, 14, 30), "3.0", 33, 2),
    ("执法记录仪使用与证据固定培训", at(2023, 6, 14, 9), "2.5", 33, 2),
    ("道路运输条例及配套规章培训", at(2023, 8, 23, 14, 30), "3.0", 33, 1),
    ("超限超载治理执法实务培训", at(2023, 10, 18, 9), "2.0", 33, 1),
    ("行政执法三项制度培训", at(2023, 12, 13, 14, 30), "3.0", 33, 1),
]
AUXILIARY = ["协管员曹军", "协管员邹平"]


def _training(by, unit, staff) -> None:
    for n, (topic, held, hours, accounts, by_name) in enumerate(TRAININGS):
        session = services.training_create(
            by=by,
            unit=unit,
            topic=topic,
            held_at=held,
            hours=hours,
            place="局三楼会议室",
            trainer="政策法规股",
        )
        present = [staff[(n * 7 + k) % len(staff)] for k in range(accounts)]
        services.training_set_attendance(
            session=session, by=by, users=present, names=AUXILIARY[:by_name]
        )
    # Not counted in 2023: held on 2 January 2024; an office (non-enforcement) one.
    early = services.training_create(
        by=by,
        unit=unit,
        topic="新年执法工作部署培训",
        held_at=at(2024, 1, 2),
        hours="2.0",
    )
    services.training_set_attendance(session=early, by=by, users=staff[:30])
    office = services.training_create(
        by=by,
        unit=unit,
        topic="公文写作培训",
        held_at=at(2023, 7, 5),
        hours="2.0",
        for_enforcement=False,
    )
    services.training_set_attendance(session=office, by=by, names=["办公室全体"])
