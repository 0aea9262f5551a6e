"""The enterprise API: fields, permissions, boards, validation, classification, versions, queries, schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_board, make_enterprise, today, valid_uscc
from zhifa.enterprises.choices import ClassificationSource, EnforcementClass
from zhifa.enterprises.models import Classification, ClassRule, ClassRuleSet, Enterprise

pytestmark = pytest.mark.django_db

ENTERPRISES = "/api/v1/enterprises/"


def detail(pk):
    return f"{ENTERPRISES}{pk}/"


def override_url(pk):
    return f"{ENTERPRISES}{pk}/override-class/"


def list_queries(client, url):
    """(number of queries, number of rows) of one list request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def payload(board, **overrides):
    data = {
        "uscc": valid_uscc(),
        "name": "常州某某精细化工有限公司",
        "legal_representative": "王五",
        "address": "湖塘镇某某路 1 号",
        "board": board.pk,
        "industry_code": "2614",
        "sector": "industry_trade",
        "scale": "small",
        "contact_name": "赵六",
        "contact_phone": "13912345678",
    }
    data.update(overrides)
    return data


@pytest.fixture
def hazardous_rule(db):
    """A rule version in force from today: 危险化学品 enterprises are class A, everything else D."""
    ruleset = ClassRuleSet.objects.create(version="测试-1", name="测试规则", effective_from=today())
    ClassRule.objects.create(
        ruleset=ruleset,
        priority=10,
        enforcement_class=EnforcementClass.A,
        sectors=["hazardous_chemicals"],
        description="危险化学品企业",
    )
    return ruleset


# --- Reading ---------------------------------------------------------------------------------------


def test_the_enterprise_fields_are_named_as_documented(world, api):
    enterprise = make_enterprise(world.board_a, name="常州某某机械有限公司")
    response = api(world.alice).get(detail(enterprise.pk))
    assert response.status_code == 200
    body = response.json()
    expected = {
        "uscc", "name", "board", "industry_code", "enforcement_class", "legal_representative", "address",
        "sector", "scale", "major_hazard_level", "standardization_grade", "operating_status", "contact_name",
        "masked_contact_phone", "class_overridden", "version",
    }  # fmt: skip
    assert expected <= set(body)
    assert body["industry_code"] == "2614"
    assert body["board"] == world.board_a.pk
    assert body["board_name"] == "湖塘镇"
    assert body["version"] == 1


def test_an_anonymous_client_must_authenticate(world, api):
    assert api().get(ENTERPRISES).status_code == 401


def test_the_system_administrator_has_no_access_to_enterprises(world, api):
    assert api(world.sam).get(ENTERPRISES).status_code == 403


def test_the_legal_reviewer_may_read_but_not_register_enterprises(world, api):
    client = api(world.lily)
    assert client.get(ENTERPRISES).status_code == 200
    assert client.post(ENTERPRISES, payload(world.board_a), format="json").status_code == 403


def test_a_board_officer_gets_404_for_another_boards_enterprise(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.bob).get(detail(enterprise.pk))
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]


def test_a_board_officer_gets_404_updating_another_boards_enterprise(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.bob).patch(detail(enterprise.pk), {"address": "牛塘镇某路 2 号"}, format="json")
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.address.startswith("湖塘镇")


def test_a_board_officer_lists_only_the_own_boards_enterprises(world, api):
    mine = make_enterprise(world.board_a)
    make_enterprise(world.board_b)
    rows = api(world.alice).get(ENTERPRISES).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


def test_enterprises_can_be_filtered_by_board_class_industry_prefix_and_search(world, api):
    chemical = make_enterprise(world.board_a, name="常州甲化工有限公司", industry="2614")
    machine = make_enterprise(world.board_b, name="常州乙机械有限公司", industry="3311")
    client = api(world.dan)

    def ids(**params):
        return {row["id"] for row in client.get(ENTERPRISES, params).json()["results"]}

    assert ids(board=world.board_b.pk) == {machine.pk}
    assert ids(industry_code="26") == {chemical.pk}
    assert ids(q="乙机械") == {machine.pk}
    assert ids(enforcement_class=chemical.enforcement_class) >= {chemical.pk}
    assert ids(sector="mining") == set()


def test_the_enterprise_list_runs_a_constant_number_of_queries(world, api):
    board = make_board("测试镇", "320412300", short_name="测")
    client = api(world.dan)
    url = f"{ENTERPRISES}?limit=100&board={board.pk}"
    for _ in range(3):
        make_enterprise(board)
    few, rows = list_queries(client, url)
    assert rows == 3
    for n in range(27):
        make_enterprise(board, industry="3311" if n % 2 else "2614")
    many, rows = list_queries(client, url)
    assert rows == 30
    assert many == few


