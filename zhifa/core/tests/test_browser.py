"""End to end in a real browser: a board officer edits an enterprise, the audit administrator sees it.

Debian's Chromium (``/usr/bin/chromium``, installed by ``make install``) is driven by Playwright's
sync API against pytest-django's ``live_server``. Playwright's own browser download is never used:
it cannot be fetched on the intranet machines this runs on.

The scenario runs twice, on a desktop window and on a 390x844 phone screen; screenshots go to the
test's temporary directory (printed with ``-s``), never into the repository.

While Playwright's sync API is open, its event loop counts as running in this thread, and Django then
hands the thread a second set of database connections (asgiref's thread-critical local behaves like
a context variable under a running loop). So the data is made before the browser starts and checked
after it stops; in between, only the browser talks to the server.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from zhifa.core.testing import PASSWORD, build_world, make_enterprise

# Playwright's sync API leaves an event loop running in this thread; should the ORM be reached while
# it is open, Django would refuse it (SynchronousOnlyOperation). The test is written not to need it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("ZHIFA_CHROMIUM", "/usr/bin/chromium")
# As root, on a machine with no network but loopback (docs: machines/python.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium under Playwright; a missing browser is a failure, never a silent skip."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - only on a half-installed machine
        pytest.fail(f"Playwright is not installed ({exc}): run `make install`", pytrace=False)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make install` (it installs Debian's chromium)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# The audit log is append-only down to the database; a transactional test ends by flushing every table,
# so the triggers are lifted for this module (``audit_triggers_lifted`` in zhifa/conftest.py).


@pytest.fixture
def server(audit_triggers_lifted, transactional_db, django_db_serialized_rollback, live_server):
    """The live server, on a database that is put back as migrations left it (industries and all)."""
    return live_server


def _log_in(page, base_url: str, username: str) -> None:
    """The login page, then the second factor where the role needs one: the first time the persona
    binds an authenticator on the enrolment page (reading the secret shown for manual entry), later it
    types the current code — computed here as the phone would."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url, timeout=TIMEOUT_MS)
    if "/accounts/otp/setup/" in page.url:
        secret = page.locator("figcaption code").inner_text().replace(" ", "")
        page.fill("input[name=code]", _totp_now(base64.b32decode(secret)))
        page.get_by_role("button", name="确认绑定").click()
        page.get_by_role("button", name="我已保存，继续").click()
        page.wait_for_url(lambda url: "/accounts/otp/" not in url, timeout=TIMEOUT_MS)
    elif "/accounts/otp/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        # A code is good once: a persona signing in again within the same 30 s may reuse it here.
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
        page.fill("input[name=code]", _totp_now(device.bin_key))
        page.get_by_role("button", name="验证", exact=True).click()
        page.wait_for_url(lambda url: "/accounts/otp/" not in url, timeout=TIMEOUT_MS)


def _totp_now(key: bytes) -> str:
    from django_otp.oath import totp

    return f"{totp(key):06d}"


