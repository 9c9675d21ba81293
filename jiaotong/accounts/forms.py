"""Forms and the list filter for sign-in and the account pages."""

import django_filters
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q

from jiaotong import roles
from jiaotong.filters import YES_NO, bootstrap_widgets
from jiaotong.inputs import FilterSet
from jiaotong.validators import validate_username

from .models import OrgUnit, User

# One sentence for an unknown user, a wrong password and a stopped account alike,
# so the login page does not reveal which accounts exist.
INVALID_LOGIN = "用户名或密码不正确。"


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": INVALID_LOGIN,
        "inactive": INVALID_LOGIN,
    }


class UserFilter(FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "用户名或姓名"}),
    )
    unit = django_filters.ModelChoiceFilter(
        label="单位（含下级）",
        queryset=OrgUnit.objects.all(),
        method="in_unit",
        empty_label="全部",
    )
    role = django_filters.ChoiceFilter(
        label="角色",
        choices=[(r, r) for r in roles.ALL_ROLES],
        field_name="groups__name",
        empty_label="全部",
    )
    is_active = django_filters.BooleanFilter(
        label="启用", widget=forms.Select(choices=YES_NO)
    )

    class Meta:
        model = User
        fields = ["q", "unit", "role", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self.form)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value) | Q(full_name__icontains=value)
        )

    def in_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色",
        choices=[(r, r) for r in roles.ALL_ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="系统管理员、安全管理员、审计管理员三者不得由同一人兼任。",
    )


class _NewPasswordMixin(forms.Form):
    """Two password boxes that must match; the rules are checked by the service."""

    password1 = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="确认密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        one = self.cleaned_data.get("password1")
        two = self.cleaned_data.get("password2")
        if one and two and one != two:
            raise forms.ValidationError("两次输入的密码不一致。")
        return two


class UserCreateForm(_NewPasswordMixin):
    username = forms.CharField(
        label="用户名",
        max_length=30,
        validators=[validate_username],
        help_text="2至30位英文字母、数字或 . _ -，以字母开头（如 zhang.wei）。",
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    unit = forms.ModelChoiceField(
        label="所属单位", queryset=OrgUnit.objects.all(), empty_label="请选择"
    )
    phone = forms.CharField(label="手机号码", max_length=20, required=False)

    field_order = ["username", "full_name", "unit", "phone", "password1", "password2"]


class PasswordResetForm(_NewPasswordMixin):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)
