"""End to end on a phone: an inspection from the first tap to the re-inspection, in Debian's Chromium.

艾丽, board officer of 湖塘镇, opens an inspection of a 湖塘 machine shop, puts her board leader on the
team, fills in the record, finds two items not met and registers a hazard for each, photographs one,
signs, issues the rectification order and downloads its PDF; then re-inspects, closing one hazard and
keeping the other with a new deadline. What the pages did is then checked in the database.

Chromium and the database are handled as in ``zhifa/core/tests/test_browser.py``: the data is made
before the browser starts and checked after it stops (while Playwright's sync API is open, Django would
hand this thread a second set of database connections); the audit log's append-only triggers are lifted
for the module (``audit_triggers_lifted``) because a transactional test ends by flushing every table.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from zhifa.core.testing import PASSWORD, build_world, make_enterprise
from zhifa.core.tests.test_browser import TIMEOUT_MS, VIEWPORTS, chromium

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

FINDINGS = (
    "2台冲床传动部位防护罩缺失",  # photographed; closed at the re-inspection
    "2名打磨工未佩戴防尘口罩",  # kept, with a new deadline
)
NUMBER = re.compile(r"（武）应急责改〔\d{4}〕\d+号")


@pytest.fixture
def server(audit_triggers_lifted, transactional_db, django_db_serialized_rollback, live_server):
    """The live server, on a database put back as migrations left it (checklists and all)."""
    return live_server


def _png() -> bytes:
    """A small photo-like PNG (a made-up guard-less press in grey and red)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (150, 160, 170))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 40, 200, 200), fill=(90, 95, 100), outline=(20, 20, 20))
    draw.ellipse((170, 60, 250, 140), fill=(180, 30, 30))
    draw.text((8, 220), "2026 DEMO", fill=(255, 255, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url, timeout=TIMEOUT_MS)


def _fits(page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{what} is {overflow}px wider than the 390px screen"


def _settle(page) -> None:
    """Let htmx's autosaves finish, so a full submit carries the record's current version."""
    page.wait_for_load_state("networkidle")


def test_officer_inspects_orders_downloads_the_pdf_and_reinspects_on_a_phone(server, tmp_path: Path):
    from playwright.sync_api import expect
    from pypdf import PdfReader

    from zhifa.core import audit
    from zhifa.inspections.choices import HazardStatus, InspectionStatus
    from zhifa.inspections.forms import suited_checklist
    from zhifa.inspections.models import Evidence, Hazard, Inspection, ReInspection

    world = build_world()
    enterprise = make_enterprise(world.board_a, name="常州湖塘精密机械有限公司（演示）", industry="3311")
    make_enterprise(world.board_b, name="常州牛塘精密机械有限公司（演示）", industry="3311")
    checklist = suited_checklist(enterprise)
    items = list(checklist.items.order_by("order"))
    assert checklist.code == "machinery" and len(items) >= 15
    # Two general (not major) items: a machine guard and protective equipment.
    guard = next(i for i in items if "防护罩" in i.text and not i.major_basis)
    gear = next(i for i in items if "劳动防护用品" in i.text and not i.major_basis)
    alice, albert = world.alice, world.albert
    today = timezone.localdate()
    base = server.url
    start_url = base + reverse("inspections:inspection_start")
    png = _png()

    expect.set_options(timeout=TIMEOUT_MS)
    with chromium() as browser:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **VIEWPORTS["phone"])
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        _log_in(page, base, alice.username)

        # 1. Start: find the enterprise (only her board's), open a draft.
        page.goto(start_url)
        page.get_by_label(re.compile("被检查单位")).fill("精密机械")
        page.get_by_role("button", name="查找").click()
        page.wait_for_url(re.compile(r"[?&]q="))
        expect(page.locator("main")).to_contain_text(enterprise.name)
        expect(page.locator("main")).not_to_contain_text("牛塘精密")
        page.get_by_role("button", name="开始检查").click()
        page.wait_for_url(re.compile(r"/inspections/\d+/edit/"))
        inspection_id = int(re.search(r"/inspections/(\d+)/edit/", page.url).group(1))
        edit_url = page.url.split("#")[0]
        _fits(page, "the draft record")

        # 2. The record: times, place, the person on site; the team (she is on it; her leader joins).
        page.fill("[name=started_at]", f"{today.isoformat()}T08:30")
        page.fill("[name=ended_at]", f"{today.isoformat()}T10:05")
        page.fill("[name=place]", "一号车间、成品仓库")
        page.fill("[name=onsite_person_name]", "王建国")
        page.fill("[name=onsite_person_title]", "安全主管")
        page.fill("[name=onsite_person_phone]", "13912345678")
        expect(page.get_by_role("checkbox", name=re.compile(f"^{alice.officer.name}"))).to_be_checked()
        page.get_by_role("checkbox", name=re.compile(f"^{albert.officer.name}")).check()
        _settle(page)

        # 3. Two items not met, each with its hazard registered on the spot.
        for item, finding in zip((guard, gear), FINDINGS, strict=True):
            row = page.locator(f"#item-{item.pk}")
            row.locator("label.v-non_compliant").click()
            prompt = page.locator(f"#item-{item.pk} .hazard-prompt")
            expect(prompt).to_be_visible()
            prompt.locator(f"[name='hazard-{item.pk}-description']").fill(finding)
            prompt.locator(f"[name='hazard-{item.pk}-responsible_person']").fill("王建国")
            _settle(page)
            with page.expect_navigation():
                prompt.get_by_role("button", name="保存并登记隐患").click()
            expect(page.locator(f"#item-{item.pk}")).to_contain_text("已登记隐患")
        # ... and every other item checked and met.
        for item in items:
            if item.pk not in (guard.pk, gear.pk):
                page.locator(f"#item-{item.pk} label.v-compliant").click()
        _settle(page)
        page.screenshot(path=str(tmp_path / "draft-phone.png"), full_page=True)

        # 4. A photo of the first hazard, from its page.
        page.locator(f"#item-{guard.pk} .hazard-line a").click()
        page.wait_for_url(re.compile(r"/inspections/hazards/\d+/$"))
        photo_form = page.locator("#evidence form", has=page.locator("input[name=files][accept='image/*']"))
        photo_form.locator("input[name=files]").set_input_files(
            files=[{"name": "hazard-guard.png", "mimeType": "image/png", "buffer": png}]
        )
        photo_form.locator("[name=description]").fill("冲床传动部位")
        with page.expect_navigation():
            photo_form.get_by_role("button", name="上传照片").click()
        expect(page.locator("#evidence")).to_contain_text("hazard-guard.png")
        thumbnail = page.locator("#evidence img").first
        expect(thumbnail).to_be_visible()
        _fits(page, "the hazard page")

        # 5. Sign: the record goes to 已签署 and carries its number.
        page.goto(edit_url)
        _settle(page)
        page.get_by_role("button", name="保存并签署").click()
        page.wait_for_url(re.compile(rf"/inspections/{inspection_id}/$"))
        main = page.locator("main")
        expect(main).to_contain_text("已签署")
        expect(main).to_contain_text("应急检〔")
        _fits(page, "the signed record")

        # 6. The rectification order for both hazards, with the default deadlines.
        page.get_by_role("button", name="下达整改指令").click()
        page.wait_for_url(re.compile(rf"/inspections/{inspection_id}/rectify/$"))
        for finding in FINDINGS:
            expect(page.locator("main")).to_contain_text(finding)
        page.get_by_role("button", name="下达责令限期整改指令书").click()
        page.wait_for_url(re.compile(r"/inspections/orders/\d+/$"))
        order_url = page.url
        order_link = page.get_by_role("button", name=NUMBER)  # an <a role="button">
        number = NUMBER.search(order_link.inner_text()).group(0)
        _fits(page, "the order")

        # 7. Its PDF, downloaded with her session.
        order_link.click()
        page.wait_for_url(re.compile(r"/documents/\d+/$"))
        expect(page.locator("main")).to_contain_text(number)
        pdf_href = page.get_by_role("button", name="查看 PDF").get_attribute("href")
        response = page.request.get(base + pdf_href)
        assert response.ok, response.status
        assert response.headers["content-type"].startswith("application/pdf")
        pdf = response.body()
        (tmp_path / "order.pdf").write_bytes(pdf)

        # 8. Later, the re-inspection: the guard is back (closed), the exit still blocked (kept).
        page.goto(order_url)
        page.get_by_role("button", name="整改复查").click()
        page.wait_for_url(re.compile(r"/orders/\d+/reinspect/$"))
        page.get_by_role("button", name="开始复查").click()
        page.wait_for_url(re.compile(r"/inspections/reinspections/\d+/edit/$"))
        review_id = int(re.search(r"/reinspections/(\d+)/edit/", page.url).group(1))
        page.get_by_role("checkbox", name=re.compile(f"^{albert.officer.name}")).check()
        page.fill("[name=inspected_at]", f"{today.isoformat()}T15:20")
        closed = page.locator(".check-item", has_text=FINDINGS[0])
        closed.get_by_text("整改合格，予以销号").click()
        closed.get_by_label("复查情况").fill("已加装防护罩")
        kept = page.locator(".check-item", has_text=FINDINGS[1])
        kept.get_by_text("未整改到位，继续整改").click()
        new_deadline = kept.locator("input[type=date]").input_value()
        kept.get_by_label("复查情况").fill("仍有1名打磨工未佩戴防尘口罩")
        page.get_by_label(re.compile("复查意见")).fill("第1项已整改，予以销号；第2项未整改到位，继续整改。")
        _fits(page, "the re-inspection")
        page.get_by_role("button", name="保存并签署").click()
        page.wait_for_url(re.compile(rf"/inspections/reinspections/{review_id}/$"))
        expect(page.locator("main")).to_contain_text("已签署")
        page.screenshot(path=str(tmp_path / "reinspection-phone.png"), full_page=True)
        context.close()

    # The PDF is the order and bears its number.
    assert pdf.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert number in text.replace(" ", ""), text[:300]

    # What the pages did is what the database holds.
    inspection = Inspection.objects.get(pk=inspection_id)
    assert inspection.status == InspectionStatus.SIGNED_OFF and inspection.document.number
    assert (inspection.place, inspection.onsite_person_name) == ("一号车间、成品仓库", "王建国")
    assert {t.officer_id for t in inspection.team.all()} == {alice.officer_id, albert.officer_id}
    assert inspection.results.filter(result="").count() == 0
    assert inspection.results.filter(result="non_compliant").count() == 2
    first, second = (Hazard.objects.get(inspection=inspection, item=i) for i in (guard, gear))
    assert (first.description, second.description) == FINDINGS
    assert first.status == HazardStatus.CLOSED and first.closed_at is not None
    assert second.status == HazardStatus.RECTIFYING
    assert second.deadline.isoformat() == new_deadline
    photo = Evidence.objects.get(hazard=first)
    assert (photo.content_type, photo.original_name, photo.size) == (
        "image/png",
        "hazard-guard.png",
        len(png),
    )
    order = first.orders.get()
    assert order.document.number == number and set(order.hazards.all()) == {first, second}
    review = ReInspection.objects.get(pk=review_id)
    assert review.status == InspectionStatus.SIGNED_OFF and review.document is not None
    assert set(review.officers.values_list("pk", flat=True)) == {alice.officer_id, albert.officer_id}
    assert audit.verify().ok
    print(f"screenshots and PDF: {tmp_path}")
