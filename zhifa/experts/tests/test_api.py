"""The API of the expert pool: fields, permissions, the expert's own view, validation, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_expert, make_expert_group, valid_uscc
from zhifa.experts.models import Expert

pytestmark = pytest.mark.django_db

GROUPS = "/api/v1/expert-groups/"
EXPERTS = "/api/v1/experts/"


def detail(base, pk):
    return f"{base}{pk}/"


def list_queries(client, url):
    """(number of queries, number of rows) of one list request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def expert_payload(groups, **overrides):
    data = {
        "name": "钱专家",
        "employer": "常州某某安全技术咨询有限公司",
        "employer_uscc": valid_uscc(),
        "title": "高级工程师",
        "qualifications": "注册安全工程师",
        "groups": [g.pk for g in groups],
        "phone": "13912345678",
    }
    data.update(overrides)
    return data


# --- Groups ----------------------------------------------------------------------------------------


def test_the_expert_group_list_gives_code_name_prefixes_and_topics(world, api):
    response = api(world.alice).get(GROUPS)
    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["code"] == "chem")
    assert {"id", "code", "name", "industry_prefixes", "topics"} <= set(row)
    assert row["code"] == "chem"
    assert row["industry_prefixes"] == ["25", "26", "27", "28"]


def test_an_expert_sees_the_groups(world, api):
    assert api(world.eve).get(GROUPS).status_code == 200


def test_expert_groups_are_read_only_even_for_the_system_administrator(world, api):
    group = make_expert_group()
    response = api(world.sam).patch(detail(GROUPS, group.pk), {"name": "改名"}, format="json")
    assert response.status_code == 405


def test_the_expert_group_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.dan)
    few, rows = list_queries(client, GROUPS + "?limit=100")
    for n in range(27):
        make_expert_group(code=f"g{n}", name=f"专业组{n}", prefixes=("13",))
    many, more_rows = list_queries(client, GROUPS + "?limit=100")
    assert more_rows == rows + 27
    assert many == few


# --- Experts ---------------------------------------------------------------------------------------


def test_the_expert_list_gives_the_pools_fields_with_the_phone_masked(world, api):
    expert = make_expert([make_expert_group()], name="孙专家")
    expert.phone = "13912345678"
    expert.save()
    response = api(world.dan).get(detail(EXPERTS, expert.pk))
    assert response.status_code == 200
    body = response.json()
    expected = {
        "name",
        "employer",
        "employer_uscc",
        "title",
        "qualifications",
        "groups",
        "active",
        "masked_phone",
    }
    assert expected <= set(body)
    assert body["phone"] == body["masked_phone"] == "139****5678"  # in full only with ?unmask=1
    assert body["groups"] == [make_expert_group().pk]


def test_an_anonymous_client_must_authenticate_for_experts(world, api):
    assert api().get(EXPERTS).status_code == 401


def test_the_system_administrator_has_no_access_to_experts(world, api):
    assert api(world.sam).get(EXPERTS).status_code == 403


def test_a_board_officer_may_not_add_experts(world, api):
    response = api(world.alice).post(EXPERTS, expert_payload([make_expert_group()]), format="json")
    assert response.status_code == 403


def test_an_expert_sees_only_the_own_record(world, api):
    other = make_expert([make_expert_group()])
    client = api(world.eve)
    rows = client.get(EXPERTS).json()["results"]
    assert [row["id"] for row in rows] == [world.eve.expert_id]
    assert client.get(detail(EXPERTS, other.pk)).status_code == 404


def test_a_brigade_officer_adds_an_expert_and_the_audit_log_names_him(world, api):
    group = make_expert_group()
    response = api(world.bruce).post(EXPERTS, expert_payload([group], name="李专家"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["groups"] == [group.pk]
    expert = Expert.objects.get(pk=body["id"])
    assert list(expert.groups.all()) == [group]
    row = AuditEntry.objects.filter(
        object_type="experts.expert", object_id=str(expert.pk), action=AuditAction.CREATE
    )
    assert row.get().username == "bruce"


def test_an_experts_groups_can_be_changed(world, api):
    expert = make_expert([make_expert_group()])
    other = make_expert_group(code="mech", name="机械", prefixes=("33", "34"))
    response = api(world.dan).patch(detail(EXPERTS, expert.pk), {"groups": [other.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert list(expert.groups.all()) == [other]


def test_an_expert_needs_at_least_one_group(world, api):
    response = api(world.dan).post(EXPERTS, expert_payload([]), format="json")
    assert response.status_code == 400
    assert "groups" in response.json()


def test_an_invalid_employer_credit_code_is_refused_with_a_chinese_message(world, api):
    code = valid_uscc()
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    response = api(world.dan).post(
        EXPERTS, expert_payload([make_expert_group()], employer_uscc=bad), format="json"
    )
    assert response.status_code == 400
    assert "统一社会信用代码" in response.json()["employer_uscc"][0]


def test_an_invalid_phone_is_refused_with_a_chinese_message(world, api):
    response = api(world.dan).post(EXPERTS, expert_payload([make_expert_group()], phone="110"), format="json")
    assert response.status_code == 400
    assert "电话号码格式错误" in response.json()["phone"][0]


def test_experts_can_be_filtered_by_group(world, api):
    chem = make_expert_group()
    mech = make_expert_group(code="mech", name="机械", prefixes=("33", "34"))
    mechanic = make_expert([mech])
    response = api(world.dan).get(EXPERTS, {"group": mech.pk})
    assert [row["id"] for row in response.json()["results"]] == [mechanic.pk]
    response = api(world.dan).get(EXPERTS, {"group": chem.pk})
    assert mechanic.pk not in {row["id"] for row in response.json()["results"]}


def test_experts_are_never_deleted_through_the_api(world, api):
    response = api(world.dan).delete(detail(EXPERTS, world.eve.expert_id))
    assert response.status_code in (403, 405)
    assert Expert.objects.filter(pk=world.eve.expert_id).exists()


def test_the_expert_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.dan)
    chem = make_expert_group()
    mech = make_expert_group(code="mech", name="机械", prefixes=("33", "34"))
    for _ in range(2):
        make_expert([chem, mech])
    few, rows = list_queries(client, EXPERTS + "?limit=100")
    assert rows == 3  # with eve
    for _ in range(27):
        make_expert([chem, mech])
    many, rows = list_queries(client, EXPERTS + "?limit=100")
    assert rows == 30
    assert many == few
