"""Forms for the governance registers: input shape only; the rules live in
services. Forms expose exactly the fields their service takes."""

from django import forms

from jiaotong.imports.uploads import UPLOAD_TYPES
from jiaotong.models import OrgUnit

from . import selectors
from .models import (
    Campaign,
    CampaignActivity,
    CampaignIssue,
    DraftingStep,
    EducationEvent,
    Feedback,
    Mediation,
    NormativeDocument,
    Outcome,
    Petition,
    ReviewResult,
    Suggestion,
    SuggestionContact,
    TrainingSession,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def moment_field(label: str, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        help_text="" if required else "不填为当前时间。",
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RecordForm(forms.ModelForm):
    """A register row's own fields plus its responsible unit, offered from the
    units the user may record for."""

    unit = UnitChoiceField(label="责任单位", queryset=OrgUnit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.recording_units(user)
        if not self.instance.pk and user.unit_id:
            self.fields["unit"].initial = user.unit_id
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not isinstance(
                field, forms.DateTimeField
            ):
                field.widget = DateInput()
            elif isinstance(field, forms.DateTimeField):
                field.widget = DateTimeInput()
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3


# --- Suggestions ------------------------------------------------------------------------


class SuggestionForm(RecordForm):
    unit = UnitChoiceField(label="主办单位", queryset=OrgUnit.objects.none())
    co_units = UnitMultipleChoiceField(
        label="协办单位",
        queryset=OrgUnit.objects.exclude(kind=OrgUnit.Kind.TOWN),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Suggestion
        fields = [
            "kind",
            "number",
            "title",
            "proposers",
            "content",
            "unit",
            "co_units",
            "assigned_on",
            "difficult",
        ]


class SuggestionEditForm(SuggestionForm):
    class Meta(SuggestionForm.Meta):
        fields = [f for f in SuggestionForm.Meta.fields if f not in ("kind", "number")]


class SuggestionReplyForm(forms.Form):
    reply_doc_no = forms.CharField(label="答复文号", max_length=60)
    outcome = forms.ChoiceField(label="办理结果分类", choices=Outcome.choices)
    reply_summary = forms.CharField(
        label="答复内容摘要", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    replied_at = moment_field("答复时间")


class SuggestionFeedbackForm(forms.Form):
    feedback = forms.ChoiceField(
        label="代表（委员）意见", choices=Feedback.choices, widget=forms.RadioSelect
    )
    feedback_on = forms.DateField(label="反馈日期", widget=DateInput())


class ContactForm(forms.ModelForm):
    class Meta:
        model = SuggestionContact
        fields = ["way", "contacted_on", "note"]
        widgets = {
            "contacted_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class NoteForm(forms.Form):
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MomentForm(forms.Form):
    moment = moment_field("时间")


# --- Normative documents ------------------------------------------------------------------


class DocumentForm(RecordForm):
    unit = UnitChoiceField(label="起草单位", queryset=OrgUnit.objects.none())

    class Meta:
        model = NormativeDocument
        fields = ["title", "summary", "concerns_business", "unit"]


class DocumentRegisterForm(RecordForm):
    """存量文件: one issued before this register, registered as in force."""

    unit = UnitChoiceField(label="制定单位", queryset=OrgUnit.objects.none())

    class Meta:
        model = NormativeDocument
        fields = [
            "title",
            "doc_no",
            "published_on",
            "effective_from",
            "expires_on",
            "filed_on",
            "filed_with",
            "summary",
            "concerns_business",
            "unit",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("doc_no", "published_on"):
            self.fields[name].required = True


class DraftingStepForm(forms.ModelForm):
    class Meta:
        model = DraftingStep
        fields = ["kind", "done_on", "conclusion"]
        widgets = {
            "done_on": DateInput(),
            "conclusion": forms.Textarea(attrs={"rows": 2}),
        }


class DocumentPublishForm(forms.Form):
    doc_no = forms.CharField(label="文号", max_length=60)
    published_on = forms.DateField(label="公布日期", widget=DateInput())
    effective_from = forms.DateField(
        label="施行日期",
        required=False,
        widget=DateInput(),
        help_text="不填同公布日期。",
    )
    expires_on = forms.DateField(label="有效期至", required=False, widget=DateInput())


class DocumentFileForm(forms.Form):
    filed_on = forms.DateField(label="备案日期", widget=DateInput())
    filed_with = forms.CharField(label="备案机关", max_length=100)


class DocumentReviewForm(forms.Form):
    result = forms.ChoiceField(label="清理结果", choices=ReviewResult.choices)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
    concluded_at = moment_field("清理结论时间")


# --- Mediation and petitions --------------------------------------------------------------


class MediationForm(RecordForm):
    class Meta:
        model = Mediation
        fields = [
            "number",
            "applicant",
            "respondent",
            "industry",
            "summary",
            "applied_on",
            "unit",
        ]


class MediationEditForm(MediationForm):
    class Meta(MediationForm.Meta):
        fields = [f for f in MediationForm.Meta.fields if f != "number"] + ["notes"]


class MediationAgreeForm(forms.Form):
    agreement = forms.CharField(
        label="调解协议内容", widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label="调解经过", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    concluded_at = moment_field("签订时间")


class PetitionForm(RecordForm):
    class Meta:
        model = Petition
        fields = [
            "number",
            "petitioner",
            "industry",
            "received_on",
            "subject",
            "content",
            "unit",
        ]


class PetitionEditForm(PetitionForm):
    class Meta(PetitionForm.Meta):
        fields = [f for f in PetitionForm.Meta.fields if f != "number"]


class PetitionResolveForm(forms.Form):
    resolution = forms.CharField(
        label="解决情况", widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved_at = moment_field("解决时间")


# --- Activities ---------------------------------------------------------------------------


class EducationForm(RecordForm):
    class Meta:
        model = EducationEvent
        fields = [
            "title",
            "theme",
            "held_at",
            "place",
            "laws",
            "banners",
            "leaflets",
            "participants",
            "articles",
            "note",
            "unit",
        ]


class CampaignForm(RecordForm):
    class Meta:
        model = Campaign
        fields = ["title", "plan", "plan_issued_on", "starts_on", "ends_on", "unit"]


class CampaignActivityForm(forms.ModelForm):
    held_at = forms.DateTimeField(label="时间", widget=DateTimeInput())

    class Meta:
        model = CampaignActivity
        fields = [
            "kind",
            "held_at",
            "description",
            "banners",
            "articles",
            "enterprise_visits",
        ]


class CampaignIssueForm(forms.ModelForm):
    listed_at = moment_field("列入清单时间")

    class Meta:
        model = CampaignIssue
        fields = ["description", "owner", "deadline", "measures", "listed_at"]
        widgets = {
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }


class IssueRectifyForm(forms.Form):
    rectification = forms.CharField(
        label="整改情况", widget=forms.Textarea(attrs={"rows": 2})
    )
    rectified_at = moment_field("整改完成时间")


class TrainingForm(RecordForm):
    class Meta:
        model = TrainingSession
        fields = [
            "topic",
            "held_at",
            "hours",
            "place",
            "trainer",
            "for_enforcement",
            "note",
            "unit",
        ]


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class AttendanceForm(forms.Form):
    """Attendance taken from the staff list, plus names of people without an
    account (one per line)."""

    users = StaffChoiceField(
        label="参训人员（从人员名单勾选）",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    names = forms.CharField(
        label="无账号人员（每行一个姓名）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = selectors.staff_for_training(user)

    def clean_names(self):
        return [line for line in self.cleaned_data["names"].splitlines()]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="文件",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in UPLOAD_TYPES)}
        ),
    )
    title = forms.CharField(label="材料名称", max_length=100, required=False)