def _assert_fits_the_screen(page, what: str) -> None:
    """No sideways scrolling of the page itself (wide tables scroll inside their own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{what} is {overflow}px wider than the {page.viewport_size['width']}px screen"


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_officer_edits_an_enterprise_and_the_audit_admin_sees_it(server, screen, tmp_path: Path):
    from playwright.sync_api import expect

    from zhifa.core.choices import AuditAction
    from zhifa.core.models import AuditEntry

    world = build_world()
    target = make_enterprise(world.board_a, name="常州湖塘精密机械有限公司")
    neighbour = make_enterprise(world.board_a, name="常州湖塘纺织印染有限公司")
    foreign = make_enterprise(world.board_b, name="常州牛塘化工有限公司")
    alice, audrey, board_a = world.alice.username, world.audrey.username, str(world.board_a.pk)
    old_address = target.address
    new_address = "湖塘镇长虹路 88 号（浏览器测试）"
    base = server.url
    phone = screen == "phone"

    expect.set_options(timeout=TIMEOUT_MS)
    with chromium() as browser:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS[screen])
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()

        # 1. The board officer of 湖塘镇 logs in.
        _log_in(page, base, alice)

        # 2. She finds the enterprise with the search box and the board filter.
        page.goto(f"{base}/enterprises/")
        assert page.evaluate("typeof window.htmx") == "object", (
            "htmx did not load: run `make install` (vendor files)"
        )
        filters = page.locator("form.filters")
        filters.locator("[name=q]").fill("精密")
        filters.locator("select[name=board]").select_option(board_a)
        filters.get_by_role("button", name="查询").click()
        page.wait_for_url(re.compile(r"[?&]q="))
        results = page.locator("#results")
        expect(results).to_contain_text(target.name)
        expect(results).not_to_contain_text(neighbour.name)
        expect(results).not_to_contain_text(foreign.name)
        if phone:
            _assert_fits_the_screen(page, "the enterprise list")
            page.screenshot(path=str(tmp_path / "enterprise-list-phone.png"), full_page=True)

        # 3. She opens it and edits its address.
        results.get_by_role("link", name=re.compile(re.escape(target.name))).click()
        page.wait_for_url(re.compile(rf"/enterprises/{target.pk}/$"))
        page.get_by_role("button", name="编辑", exact=True).click()  # an <a role="button">
        page.wait_for_url(re.compile(rf"/enterprises/{target.pk}/edit/$"))
        address = page.locator("[name=address]")
        expect(address).to_have_value(old_address)
        if phone:
            _assert_fits_the_screen(page, "the enterprise form")
        address.fill(new_address)
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(re.compile(rf"/enterprises/{target.pk}/$"))
        expect(page.locator("main")).to_contain_text(new_address)
        if phone:
            _assert_fits_the_screen(page, "the enterprise page")
            page.screenshot(path=str(tmp_path / "enterprise-detail-phone.png"), full_page=True)

        # 4. Another board's enterprise does not exist for her, to read or to edit.
        for url in (f"{base}/enterprises/{foreign.pk}/", f"{base}/enterprises/{foreign.pk}/edit/"):
            response = page.goto(url)
            assert response is not None and response.status == 404, (
                f"{url} answered {response and response.status}"
            )
            assert foreign.name not in page.content()

        # 5. The audit administrator finds the edit in the log and reads before and after.
        context.clear_cookies()
        _log_in(page, base, audrey)
        page.goto(f"{base}/audit/")
        audit_filters = page.locator("form.filters")
        audit_filters.locator("select[name=action]").select_option(AuditAction.UPDATE.value)
        audit_filters.locator("[name=object_type]").fill("enterprises.enterprise")
        audit_filters.locator("[name=username]").fill(alice)
        audit_filters.get_by_role("button", name="查询").click()
        page.wait_for_url(re.compile(r"[?&]action=update"))
        audit_results = page.locator("#results")
        expect(audit_results).to_contain_text(target.name)
        expect(audit_results).not_to_contain_text(neighbour.name)
        if phone:
            _assert_fits_the_screen(page, "the audit log")
        audit_results.locator("tbody tr").first.get_by_role("link").first.click()
        page.wait_for_url(re.compile(r"/audit/\d+/$"))
        entry_id = int(re.search(r"/audit/(\d+)/$", page.url).group(1))
        main = page.locator("main")
        for text in ("变更前", "变更后", old_address, new_address, alice):
            expect(main).to_contain_text(text)
        shot = tmp_path / f"audit-entry-{screen}.png"
        page.screenshot(path=str(shot), full_page=True)
        context.close()

    # What the pages showed is what the database holds.
    target.refresh_from_db()
    assert target.address == new_address
    entry = AuditEntry.objects.get(pk=entry_id)
    assert (entry.action, entry.object_id, entry.username) == (AuditAction.UPDATE, str(target.pk), alice)
    assert entry.before["address"] == old_address and entry.after["address"] == new_address
    assert shot.stat().st_size > 0
    print(f"screenshots ({screen}): {tmp_path}")