def test_a_board_officers_enterprise_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.alice)
    for _ in range(3):
        make_enterprise(world.board_a)
    few, rows = list_queries(client, ENTERPRISES + "?limit=100")
    assert rows == 3
    for _ in range(27):
        make_enterprise(world.board_a)
    many, rows = list_queries(client, ENTERPRISES + "?limit=100")
    assert rows == 30
    assert many == few


# --- Creating --------------------------------------------------------------------------------------


def test_a_board_officer_registers_an_enterprise_in_the_own_board_and_it_is_classified(
    world, api, hazardous_rule
):
    data = payload(world.board_a, sector="hazardous_chemicals", enforcement_class="D")
    response = api(world.alice).post(ENTERPRISES, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["enforcement_class"] == EnforcementClass.A  # by the rule, not by the client
    assert body["version"] == 1
    assert body["contact_phone"] == body["masked_contact_phone"] == "139****5678"
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert enterprise.class_ruleset == hazardous_rule
    assert enterprise.contact_phone == "13912345678"
    history = Classification.objects.get(enterprise=enterprise)
    assert history.source == ClassificationSource.RULE
    assert history.decided_by == world.alice


def test_creating_an_enterprise_is_audited_with_the_api_users_name(world, api):
    response = api(world.dan).post(ENTERPRISES, payload(world.board_b), format="json")
    assert response.status_code == 201, response.content
    row = AuditEntry.objects.get(
        object_type="enterprises.enterprise", object_id=str(response.json()["id"]), action=AuditAction.CREATE
    )
    assert row.username == "dan"
    assert row.source == "api"


def test_a_board_officer_cannot_register_an_enterprise_in_another_board(world, api):
    response = api(world.alice).post(ENTERPRISES, payload(world.board_b), format="json")
    assert response.status_code == 400
    assert "只能在您管辖的板块" in response.json()["board"][0]
    assert not Enterprise.objects.exists()


def test_a_board_officer_cannot_move_an_enterprise_to_another_board(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.alice).patch(detail(enterprise.pk), {"board": world.board_b.pk}, format="json")
    assert response.status_code == 400
    assert "board" in response.json()
    enterprise.refresh_from_db()
    assert enterprise.board == world.board_a


def test_an_enterprise_cannot_belong_to_the_district_itself(world, api):
    response = api(world.dan).post(ENTERPRISES, payload(world.district), format="json")
    assert response.status_code == 400
    assert "必须归属到一个板块" in response.json()["board"][0]


def test_an_invalid_credit_code_is_refused_with_a_chinese_message_on_uscc(world, api):
    code = valid_uscc()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    response = api(world.dan).post(ENTERPRISES, payload(world.board_a, uscc=bad), format="json")
    assert response.status_code == 400
    assert "统一社会信用代码" in response.json()["uscc"][0]


def test_a_credit_code_already_registered_is_refused_on_uscc(world, api):
    existing = make_enterprise(world.board_a)
    response = api(world.dan).post(ENTERPRISES, payload(world.board_a, uscc=existing.uscc), format="json")
    assert response.status_code == 400
    assert "uscc" in response.json()


def test_an_unknown_industry_code_is_refused_with_a_chinese_message_on_industry_code(world, api):
    response = api(world.dan).post(ENTERPRISES, payload(world.board_a, industry_code="9999"), format="json")
    assert response.status_code == 400
    assert response.json()["industry_code"] == ["国民经济行业代码 9999 不存在（GB/T 4754-2017）"]


def test_an_industry_section_letter_is_too_coarse(world, api):
    response = api(world.dan).post(ENTERPRISES, payload(world.board_a, industry_code="C"), format="json")
    assert response.status_code == 400
    assert "至少选到大类" in response.json()["industry_code"][0]


def test_an_invalid_contact_phone_is_refused_with_a_chinese_message(world, api):
    response = api(world.dan).post(
        ENTERPRISES, payload(world.board_a, contact_phone="5551234"), format="json"
    )
    assert response.status_code == 400
    assert "电话号码格式错误" in response.json()["contact_phone"][0]


def test_a_missing_name_is_refused_in_chinese(world, api):
    data = payload(world.board_a)
    del data["name"]
    response = api(world.dan).post(ENTERPRISES, data, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == ["该字段是必填项。"]


# --- Updating --------------------------------------------------------------------------------------


def test_an_update_with_the_current_version_succeeds_and_bumps_it(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.alice).patch(
        detail(enterprise.pk), {"address": "湖塘镇新址路 8 号", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["address"] == "湖塘镇新址路 8 号"


def test_an_update_based_on_a_stale_version_answers_409_in_chinese(world, api):
    enterprise = make_enterprise(world.board_a)
    client = api(world.alice)
    assert (
        client.patch(detail(enterprise.pk), {"address": "甲", "version": 1}, format="json").status_code == 200
    )
    response = client.patch(detail(enterprise.pk), {"address": "乙", "version": 1}, format="json")
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    enterprise.refresh_from_db()
    assert (enterprise.address, enterprise.version) == ("甲", 2)


def test_a_full_update_round_trips_what_was_read(world, api):
    enterprise = make_enterprise(world.board_a, contact_phone="13900001111")
    client = api(world.alice)
    body = client.get(detail(enterprise.pk)).json()
    body["name"] = "常州某某新材料有限公司"
    response = client.put(detail(enterprise.pk), body, format="json")
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert enterprise.name == "常州某某新材料有限公司"
    assert enterprise.contact_phone == "13900001111"  # the masked value was read, the phone kept


def test_updating_an_enterprise_is_audited_with_the_api_users_name(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.alice).patch(detail(enterprise.pk), {"address": "湖塘镇新址路 9 号"}, format="json")
    assert response.status_code == 200, response.content
    row = AuditEntry.objects.filter(
        object_type="enterprises.enterprise", object_id=str(enterprise.pk), action=AuditAction.UPDATE
    ).latest("id")
    assert row.username == "alice"
    assert row.after["address"] == "湖塘镇新址路 9 号"


def test_an_update_reclassifies_the_enterprise(world, api, hazardous_rule):
    enterprise = make_enterprise(world.board_a)
    assert enterprise.enforcement_class == hazardous_rule.default_class
    response = api(world.alice).patch(detail(enterprise.pk), {"sector": "hazardous_chemicals"}, format="json")
    assert response.json()["enforcement_class"] == EnforcementClass.A


def test_the_enforcement_class_cannot_be_written_directly(world, api):
    enterprise = make_enterprise(world.board_a)
    before = enterprise.enforcement_class
    api(world.dan).patch(detail(enterprise.pk), {"enforcement_class": "A"}, format="json")
    enterprise.refresh_from_db()
    assert enterprise.enforcement_class == before == EnforcementClass.D


def test_enterprises_are_never_deleted_through_the_api(world, api):
    enterprise = make_enterprise(world.board_a)
    assert api(world.dan).delete(detail(enterprise.pk)).status_code in (403, 405)
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


# --- Overriding the class --------------------------------------------------------------------------


def test_a_board_leader_overrides_the_class_with_a_reason(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.albert).post(
        override_url(enterprise.pk),
        {"enforcement_class": "A", "reason": "近一年发生生产安全事故"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["enforcement_class"], body["class_overridden"]) == ("A", True)
    assert body["class_override_reason"] == "近一年发生生产安全事故"
    assert body["version"] == 2
    history = Classification.objects.filter(enterprise=enterprise).latest("decided_at", "pk")
    assert (history.source, history.decided_by) == (ClassificationSource.OVERRIDE, world.albert)


def test_an_overridden_class_survives_a_later_save(world, api, hazardous_rule):
    enterprise = make_enterprise(world.board_a)
    client = api(world.albert)
    client.post(override_url(enterprise.pk), {"enforcement_class": "B", "reason": "专项整治"}, format="json")
    response = client.patch(detail(enterprise.pk), {"sector": "hazardous_chemicals"}, format="json")
    assert response.json()["enforcement_class"] == "B"


def test_overriding_the_class_needs_a_reason(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.albert).post(
        override_url(enterprise.pk), {"enforcement_class": "A", "reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_a_role_without_the_override_permission_gets_403(world, api):
    enterprise = make_enterprise(world.board_a)
    for user in (world.lily, world.amy):
        response = api(user).post(
            override_url(enterprise.pk), {"enforcement_class": "A", "reason": "x"}, format="json"
        )
        assert response.status_code == 403


def test_overriding_another_boards_enterprise_answers_404(world, api):
    enterprise = make_enterprise(world.board_a)
    response = api(world.bob).post(
        override_url(enterprise.pk), {"enforcement_class": "A", "reason": "x"}, format="json"
    )
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert not enterprise.class_overridden


# --- Schema ----------------------------------------------------------------------------------------


def test_the_schema_endpoint_answers(world, api):
    response = api(world.dan).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/enterprises/{id}/override-class/" in response.content


def test_the_api_documentation_page_is_served_without_a_cdn(world, api):
    response = api(world.dan).get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"cdn.jsdelivr.net" not in response.content


def test_the_api_root_lists_the_resources_to_a_signed_in_user(world, api):
    response = api(world.alice).get("/api/v1/")
    assert response.status_code == 200
    assert {"regions", "officers", "certificates", "expert-groups", "experts", "enterprises"} <= set(
        response.json()
    )
    assert api().get("/api/v1/").status_code == 401
