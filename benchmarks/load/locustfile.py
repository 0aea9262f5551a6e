"""Locust users of the load scenario (run by ``benchmarks/load.py``; not on its own in CI).

Three kinds of people, each signing in through the login form (CSRF token, then the second factor's
page when the account requires one, with a code computed from the device key ``load.py`` created):

- officers (board officers): browse the enterprise, inspection, hazard and case lists and details, and
  record an inspection through the pages: start a draft for an enterprise of their board, then answer
  checklist items one by one as the edit page's autosave does (htmx POST with the record's version);
- legal reviewers: open their review queue, a review, the case under review and its step form;
- district leaders: the home page, the dashboard (执法态势), the month's figures, the bulletins and one
  bulletin.

Between two actions a user reads the page for ``ZHIFA_LOAD_THINK`` seconds ("MIN,MAX", default 3–10).
Every user also probes ``/healthz`` now and then: the baseline in the same run. A page that answers
anything but 200, lands on the login or code page, or lacks what it must show counts as an error.

Two phases. Signing in: every user signs in as it starts, then waits for the others. Signing in is
costly by design (the password hash, PBKDF2 with Django's 1,000,000 iterations, takes a core for a
good fraction of a second), and fifty people do not all sign in within the same few seconds of a
working day, so the storm of the first seconds is measured on its own: when the last user is in, its
figures are written to ``ZHIFA_LOAD_SIGNIN`` (JSON) and the statistics are reset. Working: then
everyone works for ``ZHIFA_LOAD_SECONDS`` seconds and locust stops. ``load.py`` reports both.

``ZHIFA_LOAD_ACCOUNTS`` names the JSON file ``load.py`` wrote: {"password": ..., "officer": [{"username",
"otp_key"}], "reviewer": [...], "leader": [...]}.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, task

ACCOUNTS = json.loads(Path(os.environ["ZHIFA_LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
PASSWORD = ACCOUNTS["password"]
SIGNIN_OUT = Path(os.environ.get("ZHIFA_LOAD_SIGNIN", "signin.json"))
WORK_SECONDS = float(os.environ.get("ZHIFA_LOAD_SECONDS", "60"))
THINK = [float(x) for x in os.environ.get("ZHIFA_LOAD_THINK", "3,10").split(",")]
_next_account = {kind: itertools.cycle(ACCOUNTS[kind]) for kind in ("officer", "reviewer", "leader")}

#: Users done signing in (or failed to), and the moment the last one was in.
_signed_in = {"count": 0, "failed": 0, "started": time.monotonic()}
everyone_in = Event()


def _done_signing_in(environment, ok: bool) -> None:
    _signed_in["count"] += 1
    _signed_in["failed"] += 0 if ok else 1
    if _signed_in["count"] < environment.runner.target_user_count or everyone_in.is_set():
        return
    stats = environment.runner.stats
    figures = {
        "seconds": round(time.monotonic() - _signed_in["started"], 1),
        "users": _signed_in["count"],
        "failed_users": _signed_in["failed"],
        "requests": [
            {
                "name": e.name,
                "method": e.method,
                "count": e.num_requests,
                "failures": e.num_failures,
                "p50": e.get_response_time_percentile(0.5),
                "p95": e.get_response_time_percentile(0.95),
            }
            for e in stats.entries.values()
        ],
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences} for e in stats.errors.values()
        ],
    }
    SIGNIN_OUT.write_text(json.dumps(figures, ensure_ascii=False), encoding="utf-8")
    stats.reset_all()
    everyone_in.set()

    def stop_after_work() -> None:
        gevent.sleep(WORK_SECONDS)
        environment.runner.quit()

    gevent.spawn(stop_after_work)


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def ids(html: str, prefix: str) -> list[int]:
    """The record ids linked from a page, e.g. ``/enterprises/12/`` for prefix ``/enterprises/``."""
    return sorted({int(n) for n in re.findall(rf'href="{re.escape(prefix)}(\d+)/"', html)})


def totp(key_hex: str) -> str:
    from django_otp.oath import totp as oath_totp

    return f"{oath_totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6):06d}"


class ZhifaUser(HttpUser):
    abstract = True
    wait_time = between(THINK[0], THINK[1])
    kind = ""

    def on_start(self) -> None:
        self.account = next(_next_account[self.kind])
        self.known: dict[str, list[int]] = {}
        ok = False
        try:
            self.login()
            ok = True
        finally:
            _done_signing_in(self.environment, ok)
            everyone_in.wait()

    # --- signing in -------------------------------------------------------------------------------

    def csrf_post(self, url: str, page_html: str, data: dict, *, name: str, **kwargs):
        match = CSRF.search(page_html)
        token = match.group(1) if match else ""
        headers = {"Referer": f"{self.host}{url}", **kwargs.pop("headers", {})}
        return self.client.post(
            url, data={"csrfmiddlewaretoken": token, **data}, headers=headers, name=name, **kwargs
        )

    def login(self) -> None:
        username = self.account["username"]
        with self.client.get("/accounts/login/", name="登录页", catch_response=True) as page:
            if page.status_code != 200 or not CSRF.search(page.text):
                page.failure(f"login page: {page.status_code}")
                raise RuntimeError("no login page")
        with self.csrf_post(
            "/accounts/login/",
            page.text,
            {"username": username, "password": PASSWORD, "next": "/"},
            name="登录（提交）",
            catch_response=True,
        ) as response:
            if "/accounts/otp/" in response.url:
                response.success()
                self.second_factor(response)
                return
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{username} not signed in: {response.status_code} at {response.url}")
                raise RuntimeError(f"{username} could not sign in")

    def second_factor(self, otp_page) -> None:
        key = self.account.get("otp_key")
        if not key:
            raise RuntimeError(f"{self.account['username']} asks a second factor but has no device key")
        path = otp_page.url.split(self.host, 1)[-1]
        with self.csrf_post(
            path,
            otp_page.text,
            {"code": totp(key), "next": "/"},
            name="动态口令（提交）",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/accounts/otp/" in response.url or "/login/" in response.url:
                response.failure(f"code refused for {self.account['username']}: {response.url}")
                raise RuntimeError("second factor refused")

    # --- pages ------------------------------------------------------------------------------------

    def page(self, url: str, name: str, must: str = "<main"):
        """GET a page as a signed-in user; an error unless it is the page itself (200, not a redirect away)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in response.url or "/accounts/otp/" in response.url:
                response.failure(f"signed out: ended at {response.url}")
            elif must not in response.text:
                response.failure(f"page lacks {must!r}")
            return response

    def pick(self, listing_url: str, prefix: str, name: str) -> int | None:
        """An id linked from the list page (the list is read once, then now and then again)."""
        if prefix not in self.known or random.random() < 0.2:
            response = self.page(listing_url, name, must="<table")
            self.known[prefix] = ids(response.text, prefix) if response.ok else []
        return random.choice(self.known[prefix]) if self.known[prefix] else None

    @task(1)
    def probe(self) -> None:
        with self.client.get("/healthz", name="/healthz（基线）", catch_response=True) as response:
            if response.status_code != 200 or response.text != "ok":
                response.failure(f"HTTP {response.status_code}")


