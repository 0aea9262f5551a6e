"""The inspection pages: starting a draft, filling it on a phone (with and without JavaScript), autosave
that refuses a stale version, sign-off that lists every problem, and the lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhifa.core.testing import make_checklist, make_enterprise, make_inspection, make_officer, today
from zhifa.inspections import services
from zhifa.inspections.choices import InspectionStatus, ItemResult
from zhifa.inspections.models import ChecklistTemplate, Hazard, Inspection
from zhifa.orgs.models import Secondment

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _blobs_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def enterprise(world):
    return make_enterprise(world.board_a, name="湖塘精密机械有限公司")


@pytest.fixture
def checklist(db):
    return make_checklist(code="test", items=3, major_items=(3,))


@pytest.fixture
def draft(world, enterprise, checklist):
    return make_inspection(enterprise, [world.alice.officer], checklist=checklist, user=world.alice)


def edit_url(inspection):
    return reverse("inspections:inspection_edit", args=[inspection.pk])


def item_url(inspection):
    return reverse("inspections:inspection_item", args=[inspection.pk])


def full_post(inspection, *, officers=None, results=None, **fields):
    """What the draft page's form submits: header, team, every item, the version it was loaded at."""
    inspection.refresh_from_db()
    data = {
        "version": inspection.version,
        "origin": inspection.origin,
        "started_at": f"{today():%Y-%m-%d}T09:30",
        "ended_at": f"{today():%Y-%m-%d}T11:00",
        "place": "一号车间",
        "onsite_person_name": "王五",
        "onsite_person_title": "安全主管",
        "onsite_person_phone": "13900001111",
        "findings": "现场检查了生产车间。",
        "officers": [o.pk for o in officers]
        if officers is not None
        else list(inspection.team.values_list("officer_id", flat=True)),
    }
    for row in inspection.results.all():
        result = (results or {}).get(row.item_id, row.result or ItemResult.COMPLIANT)
        data[f"result-{row.item_id}"] = result
        data[f"note-{row.item_id}"] = ""
    data.update(fields)
    return data


# --- Starting ---------------------------------------------------------------------------------------


def test_the_start_page_finds_enterprises_by_name_or_credit_code_within_the_jurisdiction(
    world, web, enterprise
):
    other = make_enterprise(world.board_b, name="牛塘化工有限公司")
    client = web(world.alice)
    url = reverse("inspections:inspection_start")
    assert "湖塘精密机械有限公司" in client.get(url, {"q": "精密"}).content.decode()
    assert "湖塘精密机械有限公司" in client.get(url, {"q": enterprise.uscc.lower()}).content.decode()
    page = client.get(url, {"q": other.uscc}).content.decode()
    assert "牛塘化工" not in page and "管辖范围内没有找到该单位" in page
    # Posting another board's enterprise is refused as not found in the jurisdiction
    response = client.post(url, {"enterprise": other.pk, "origin": "ad_hoc"})
    assert response.status_code == 200
    assert "所选企业不存在或不在您的管辖范围内" in response.content.decode()
    assert not Inspection.objects.exists()


