"""The data import page (数据导入): upload → dry-run preview → 确认导入.

The uploaded workbook is kept under ``MEDIA_ROOT/imports/<random>.xlsx`` between
the preview and the confirmation; its name is generated here and remembered in
the session (never taken from the form), and the file is deleted once the
import has run, when the preview finds errors, or when the next upload replaces
it.  Files older than a day (abandoned previews) are swept on each upload.
"""

import re
import secrets
import time
from io import BytesIO
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiaotong.imports.framework import kinds, run_import
from jiaotong.imports.uploads import MAX_UPLOAD_BYTES, check_upload, upload_extension
from jiaotong.web import permission_required

SESSION_KEY = "pending_import"
STALE_SECONDS = 24 * 60 * 60
MAX_ERRORS_SHOWN = 500
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="导入类型")
    file = forms.FileField(
        label="Excel 工作簿（.xlsx）",
        help_text="第1行为列名，数据从第2行开始；文件不超过 10 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, f"{importer.label}（{kind}）") for kind, importer in kinds().items()
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload_extension(upload) != "xlsx":
            raise ValidationError(
                "只能上传 .xlsx 格式的 Excel 工作簿（不支持 .xls、.csv 等格式）。"
            )
        try:
            check_upload(upload, allowed={"xlsx"}, max_bytes=MAX_UPLOAD_BYTES)
        except ValidationError as error:
            if "不符" not in error.messages[0]:
                raise
            raise ValidationError(
                "文件内容不是 .xlsx 工作簿（可能只是改了扩展名），"
                "请在 Excel 中“另存为 .xlsx”后再上传。"
            ) from None
        return upload


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token: str) -> Path:
    if not _TOKEN.match(token or ""):
        raise ValueError("bad import token")
    return _upload_dir() / f"{token}.xlsx"


def _store(upload) -> str:
    """Save the upload under a server-generated name; return that name's token."""
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("*.xlsx"):  # abandoned previews
        if now - old.stat().st_mtime > STALE_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    with _path(token).open("xb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return token


def _discard(token: str | None) -> None:
    if token and _TOKEN.match(token):
        _path(token).unlink(missing_ok=True)


def _kind_help() -> list[dict]:
    return [
        {
            "kind": kind,
            "label": importer.label,
            "key": importer.key,
            "columns": importer.columns,
        }
        for kind, importer in kinds().items()
    ]


def _preview(request, *, kind, name, result, token=None):
    context = {
        "kind": kind,
        "name": name,
        "label": kinds()[kind].label,
        "result": result,
        "errors": result.errors[:MAX_ERRORS_SHOWN],
        "errors_hidden": max(0, len(result.errors) - MAX_ERRORS_SHOWN),
        "token": token,
    }
    return render(request, "imports/import_preview.html", context)


@permission_required("jiaotong.import_data")
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        name = upload.name[:100]
        _discard((request.session.pop(SESSION_KEY, None) or {}).get("token"))
        token = _store(upload)
        result = run_import(kind, _path(token), by=request.user, dry_run=True)
        if not result.ok:
            _discard(token)
            return _preview(request, kind=kind, name=name, result=result)
        request.session[SESSION_KEY] = {"token": token, "kind": kind, "name": name}
        return _preview(request, kind=kind, name=name, result=result, token=token)
    context = {"form": form, "kinds": _kind_help()}
    return render(request, "imports/import_upload.html", context)


@permission_required("jiaotong.import_data")
@require_POST
def import_confirm(request):
    pending = request.session.get(SESSION_KEY) or {}
    token = pending.get("token")
    if not token or request.POST.get("token") != token or not _path(token).exists():
        messages.error(request, "没有待确认的导入，或预览已失效，请重新上传文件。")
        return redirect("import_upload")
    del request.session[SESSION_KEY]
    try:
        result = run_import(
            pending["kind"], _path(token), by=request.user, source_name=pending["name"]
        )
    finally:
        _discard(token)
    if not result.ok:  # the registry changed between preview and confirmation
        return _preview(
            request, kind=pending["kind"], name=pending["name"], result=result
        )
    label = kinds()[pending["kind"]].label
    messages.success(request, f"{label}（{pending['name']}）{result.summary()}")
    return redirect("import_upload")


@permission_required("jiaotong.import_data")
@require_GET
def import_template(request, kind):
    """An empty workbook with the kind's header row (required columns in bold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    importer = kinds().get(kind)
    if importer is None:
        raise Http404("没有这种导入类型。")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = importer.label[:31]
    for index, column in enumerate(importer.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = max(
            12, 2 * len(column.header) + 4
        )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response
