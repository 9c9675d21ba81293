"""In headless Chromium: supervision staff create a spot-check task, run the
draw, check it verifies, record a result and publish it; the public results
page shows it. Screenshots in /tmp/shots/sup/."""

from pathlib import Path

import pytest
from django.utils import timezone

from supervision.models import SpotCheckTask
from tests.browser.conftest import (  # noqa: F401 (fixtures)
    VIEWPORT,
    browser,
    login,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/sup")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_task_draw_record_publish(
    browser,  # noqa: F811
    live_server,
    supervisor,
    item,
    register,
    officers,
):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, supervisor)

    page.click("text=双随机抽查")
    page.click("text=新建抽查任务")
    page.fill("input[name=name]", "巡游出租汽车经营者双随机抽查")
    page.check(f"input[name=items][value='{item.pk}']")
    page.check("input[name=industries][value='出租汽车']")
    today = timezone.localdate().isoformat()
    page.fill("input[name=window_start]", today)
    page.fill("input[name=window_end]", today)
    shot(page, "1-task-form")
    page.click("button:has-text('创建任务')")
    page.wait_for_selector("text=开始随机抽取")

    page.click("#draw-button")
    page.wait_for_selector("text=抽取结果（8 家）")
    assert page.locator("text=随机种子").count() == 1
    shot(page, "2-drawn")

    page.click("text=复算核验")
    assert page.locator(".alert-success").count() == 1
    shot(page, "3-verify")
    page.go_back()

    task = SpotCheckTask.objects.get()
    pick = task.current_draw.picks.first()
    page.select_option("select[name=enterprise]", str(pick.enterprise_id))
    page.select_option(
        "select[name=inspectors]", [str(o.pk) for o in pick.inspectors.all()]
    )
    page.select_option("select[name=result]", "none")
    page.click("button:has-text('保存检查结果')")
    page.wait_for_selector("text=已录入")
    page.click("button:has-text('公示检查结果')")
    page.wait_for_selector("text=检查结果已公示")
    shot(page, "4-published")

    page.goto(f"{live_server.url}/supervision/public/results/")
    assert pick.enterprise.name in page.content()
    shot(page, "5-public")
    assert errors == []
    context.close()
