"""Forms for hotline tickets: input shape only; the rules live in services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiaotong.models import Enterprise, OrgUnit
from jiaotong.validators import validate_phone, validate_plate

from .models import (
    Category,
    FollowUpResult,
    RejectionGround,
    Source,
    Ticket,
    TicketDeadlineRule,
)
from .services import check_upload


def handling_units():
    """Units a ticket can be dispatched to: offices, brigades, squads, agencies."""
    return OrgUnit.objects.in_force_on(timezone.localdate()).exclude(
        kind__in=[OrgUnit.Kind.BUREAU, OrgUnit.Kind.TOWN]
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "\u3000" * max(obj.depth - 1, 0) + obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TicketCreateForm(forms.ModelForm):
    """受理登记: the fast intake form (radio groups answer to the arrow keys)."""

    received_at = forms.DateTimeField(
        label="来电时间",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    dispatch_to = UnitChoiceField(
        label="直接派往（可选）",
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="暂不派单",
    )

    class Meta:
        model = Ticket
        fields = [
            "source",
            "platform_no",
            "received_at",
            "category",
            "area",
            "content",
            "location",
            "caller_name",
            "caller_phone",
            "caller_confidential",
            "reply_wanted",
            "enterprise",
            "plate",
        ]
        widgets = {
            "source": forms.RadioSelect,
            "category": forms.RadioSelect,
            "content": forms.Textarea(attrs={"rows": 4}),
            # Picked through the search box above it (name, credit code or plate).
            "enterprise": forms.HiddenInput,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispatch_to"].queryset = handling_units()
        self.fields["enterprise"].queryset = (
            Enterprise.objects.visible_to(user) if user else Enterprise.objects.none()
        )
        # The call starts with what it is about: 诉求类型 (arrow keys), 业务类别.
        self.fields["category"].widget.attrs["autofocus"] = True
        # Radio groups without the blank "---------" choice.
        self.fields["source"].choices = Source.choices
        self.fields["category"].choices = Category.choices
        for name in ("source", "category"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        if not self.is_bound:
            self.initial.setdefault("source", Source.H12328)
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def picked_enterprise(self):
        """The enterprise chosen so far (shown beside the search box on a redisplay)."""
        value = self.data.get("enterprise") if self.is_bound else None
        if not value or not str(value).isdigit():
            return None
        return self.fields["enterprise"].queryset.filter(pk=value).first()

    def clean_caller_phone(self):
        return validate_phone(self.cleaned_data["caller_phone"])

    def clean_plate(self):
        plate = self.cleaned_data["plate"].strip()
        return validate_plate(plate) if plate else ""

    def validate_unique(self):
        # The service reports a duplicate ticket number (it also holds the lock).
        pass


class DispatchForm(forms.Form):
    unit = UnitChoiceField(label="承办单位", queryset=OrgUnit.objects.none())
    note = forms.CharField(label="派单说明", required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = handling_units()


class ReplyTextForm(forms.Form):
    reply_text = forms.CharField(
        label="答复内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class NotAcceptForm(forms.Form):
    ground = forms.ChoiceField(label="不予受理理由", choices=RejectionGround.choices)
    reason = forms.CharField(
        label="告知来电人的说明（应通过的途径）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AcceptReturnForm(forms.Form):
    note = forms.CharField(label="审核意见", required=False, max_length=1000)
    redispatch_to = UnitChoiceField(
        label="改派单位（可选）",
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="退回派单台，稍后派单",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["redispatch_to"].queryset = handling_units()


class ExtensionRequestForm(forms.Form):
    reason = forms.CharField(
        label="延期理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    requested_due = forms.DateField(
        label="申请延至",
        required=False,
        widget=DateInput(),
        help_text="留空则按规则顺延。",
    )


class ApproveExtensionForm(forms.Form):
    new_due = forms.DateField(
        label="批准延至",
        required=False,
        widget=DateInput(),
        help_text="留空则按申请日期。",
    )
    note = forms.CharField(label="审批意见", required=False, max_length=1000)


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(
        label="回访结果", choices=FollowUpResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="回访说明（不满意时填写原因）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class DeadlineRuleForm(forms.ModelForm):
    class Meta:
        model = TicketDeadlineRule
        fields = ["days", "extension_days", "basis"]

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days < 1:
            raise ValidationError("办理时限至少为1个工作日。")
        return days