class Officer(ZhifaUser):
    """板块执法人员: the lists and details of their board, and recording an inspection."""

    kind = "officer"
    weight = 30

    @task(3)
    def enterprises(self) -> None:
        pk = self.pick("/enterprises/", "/enterprises/", "企业列表")
        if pk:
            self.page(f"/enterprises/{pk}/", "企业详情")

    @task(2)
    def enterprise_search(self) -> None:
        self.page("/enterprises/?q=%E6%9C%89%E9%99%90", "企业列表（检索）", must="<table")

    @task(3)
    def inspections(self) -> None:
        pk = self.pick("/inspections/", "/inspections/", "检查记录列表")
        if pk:
            self.page(f"/inspections/{pk}/", "检查记录详情")

    @task(2)
    def hazards(self) -> None:
        pk = self.pick("/inspections/hazards/", "/inspections/hazards/", "隐患列表")
        if pk:
            self.page(f"/inspections/hazards/{pk}/", "隐患详情")

    @task(1)
    def cases(self) -> None:
        pk = self.pick("/cases/", "/cases/", "案件列表")
        if pk:
            self.page(f"/cases/{pk}/", "案件详情")

    @task(2)
    def record_inspection(self) -> None:
        """Start a draft for an enterprise of the board, then answer three checklist items (autosave)."""
        enterprise = self.pick("/enterprises/", "/enterprises/", "企业列表")
        if not enterprise:
            return
        start = self.page(f"/inspections/start/?enterprise={enterprise}", "开始检查（选择企业）", "<form")
        if not start.ok:
            return
        with self.csrf_post(
            "/inspections/start/",
            start.text,
            {"enterprise": enterprise, "origin": "ad_hoc"},
            name="开始检查（提交）",
            catch_response=True,
        ) as response:
            match = re.search(r"/inspections/(\d+)/edit/", response.url)
            if response.status_code != 200 or not match:
                response.failure(f"no draft opened: {response.status_code} at {response.url}")
                return
        draft = match.group(1)
        found = VERSION.search(response.text)
        items = [int(n) for n in dict.fromkeys(re.findall(r'name="result-(\d+)"', response.text))]
        if not found or not items:
            response.failure("the draft page lacks its version or checklist items")
            return
        version = found.group(1) or found.group(2)
        for item in items[:3]:
            time.sleep(random.uniform(0.5, 1.5))  # the officer looks at the item before answering
            with self.csrf_post(
                f"/inspections/{draft}/item/",
                response.text,
                {"item": item, "version": version, f"result-{item}": "compliant", f"note-{item}": "现场查看"},
                name="检查项（自动保存）",
                headers={"HX-Request": "true"},  # the token goes in the form data
                catch_response=True,
            ) as saved:
                fresh = VERSION.search(saved.text)
                if saved.status_code != 200 or not fresh:
                    saved.failure(f"item not saved: {saved.status_code} {saved.text[:200]}")
                    return
                version = fresh.group(1) or fresh.group(2)


