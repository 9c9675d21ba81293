"""The Workflow table type every domain app describes its records with: the order
in which a move is refused, guards, the row lock in ``begin`` and the audit row
``finish`` writes. Tried on a core model (ExportJob) so that no domain app is
needed."""

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiaotong import actions
from jiaotong.models import AuditEvent, ExportJob
from jiaotong.workflow import (
    Transition,
    Workflow,
    WorkflowError,
    first_refusal,
    required_text,
)
from tests.factories import make_user

J = ExportJob.Status
PERM = "jiaotong.change_exportjob"


def _paused(job, user):
    return "该任务暂停。" if job.params.get("paused") else None


def _needs_progress(job, user):
    return "进度未满。" if job.progress < 100 else None


FLOW = Workflow(
    object_name="job",
    audit_prefix="job",
    transitions={
        "start": Transition("开始", (J.PENDING,), J.RUNNING, PERM, system=True),
        "finish": Transition(
            "完成",
            (J.RUNNING,),
            J.DONE,
            PERM,
            guard=first_refusal(_paused, _needs_progress),
        ),
        "fail": Transition("失败", (J.PENDING, J.RUNNING), J.FAILED, PERM),
    },
)


@pytest.fixture
def worker(org):
    user = make_user("worker", unit=org["bureau"])
    user.user_permissions.add(Permission.objects.get(codename="change_exportjob"))
    return type(user).objects.get(pk=user.pk)  # a fresh permission cache


@pytest.fixture
def job(worker):
    return ExportJob.objects.create(kind="test", requested_by=worker)


def test_unknown_action_is_refused_first(job, outsider):
    assert FLOW.refusal(job, "explode", outsider) == "未知的操作。"


def test_permission_is_checked_before_the_state(job, outsider):
    job.status = J.DONE
    assert FLOW.refusal(job, "start", outsider) == "您没有「开始」的权限。"


def test_state_is_checked_before_the_guard(job, worker):
    job.params = {"paused": True}
    message = FLOW.refusal(job, "finish", worker)
    assert message == "当前状态为「排队中」，不能执行「完成」。"


def test_guards_are_asked_in_order_and_the_first_refusal_wins(job, worker):
    job.status = J.RUNNING
    job.params = {"paused": True}
    assert FLOW.refusal(job, "finish", worker) == "该任务暂停。"
    job.params = {}
    assert FLOW.refusal(job, "finish", worker) == "进度未满。"
    job.progress = 100
    assert FLOW.refusal(job, "finish", worker) is None


def test_allowed_actions_follow_the_table_order(job, worker, outsider):
    assert FLOW.allowed_actions(job, worker) == ["start", "fail"]
    assert FLOW.allowed_actions(job, outsider) == []


def test_only_system_moves_may_be_made_without_a_user(job):
    assert FLOW.refusal(job, "start", None) is None
    assert FLOW.refusal(job, "fail", None) == "「失败」须由工作人员办理。"


def test_begin_locks_the_row(job, worker):
    with CaptureQueriesContext(connection) as queries:
        FLOW.begin(job, "start", worker)
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


def test_begin_checks_the_locked_row_not_the_stale_object(job, worker):
    ExportJob.objects.filter(pk=job.pk).update(status=J.FAILED)
    assert job.status == J.PENDING  # the caller's copy is stale
    with pytest.raises(WorkflowError, match="当前状态为「失败」"):
        FLOW.begin(job, "start", worker)


def test_finish_sets_the_target_and_writes_one_audit_event(job, worker):
    locked = FLOW.begin(job, "start", worker)
    locked.progress = 10
    FLOW.finish(locked, "start", worker, reason="手动", changes={"progress": 10})
    job.refresh_from_db()
    assert (job.status, job.progress) == (J.RUNNING, 10)
    (event,) = AuditEvent.objects.for_object(job)
    assert (event.action, event.from_state, event.to_state) == (
        "job_start",
        J.PENDING,
        J.RUNNING,
    )
    assert event.actor == worker and event.reason == "手动"
    assert event.changes == {"progress": 10}


def test_finish_with_update_fields_saves_the_status_too(job, worker):
    locked = FLOW.begin(job, "fail", worker)
    locked.error = "磁盘已满"
    locked.progress = 50  # not listed: not saved
    FLOW.finish(locked, "fail", worker, update_fields=["error"])
    job.refresh_from_db()
    assert (job.status, job.error, job.progress) == (J.FAILED, "磁盘已满", 0)


def test_required_text_strips_or_names_the_field():
    assert required_text("  理由 ", "退单理由") == "理由"
    with pytest.raises(WorkflowError, match="请填写退单理由"):
        required_text(" ", "退单理由")


class _JobNoteForm(forms.Form):
    """A move's form that wants the record: it names the keyword it takes it by."""

    record_kwarg = "job"
    note = forms.CharField(required=False)

    def __init__(self, *args, job=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job


NOTED = Transition(
    "记录",
    (J.PENDING,),
    J.RUNNING,
    PERM,
    service="jiaotong.models.ExportJob",  # never called here
    form="tests.jiaotong.test_workflow._JobNoteForm",
    initial=lambda job: {"note": job.kind},
)


def test_get_form_hands_the_record_to_a_form_that_asks_and_starts_from_it(job):
    form = NOTED.get_form(prefix="noted", obj=job)
    assert form.job == job and not form.is_bound
    assert form.initial == {"note": "test"}
    bound = NOTED.get_form({"noted-note": "x"}, prefix="noted", obj=job)
    assert bound.is_valid() and bound.cleaned_data == {"note": "x"}
    assert bound.job == job


def test_action_items_may_show_the_moves_a_guard_refuses(job, worker):
    flow = Workflow(
        object_name="job",
        audit_prefix="job",
        transitions={
            "finish": Transition(
                "完成", (J.PENDING,), J.DONE, PERM, service="x.y", guard=_needs_progress
            ),
            "fail": Transition("失败", (J.RUNNING,), J.FAILED, PERM, service="x.y"),
        },
    )
    assert actions.action_items(flow, job, worker) == []
    [item] = actions.action_items(flow, job, worker, show_refused=True)
    assert (item["name"], item["refused"]) == ("finish", "进度未满。")
    job.progress = 100
    [item] = actions.action_items(flow, job, worker, show_refused=True)
    assert (item["name"], item["refused"]) == ("finish", None)
