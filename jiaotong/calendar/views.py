"""The working-day calendar page (工作日历): system administrators enter the State
Council's holiday schedule for years the library lacks and correct single dates."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from jiaotong.calendar import workdays
from jiaotong.calendar.models import CalendarDay
from jiaotong.web import permission_required


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_workday = forms.TypedChoiceField(
        label="类型",
        choices=[("0", "休息日（放假）"), ("1", "工作日（含调休上班）")],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(
        label="说明", max_length=100, required=False, help_text="如：元旦、春节调休上班"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-select" if name == "is_workday" else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not 2000 <= day.year <= timezone.localdate().year + 5:
            raise forms.ValidationError("日期的年份超出可维护范围。")
        return day


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 5 else today.year


def _list_url(year: int) -> str:
    return f"{reverse('calendarday_list')}?year={year}"


def _render(request, year: int, form: CalendarDayForm, status: int = 200):
    entries = list(CalendarDay.objects.filter(date__year=year).order_by("date"))
    for entry in entries:
        entry.official = workdays.official_is_working_day(entry.date)
    today = timezone.localdate()
    context = {
        "year": year,
        "years": range(today.year - 3, today.year + 3),
        "entries": entries,
        "form": form,
        "estimated": workdays.year_is_estimated(year),
        "calendar_warnings": workdays.calendar_warnings(),
        "can_change": request.user.has_perm("jiaotong.change_calendarday")
        and request.user.has_perm("jiaotong.add_calendarday"),
        "can_delete": request.user.has_perm("jiaotong.delete_calendarday"),
    }
    return render(request, "calendar/calendarday_list.html", context, status=status)


@require_safe
@permission_required("jiaotong.view_calendarday")
def calendarday_list(request):
    year = _year(request)
    return _render(
        request, year, CalendarDayForm(initial={"date": dt.date(year, 1, 1)})
    )


@require_POST
@permission_required("jiaotong.add_calendarday", "jiaotong.change_calendarday")
def calendarday_save(request):
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _render(request, _year(request), form, status=400)
    data = form.cleaned_data
    workdays.calendar_day_set(
        day=data["date"],
        is_workday=data["is_workday"],
        note=data["note"],
        by=request.user,
    )
    messages.success(request, f"已保存：{data['date']:%Y-%m-%d}。")
    return redirect(_list_url(data["date"].year))


@require_POST
@permission_required("jiaotong.delete_calendarday")
def calendarday_delete(request, pk):
    entry = get_object_or_404(CalendarDay, pk=pk)
    workdays.calendar_day_delete(entry=entry, by=request.user)
    messages.success(
        request, f"已删除 {entry.date:%Y-%m-%d} 的设置，恢复按官方日历计算。"
    )
    return redirect(_list_url(entry.date.year))
