"""Input shapes for the window screens; the rules live in the services."""

from django import forms
from django.urls import reverse

from .models import ApplicantType, Channel, ClockPause, CommitmentCheck, Evaluation
from .rules import default_remedies
from .selectors import window_matters


class ApplicationIntakeForm(forms.Form):
    """收件登记, one page, in the order the clerk works: matter, applicant, channel."""

    matter = forms.ModelChoiceField(
        label="办理事项",
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "请选择办理事项。",
            "invalid_choice": "所选事项不是当前有效的窗口事项。",
        },
        widget=forms.Select(attrs={"size": 6, "class": "form-select"}),
    )
    applicant_type = forms.ChoiceField(
        label="申请人类型",
        choices=ApplicantType.choices,
        initial=ApplicantType.PERSON,
    )
    applicant_id_number = forms.CharField(
        label="证件号码",
        max_length=30,
        help_text="自然人填居民身份证号码，法人填统一社会信用代码；企业名录中的企业和曾办理过的申请人自动带出名称和电话。",
        error_messages={"required": "请填写证件号码。"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    applicant_name = forms.CharField(
        label="申请人",
        max_length=200,
        error_messages={"required": "请填写申请人姓名或单位名称。"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label="联系电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    channel = forms.ChoiceField(
        label="办理渠道", choices=Channel.choices, initial=Channel.WINDOW
    )
    notify_commit = forms.BooleanField(
        label="以告知承诺方式办理",
        required=False,
        help_text="仅限实行告知承诺制的事项；申请人须书面承诺。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = window_matters()
        self.fields["matter"].label_from_instance = lambda m: f"{m.code} {m.name}"
        # Leaving the ID field posts it (never a GET) to fetch earlier details
        # or the enterprise of 企业名录.
        self.fields["applicant_id_number"].widget.attrs.update(
            {
                "hx-post": reverse("licensing:applicant_lookup"),
                "hx-trigger": "change",
                "hx-target": "#applicant-hint",
                "hx-swap": "innerHTML",
                "hx-include": "#id_applicant_type",
            }
        )
        # Typing an organisation's name offers the enterprises of 企业名录.
        self.fields["applicant_name"].widget.attrs.update(
            {
                "hx-get": reverse("licensing:applicant_suggest"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#applicant-suggestions",
                "hx-swap": "innerHTML",
                "hx-include": "#id_applicant_type",
            }
        )


class SupplementForm(forms.Form):
    """一次性告知: every missing material, one a line."""

    items = forms.CharField(
        label="需补正的全部材料（每行一项，一次性告知）",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PauseForm(forms.Form):
    kind = forms.ChoiceField(
        label="暂停事由", choices=[("", "请选择")] + list(ClockPause.Kind.choices)
    )
    reason = forms.CharField(
        label="说明（已书面告知申请人）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DenyForm(forms.Form):
    reason = forms.CharField(
        label="不予许可理由", widget=forms.Textarea(attrs={"rows": 2})
    )
    remedies = forms.CharField(
        label="救济途径",
        required=False,
        initial=default_remedies,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvaluationForm(forms.Form):
    evaluation = forms.ChoiceField(
        label="评价", choices=[("", "请选择")] + list(Evaluation.choices)
    )
    problem = forms.CharField(
        label="差评反映的问题", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    measures = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rectified_on = forms.DateField(
        label="整改日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class CommitmentCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        label="核查结果",
        choices=[
            ("", "请选择"),
            (CommitmentCheck.Outcome.PASSED, CommitmentCheck.Outcome.PASSED.label),
            (CommitmentCheck.Outcome.FAILED, CommitmentCheck.Outcome.FAILED.label),
        ],
    )
    note = forms.CharField(
        label="核查情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitForm(forms.Form):
    visit_note = forms.CharField(
        label="回访情况", widget=forms.Textarea(attrs={"rows": 2})
    )


class IdSearchForm(forms.Form):
    """Search by ID number: posted, kept in the session, never in a URL."""

    id_number = forms.CharField(
        label="证件号码",
        min_length=15,
        max_length=18,
        error_messages={"min_length": "请输入完整的证件号码（18位）。"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class RevealForm(forms.Form):
    reason = forms.CharField(
        label="查看原因",
        max_length=200,
        error_messages={"required": "查看完整证件号码须说明原因。"},
    )
