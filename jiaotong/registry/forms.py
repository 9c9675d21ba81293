"""Forms of the registry pages. They check input shape and say what is wrong in
Chinese; the registry services hold the rules and do the writes."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiaotong.accounts.models import OrgUnit
from jiaotong.validators import mask_phone, validate_credit_code, validate_phone

from .models import CreditGrade, CreditGradeChange, Enterprise, Matter
from .services import MATTER_FIELDS


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper(*rows) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*rows)
    return helper


class MatterForm(forms.ModelForm):
    """Create (with 事项编码) or edit (code fixed) a power-list item."""

    unit = forms.ModelChoiceField(
        label="承办单位",
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        empty_label="（未指定）",
    )

    class Meta:
        model = Matter
        fields = ["code", *sorted(MATTER_FIELDS)]
        widgets = {
            "basis": forms.Textarea(attrs={"rows": 3}),
            "effective_from": _date_widget(),
            "repealed_on": _date_widget(),
        }
        error_messages = {
            "code": {"unique": "事项编码已存在，请在该事项的编辑页修改。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        if editing:
            del self.fields["code"]
        self.helper = _helper(
            *([] if editing else [Row(Column("code", css_class="col-md-4"))]),
            Row(
                Column("name", css_class="col-md-8"),
                Column("power_type", css_class="col-md-4"),
            ),
            "basis",
            Row(
                Column("statutory_limit_days", css_class="col-md-3"),
                Column("promised_limit_days", css_class="col-md-3"),
                Column("source", css_class="col-md-3"),
                Column("unit", css_class="col-md-3"),
            ),
            Row(
                Column("effective_from", css_class="col-md-3"),
                Column("repealed_on", css_class="col-md-3"),
                Column("notify_commit", css_class="col-md-3 app-check-align"),
                Column("publicity_required", css_class="col-md-3 app-check-align"),
            ),
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            raise ValidationError("事项编码不能为空。")
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_from"), data.get("repealed_on")
        if start and end and end < start:
            self.add_error("repealed_on", "废止日期不能早于生效日期。")
        legal, promised = (
            data.get("statutory_limit_days"),
            data.get("promised_limit_days"),
        )
        if legal is not None and promised is not None and promised > legal:
            self.add_error("promised_limit_days", "承诺时限不能超过法定时限。")
        return data

    def values(self) -> dict:
        """What ``matter_upsert`` takes: the editable fields, by model field name."""
        return {name: self.cleaned_data[name] for name in MATTER_FIELDS}


class EnterpriseForm(forms.ModelForm):
    """Create an enterprise (credit code and starting grade) or edit its details.

    On edit the stored phone number is never sent to the browser (PIPL): the
    field starts empty and an empty answer keeps the number on file."""

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "industry",
            "town",
            "credit_grade",
            "contact",
            "phone",
            "address",
            "key_supervision",
        ]
        error_messages = {
            "credit_code": {"unique": "该统一社会信用代码的企业已在名录中。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = self.instance.pk is not None
        if self.editing:
            # The key is fixed; the grade changes only through its own dated action.
            del self.fields["credit_code"]
            del self.fields["credit_grade"]
            self.initial["phone"] = ""
            if self.instance.phone:
                self.fields[
                    "phone"
                ].help_text = (
                    f"当前号码 {mask_phone(self.instance.phone)}，留空则保持不变。"
                )
        self.helper = _helper(
            *(
                []
                if self.editing
                else [
                    Row(
                        Column("credit_code", css_class="col-md-6"),
                        Column("credit_grade", css_class="col-md-3"),
                    )
                ]
            ),
            Row(
                Column("name", css_class="col-md-6"),
                Column("industry", css_class="col-md-3"),
                Column("town", css_class="col-md-3"),
            ),
            Row(
                Column("contact", css_class="col-md-3"),
                Column("phone", css_class="col-md-3"),
                Column("address", css_class="col-md-6"),
            ),
            "key_supervision",
        )

    def clean_credit_code(self):
        return validate_credit_code(self.cleaned_data["credit_code"])

    def clean_phone(self):
        phone = validate_phone(self.cleaned_data.get("phone"))
        if self.editing and not phone:
            return self.instance.phone
        return phone

    def values(self) -> dict:
        fields = ["name", "industry", "town", "contact", "phone", "address"]
        fields.append("key_supervision")
        if not self.editing:
            fields.append("credit_grade")
        return {name: self.cleaned_data[name] for name in fields}


class GradeChangeForm(forms.Form):
    """A manual, dated change of an enterprise's credit grade with its reason."""

    to_grade = forms.ChoiceField(
        label="新信用等级", choices=[("", "请选择"), *CreditGrade.choices]
    )
    changed_on = forms.DateField(label="调整日期", widget=_date_widget())
    cause = forms.ChoiceField(
        label="原因类型",
        choices=[
            (CreditGradeChange.Cause.MANUAL, CreditGradeChange.Cause.MANUAL.label),
            (CreditGradeChange.Cause.REPAIR, CreditGradeChange.Cause.REPAIR.label),
        ],
    )
    reason = forms.CharField(
        label="原因说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        kwargs.setdefault("initial", {"changed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.helper = _helper(
            Row(
                Column("to_grade", css_class="col-md-4"),
                Column("changed_on", css_class="col-md-4"),
                Column("cause", css_class="col-md-4"),
            ),
            "reason",
        )

    def clean_to_grade(self):
        grade = self.cleaned_data["to_grade"]
        if grade == self.enterprise.credit_grade:
            raise ValidationError(f"信用等级已是 {grade}，无需调整。")
        return grade

    def clean_changed_on(self):
        day = self.cleaned_data["changed_on"]
        if day > timezone.localdate():
            raise ValidationError("调整日期不能晚于今天。")
        return day