def test_starting_opens_a_draft_with_the_group_checklist_and_the_officer_on_the_team(world, web, enterprise):
    response = web(world.alice).post(
        reverse("inspections:inspection_start"), {"enterprise": enterprise.pk, "origin": "planned"}
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(inspection)
    # 2614 is a chemical industry: the 化工医药 group's latest published checklist
    assert inspection.checklist.expert_group.code == "chem"
    assert inspection.checklist == ChecklistTemplate.objects.latest_published().get(
        code=inspection.checklist.code
    )
    assert inspection.results.count() == inspection.checklist.items.count()
    assert list(inspection.team.values_list("officer", flat=True)) == [world.alice.officer_id]
    assert inspection.origin == "planned" and inspection.created_by == world.alice


def test_an_enterprise_outside_every_expert_group_gets_the_general_checklist(world, web):
    shop = make_enterprise(world.board_a, name="湖塘宾馆", industry="6110")
    web(world.alice).post(
        reverse("inspections:inspection_start"), {"enterprise": shop.pk, "origin": "ad_hoc"}
    )
    assert Inspection.objects.get().checklist.expert_group is None


def test_a_newer_published_version_is_the_one_used(world, web, enterprise):
    group_code = "chem"
    current = ChecklistTemplate.objects.latest_published().get(expert_group__code=group_code)
    newer = services.new_checklist_version(current, user=world.dan)
    services.publish_checklist(newer, user=world.dan)
    web(world.alice).post(
        reverse("inspections:inspection_start"), {"enterprise": enterprise.pk, "origin": "ad_hoc"}
    )
    assert Inspection.objects.get().checklist == newer


def test_only_district_roles_start_a_cross_enforcement_inspection(world, web, enterprise):
    url = reverse("inspections:inspection_start")
    web(world.alice).post(url, {"enterprise": enterprise.pk, "origin": "ad_hoc", "cross_enforcement": "on"})
    web(world.dan).post(url, {"enterprise": enterprise.pk, "origin": "ad_hoc", "cross_enforcement": "on"})
    by_alice, by_dan = Inspection.objects.order_by("pk")
    assert (by_alice.cross_enforcement, by_dan.cross_enforcement) == (False, True)


# --- The draft page ---------------------------------------------------------------------------------


def test_the_draft_page_offers_each_item_as_three_large_choices_and_a_camera_upload(world, web, draft):
    page = web(world.alice).get(edit_url(draft)).content.decode()
    assert page.count('class="verdict"') == 3
    for label in ("符合", "不符合", "不适用"):
        assert f">{label}</label>" in page
    assert f'hx-post="{item_url(draft)}"' in page
    assert 'accept="image/*" capture="environment" multiple' in page
    assert 'name="version"' in page and "保存并签署" in page


def test_the_team_offers_the_boards_officers_and_those_seconded_or_paired_to_it(world, web, draft):
    seconded = make_officer(world.district, post="brigade_officer", name="派驻队员")
    Secondment.objects.create(officer=seconded, region=world.board_a, start=today())
    page = web(world.alice).get(edit_url(draft)).content.decode()
    assert "艾丽" in page and "艾伯特" in page and "派驻队员" in page
    assert "鲍勃" not in page  # another board's officer, without cross enforcement
    assert "艾米" in page  # offered as an assistant (safety manager), not as an officer
    form_officers = page.split('id="id_officers"')[1].split("</div>")[0]
    assert "艾米" not in form_officers


def test_cross_enforcement_offers_officers_of_every_board(world, web, draft):
    Inspection.objects.filter(pk=draft.pk).update(cross_enforcement=True)
    assert "鲍勃" in web(world.alice).get(edit_url(draft)).content.decode()


def test_saving_the_whole_draft_works_without_javascript(world, web, draft):
    rows = list(draft.results.order_by("item__order"))
    data = full_post(
        draft,
        officers=[world.alice.officer, world.albert.officer],
        results={rows[0].item_id: ItemResult.NOT_APPLICABLE},
        assistants=[world.amy.officer.pk],
    )
    response = web(world.alice).post(edit_url(draft), data)
    assert response.status_code == 302 and response["Location"] == edit_url(draft)
    draft.refresh_from_db()
    assert draft.place == "一号车间" and draft.onsite_person_name == "王五"
    assert timezone.localtime(draft.started_at).hour == 9 and timezone.localtime(draft.ended_at).hour == 11
    assert list(draft.team.values_list("officer", flat=True)) == [
        world.alice.officer_id,
        world.albert.officer_id,
    ]
    assert list(draft.assistants.all()) == [world.amy.officer]
    assert [r.result for r in draft.results.order_by("item__order")] == ["na", "compliant", "compliant"]
    assert draft.version == data["version"] + 1


def test_a_board_officer_cannot_switch_on_cross_enforcement_by_posting_it(world, web, draft):
    web(world.alice).post(edit_url(draft), full_post(draft, cross_enforcement="on"))
    draft.refresh_from_db()
    assert draft.cross_enforcement is False
    web(world.dan).post(edit_url(draft), full_post(draft, cross_enforcement="on"))
    draft.refresh_from_db()
    assert draft.cross_enforcement is True


def test_an_end_before_the_start_is_refused_and_nothing_is_saved(world, web, draft):
    data = full_post(draft, ended_at=f"{today():%Y-%m-%d}T08:00")
    response = web(world.alice).post(edit_url(draft), data)
    assert response.status_code == 200
    assert "检查结束时间不能早于开始时间" in response.content.decode()
    draft.refresh_from_db()
    assert draft.place == "" and draft.version == data["version"]


def test_autosave_saves_one_item_and_hands_back_the_new_version(world, web, draft):
    row = draft.results.order_by("item__order").first()
    data = {
        "item": row.item_id,
        "version": draft.version,
        f"result-{row.item_id}": "compliant",
        f"note-{row.item_id}": "有记录",
    }
    response = web(world.alice).post(item_url(draft), data, **HX)
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.result, row.note) == ("compliant", "有记录")
    page = response.content.decode()
    assert f'id="item-{row.item_id}"' in page
    assert f'name="version" id="id_version" value="{draft.version + 1}" hx-swap-oob="true"' in page


