"""End to end in Debian's Chromium: a penalty case from a queued hazard to the archived case file.

艾丽 (alice), officer of 湖塘镇, registers a case from a hazard her inspection referred to the case-source
queue; her board leader albert reviews and the district leader dan approves the registration; she
investigates (an inquiry record), proposes the fine from the discretion benchmark and submits the
investigation report, which dan approves. The district's legal reviewer lily opens her queue and sends
the case back for 补充材料 with her reasons; alice reads them on the case page, adds the missing scene
record (勘验笔录) and resubmits, dan approves again and lily agrees. Alice notifies the party, dan
decides (the party waived its statement), alice serves the decision and records the payment, dan closes
the case and alice archives it; the bound case file then downloads as the PDF whose hash was recorded.

Each persona logs in through the login page and works only through the pages: the step buttons on the
case page, the step forms they load, the review queue. What the pages did is checked in the database
after the browser has stopped.

Chromium and the database are handled as in ``zhifa/core/tests/test_browser.py``: the data is made
before the browser starts and checked after it stops (while Playwright's sync API is open, Django would
hand this thread a second set of database connections); the audit log's append-only triggers are lifted
for the module (``audit_triggers_lifted``) because a transactional test ends by flushing every table.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from zhifa.core.testing import build_world, make_enterprise, make_inspection
from zhifa.core.tests.test_browser import TIMEOUT_MS, VIEWPORTS, _log_in, chromium

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

#: A step that issues documents renders and stores their PDFs (archiving binds the whole case file):
#: its submission may take longer than a page load on a busy machine.
STEP_TIMEOUT_MS = 90_000

FINDING = "3名新入职员工未经安全生产教育和培训即上岗作业"
CAUSE = "未按规定对从业人员进行安全生产教育和培训"
RETURN_REASON = "缺少现场勘验笔录，无法印证新员工在岗作业的事实，请补充后重新送审。"
EVIDENCE_NOTE = "仅有询问笔录，缺少勘验笔录"


@pytest.fixture
def server(audit_triggers_lifted, transactional_db, django_db_serialized_rollback, live_server):
    """The live server, on a database put back as migrations left it (form kinds, benchmarks and all)."""
    return live_server


def _as(page, base: str, username: str) -> None:
    """Switch persona: drop the session and log in again through the login page."""
    page.context.clear_cookies()
    _log_in(page, base, username)


def _open_case(page, case_url: str) -> None:
    page.goto(case_url)
    page.wait_for_load_state("networkidle")  # htmx is attached to the step buttons


def _step(page, label: str, fill=None, *, case_url: str) -> None:
    """Take the step ``label`` from the case page: its button loads the form, which is filled and
    submitted; the page comes back to the case with the step done (a refusal fails with its text)."""
    from playwright.sync_api import expect

    page.locator("#steps .actions").get_by_role("button", name=label, exact=True).click()
    form = page.locator("#step-form")
    expect(form.locator("header")).to_contain_text(label)
    if fill is not None:
        fill(form)
    _submit(page, form, label, case_url=case_url)


def _submit(page, form, label: str, *, case_url: str) -> None:
    from playwright.sync_api import expect

    with page.expect_navigation(timeout=STEP_TIMEOUT_MS):
        form.get_by_role("button", name=label, exact=True).click()
    if page.url.split("#")[0] != case_url:
        pytest.fail(f"“{label}” was not done: {page.locator('main').inner_text()[:600]}", pytrace=False)
    expect(page.locator("main")).to_contain_text(f"已办理：{label}")


def _agree(opinion: str):
    def fill(form) -> None:
        form.get_by_label("同意", exact=True).check()
        form.locator("[name=opinion]").fill(opinion)

    return fill


def test_a_case_from_a_queued_hazard_to_its_archived_case_file(server, tmp_path: Path):
    from playwright.sync_api import expect

    from zhifa.cases.choices import CaseStatus, ReviewItem, ReviewOutcome, SourceKind
    from zhifa.cases.models import Case
    from zhifa.cases.tests.helpers import partner, violation_type
    from zhifa.core import audit
    from zhifa.discretion import engine
    from zhifa.inspections import services as inspections
    from zhifa.inspections.choices import CaseSourceStatus

    # The inspection alice signed, its hazard, and the hazard referred to the case-source queue.
    world = build_world()
    alice, ada = world.alice, partner(world)
    enterprise = make_enterprise(world.board_a, name="常州湖塘五金制品有限公司（演示）")
    inspection = make_inspection(enterprise, [alice.officer, ada], user=alice, complete=True)
    hazard = inspections.add_hazard(inspection, description="新员工未经安全培训上岗", user=alice)
    inspections.sign_off(inspection, user=alice)
    source = inspections.refer_to_case(user=alice, description=FINDING, hazard=hazard)
    violation = violation_type()
    fine = engine.propose(violation).suggested_fine
    officers = [str(alice.officer_id), str(ada.pk)]
    today = timezone.localdate().isoformat()
    base = server.url
    screen = tmp_path / "case-archived.png"

    expect.set_options(timeout=TIMEOUT_MS)
    with chromium() as browser:
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True, **VIEWPORTS["desktop"]
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()

        # 1. alice opens the case-source queue and registers the hazard as a case (立案).
        _log_in(page, base, alice.username)
        page.goto(base + reverse("inspections:casesource_list"))
        row = page.locator("#results tbody tr", has_text=FINDING)
        row.get_by_role("button", name="立案", exact=True).click()
        page.wait_for_url(re.compile(rf"/cases/from-source/{source.pk}/$"))
        expect(page.locator("main")).to_contain_text(FINDING)
        expect(page.locator("[name=party_name]")).to_have_value(enterprise.name)
        page.locator("[name=procedure]").select_option("general")
        page.locator("[name=cause]").fill(CAUSE)
        page.locator("[name=facts]").fill(f"2026年检查发现，该公司{FINDING}。")
        page.locator("[name=officers]").select_option(officers)
        page.get_by_role("button", name="登记案件", exact=True).click()
        page.wait_for_url(re.compile(r"/cases/(\d+)/$"))
        case_url = page.url
        case_id = int(re.search(r"/cases/(\d+)/$", case_url).group(1))
        expect(page.locator("main")).to_contain_text("待提交立案")
        page.wait_for_load_state("networkidle")
        _step(page, "提交立案审批", lambda f: f.locator("[name=opinion]").fill("建议立案"), case_url=case_url)

        # 2. albert reviews the registration, dan approves it: the case is registered and numbered.
        _as(page, base, world.albert.username)
        _open_case(page, case_url)
        _step(page, "立案审核", _agree("同意立案"), case_url=case_url)
        _as(page, base, world.dan.username)
        _open_case(page, case_url)
        _step(page, "立案审批", _agree("同意立案调查"), case_url=case_url)
        expect(page.locator("main")).to_contain_text("调查取证")
        expect(page.locator("main dl.fields").first).to_contain_text("立〔")

        # 3. alice investigates: an inquiry record, the proposal from the benchmark, the report.
        _as(page, base, alice.username)
        _open_case(page, case_url)

        def inquiry(form) -> None:
            expect(form.locator("[name=on]")).to_have_value(today)
            form.locator("[name=place]").fill("该公司办公室")
            form.locator("[name=person]").fill("张三")
            form.locator("[name=person_title]").fill("法定代表人")
            form.locator("[name=content]").fill(
                "问：新入职员工是否经过安全生产教育和培训？答：3名新员工入职后直接上岗，还没有来得及培训。"
            )
            form.locator("[name=officers]").select_option(officers)

        _step(page, "制作询问笔录", inquiry, case_url=case_url)

        def proposal(form) -> None:
            form.locator("[name=violation_type]").select_option(str(violation.pk))
            form.locator("[name=decision_kind]").select_option("penalty")
            form.get_by_label("罚款", exact=True).check()
            form.locator("[name=proposed_fine]").fill(str(fine))

        _step(page, "提出处理意见（裁量）", proposal, case_url=case_url)
        expect(page.locator("#proposal")).to_contain_text(str(fine))
        report = (
            f"经调查，当事人{FINDING}，违反《中华人民共和国安全生产法》第二十八条，"
            f"依据第九十七条第（三）项，建议罚款{fine}元。"
        )
        _step(
            page,
            "提交调查报告及处理审批",
            lambda f: f.locator("[name=investigation_report]").fill(report),
            case_url=case_url,
        )
        _as(page, base, world.dan.username)
        _open_case(page, case_url)
        _step(page, "案件处理审批", _agree("同意，报法制审核"), case_url=case_url)
        expect(page.locator("main h1")).to_contain_text("法制审核中")

        # 4. lily finds the case in her queue and returns it for 补充材料, with her reasons.
        def review(outcome: str, opinion: str = "", *, failing: str = "", note: str = "") -> None:
            page.goto(base + reverse("cases:review_queue"))
            pending = page.locator("#results tbody tr", has_text="待审核").filter(has_text=enterprise.name)
            expect(pending).to_have_count(1)
            pending.get_by_role("link", name="查看").click()
            page.wait_for_url(re.compile(r"/cases/reviews/\d+/$"))
            expect(page.locator("main")).to_contain_text(str(fine))
            page.get_by_role("button", name="进行法制审核").click()
            page.wait_for_url(re.compile(rf"/cases/{case_id}/step/legal_review/$"))
            form = page.locator("#step-form")
            for item in ReviewItem:
                result = "fail" if item.value == failing else "pass"
                form.locator(f"input[name=check_{item.value}][value={result}]").check()
            if failing:
                form.locator(f"[name=note_{failing}]").fill(note)
            form.locator(f"input[name=outcome][value={outcome}]").check()
            form.locator("[name=opinion]").fill(opinion)
            _submit(page, form, "法制审核", case_url=case_url)

        _as(page, base, world.lily.username)
        review(ReviewOutcome.SUPPLEMENT, RETURN_REASON, failing=ReviewItem.EVIDENCE, note=EVIDENCE_NOTE)
        expect(page.locator("main h1")).to_contain_text("调查取证")

        # 5. alice reads the reasons on the case page, adds the scene record and resubmits.
        _as(page, base, alice.username)
        _open_case(page, case_url)
        reviews = page.locator("#reviews")
        expect(reviews).to_contain_text("补充材料")
        expect(reviews).to_contain_text(RETURN_REASON)
        expect(reviews).to_contain_text(EVIDENCE_NOTE)

        def scene(form) -> None:
            form.locator("[name=place]").fill("该公司冲压车间")
            form.locator("[name=person]").fill("张三")
            form.locator("[name=person_title]").fill("法定代表人（见证人）")
            form.locator("[name=content]").fill(
                "勘验时冲压车间有3名新员工在岗作业，现场未见其安全生产教育和培训记录，当事人确认属实。"
            )
            form.locator("[name=officers]").select_option(officers)

        _step(page, "制作勘验笔录", scene, case_url=case_url)
        expect(page.locator("#records")).to_contain_text("勘验笔录")
        _step(
            page,
            "提交调查报告及处理审批",
            lambda f: f.locator("[name=investigation_report]").fill(report + "已补充现场勘验笔录。"),
            case_url=case_url,
        )
        _as(page, base, world.dan.username)
        _open_case(page, case_url)
        _step(page, "案件处理审批", _agree("已补充勘验笔录，同意，再报法制审核"), case_url=case_url)

        # 6. lily agrees on the second round.
        _as(page, base, world.lily.username)
        review(ReviewOutcome.APPROVE, "证据已补充，同意。")
        expect(page.locator("main h1")).to_contain_text("审核通过")

        # 7. alice notifies the party; dan decides, the party having waived its statement.
        _as(page, base, alice.username)
        _open_case(page, case_url)
        _step(page, "告知拟处罚", case_url=case_url)
        _as(page, base, world.dan.username)
        _open_case(page, case_url)

        def decide(form) -> None:
            form.get_by_label(re.compile("当事人已书面放弃")).check()
            form.locator("[name=opinion]").fill("同意处罚")

        _step(page, "作出行政处罚决定", decide, case_url=case_url)
        expect(page.locator("main dl.fields").first).to_contain_text("决定书文号")

        # 8. alice serves the decision and records the payment; dan closes; alice archives.
        _as(page, base, alice.username)
        _open_case(page, case_url)

        def serve(form) -> None:
            form.locator("[name=method]").select_option("direct")
            form.locator("[name=place]").fill("该公司办公室")
            form.locator("[name=recipient_name]").fill("张三")
            form.locator("[name=recipient_title]").fill("法定代表人")

        _step(page, "送达决定书", serve, case_url=case_url)
        expect(page.locator("main h1")).to_contain_text("执行中")

        def payment(form) -> None:
            form.locator("[name=amount]").fill(str(fine))
            form.locator("[name=receipt_number]").fill("JS2026-0001")

        _step(page, "登记缴款", payment, case_url=case_url)
        expect(page.locator("#payments")).to_contain_text("JS2026-0001")
        _as(page, base, world.dan.username)
        _open_case(page, case_url)
        _step(
            page, "结案", lambda f: f.locator("[name=opinion]").fill("执行完毕，同意结案"), case_url=case_url
        )
        _as(page, base, alice.username)
        _open_case(page, case_url)
        _step(page, "归档（生成电子卷宗）", case_url=case_url)
        expect(page.locator("main h1")).to_contain_text("已归档")
        expect(page.locator("#documents")).to_contain_text("归档 SHA-256")
        page.screenshot(path=str(screen), full_page=True)

        # 9. The electronic case file downloads; the server states its hash in X-Content-SHA256.
        link = page.get_by_role("link", name="下载电子卷宗（PDF）")
        with page.expect_download(timeout=STEP_TIMEOUT_MS) as started:
            link.click()
        download = started.value
        pdf = Path(download.path()).read_bytes()
        filename = download.suggested_filename
        response = page.request.get(base + link.get_attribute("href"), timeout=STEP_TIMEOUT_MS)
        assert response.ok, response.status
        header_sha = response.headers["x-content-sha256"]
        assert response.body() == pdf
        context.close()

    # The download is the archived case file: a PDF whose hash is the one recorded at archiving.
    case = Case.objects.get(pk=case_id)
    assert pdf.startswith(b"%PDF-") and filename == f"电子卷宗-{case.registration_number}.pdf"
    assert hashlib.sha256(pdf).hexdigest() == header_sha == case.case_file_sha256

    # What the pages did is what the database holds.
    assert case.status == CaseStatus.ARCHIVED
    assert (case.source_id, case.source_kind, case.enterprise_id) == (
        source.pk,
        SourceKind.HAZARD,
        enterprise.pk,
    )
    source.refresh_from_db()
    assert source.status == CaseSourceStatus.ACCEPTED
    assert set(case.case_officers.values_list("officer_id", flat=True)) == {alice.officer_id, ada.pk}
    assert case.proposed_fine == case.fine_amount == case.paid_amount == fine
    assert case.registration_number and case.decision_number and case.served_on and case.closed_on
    assert sorted(case.records.values_list("kind", flat=True)) == ["inquiry", "scene"]
    rounds = list(case.legal_reviews.order_by("round").values_list("round", "outcome", "reviewer__username"))
    assert rounds == [(1, "supplement", "lily"), (2, "approve", "lily")]
    first = case.legal_reviews.get(round=1)
    assert first.opinion == RETURN_REASON
    assert first.checklist[ReviewItem.EVIDENCE] == {"result": "fail", "note": EVIDENCE_NOTE}
    steps = list(case.events.order_by("at", "pk").values_list("transition", "actor__username"))
    assert steps == [
        ("create", "alice"),
        ("submit_registration", "alice"),
        ("review_registration", "albert"),
        ("approve_registration", "dan"),
        ("record_inquiry", "alice"),
        ("set_proposal", "alice"),
        ("submit_handling", "alice"),
        ("approve_handling", "dan"),
        ("legal_review", "lily"),
        ("record_scene", "alice"),
        ("submit_handling", "alice"),
        ("approve_handling", "dan"),
        ("legal_review", "lily"),
        ("notify", "alice"),
        ("decide", "dan"),
        ("serve", "alice"),
        ("record_payment", "alice"),
        ("close", "dan"),
        ("archive", "alice"),
    ]
    assert case.events.get(transition="decide").data["party_waived"] is True
    assert audit.verify().ok
    print(f"screenshot: {screen}")
