"""The load test of issue 14: staff browsing lists, opening records and filing a
few changes against a production-like stack (``make serve``).

    make loadtest                          # starts its own stack, see bench/loadtest.py
    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s \\
        --host http://127.0.0.1:8000       # against a stack you started

Each simulated person signs in once with a demo account (the demo password;
accounts without a second factor: window1, hotline1, officer1, handler1,
reviewer1, supervisor1) and then works the way that role does, with a few
seconds between pages: the service window browses and opens applications, the
hotline browses and opens tickets and files a new one now and then (受理登记,
with its CSRF token), the enforcement brigade browses and opens cases.

A request counts as an error when it answers with an error status, and also
when a page that should be a list or a record answers anything but 200 (a
redirect to the login page: the session was lost) or when a filed ticket is not
redirected to its own page.

The simulated people are ``FastHttpUser`` (geventhttpclient): locust runs on the
same two CPUs as the stack in ``make loadtest``, and the requests library's
client spent several times the CPU per request that the portal's own pages
did not get. Redirects are not followed, so each request is one page.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import random
import re
import zoneinfo

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser
from pagelinks import page_link  # bench/ is on the path of a locustfile

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Jiaotong@2023demo")
# Seconds a person spends on a page before the next click: "MIN,MAX".
WAIT = tuple(float(x) for x in os.environ.get("LOADTEST_WAIT", "2,5").split(","))
LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_serial = itertools.count(1)


# Response times of the pages once everyone has signed in (the sign-in's Argon2
# hash costs a fraction of a second of CPU on purpose, and 50 of them within the
# first seconds queue the first pages behind them): bench/loadtest.py prints
# this steady-state p95 beside the overall one.
_page_times: list[float] = []
SIGN_IN = ("login", "login page")


@events.request.add_listener
def _record(name, response_time, exception, **_kwargs):
    if name not in SIGN_IN and exception is None:
        _page_times.append(response_time)


_signed_in = 0


def _one_more_signed_in(environment) -> None:
    """When the last person has signed in, the steady state begins: the page
    times recorded so far (queued behind the sign-ins) are dropped."""
    global _signed_in
    _signed_in += 1
    runner = environment.runner
    if runner is not None and _signed_in == runner.target_user_count:
        _page_times.clear()


@events.test_stop.add_listener
def _write_pages(**_kwargs):
    path = os.environ.get("LOADTEST_PAGES_FILE")
    if not path:
        return
    ordered = sorted(_page_times)
    p95 = (
        ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]
        if ordered
        else 0
    )
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"count": len(ordered), "p95_ms": round(p95, 1)}, out)


def _csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    return match.group(1) if match else ""


class Staff(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)  # reading the page before the next click
    usernames: tuple[str, ...] = ()
    list_url = "/"
    record = re.compile(r"$^")  # record links on the list page

    def on_start(self) -> None:
        self.username = random.choice(self.usernames)
        self.records: list[str] = []
        self.next_href: str | None = None
        page = self.client.get("/accounts/login/", name=SIGN_IN[1])
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf_token(page.text or ""),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name=SIGN_IN[0],
            allow_redirects=False,
            catch_response=True,
        ) as response:
            target = response.headers.get("Location") or ""
            if response.status_code != 302 or "/accounts/login/" in target:
                response.failure(f"{self.username} could not sign in")
        self._page("/", "/ (home)")  # where a sign-in lands
        _one_more_signed_in(self.environment)

    def _page(self, url: str, name: str, **params):
        with self.client.get(
            url,
            params=params or None,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (301, 302, 303):
                response.failure(
                    f"redirected to {response.headers.get('Location')} (signed out?)"
                )
            return response

    def browse(self, name: str, **params) -> None:
        response = self._page(self.list_url, name, **params)
        body = response.text or ""
        found = sorted(set(self.record.findall(body)))
        if found:
            self.records = found
        self.next_href = page_link(body, "next")

    def next_page(self, name: str) -> None:
        """The list's 下一页 link from the last list page seen (a cursor or a
        page number, whichever the list uses)."""
        if self.next_href is None:
            self.browse(f"{name} (list)")
        if self.next_href is not None:
            response = self._page(self.list_url + self.next_href, name)
            self.next_href = page_link(response.text or "", "next")

    def open_record(self, name: str) -> None:
        if not self.records:
            self.browse(f"{name} (list)")
        if self.records:
            pk = random.choice(self.records)
            self._page(f"{self.list_url}{pk}/", name)


class WindowClerk(Staff):
    """窗口工作人员: the application list, its filters and pages, the records."""

    weight = 2
    usernames = ("window1",)
    list_url = "/licensing/"
    record = re.compile(r'href="/licensing/(\d+)/"')

    @task(4)
    def application_list(self):
        self.browse("/licensing/ (list)")

    @task(2)
    def application_list_filtered(self):
        self.browse("/licensing/?q= (search)", q=random.choice(["王", "李", "张"]))

    @task(1)
    def application_list_next_page(self):
        self.next_page("/licensing/ (next page)")

    @task(4)
    def application_detail(self):
        self.open_record("/licensing/[id]/")


class HotlineAgent(Staff):
    """热线工作人员: the ticket list, the records, and new tickets (受理登记)."""

    weight = 2
    usernames = ("hotline1",)
    list_url = "/hotline/"
    record = re.compile(r'href="/hotline/(\d+)/"')

    @task(4)
    def ticket_list(self):
        self.browse("/hotline/ (list)")

    @task(1)
    def ticket_list_next_page(self):
        self.next_page("/hotline/ (next page)")

    @task(1)
    def ticket_list_filtered(self):
        self.browse("/hotline/?category= (filter)", category="投诉")

    @task(4)
    def ticket_detail(self):
        self.open_record("/hotline/[id]/")

    @task(1)
    def ticket_intake(self):
        form = self._page("/hotline/new/", "/hotline/new/ (form)")
        now = dt.datetime.now(LOCAL_TZ)
        n = next(_serial)
        with self.client.post(
            "/hotline/new/",
            data={
                "csrfmiddlewaretoken": _csrf_token(form.text or ""),
                "source": "12328",
                "received_at": now.strftime("%Y-%m-%dT%H:%M"),
                "category": "咨询",
                "area": "出租汽车",
                "content": f"压力测试来电：咨询出租汽车运价（第{n}件）。",
                "caller_phone": f"139{n % 10**8:08d}",
            },
            headers={"Referer": self.host + "/hotline/new/"},
            name="/hotline/new/ (file)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            target = response.headers.get("Location") or ""
            if response.status_code != 302 or not re.search(r"/hotline/\d+/$", target):
                response.failure("the new ticket was not filed")


class Officer(Staff):
    """执法人员: the case list and the case records."""

    weight = 1
    usernames = ("officer1",)
    list_url = "/enforcement/"
    record = re.compile(r'href="/enforcement/(\d+)/"')

    @task(3)
    def case_list(self):
        self.browse("/enforcement/ (list)")

    @task(3)
    def case_detail(self):
        self.open_record("/enforcement/[id]/")
