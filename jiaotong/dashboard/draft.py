"""The report draft: the statistics sentences of §一 of the bureau's annual
法治政府建设工作报告, in the report's own phrasing, filled from the indicators.

Each template names its figures by indicator code (``{window.completed}``) and
the year as ``{year}``; a figure not yet implemented is left as a visible gap
(【待补】), never guessed.  The screen marks every number with its code; the
.docx carries the bureau's heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.conf import settings

PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")
GAP = "【待补】"

# (heading of the report's section, sentence template)
PARAGRAPHS = [
    (
        "（二）积极推进“放管服”改革",
        "根据相关法律法规和文件精神，许可改备案制{powers.filing_reform}项，"
        "推行证明事项告知承诺制{powers.notify_commit}项，承接省市下放的许可"
        "{powers.delegated}项。{year}年交通窗口共受理办结{window.completed}件业务事项，"
        "其中行政许可类业务{window.completed.licensing}件，公共服务类业务"
        "{window.completed.public_service}件，受理办结率{window.completion_rate}%，"
        "办件覆盖率{window.coverage}%。",
    ),
    (
        "（二）积极推进“放管服”改革",
        "根据《权责清单》，目前我局共有{powers.total}项行政权力，其中：行政许可"
        "{powers.licensing}项、行政处罚{powers.penalty}项、行政确认"
        "{powers.confirmation}项、其他权力（备案类）{powers.other}项。另外"
        "{powers.benchmarked_penalties}项行政处罚类权力事项参照河南省交通运输厅"
        "制定的裁量基准执行。",
    ),
    (
        "（三）改革创新，丰富行业监管模式",
        "{year}年度共开展双随机抽查{inspections.tasks}次，抽查企业"
        "{inspections.enterprises}家，检查结果全部录入“河南省事中事后监管平台”"
        "及局门户网站进行公示。{year}年度共录入监管信息{supervision.records}条。",
    ),
    (
        "（四）强化对行政权力的制约和监督",
        "{year}年度，共办理人大代表建议{oversight.npc_suggestions}件、政协委员提案"
        "{oversight.cppcc_proposals}件。{year}年度，我局共受理12328热线案件"
        "{hotline.12328.received}件，12345热线案件{hotline.12345.received}件，"
        "热线案件办结率{hotline.closure_rate}%。",
    ),
    (
        "（五）坚持依法行政，严格规范公正文明执法",
        "{year}年度，我局办理行政处罚案件{enforcement.cases}起、行政许可案件"
        "{enforcement.licensing_published}起，全部通过河南省交通综合执法信息系统与"
        "“信用河南”网站对接向社会进行公示。{year}年度，我局法制审核机构对"
        "{enforcement.legal_reviews}起行政处罚案件进行了法制审核。",
    ),
    (
        "（五）坚持依法行政，严格规范公正文明执法",
        "整治行动期间，制作悬挂宣传横幅{campaign.banners}条，推送整治行动相关文章"
        "{campaign.articles}篇，走访企业{campaign.enterprise_visits}余家。共查摆顽瘴"
        "痼疾清单{campaign.issues}条，逐项整改到位。组织执法人员培训学习"
        "{training.sessions}次，参加培训人员{training.attendance}人次。",
    ),
    (
        "（六）完善交通运输法规体系建设",
        "{year}年度，我局对{documents.reviewed}件行政规范性文件进行了梳理，其中公布"
        "废止{documents.repealed}件，继续保留{documents.retained}件。",
    ),
    (
        "（九）依法有效化解社会矛盾纠纷",
        "{year}年度，我局依法进行协调疏导民事纠纷{mediation.disputes}起，接访并妥善"
        "解决班线经营者上访{mediation.petitions}起。",
    ),
    (
        "（十）完善工作机制，强化普法宣传工作",
        "悬挂宣传横幅{education.banners}条，印发宣传单（册）{education.leaflets}余份。"
        "组织全体工作人员参加法律知识答题、测试、竞答等活动，参与人次"
        "{education.participants}多人次。编制及转发政策法规解读、以案释法文章"
        "{education.articles}篇。",
    ),
]


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: plain text, or a figure with its code."""

    text: str
    code: str = ""
    missing: bool = False


def format_value(value) -> str:
    """As the report writes numbers: 2370, 88.7, and 100 for a whole rate."""
    if value is None:
        return GAP
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value)


def draft(year: int, values: dict) -> list[dict]:
    """``[{"heading", "parts": [Part]}]``: the sentences with their figures;
    ``values`` maps code -> value (None or absent: a gap)."""
    paragraphs = []
    for heading, template in PARAGRAPHS:
        parts: list[Part] = []
        position = 0
        for match in PLACEHOLDER.finditer(template):
            parts.append(Part(template[position : match.start()]))
            code = match.group(1)
            if code == "year":
                parts.append(Part(str(year)))
            else:
                value = values.get(code)
                parts.append(
                    Part(format_value(value), code=code, missing=value is None)
                )
            position = match.end()
        parts.append(Part(template[position:]))
        paragraphs.append({"heading": heading, "parts": [p for p in parts if p.text]})
    return paragraphs


def draft_docx(year: int, values: dict) -> bytes:
    """The draft as a Word document under the bureau's heading."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "FangSong"
    normal.font.size = Pt(16)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")

    bureau = f"{settings.JIAOTONG_COUNTY_NAME}交通运输局"
    for text, size in (
        (bureau, 22),
        (f"{year}年度法治政府建设工作报告", 22),
        ("（统计数据部分·草稿）", 16),
    ):
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = heading.add_run(text)
        run.bold = size > 16
        run.font.size = Pt(size)
        run.font.name = "SimHei"
        run._element.rPr.rFonts.set(qn("w:eastAsia"), "黑体")

    document.add_paragraph("一、法治政府部门建设情况").runs[0].bold = True
    last_heading = None
    for paragraph in draft(year, values):
        if paragraph["heading"] != last_heading:
            last_heading = paragraph["heading"]
            document.add_paragraph(last_heading).runs[0].bold = True
        body = document.add_paragraph()
        body.paragraph_format.first_line_indent = Pt(32)
        for part in paragraph["parts"]:
            run = body.add_run(part.text)
            if part.missing:
                run.font.highlight_color = 7  # yellow: a gap to fill by hand
    stream = BytesIO()
    document.save(stream)
    return stream.getvalue()
