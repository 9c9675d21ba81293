"""Input shapes for the enforcement screens; the rules live in services/rules."""

from django import forms
from django.utils import timezone

from jiaotong.models import DiscretionItem, Enterprise, Matter
from jiaotong.registry.models import PowerType

from .models import (
    MAX_EXTENSION_DAYS,
    MAX_FINE,
    CaseSource,
    Evidence,
    LegalReview,
    PartyType,
    PenaltyType,
    Procedure,
)
from .rules import qualified_officers

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


def _fine_field(**extra):
    return forms.DecimalField(
        label="罚款金额（元）",
        min_value=0,
        max_value=MAX_FINE,
        decimal_places=2,
        required=False,
        **extra,
    )


def _penalty_field():
    return forms.MultipleChoiceField(
        label="处罚种类",
        choices=PenaltyType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _discretion_field():
    field = forms.ModelChoiceField(
        label="裁量基准",
        queryset=DiscretionItem.objects.in_force_on(timezone.localdate())
        .select_related("matter")
        .order_by("code"),
        required=False,
        empty_label="（未适用）",
    )
    field.label_from_instance = lambda d: (
        f"{d.code} {d.violation}"
        + (
            f"（{d.fine_min:.0f}–{d.fine_max:.0f}元）"
            if d.fine_min is not None and d.fine_max is not None
            else ""
        )
    )
    return field


class MoveForm(forms.Form):
    """A workflow move's form; ``case`` lets a form fit its choices to the case
    (``Transition.get_form`` passes it, see ``record_kwarg``)."""

    record_kwarg = "case"

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case


class CaseForm(forms.Form):
    """登记案件 / 修改案件: party, violation, officers and the proposed penalty."""

    procedure = forms.ChoiceField(
        label="程序类型", choices=Procedure.choices, initial=Procedure.GENERAL
    )
    source = forms.ChoiceField(label="案件来源", choices=CaseSource.choices)
    party_type = forms.ChoiceField(label="当事人类型", choices=PartyType.choices)
    party_name = forms.CharField(label="当事人", max_length=200)
    party_id_number = forms.CharField(
        label="证件号码",
        max_length=30,
        help_text="自然人填居民身份证号码，法人填统一社会信用代码。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    party_address = forms.CharField(label="当事人地址", max_length=200, required=False)
    party_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    enterprise = forms.ModelChoiceField(
        label="关联企业",
        queryset=Enterprise.objects.only("id", "name").order_by("name"),
        required=False,
        empty_label="（按信用代码自动关联）",
    )
    plate = forms.CharField(label="车牌号", max_length=12, required=False)
    matter = forms.ModelChoiceField(
        label="违法行为（处罚事项）",
        queryset=Matter.objects.filter(power_type=PowerType.PENALTY).order_by("code"),
        empty_label="请选择",
    )
    officers = forms.ModelMultipleChoiceField(
        label="办案人员（须持有效执法证）",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    occurred_at = forms.DateTimeField(label="违法时间", required=False, widget=DATETIME)
    location = forms.CharField(label="违法地点", max_length=200, required=False)
    facts = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(
        label="处罚依据", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    penalty_types = _penalty_field()
    fine = _fine_field()
    discretion_item = _discretion_field()
    discretion_departure_reason = forms.CharField(
        label="偏离裁量基准的理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_complex = forms.BooleanField(label="情节复杂或重大违法", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].label_from_instance = lambda m: f"{m.code} {m.name}"
        self.fields["officers"].queryset = qualified_officers()
        self.fields["officers"].label_from_instance = lambda o: str(o)

    def clean_fine(self):
        return self.cleaned_data.get("fine") or 0


class ConcludeInvestigationForm(MoveForm):
    penalty_types = _penalty_field()
    fine = _fine_field()
    legal_basis = forms.CharField(
        label="处罚依据", widget=forms.Textarea(attrs={"rows": 2})
    )
    discretion_item = _discretion_field()
    discretion_departure_reason = forms.CharField(
        label="偏离裁量基准的理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_complex = forms.BooleanField(label="情节复杂或重大违法", required=False)
    report = forms.CharField(
        label="调查终结报告要点",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_fine(self):
        return self.cleaned_data.get("fine") or 0


class NotifyForm(MoveForm):
    statement_waived = forms.BooleanField(
        label="当事人明确放弃陈述申辩", required=False
    )
    statement = forms.CharField(
        label="陈述申辩及复核情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HearingRequestForm(MoveForm):
    requested_on = forms.DateField(label="申请日期", required=False, widget=DATE)


class HearingRecordForm(MoveForm):
    held = forms.TypedChoiceField(
        label="结果",
        choices=(("1", "已举行听证"), ("0", "当事人放弃听证")),
        coerce=lambda v: v == "1",
    )
    chair = forms.CharField(
        label="主持人（非本案调查人员）", max_length=50, required=False
    )
    notice_sent_on = forms.DateField(label="通知日期", required=False, widget=DATE)
    scheduled_for = forms.DateTimeField(
        label="举行时间", required=False, widget=DATETIME
    )
    transcript = forms.CharField(
        label="听证笔录摘要", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(MoveForm):
    """法制审核: the six checklist points and the written opinion."""

    subject_ok = forms.BooleanField(
        label="主体：执法主体合法、人员具备资格", required=False
    )
    facts_ok = forms.BooleanField(label="事实：违法事实清楚", required=False)
    evidence_ok = forms.BooleanField(label="证据：证据确凿、合法", required=False)
    basis_ok = forms.BooleanField(label="依据：适用法律依据正确", required=False)
    procedure_ok = forms.BooleanField(label="程序：程序合法", required=False)
    discretion_ok = forms.BooleanField(label="裁量：处罚裁量适当", required=False)
    opinion = forms.CharField(
        label="书面审核意见", widget=forms.Textarea(attrs={"rows": 3})
    )

    CHECKLIST = LegalReview.CHECKLIST


class DiscussionForm(MoveForm):
    record = forms.CharField(
        label="集体讨论记录（参加人、意见、结论）",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecideForm(MoveForm):
    decision_reason = forms.CharField(
        label="决定理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(MoveForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))


class ServeForm(MoveForm):
    service_method = forms.ChoiceField(
        label="送达方式",
        choices=[
            (m, m)
            for m in (
                "直接送达",
                "留置送达",
                "邮寄送达",
                "委托送达",
                "电子送达",
                "公告送达",
            )
        ],
    )


class ExecuteForm(MoveForm):
    paid_amount = forms.DecimalField(
        label="实缴金额（元）", min_value=0, max_value=MAX_FINE * 2, decimal_places=2
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label="延长天数", min_value=1, max_value=MAX_EXTENSION_DAYS
    )
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    published_on = forms.DateField(label="公示日期", required=False, widget=DATE)
    channel = forms.CharField(label="公示渠道", max_length=40, initial="信用河南")


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="证据类型",
        choices=Evidence.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    title = forms.CharField(
        label="证据名称",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    file = forms.FileField(
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control form-control-sm"}
        ),
        label="文件",
        help_text="照片（JPG/PNG）、录音（MP3/WAV）、文书（PDF/Word），单个不超过 50 MB。",
    )
