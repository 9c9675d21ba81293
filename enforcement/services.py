"""Writes for penalty cases, legal review, hearings, publicity and certificates.

Every move of a case goes through ``CASE_WORKFLOW.begin`` (row lock + the
table's state, permission and guard checked on the locked copy) and ``finish``
(new status + one audit event). Guards that read other rows (officers,
hearings, reviews) are evaluated inside the same transaction after the lock,
so two people acting at once take turns and the second is told why not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiaotong.audit.services import audit_record
from jiaotong.calendar.params import get_param
from jiaotong.calendar.workdays import add_working_days
from jiaotong.imports.uploads import check_upload
from jiaotong.models import Enterprise
from jiaotong.registry.models import PowerType
from jiaotong.validators import validate_id_for_party, validate_plate
from jiaotong.workflow import WorkflowError, required_text

from . import rules
from .models import (
    MAX_EXTENSION_DAYS,
    PENALTY_SEPARATOR,
    CaseExtension,
    CaseSequence,
    Certificate,
    Evidence,
    Hearing,
    LegalReview,
    Outcome,
    PenaltyCase,
    PenaltyType,
    Procedure,
    PublicityRecord,
)
from .workflow import CASE_WORKFLOW

WF = CASE_WORKFLOW
S = PenaltyCase.Status
NUMBER_FORMAT = "睢交罚〔{year}〕{n}号"
COMPLAINT_CATEGORIES = ("投诉", "举报")
COPY_FILING_WD = 5  # 简易程序决定书备案 (TEPR art. 61(8))


# --- Case numbers -------------------------------------------------------------------


def _next_number(year: int) -> tuple[int, str]:
    """The next number of ``year``: the sequence row is locked until the caller's
    transaction ends, so concurrent filings get consecutive numbers, none lost."""
    CaseSequence.objects.get_or_create(year=year)
    seq = CaseSequence.objects.select_for_update().get(year=year)
    while True:
        seq.last += 1
        number = NUMBER_FORMAT.format(year=year, n=seq.last)
        # an imported case may already hold this number
        if not PenaltyCase.objects.filter(number=number).exists():
            break
    seq.save(update_fields=["last"])
    return seq.last, number


# --- Registering a case ------------------------------------------------------------


def _clean_case_fields(data: dict) -> dict:
    """Identifier, plate, matter and officer checks shared by create and update."""
    errors = {}
    try:
        data["party_id_number"] = validate_id_for_party(
            data["party_type"], data["party_id_number"]
        )
    except ValidationError as exc:
        errors["party_id_number"] = exc.messages
    if data.get("plate"):
        try:
            data["plate"] = validate_plate(data["plate"])
        except ValidationError as exc:
            errors["plate"] = exc.messages
    matter = data["matter"]
    if matter.power_type != PowerType.PENALTY:
        errors["matter"] = ["违法行为应选择权力类型为“行政处罚”的事项。"]
    item = data.get("discretion_item")
    if item is not None and item.matter_id != matter.pk:
        errors["discretion_item"] = ["所选裁量基准不属于该违法行为。"]
    types = [p for p in data.get("penalty_types") or [] if p]
    unknown = [p for p in types if p not in PenaltyType.values]
    if unknown:
        errors["penalty_types"] = [f"未知的处罚种类：{'、'.join(unknown)}"]
    data["penalty_types"] = PENALTY_SEPARATOR.join(dict.fromkeys(types))
    fine = data.get("fine") or Decimal("0")
    if fine < 0:
        errors["fine"] = ["罚款金额不能为负数。"]
    data["fine"] = fine
    if data["party_type"] == "法人" and not data.get("enterprise"):
        data["enterprise"] = Enterprise.objects.filter(
            credit_code=data.get("party_id_number", "")
        ).first()
    day = timezone.localdate()
    unqualified = [
        str(o)
        for o in data.get("officers") or []
        if not any(c.is_valid_on(day) for c in o.certificates.all())
    ]
    if unqualified:
        errors["officers"] = [
            f"{'、'.join(unqualified)}今日没有有效的执法证，不能列为办案人员。"
        ]
    if errors:
        raise ValidationError(errors)
    return data


CASE_FIELDS = (
    "procedure",
    "source",
    "party_type",
    "party_name",
    "party_id_number",
    "party_address",
    "party_phone",
    "enterprise",
    "plate",
    "matter",
    "occurred_at",
    "location",
    "facts",
    "legal_basis",
    "penalty_types",
    "fine",
    "discretion_item",
    "discretion_departure_reason",
    "is_complex",
)


@transaction.atomic
def case_create(*, by, officers=(), unit=None, source_ticket=None, **fields):
    """Register a case draft (待立案). The officers must hold a valid certificate
    today; a legal-person party is linked to the enterprise register by its
    credit code. A draft from a hotline ticket must come from a 投诉/举报."""
    if source_ticket is not None and source_ticket.category not in COMPLAINT_CATEGORIES:
        raise ValidationError("只有投诉、举报类工单可以转为案件线索。")
    data = _clean_case_fields({**fields, "officers": list(officers)})
    unit = unit or by.unit
    if unit is None:
        raise ValidationError("登记人没有所属单位，不能登记案件。")
    case = PenaltyCase(
        **{k: data[k] for k in CASE_FIELDS if k in data},
        unit=unit,
        source_ticket=source_ticket,
        created_by=by,
    )
    if source_ticket is not None:
        case.source = "投诉举报"
    case.full_clean(exclude=["officers"])
    case.save()
    case.officers.set(data["officers"])
    audit_record(
        by=by,
        action="case_create",
        obj=case,
        to_state=case.status,
        reason=f"来源工单 {source_ticket.ticket_no}" if source_ticket else "",
    )
    return case


@transaction.atomic
def case_update(*, case, by, officers=None, **fields):
    """Edit a case before its decision; the changes enter the audit trail."""
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    if case.status in (S.DECIDED, S.SERVED, S.EXECUTED, S.CLOSED, S.CANCELLED):
        raise WorkflowError(f"案件已{case.get_status_display()}，不能修改。")
    if case.status == S.UNDER_REVIEW:
        raise WorkflowError("案件正在法制审核中，不能修改。")
    current_officers = list(case.officers.all())
    data = _clean_case_fields(
        {
            **{k: getattr(case, k) for k in CASE_FIELDS},
            "penalty_types": case.penalty_type_list,
            **fields,
            "officers": current_officers if officers is None else list(officers),
        }
    )
    changes = {}
    for name in CASE_FIELDS:
        if name in data and getattr(case, name) != data[name]:
            changes[name] = [str(getattr(case, name) or ""), str(data[name] or "")]
            setattr(case, name, data[name])
    case.full_clean(exclude=["officers"])
    case.save()
    if officers is not None and set(officers) != set(current_officers):
        changes["officers"] = [
            "、".join(map(str, current_officers)),
            "、".join(map(str, officers)),
        ]
        case.officers.set(officers)
    if changes:
        audit_record(by=by, action="case_update", obj=case, changes=changes)
    return case


# --- The moves --------------------------------------------------------------------


@transaction.atomic
def case_file(*, case, by):
    """立案: the case gets its number (睢交罚〔YYYY〕N号) and the 90-day clock starts."""
    case = WF.begin(case, "file", by)
    case.filed_at = timezone.now()
    case.year = timezone.localdate(case.filed_at).year
    case.sequence, case.number = _next_number(case.year)
    return WF.finish(case, "file", by, reason=case.number)


@transaction.atomic
def case_investigate(*, case, by):
    case = WF.begin(case, "investigate", by)
    case.investigation_started_at = timezone.now()
    return WF.finish(case, "investigate", by)


@transaction.atomic
def case_conclude_investigation(
    *,
    case,
    by,
    penalty_types,
    fine,
    legal_basis,
    discretion_item=None,
    discretion_departure_reason="",
    is_complex=False,
    report="",
):
    """调查终结: the investigation report fixes the proposed penalty."""
    case = WF.begin(case, "conclude_investigation", by)
    data = _clean_case_fields(
        {
            **{k: getattr(case, k) for k in CASE_FIELDS},
            "penalty_types": penalty_types,
            "fine": fine,
            "officers": [],
        }
    )
    case.penalty_types = data["penalty_types"]
    case.fine = data["fine"]
    case.legal_basis = legal_basis
    case.discretion_item = discretion_item
    case.discretion_departure_reason = discretion_departure_reason
    case.is_complex = is_complex
    case.investigated_at = timezone.now()
    departure = rules.benchmark_departure(case)
    if departure and not discretion_departure_reason.strip():
        raise WorkflowError(f"{departure}，须书面说明理由（并将送法制审核）。")
    case.full_clean(exclude=["officers"])
    return WF.finish(
        case,
        "conclude_investigation",
        by,
        reason=report,
        changes={"penalty_types": case.penalty_types, "fine": str(case.fine)},
    )


@transaction.atomic
def case_notify(*, case, by, statement_waived=False, statement=""):
    """事先告知: the party is told the facts, reasons, basis and rights
    (陈述申辩, and a hearing where the thresholds apply)."""
    case = WF.begin(case, "notify", by)
    case.notified_at = timezone.now()
    case.statement_waived = statement_waived
    case.statement = statement
    hearing = "，已告知听证权利" if rules.hearing_right(case) else ""
    return WF.finish(case, "notify", by, reason=f"事先告知{hearing}")


@transaction.atomic
def case_request_hearing(*, case, by, requested_on=None):
    """The party asks for a hearing (within 5 working days of the notice)."""
    case = WF.begin(case, "request_hearing", by)
    requested_on = requested_on or timezone.localdate()
    deadline = rules.hearing_request_deadline(case)
    if deadline and requested_on > deadline:
        raise WorkflowError(f"听证申请期限（{deadline:%Y-%m-%d}）已过。")
    Hearing.objects.create(case=case, requested_on=requested_on)
    return WF.finish(case, "request_hearing", by, reason="当事人申请听证")


@transaction.atomic
def case_record_hearing(
    *, case, by, held, chair="", scheduled_for=None, notice_sent_on=None, transcript=""
):
    """The hearing was held (with ≥ 7 working days' notice) or the party waived it."""
    case = WF.begin(case, "record_hearing", by)
    hearing = case.hearings.filter(status__in=["requested", "scheduled"]).first()
    if held:
        if not (chair and scheduled_for and notice_sent_on):
            raise WorkflowError("请填写主持人、通知日期和举行时间。")
        notice_wd = get_param("penalty.hearing.notice_wd")
        earliest = add_working_days(notice_sent_on, notice_wd)
        if timezone.localdate(scheduled_for) < earliest:
            raise WorkflowError(
                f"应在举行听证的{notice_wd}个工作日前通知当事人"
                f"（最早可于{earliest:%Y-%m-%d}举行）。"
            )
        hearing.status = Hearing.Status.HELD
        hearing.chair = chair
        hearing.scheduled_for = scheduled_for
        hearing.notice_sent_on = notice_sent_on
    else:
        hearing.status = Hearing.Status.WAIVED
    hearing.transcript = transcript
    hearing.concluded_on = timezone.localdate()
    hearing.save()
    return WF.finish(case, "record_hearing", by, reason=hearing.get_status_display())


@transaction.atomic
def case_submit_review(*, case, by):
    case = WF.begin(case, "submit_review", by)
    LegalReview.objects.create(case=case, submitted_at=timezone.now(), submitted_by=by)
    reasons = rules.review_reasons(case)
    return WF.finish(case, "submit_review", by, reason="；".join(reasons))


def _conclude_review(case, by, action, result, opinion, checklist):
    case = WF.begin(case, action, by)
    opinion = required_text(opinion, "书面审核意见")
    review = case.reviews.filter(result="").first()
    if review is None:
        raise WorkflowError("没有待审核的送审记录。")
    if result == LegalReview.Result.AGREE and not all(checklist.values()):
        missing = [
            str(LegalReview._meta.get_field(name).verbose_name)
            for name, ok in checklist.items()
            if not ok
        ]
        raise WorkflowError(f"审核要点未全部通过（{'、'.join(missing)}），不能同意。")
    for name, ok in checklist.items():
        setattr(review, name, bool(ok))
    review.reviewer = by
    review.result = result
    review.opinion = opinion
    review.concluded_at = timezone.now()
    review.save()
    return WF.finish(case, action, by, reason=f"{result}：{opinion}")


def _checklist(kwargs) -> dict:
    return {name: bool(kwargs.get(name)) for name in LegalReview.CHECKLIST}


@transaction.atomic
def case_review_agree(*, case, by, opinion, **checks):
    return _conclude_review(
        case, by, "review_agree", LegalReview.Result.AGREE, opinion, _checklist(checks)
    )


@transaction.atomic
def case_review_return(*, case, by, opinion, **checks):
    return _conclude_review(
        case,
        by,
        "review_return",
        LegalReview.Result.RETURN,
        opinion,
        _checklist(checks),
    )


@transaction.atomic
def case_review_disagree(*, case, by, opinion, **checks):
    return _conclude_review(
        case,
        by,
        "review_disagree",
        LegalReview.Result.DISAGREE,
        opinion,
        _checklist(checks),
    )


@transaction.atomic
def case_discuss(*, case, by, record):
    """负责人集体讨论 (APL art. 57 para. 2), its record kept with the case."""
    case = WF.begin(case, "discuss", by)
    case.discussion_record = required_text(record, "集体讨论记录")
    case.discussed_at = timezone.now()
    return WF.finish(case, "discuss", by, reason=case.discussion_record)


@transaction.atomic
def case_decide(*, case, by, decision_reason=""):
    """行政处罚决定. The guards (notice, hearing, review, discussion, officers,
    simplified-procedure limits) are re-checked on the locked row. A publicity
    record falls due 7 working days after the decision (双公示)."""
    case = WF.begin(case, "decide", by)
    now = timezone.now()
    case.outcome = Outcome.PENALTY
    case.decided_at = now
    case.decision_reason = decision_reason
    if case.procedure == Procedure.SIMPLE and case.filed_at is None:
        case.filed_at = now
    WF.finish(case, "decide", by, reason=decision_reason)
    publicity_open_for_case(case)
    return case


@transaction.atomic
def case_decide_no_penalty(*, case, by, reason):
    case = WF.begin(case, "decide_no_penalty", by)
    case.outcome = Outcome.NO_PENALTY
    case.decided_at = timezone.now()
    case.decision_reason = required_text(reason, "不予处罚理由")
    return WF.finish(case, "decide_no_penalty", by, reason=case.decision_reason)


@transaction.atomic
def case_transfer(*, case, by, reason):
    case = WF.begin(case, "transfer", by)
    case.outcome = Outcome.TRANSFER
    case.decided_at = timezone.now()
    case.decision_reason = required_text(reason, "移送理由")
    return WF.finish(case, "transfer", by, reason=case.decision_reason)


@transaction.atomic
def case_serve(*, case, by, service_method):
    case = WF.begin(case, "serve", by)
    case.served_at = timezone.now()
    case.service_method = service_method
    return WF.finish(case, "serve", by, reason=service_method)


def surcharge(case: PenaltyCase, on: dt.date) -> Decimal:
    """加处罚款: 3 % of the fine a day after the 15-day payment period, capped at
    the fine (APL art. 72)."""
    if case.served_at is None or not case.fine:
        return Decimal("0")
    due = timezone.localdate(case.served_at) + dt.timedelta(
        days=get_param("penalty.pay_days")
    )
    late_days = max((on - due).days, 0)
    rate = get_param("penalty.surcharge_rate_per_day", cast=Decimal)
    return min(case.fine * rate * late_days, case.fine).quantize(Decimal("0.01"))


@transaction.atomic
def case_execute(*, case, by, paid_amount):
    case = WF.begin(case, "execute", by)
    case.paid_at = timezone.now()
    case.paid_amount = paid_amount
    extra = surcharge(case, timezone.localdate(case.paid_at))
    expected = case.fine + extra
    if case.fine and paid_amount < expected:
        raise WorkflowError(
            f"应缴 {expected:.2f} 元（罚款 {case.fine:.2f} 元"
            f"{f'，加处罚款 {extra:.2f} 元' if extra else ''}），实缴金额不足。"
        )
    return WF.finish(case, "execute", by, reason=f"实缴 {paid_amount:.2f} 元")


@transaction.atomic
def case_file_copy(*, case, by):
    """简易程序: the on-the-spot decision's copy is filed with the agency within
    5 (working) days of the decision (TEPR art. 61); a late filing is recorded
    and says so."""
    if not by.has_perm("enforcement.change_penaltycase"):
        raise WorkflowError("您没有办理案件的权限。")
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    if case.procedure != Procedure.SIMPLE or case.decided_at is None:
        raise WorkflowError("只有已当场作出决定的简易程序案件需要备案。")
    if case.copy_filed_at is not None:
        raise WorkflowError(
            f"已于 {timezone.localdate(case.copy_filed_at):%Y-%m-%d} 备案。"
        )
    case.copy_filed_at = timezone.now()
    case.save(update_fields=["copy_filed_at", "updated_at"])
    due = add_working_days(timezone.localdate(case.decided_at), COPY_FILING_WD)
    late = timezone.localdate(case.copy_filed_at) > due
    audit_record(
        by=by,
        action="case_copy_filed",
        obj=case,
        reason=f"逾期备案（应于{due:%Y-%m-%d}前）" if late else "按期备案",
    )
    return case


@transaction.atomic
def case_close(*, case, by):
    case = WF.begin(case, "close", by)
    case.closed_at = timezone.now()
    return WF.finish(case, "close", by)


@transaction.atomic
def case_cancel(*, case, by, reason):
    case = WF.begin(case, "cancel", by)
    case.outcome = Outcome.CANCELLED
    case.cancelled_at = timezone.now()
    case.cancel_reason = required_text(reason, "撤销立案理由")
    return WF.finish(case, "cancel", by, reason=case.cancel_reason)


@transaction.atomic
def case_extend(*, case, by, days, reason):
    """负责人批准延长办案期限: the 90-day clock moves by ``days``."""
    if not by.has_perm("enforcement.approve_extension"):
        raise WorkflowError("您没有批准案件延期的权限。")
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    if case.filed_at is None or case.decided_at is not None:
        raise WorkflowError("只有已立案、尚未决定的案件可以延期。")
    if not 1 <= days <= MAX_EXTENSION_DAYS - case.extension_days:
        raise WorkflowError(f"延长天数应在1至{MAX_EXTENSION_DAYS}天之间。")
    reason = required_text(reason, "延期理由")
    CaseExtension.objects.create(
        case=case, days=days, reason=reason, approved_by=by, approved_at=timezone.now()
    )
    before = case.extension_days
    case.extension_days += days
    case.save(update_fields=["extension_days", "updated_at"])
    audit_record(
        by=by,
        action="case_extend",
        obj=case,
        reason=reason,
        changes={"extension_days": [before, case.extension_days]},
    )
    return case


def case_flag_overdue(*, today: dt.date | None = None) -> int:
    """Daily: mark undecided cases past 90 days (+ extensions) as overdue, once."""
    today = today or timezone.localdate()
    flagged = 0
    for case in PenaltyCase.objects.filter(
        filed_at__isnull=False,
        decided_at__isnull=True,
        overdue_flagged_at__isnull=True,
    ).exclude(status__in=[S.CANCELLED, S.CLOSED]):
        if case.decision_due() < today:
            with transaction.atomic():
                # conditional update: two beat runs never flag the same case twice
                if PenaltyCase.objects.filter(
                    pk=case.pk, overdue_flagged_at__isnull=True
                ).update(overdue_flagged_at=timezone.now()):
                    audit_record(
                        action="case_overdue", obj=case, reason="超过办案期限未决定"
                    )
                    flagged += 1
    return flagged


# --- Evidence --------------------------------------------------------------------------

EVIDENCE_TYPES = ("pdf", "jpg", "jpeg", "png", "docx", "mp3", "wav")
EVIDENCE_MAX_BYTES = 50 * 1024 * 1024  # audio recordings run larger than documents


def file_sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def evidence_add(*, case, by, kind, title, upload):
    """Add a piece of evidence, checked by content and size; its SHA-256 enters
    the audit trail so that ``verify_evidence`` can prove it unaltered."""
    if not by.has_perm("enforcement.add_evidence"):
        raise WorkflowError("您没有上传证据的权限。")
    case = PenaltyCase.objects.select_for_update().get(pk=case.pk)
    if case.status in (S.CLOSED, S.CANCELLED):
        raise WorkflowError(f"案件{case.get_status_display()}，不能再上传证据。")
    check_upload(
        upload, allowed=EVIDENCE_TYPES, max_bytes=EVIDENCE_MAX_BYTES, label="证据文件"
    )
    upload.seek(0)
    sha256 = file_sha256(upload)
    upload.seek(0)
    evidence = Evidence(
        case=case,
        kind=kind,
        title=required_text(title, "证据名称"),
        original_name=(upload.name or "证据")[-200:],
        size=upload.size,
        sha256=sha256,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    # The file is written before the row: a failed transaction leaves an orphan
    # file, never a row without its file.
    evidence.file.save(upload.name or "evidence", upload, save=False)
    evidence.save()
    audit_record(
        by=by,
        action="case_evidence",
        obj=case,
        reason=f"{evidence.get_kind_display()}：{evidence.title}",
        changes={
            "evidence": evidence.original_name,
            "size": evidence.size,
            "sha256": sha256,
        },
    )
    return evidence


def evidence_verify() -> list[str]:
    """Every evidence file whose content no longer matches its recorded SHA-256,
    or that is missing: one line each (empty when all are intact)."""
    problems = []
    for evidence in Evidence.objects.select_related("case").order_by("id").iterator():
        try:
            with evidence.file.open("rb") as handle:
                actual = file_sha256(handle)
        except FileNotFoundError:
            problems.append(
                f"缺失：{evidence.case} 证据#{evidence.pk}「{evidence.title}」（{evidence.file.name}）"
            )
            continue
        if actual != evidence.sha256:
            problems.append(
                f"已被改动：{evidence.case} 证据#{evidence.pk}「{evidence.title}」（{evidence.file.name}）"
            )
    return problems


# --- Publicity (双公示) -----------------------------------------------------------------


def _publish_due(decision_date: dt.date) -> dt.date:
    return add_working_days(decision_date, get_param("publicity.license_penalty_wd"))


def publicity_open_for_case(case: PenaltyCase) -> PublicityRecord:
    """The publicity record of a penalty decision (created by ``case_decide``)."""
    decided = timezone.localdate(case.decided_at)
    record, _ = PublicityRecord.objects.get_or_create(
        case=case,
        defaults={
            "kind": PublicityRecord.Kind.PENALTY,
            "decision_no": case.number or "",
            "title": case.matter.name,
            "party_name": case.party_name,
            "party_type": case.party_type,
            "party_code": case.party_id_number,
            "content": f"{case.penalty_types}"
            + (f"，罚款{case.fine:.0f}元" if case.fine else ""),
            "decision_date": decided,
            "due_on": _publish_due(decided),
        },
    )
    return record


@transaction.atomic
def publicity_open_for_application(*, application, by=None) -> PublicityRecord:
    """The publicity record of a licensing decision on a matter marked for
    publicity (enforcement reads licensing's records; licensing never reads us)."""
    if not application.matter.publicity_required or application.decided_at is None:
        raise ValidationError("该办件不是需公示事项的许可决定。")
    decided = timezone.localdate(application.decided_at)
    record, created = PublicityRecord.objects.get_or_create(
        application=application,
        defaults={
            "kind": PublicityRecord.Kind.LICENSING,
            "decision_no": application.number,
            "title": application.matter.name,
            "party_name": application.applicant_name,
            "party_type": application.applicant_type,
            "party_code": application.applicant_id_number,
            "content": application.get_result_display(),
            "decision_date": decided,
            "due_on": _publish_due(decided),
        },
    )
    return record


def publicity_collect_licensing(*, since: dt.date | None = None) -> int:
    """Daily: every licensing decision on a matter marked for publicity gets its
    publicity record (due 7 working days after the decision). Reads licensing's
    records — the declared link; licensing never reads enforcement."""
    from licensing.models import Application

    since = since or timezone.localdate() - dt.timedelta(days=30)
    decisions = (
        Application.objects.filter(
            matter__publicity_required=True,
            decided_at__isnull=False,
            decided_at__date__gte=since,
            is_test=False,
            publicity__isnull=True,
        )
        .exclude(matter__power_type=PowerType.PUBLIC_SERVICE)
        .select_related("matter")
    )
    created = 0
    for application in decisions.iterator(chunk_size=500):
        publicity_open_for_application(application=application)
        created += 1
    return created


@transaction.atomic
def publicity_publish(*, record, by, published_on=None, channel="信用河南"):
    record = PublicityRecord.objects.select_for_update().get(pk=record.pk)
    if record.published_on:
        raise WorkflowError(f"已于 {record.published_on:%Y-%m-%d} 公示。")
    published_on = published_on or timezone.localdate()
    if published_on < record.decision_date:
        raise WorkflowError("公示日期不能早于决定日期。")
    record.published_on = published_on
    record.published_by = by
    record.channel = channel
    record.save()
    audit_record(
        by=by,
        action="publicity_publish",
        obj=record,
        to_state="已公示",
        reason=f"{channel} {published_on:%Y-%m-%d}",
    )
    return record


@transaction.atomic
def publicity_withdraw(*, record, by, reason):
    """撤回公示 when the decision is revoked or changed (within 3 working days)."""
    record = PublicityRecord.objects.select_for_update().get(pk=record.pk)
    if not record.published_on or record.withdrawn_on:
        raise WorkflowError("只有已公示、未撤回的记录可以撤回。")
    record.withdraw_reason = required_text(reason, "撤回理由")
    record.withdrawn_on = timezone.localdate()
    record.withdraw_due = add_working_days(
        record.withdrawn_on, get_param("publicity.withdraw_wd")
    )
    record.save()
    audit_record(
        by=by,
        action="publicity_withdraw",
        obj=record,
        from_state="已公示",
        to_state="已撤回",
        reason=record.withdraw_reason,
    )
    return record


# --- Officers and certificates -------------------------------------------------------------------


def certificates_expire(*, today: dt.date | None = None) -> int:
    """Daily: certificates past their validity become 过期 (conditional update,
    so a second run changes nothing)."""
    today = today or timezone.localdate()
    expired = 0
    for cert in Certificate.objects.filter(
        status=Certificate.Status.VALID, valid_to__lt=today
    ).select_related("officer__user"):
        with transaction.atomic():
            if Certificate.objects.filter(
                pk=cert.pk, status=Certificate.Status.VALID
            ).update(status=Certificate.Status.EXPIRED):
                audit_record(
                    action="certificate_expire",
                    obj=cert,
                    from_state="有效",
                    to_state="过期",
                    reason=str(cert.officer),
                )
                expired += 1
    return expired


@transaction.atomic
def officer_flag_departure(*, officer, by, reason):
    """调离/退休: the officer is flagged 待注销 until the certificate is cancelled."""
    if not by.has_perm("enforcement.change_officer"):
        raise WorkflowError("您没有维护执法人员的权限。")
    officer = type(officer).objects.select_for_update().get(pk=officer.pk)
    officer.pending_cancellation = True
    officer.pending_reason = required_text(reason, "待注销原因")
    officer.save(update_fields=["pending_cancellation", "pending_reason"])
    audit_record(
        by=by, action="officer_flag", obj=officer, reason=officer.pending_reason
    )
    return officer


def officers_flag_departed() -> int:
    """Daily: officers whose account was deactivated (transfer, retirement) while
    a certificate is still 有效 are flagged 待注销 (the report's problem list)."""
    from .models import Officer

    flagged = 0
    for officer in Officer.objects.filter(
        user__is_active=False,
        pending_cancellation=False,
        certificates__status=Certificate.Status.VALID,
    ).distinct():
        with transaction.atomic():
            if Officer.objects.filter(pk=officer.pk, pending_cancellation=False).update(
                pending_cancellation=True, pending_reason="账户已停用（调离或退休）"
            ):
                audit_record(
                    action="officer_flag",
                    obj=officer,
                    reason="账户已停用，执法证待注销",
                )
                flagged += 1
    return flagged
