"""After the record is signed: hazards, the case queue, rectification orders, extensions, re-inspection,
the home page's figures and the checklist administration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core.testing import make_checklist, make_enterprise, make_inspection, today
from zhifa.inspections import services
from zhifa.inspections.choices import ChecklistStatus, ExtensionStatus, HazardStatus, InspectionStatus
from zhifa.inspections.models import (
    CaseSource,
    ChecklistTemplate,
    ExtensionRequest,
    Hazard,
    RectificationOrder,
    ReInspection,
)
from zhifa.inspections.tests.test_views import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _blobs_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def checklist(db):
    return make_checklist(code="test", items=2)


def signed_inspection(world, checklist, board=None, name=None):
    enterprise = make_enterprise(board or world.board_a, name=name)
    team = (
        [world.alice.officer, world.albert.officer]
        if (board or world.board_a) == world.board_a
        else [
            world.bob.officer,
            world.bruce.officer,
        ]
    )
    inspection = make_inspection(enterprise, team, checklist=checklist, complete=True)
    general = services.add_hazard(inspection, description="消防通道堵塞", user=world.alice)
    major = services.add_hazard(inspection, description="粉尘除尘系统未设置锁气卸灰装置", level="major")
    return services.sign_off(inspection, user=world.alice), general, major


@pytest.fixture
def signed(world, checklist):
    return signed_inspection(world, checklist)


@pytest.fixture
def order(world, signed):
    inspection, general, major = signed
    deadline = today() + timedelta(days=10)
    return services.issue_rectification_order(
        inspection, {general.pk: deadline, major.pk: deadline}, user=world.alice
    )


# --- Hazards ------------------------------------------------------------------------------------------


def test_the_hazard_page_shows_its_history_and_offers_only_the_steps_before_closing(world, web, signed):
    _inspection, hazard, _major = signed
    page = web(world.alice).get(hazard.get_absolute_url()).content.decode()
    assert "消防通道堵塞" in page and "登记隐患" in page
    options = page.split('name="to_status"')[1].split("</select>")[0]
    assert "整改中" in options and "待复查" in options and "已销号" not in options


def test_moving_a_hazard_records_the_step_and_closing_by_hand_is_refused(world, web, signed):
    _inspection, hazard, _major = signed
    url = reverse("inspections:hazard_move", args=[hazard.pk])
    client = web(world.alice)
    client.post(url, {"to_status": HazardStatus.RECTIFYING, "note": "企业已开始整改"})
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    assert hazard.events.last().note == "企业已开始整改" and hazard.events.last().actor == world.alice
    response = client.post(url, {"to_status": HazardStatus.CLOSED}, follow=True)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING
    assert "请选择隐患的新状态" in response.content.decode()


def test_a_hazard_is_referred_to_the_case_queue_once(world, web, signed):
    _inspection, hazard, _major = signed
    url = reverse("inspections:hazard_refer", args=[hazard.pk])
    client = web(world.alice)
    client.post(url, {"description": "未保持疏散通道畅通，违反安全生产法第四十二条"})
    source = CaseSource.objects.get()
    assert (source.hazard, source.inspection, source.board, source.status) == (
        hazard,
        hazard.inspection,
        world.board_a,
        "queued",
    )
    queue = client.get(reverse("inspections:casesource_list")).content.decode()
    assert "未保持疏散通道畅通" in queue
    assert (
        "未保持疏散通道畅通"
        not in web(world.bob).get(reverse("inspections:casesource_list")).content.decode()
    )
    # A safety manager may not refer
    assert web(world.amy).post(url, {"description": "x"}).status_code == 403


def test_a_hazard_already_in_the_queue_is_not_queued_again(world, web, signed):
    _inspection, hazard, _major = signed
    url = reverse("inspections:hazard_refer", args=[hazard.pk])
    client = web(world.alice)
    client.post(url, {"description": "未保持疏散通道畅通"})
    again = client.post(url, {"description": "再次"}, follow=True).content.decode()
    assert "已在立案审查队列中" in again and CaseSource.objects.count() == 1


def test_the_case_queue_runs_a_constant_number_of_queries(world, web, checklist):
    def add(n):
        for _ in range(n):
            inspection, hazard, _major = signed_inspection(world, checklist)
            services.refer_to_case(user=world.alice, description="线索", hazard=hazard)

    assert_constant_queries(web(world.alice), reverse("inspections:casesource_list"), add)


# --- Rectification orders ----------------------------------------------------------------------------


def test_the_order_form_proposes_deadlines_by_level(world, web, signed, settings):
    inspection, general, major = signed
    url = reverse("inspections:order_issue", args=[inspection.pk])
    page = web(world.alice).get(url).content.decode()
    assert f'name="deadline-{general.pk}" value="{today() + timedelta(days=15):%Y-%m-%d}"' in page
    assert f'name="deadline-{major.pk}" value="{today() + timedelta(days=30):%Y-%m-%d}"' in page
    settings.ZHIFA_RECTIFICATION_DEFAULT_DAYS = {"general": 7, "major": 20}
    page = web(world.alice).get(url).content.decode()
    assert f'value="{today() + timedelta(days=7):%Y-%m-%d}"' in page


def test_issuing_an_order_sets_each_deadline_and_issues_the_document(world, web, signed):
    inspection, general, major = signed
    first, second = today() + timedelta(days=5), today() + timedelta(days=20)
    response = web(world.alice).post(
        reverse("inspections:order_issue", args=[inspection.pk]),
        {
            f"pick-{general.pk}": "on",
            f"deadline-{general.pk}": first,
            f"pick-{major.pk}": "on",
            f"deadline-{major.pk}": second,
        },
    )
    order = RectificationOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert {i.hazard_id: i.deadline for i in order.items.all()} == {general.pk: first, major.pk: second}
    general.refresh_from_db()
    assert general.deadline == first
    page = web(world.alice).get(order.get_absolute_url()).content.decode()
    assert order.document.number in page and "整改复查" in page and "登记延期申请" in page


def test_an_order_needs_a_hazard_and_a_deadline_not_in_the_past(world, web, signed):
    inspection, general, _major = signed
    url = reverse("inspections:order_issue", args=[inspection.pk])
    client = web(world.alice)
    assert "请至少选择一项隐患" in client.post(url, {}).content.decode()
    past = client.post(
        url, {f"pick-{general.pk}": "on", f"deadline-{general.pk}": today() - timedelta(days=1)}
    )
    assert "整改期限不能早于今天" in past.content.decode()
    assert not RectificationOrder.objects.exists()


def test_no_order_from_a_draft_and_none_by_a_safety_manager(world, web, checklist, signed):
    draft = make_inspection(make_enterprise(world.board_a), [world.alice.officer], checklist=checklist)
    response = web(world.alice).get(reverse("inspections:order_issue", args=[draft.pk]))
    assert response.status_code == 302
    assert web(world.amy).get(reverse("inspections:order_issue", args=[signed[0].pk])).status_code == 403


def test_the_order_list_runs_a_constant_number_of_queries(world, web, checklist):
    def add(n):
        for _ in range(n):
            inspection, general, _major = signed_inspection(world, checklist)
            services.issue_rectification_order(
                inspection, {general.pk: today() + timedelta(days=3)}, user=world.alice
            )

    assert_constant_queries(web(world.alice), reverse("inspections:order_list"), add)


# --- Extensions ---------------------------------------------------------------------------------------


def test_an_extension_is_requested_by_an_officer_and_decided_by_the_board_leader(world, web, order):
    hazard = order.hazards.get(level="general")
    later = today() + timedelta(days=40)
    response = web(world.alice).post(
        reverse("inspections:extension_add", args=[order.pk]),
        {"hazards": [hazard.pk], "requested_deadline": later, "reason": "设备到货需时", "applicant": "王五"},
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    url = reverse("inspections:extension_detail", args=[extension.pk])
    assert "提交审批" not in web(world.alice).get(url).content.decode()
    assert (
        web(world.alice).post(reverse("inspections:extension_decide", args=[extension.pk])).status_code == 403
    )
    assert "提交审批" in web(world.albert).get(url).content.decode()
    web(world.albert).post(
        reverse("inspections:extension_decide", args=[extension.pk]), {"approve": "1", "opinion": "同意延期"}
    )
    extension.refresh_from_db()
    hazard.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED and extension.decided_by == world.albert
    assert hazard.deadline == later and extension.document is not None


def test_an_extension_must_run_past_the_current_deadline(world, web, order):
    hazard = order.hazards.get(level="general")
    response = web(world.alice).post(
        reverse("inspections:extension_add", args=[order.pk]),
        {"hazards": [hazard.pk], "requested_deadline": hazard.deadline, "reason": "x", "applicant": "王五"},
    )
    assert "延期后的期限应晚于原整改期限" in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_decision_needs_an_opinion(world, web, order):
    extension = services.request_extension(
        order,
        list(order.hazards.all()),
        today() + timedelta(days=60),
        reason="r",
        applicant="王五",
        user=world.alice,
    )
    response = web(world.albert).post(
        reverse("inspections:extension_decide", args=[extension.pk]), {"approve": "0"}, follow=True
    )
    assert "请选择审批结论并填写审批意见" in response.content.decode()
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING


# --- Re-inspection ------------------------------------------------------------------------------------


def test_a_re_inspection_closes_one_hazard_keeps_the_other_and_issues_the_opinion(world, web, order):
    general = order.hazards.get(level="general")
    major = order.hazards.get(level="major")
    client = web(world.alice)
    response = client.post(reverse("inspections:reinspection_start", args=[order.pk]))
    review = ReInspection.objects.get()
    assert response["Location"] == reverse("inspections:reinspection_edit", args=[review.pk])
    outcomes = {o.hazard_id: o.pk for o in review.outcomes.all()}
    later = today() + timedelta(days=20)
    data = {
        "officers": [world.alice.officer.pk, world.albert.officer.pk],
        "inspected_at": f"{today():%Y-%m-%d}T10:00",
        "opinion": "消防通道已清理；除尘系统仍未整改到位。",
        f"outcome-{outcomes[general.pk]}": "closed",
        f"note-{outcomes[general.pk]}": "已清理",
        f"outcome-{outcomes[major.pk]}": "kept",
        f"new_deadline-{outcomes[major.pk]}": later,
        f"note-{outcomes[major.pk]}": "",
    }
    page = client.get(reverse("inspections:reinspection_edit", args=[review.pk])).content.decode()
    assert "消防通道堵塞" in page and "保存并签署" in page
    response = client.post(reverse("inspections:reinspection_sign_off", args=[review.pk]), data)
    review.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.status == InspectionStatus.SIGNED_OFF and review.document is not None
    general.refresh_from_db()
    major.refresh_from_db()
    assert general.status == HazardStatus.CLOSED
    assert major.status == HazardStatus.RECTIFYING and major.deadline == later
    detail = client.get(review.get_absolute_url()).content.decode()
    assert review.document.number in detail and "整改合格，予以销号" in detail
    # The next re-inspection lists the hazard still open, only
    client.post(reverse("inspections:reinspection_start", args=[order.pk]))
    assert [o.hazard_id for o in ReInspection.objects.latest("pk").outcomes.all()] == [major.pk]


def test_re_inspection_sign_off_lists_its_problems(world, web, order):
    review = services.start_reinspection(order, user=world.alice, officers=[world.alice.officer])
    response = web(world.alice).post(reverse("inspections:reinspection_sign_off", args=[review.pk]))
    page = response.content.decode()
    problems = page.split('id="problems"')[1].split("</article>")[0]
    assert "请填写复查时间" in problems and "请填写复查意见" in problems
    review.refresh_from_db()
    assert review.status == InspectionStatus.DRAFT


def test_another_boards_orders_and_re_inspections_are_not_found(world, web, order):
    review = services.start_reinspection(order, user=world.alice)
    client = web(world.bob)
    for url in (
        order.get_absolute_url(),
        reverse("inspections:extension_add", args=[order.pk]),
        reverse("inspections:reinspection_start", args=[order.pk]),
        review.get_absolute_url(),
        reverse("inspections:reinspection_edit", args=[review.pk]),
    ):
        assert client.get(url).status_code == 404, url


# --- Home page ----------------------------------------------------------------------------------------


def test_the_district_sees_major_hazards_overdue_by_board_and_this_months_inspections(world, web, checklist):
    _a, a_general, a_major = signed_inspection(world, checklist, name="湖塘甲厂")
    _b, b_general, _b_major = signed_inspection(world, checklist, board=world.board_b, name="牛塘乙厂")
    Hazard.objects.filter(pk__in=[a_general.pk, b_general.pk]).update(deadline=today() - timedelta(days=2))
    client = web(world.dan)
    client.get("/")  # the session's first request costs its own queries
    with CaptureQueriesContext(connection) as few:
        page = client.get("/").content.decode()
    assert "挂牌督办的重大隐患" in page
    assert reverse("inspections:hazard_list") + "?level=major&amp;open=true" in page
    assert "粉尘除尘系统" in page
    overdue = page.split("逾期未整改隐患（按板块）")[1].split("</ul>")[0]
    assert "湖塘镇：1" in overdue and "牛塘镇：1" in overdue
    assert f"overdue=true&amp;board={world.board_a.pk}" in overdue
    month = page.split("本月已签署的现场检查（按板块）")[1].split("</ul>")[0]
    assert "湖塘镇：1" in month and f"board={world.board_b.pk}" in month
    # More boards' hazards do not cost more queries
    signed_inspection(world, checklist, name="湖塘丙厂")
    with CaptureQueriesContext(connection) as more:
        client.get("/")
    assert len(few.captured_queries) == len(more.captured_queries)


def test_a_board_leader_sees_the_boards_open_work_and_pending_extensions(world, web, order, checklist):
    make_inspection(make_enterprise(world.board_a), [world.alice.officer], checklist=checklist)
    services.request_extension(
        order,
        [order.hazards.first()],
        today() + timedelta(days=60),
        reason="r",
        applicant="王五",
        user=world.alice,
    )
    page = web(world.albert).get("/").content.decode()
    figures = page.split("隐患与检查")[1]
    assert "未销号隐患" in figures and "填写中的检查记录" in figures and "待审批的延期申请" in figures
    assert reverse("inspections:extension_list") + "?status=pending" in figures
    assert "待审批的延期申请" not in web(world.alice).get("/").content.decode()
    listed = web(world.albert).get(reverse("inspections:extension_list") + "?status=pending").content.decode()
    assert "王五" in listed


# --- Checklists ---------------------------------------------------------------------------------------


def test_a_published_checklist_is_read_only_and_changes_go_into_a_new_version(world, web, checklist):
    client = web(world.dan)
    detail = client.get(checklist.get_absolute_url()).content.decode()
    new_version = reverse("inspections:checklist_new_version", args=[checklist.pk])
    assert new_version in detail and "编辑检查项" not in detail
    assert client.get(reverse("inspections:checklist_edit", args=[checklist.pk])).status_code == 302
    client.post(reverse("inspections:checklist_new_version", args=[checklist.pk]))
    draft = ChecklistTemplate.objects.get(code="test", version=2)
    assert draft.status == ChecklistStatus.DRAFT and draft.items.count() == 2
    items = list(draft.items.order_by("order"))
    data = {
        "code": "test",
        "name": "测试检查表（修订）",
        "expert_group": "",
        "note": "",
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "2",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update(
            {
                f"items-{i}-id": item.pk,
                f"items-{i}-template": draft.pk,
                f"items-{i}-order": item.order,
                f"items-{i}-section": item.section,
                f"items-{i}-text": item.text,
                f"items-{i}-legal_basis": item.legal_basis,
                f"items-{i}-major_basis": "",
                f"items-{i}-default_level": "general",
            }
        )
    data.update(
        {
            "items-2-template": draft.pk,
            "items-2-order": "3",
            "items-2-section": "现场设备设施",
            "items-2-text": "有限空间作业是否审批",
            "items-2-legal_basis": "《工贸企业有限空间作业安全规定》第十三条",
            "items-2-major_basis": "《工贸企业重大事故隐患判定标准》第十三条",
            "items-2-default_level": "general",
            # The two rows left empty post what a browser posts: their select's first option
            "items-3-default_level": "general",
            "items-4-default_level": "general",
        }
    )
    response = client.post(reverse("inspections:checklist_edit", args=[draft.pk]), data)
    assert response.status_code == 302, [
        chunk.split("</")[0] for chunk in response.content.decode().split('class="errorlist')[1:]
    ]
    assert draft.items.count() == 3 and draft.items.get(order=3).hazard_level == "major"
    client.post(reverse("inspections:checklist_publish", args=[draft.pk]))
    draft.refresh_from_db()
    checklist.refresh_from_db()
    assert draft.status == ChecklistStatus.PUBLISHED and checklist.status == ChecklistStatus.RETIRED
    assert checklist.items.count() == 2  # the version inspections used is unchanged


def test_checklists_are_administered_by_the_district_only(world, web, checklist):
    assert web(world.alice).get(checklist.get_absolute_url()).status_code == 200
    new_version = reverse("inspections:checklist_new_version", args=[checklist.pk])
    assert new_version not in web(world.alice).get(checklist.get_absolute_url()).content.decode()
    assert (
        web(world.alice).post(reverse("inspections:checklist_new_version", args=[checklist.pk])).status_code
        == 403
    )
    assert web(world.sam).get(reverse("inspections:checklist_add")).status_code == 200


def test_a_new_checklist_family_starts_as_a_draft_and_its_code_is_unique(world, web, checklist):
    client = web(world.dan)
    url = reverse("inspections:checklist_add")
    response = client.post(url, {"code": "dust", "name": "粉尘涉爆专项检查表", "note": ""})
    dust = ChecklistTemplate.objects.get(code="dust")
    assert response["Location"] == dust.get_absolute_url() and dust.status == ChecklistStatus.DRAFT
    again = client.post(url, {"code": "test", "name": "重复", "note": ""})
    assert "该代码的检查表已存在" in again.content.decode()
