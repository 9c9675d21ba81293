"""The form renderer (jiaotong/renderers.py): Django's widgets from their Jinja2
templates, the admin's from Django templates, and the same HTML either way."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template

from jiaotong.renderers import WidgetRenderer


def test_widgets_come_from_jinja2_and_the_admins_from_django_templates():
    renderer = WidgetRenderer()
    select = renderer.get_template("django/forms/widgets/select.html")
    related = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert isinstance(select, Jinja2Template)
    assert isinstance(related, DjangoTemplate)


class _Filter(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=5)
    unit = forms.ChoiceField(
        label="单位",
        choices=[("", "全部"), ("1", "<script>alert(1)</script>"), ("2", "城关镇")],
    )
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    done = forms.BooleanField(label="已办结", required=False)
    kinds = forms.MultipleChoiceField(
        label="类别",
        choices=[("a", "许可"), ("b", '"引号"')],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": '"><img src=x onerror=alert(1)>', "unit": "1", "kinds": ["b"]},
        {"q": "toolongvalue", "unit": "9", "day": "2023-02-30", "done": "on"},
    ],
)
def test_a_form_renders_the_same_html_as_with_django_templates(data):
    fast = _Filter(data or None, renderer=WidgetRenderer())
    plain = _Filter(data or None, renderer=DjangoTemplates())
    fast.is_valid() if data else None
    plain.is_valid() if data else None

    def html(form):
        # The templates' whitespace differs, and so do the two escapers'
        # spellings of the same quote characters (markupsafe: &#34; &#39;).
        text = "".join(str(form).split())
        return text.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")

    assert html(fast) == html(plain)
    assert "<script>" not in str(fast) and "<img" not in str(fast)