class Reviewer(ZhifaUser):
    """法制审核员: the review queue, a review, the case and its step form."""

    kind = "reviewer"
    weight = 10

    @task(3)
    def queue(self) -> None:
        pk = self.pick("/cases/reviews/", "/cases/reviews/", "法制审核队列")
        if pk:
            review = self.page(f"/cases/reviews/{pk}/", "法制审核详情")
            case = ids(review.text, "/cases/") if review.ok else []
            if case:
                self.page(f"/cases/{case[0]}/", "案件详情")

    @task(1)
    def deadlines(self) -> None:
        self.page("/cases/deadlines/", "办案期限", must="<table")

    @task(1)
    def review_form(self) -> None:
        response = self.page("/cases/?status=legal_review", "待审核案件", must="<table")
        cases = ids(response.text, "/cases/") if response.ok else []
        if cases:
            self.page(f"/cases/{random.choice(cases)}/step/legal_review/", "法制审核（填写页）", "<form")


class Leader(ZhifaUser):
    """区局领导: the dashboard, the figures and the bulletins."""

    kind = "leader"
    weight = 10

    @task(3)
    def dashboard(self) -> None:
        self.page("/bulletins/dashboard/", "执法态势")

    @task(1)
    def home(self) -> None:
        self.page("/", "首页")

    @task(2)
    def figures(self) -> None:
        self.page("/bulletins/figures/", "本月数据")

    @task(2)
    def bulletins(self) -> None:
        pk = self.pick("/bulletins/", "/bulletins/", "通报列表")
        if pk:
            self.page(f"/bulletins/{pk}/", "通报详情")
