from django import forms
from django.utils import timezone

from jiaotong.models import Enterprise, Matter
from jiaotong.registry.models import Industry

from .models import InspectionItem, InspectionRecord, SpotCheckTask


class TaskForm(forms.ModelForm):
    industries = forms.MultipleChoiceField(
        label="行业范围",
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则为全部行业。",
    )
    towns = forms.CharField(
        label="乡镇范围",
        required=False,
        help_text="多个乡镇用逗号或空格分隔；不填则为全部乡镇。",
    )
    items = forms.ModelMultipleChoiceField(
        label="抽查事项",
        queryset=InspectionItem.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SpotCheckTask
        fields = [
            "name",
            "items",
            "industries",
            "towns",
            "window_start",
            "window_end",
            "ratio_a",
            "ratio_b",
            "ratio_c",
            "ratio_d",
            "fixed_count",
        ]
        widgets = {
            "window_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "window_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_towns(self):
        text = self.cleaned_data["towns"].replace("，", ",").replace(",", " ")
        return [t for t in text.split() if t]


class RecordForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.all())
    kind = forms.ChoiceField(label="检查类型", choices=InspectionRecord.Kind.choices)
    inspected_on = forms.DateField(
        label="检查日期",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    inspectors = forms.ModelMultipleChoiceField(
        label="检查人员（至少两人）", queryset=None
    )
    items = forms.ModelMultipleChoiceField(
        label="检查事项", queryset=InspectionItem.objects.all(), required=False
    )
    result = forms.ChoiceField(
        label="检查结果", choices=InspectionRecord.Result.choices
    )
    findings = forms.CharField(
        label="检查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    penalty_matter = forms.ModelChoiceField(
        label="立案处罚事项",
        queryset=Matter.objects.filter(power_type="行政处罚"),
        required=False,
        help_text="结果为“立案查处”时选择，将生成一份待立案的处罚案件。",
    )
    rectification = forms.CharField(
        label="整改要求", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, enterprises=None, **kwargs):
        super().__init__(*args, **kwargs)
        from enforcement.models import Officer

        self.fields["inspectors"].queryset = Officer.objects.select_related("user")
        if enterprises is not None:
            self.fields["enterprise"].queryset = enterprises


class TaskRecordForm(RecordForm):
    """The task page's result entry: the kind follows from the draw."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