def test_autosave_with_a_stale_version_is_refused_with_a_clear_message(world, web, draft):
    # Given two devices that loaded the draft at the same version
    row = draft.results.order_by("item__order").first()
    loaded = draft.version
    phone = {"item": row.item_id, "version": loaded, f"result-{row.item_id}": "compliant"}
    tablet = {"item": row.item_id, "version": loaded, f"result-{row.item_id}": "non_compliant"}
    client = web(world.alice)
    assert client.post(item_url(draft), phone, **HX).status_code == 200
    # When the second saves on top of the first
    response = client.post(item_url(draft), tablet, **HX)
    # Then it is refused, says why, and the first device's answer stands
    assert response.status_code == 409
    page = response.content.decode()
    assert "已在其他设备上修改" in page and "请刷新后再保存" in page
    assert "hx-swap-oob" not in page
    row.refresh_from_db()
    assert row.result == "compliant"


def test_a_stale_full_save_keeps_what_was_typed_and_saves_nothing(world, web, draft):
    stale = full_post(draft, place="二号仓库")
    row = draft.results.first()
    services.save_results(draft, {row.item_id: ("na", "另一台设备")})
    response = web(world.alice).post(edit_url(draft), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "已在其他设备上修改" in page and "二号仓库" in page
    draft.refresh_from_db()
    assert draft.place == ""
    assert f'value="{draft.version}"' in page  # confirmed, the next save goes through


def test_an_autosave_of_the_header_reports_and_passes_the_version(world, web, draft):
    response = web(world.alice).post(edit_url(draft), full_post(draft), **HX)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert "已自动保存" in response.content.decode()
    assert f'value="{draft.version}" hx-swap-oob="true"' in response.content.decode()


def test_a_non_compliant_item_prompts_a_hazard_prefilled_from_the_item(world, web, draft, checklist):
    major_item = checklist.items.get(order=3)
    data = {"item": major_item.pk, "version": draft.version, f"result-{major_item.pk}": "non_compliant"}
    page = web(world.alice).post(item_url(draft), data, **HX).content.decode()
    assert "请登记隐患" in page
    assert major_item.text in page
    assert f'name="hazard-{major_item.pk}-level"' in page
    assert '<option value="major" selected>' in page
    assert f'name="add_hazard" value="{major_item.pk}"' in page


def test_registering_the_hazard_saves_the_draft_and_records_it_against_the_item(world, web, draft, checklist):
    item = checklist.items.get(order=3)
    data = full_post(draft, results={item.pk: ItemResult.NON_COMPLIANT})
    data.update(
        {
            "add_hazard": str(item.pk),
            f"hazard-{item.pk}-description": "粉尘涉爆场所未设置泄爆装置",
            f"hazard-{item.pk}-level": "major",
            f"hazard-{item.pk}-deadline": "",
            f"hazard-{item.pk}-responsible_person": "赵六",
        }
    )
    response = web(world.alice).post(edit_url(draft), data)
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    hazard = Hazard.objects.get()
    assert (hazard.item, hazard.level, hazard.board, hazard.enterprise) == (
        item,
        "major",
        draft.board,
        draft.enterprise,
    )
    assert hazard.events.get().to_status == "pending"
    page = web(world.alice).get(edit_url(draft)).content.decode()
    assert "粉尘涉爆场所未设置泄爆装置" in page and f'name="add_hazard" value="{item.pk}"' not in page


def test_sign_off_lists_every_problem_at_the_top(world, web, draft):
    response = web(world.alice).post(reverse("inspections:inspection_sign_off", args=[draft.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    problems = page.split('id="problems"')[1].split("</article>")[0]
    assert "请填写检查开始和结束时间" in problems
    assert "请填写检查场所" in problems
    assert "还有 3 个检查项未填写结果" in problems
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT


def test_sign_off_names_the_two_officers_rule_when_the_team_is_short(world, web, draft):
    # The safety manager assists; she is not offered, nor counted, as an officer
    data = full_post(draft, officers=[world.alice.officer], assistants=[world.amy.officer.pk])
    response = web(world.alice).post(reverse("inspections:inspection_sign_off", args=[draft.pk]), data)
    page = response.content.decode()
    problems = page.split('id="problems"')[1].split("</article>")[0]
    assert services.TWO_OFFICERS_RULE in problems and "只有 1 名" in problems
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT and draft.place == "一号车间"  # the save stands


def test_signing_a_complete_record_issues_the_document_and_opens_the_read_only_record(world, web, draft):
    data = full_post(draft, officers=[world.alice.officer, world.albert.officer])
    response = web(world.alice).post(reverse("inspections:inspection_sign_off", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    assert draft.status == InspectionStatus.SIGNED_OFF and draft.document is not None
    page = web(world.alice).get(draft.get_absolute_url()).content.decode()
    assert draft.document.number in page
    assert reverse("documents:document_detail", args=[draft.document_id]) in page
    assert "继续填写" not in page
    # The signed record is read-only: the draft page sends back to it, a post is refused
    assert web(world.alice).get(edit_url(draft))["Location"] == draft.get_absolute_url()
    web(world.alice).post(edit_url(draft), full_post(draft, place="改了"))
    draft.refresh_from_db()
    assert draft.place == "一号车间"


def test_a_safety_manager_drafts_but_may_not_sign(world, web, draft):
    assert web(world.amy).get(edit_url(draft)).status_code == 200
    page = web(world.amy).get(edit_url(draft)).content.decode()
    assert "保存并签署" not in page
    assert web(world.amy).post(reverse("inspections:inspection_sign_off", args=[draft.pk])).status_code == 403


def test_another_boards_inspection_is_not_found(world, web, draft):
    client = web(world.bob)
    for url in (draft.get_absolute_url(), edit_url(draft)):
        assert client.get(url).status_code == 404
    row = draft.results.first()
    assert client.post(item_url(draft), {"item": row.item_id, "version": draft.version}).status_code == 404
    assert client.post(reverse("inspections:inspection_sign_off", args=[draft.pk])).status_code == 404


# --- Lists ------------------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def assert_constant_queries(client, url, add_rows):
    client.get(url)
    add_rows(3)
    few = count_queries(client, url)
    add_rows(17)
    many = count_queries(client, url)
    assert few == many, f"{url}: {few} queries with 3 rows, {many} with 20"


def test_the_inspection_list_runs_a_constant_number_of_queries(world, web, checklist):
    def add(n):
        for _ in range(n):
            inspection = make_inspection(
                make_enterprise(world.board_a),
                [world.alice.officer, world.albert.officer],
                checklist=checklist,
            )
            services.add_hazard(inspection, description="隐患")

    assert_constant_queries(web(world.alice), reverse("inspections:inspection_list"), add)


def test_the_hazard_list_runs_a_constant_number_of_queries(world, web, draft):
    def add(n):
        for _ in range(n):
            services.add_hazard(draft, description="隐患", deadline=today() - timedelta(days=1))

    assert_constant_queries(web(world.alice), reverse("inspections:hazard_list") + "?overdue=true", add)


def test_the_checklist_list_runs_a_constant_number_of_queries(world, web):
    def add(n):
        for _ in range(n):
            make_checklist(code="q", items=2)

    assert_constant_queries(web(world.dan), reverse("inspections:checklist_list"), add)


def test_the_inspection_list_filters_by_status_board_date_and_enterprise(world, web, checklist):
    make_inspection(make_enterprise(world.board_a, name="甲厂"), checklist=checklist, complete=True)
    b = make_inspection(make_enterprise(world.board_b, name="乙厂"), checklist=checklist)
    client = web(world.dan)
    url = reverse("inspections:inspection_list")

    def names(**params):
        page = client.get(url, params).content.decode()
        return {n for n in ("甲厂", "乙厂") if n in page}

    assert names() == {"甲厂", "乙厂"}
    assert names(board=world.board_b.pk) == {"乙厂"}
    assert names(q="甲") == {"甲厂"}
    assert names(q=b.enterprise.uscc) == {"乙厂"}
    assert names(date_from=today().isoformat()) == {"甲厂"}
    assert names(date_to=(today() - timedelta(days=1)).isoformat()) == set()
    assert names(status="draft") == {"甲厂", "乙厂"}
    assert names(status="signed_off") == set()


def test_the_hazard_list_filters_overdue_level_and_open(world, web, draft, checklist):
    late = services.add_hazard(draft, description="逾期的隐患", deadline=today() - timedelta(days=1))
    services.add_hazard(draft, description="未到期的隐患", deadline=today() + timedelta(days=3))
    services.add_hazard(draft, description="重大的隐患", level="major")
    client = web(world.alice)
    url = reverse("inspections:hazard_list")

    def shown(**params):
        page = client.get(url, params).content.decode()
        return {h.description for h in Hazard.objects.all() if h.description in page}

    assert shown(overdue="true") == {late.description}
    assert shown(overdue="false") == {"未到期的隐患", "重大的隐患"}
    assert shown(level="major") == {"重大的隐患"}
    assert shown(open="true") == {"逾期的隐患", "未到期的隐患", "重大的隐患"}
    assert "逾期" in client.get(url).content.decode()


def test_a_board_officer_sees_only_her_boards_inspections(world, web, checklist):
    make_inspection(make_enterprise(world.board_a, name="甲厂"), checklist=checklist)
    make_inspection(make_enterprise(world.board_b, name="乙厂"), checklist=checklist)
    page = web(world.alice).get(reverse("inspections:inspection_list")).content.decode()
    assert "甲厂" in page and "乙厂" not in page


# --- Personal data --------------------------------------------------------------------------------


def test_the_onsite_phone_is_shown_masked_and_kept_when_the_mask_comes_back_unchanged(world, web, draft):
    from zhifa.core.fields import hash_lookup

    client = web(world.alice)
    client.post(edit_url(draft), full_post(draft), **HX)
    draft.refresh_from_db()
    assert draft.onsite_person_phone == "13900001111"
    page = client.get(edit_url(draft)).content.decode()
    assert "13900001111" not in page and "139****1111" in page
    # The masked value submitted with another change keeps the stored number
    client.post(edit_url(draft), full_post(draft, onsite_person_phone="139****1111", place="二号车间"), **HX)
    draft.refresh_from_db()
    assert (draft.onsite_person_phone, draft.place) == ("13900001111", "二号车间")
    # A new number is saved with its search hash (the draft saves only the changed fields)
    client.post(edit_url(draft), full_post(draft, onsite_person_phone="13900002222"), **HX)
    assert Inspection.objects.get(**hash_lookup(Inspection, "onsite_person_phone", "13900002222")) == draft
