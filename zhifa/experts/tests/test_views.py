"""The expert pool pages: groups, experts, their availability periods and declared conflicts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core.testing import make_enterprise, make_expert, make_expert_group, today, valid_uscc
from zhifa.experts.models import Expert, ExpertAvailability, ExpertConflict, ExpertGroup

pytestmark = pytest.mark.django_db


def expert_post(groups, *, availability=(), conflicts=(), instance=None, **overrides):
    """The POST of the expert form with its two inline formsets (one row each by default)."""
    data = {
        "name": "王专家",
        "phone": "13800001111",
        "employer": "常州某安全技术服务有限公司",
        "employer_uscc": valid_uscc(5001),
        "title": "高级工程师",
        "qualifications": "注册安全工程师",
        "groups": [g.pk for g in groups],
        "active": "on",
        "note": "",
    }
    data.update(overrides)
    for prefix, rows, fields in (
        ("availability", list(availability), ("start", "end", "note")),
        ("conflicts", list(conflicts), ("enterprise_uscc", "reason")),
    ):
        existing = list(getattr(instance, prefix).order_by("pk")) if instance is not None else []
        rows = rows or [{}]
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(existing)
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(rows):
            if i < len(existing):
                data[f"{prefix}-{i}-id"] = existing[i].pk
            for name in fields:
                data[f"{prefix}-{i}-{name}"] = row.get(name, "")
    return data


@pytest.fixture
def chem(world):
    return ExpertGroup.objects.get(code="chem")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# -------------------------------------------------------------------------------------------- access


@pytest.mark.parametrize("persona", ["dan", "bruce", "lily", "albert", "alice", "amy"])
def test_the_expert_pages_open_for_every_business_role(world, web, persona, chem):
    client = web(world.users[persona])
    expert = world.eve.expert
    for url in [
        reverse("experts:expert_list"),
        reverse("experts:group_list"),
        expert.get_absolute_url(),
        chem.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["dan", "bruce"])
def test_the_pool_managers_open_the_expert_form(world, web, persona):
    client = web(world.users[persona])
    assert client.get(reverse("experts:expert_add")).status_code == 200
    assert client.get(reverse("experts:expert_edit", args=[world.eve.expert_id])).status_code == 200


@pytest.mark.parametrize(
    ("persona", "name"), [("sam", "experts:expert_list"), ("audrey", "experts:group_list")]
)
def test_administrators_do_not_read_the_pool(world, web, persona, name):
    assert web(world.users[persona]).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("persona", ["albert", "alice", "lily", "eve"])
def test_only_the_pool_managers_add_or_edit_experts(world, web, persona):
    client = web(world.users[persona])
    assert client.get(reverse("experts:expert_add")).status_code == 403
    assert client.get(reverse("experts:expert_edit", args=[world.eve.expert_id])).status_code == 403


def test_an_expert_sees_the_own_record_and_no_other(world, web, chem):
    other = make_expert([chem], name="别的专家")
    client = web(world.eve)
    assert client.get(world.eve.expert.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    page = client.get(reverse("experts:expert_list")).content.decode()
    assert "伊芙" in page and "别的专家" not in page


def test_the_list_buttons_follow_the_permissions(world, web):
    page = web(world.bruce).get(reverse("experts:expert_list")).content.decode()
    assert reverse("experts:expert_add") in page
    page = web(world.alice).get(reverse("experts:expert_list")).content.decode()
    assert reverse("experts:expert_add") not in page and "导入 Excel" not in page


# ---------------------------------------------------------------------------------------------- lists


def test_the_group_list_shows_expert_counts_and_the_industry_prefixes(world, web, chem):
    make_expert([chem])
    retired = make_expert([chem])
    retired.active = False
    retired.save()
    response = web(world.dan).get(reverse("experts:group_list"))
    counts = {g.code: g.expert_count for g in response.context["table"].data}
    assert counts["chem"] == 2  # 伊芙 and the new one; the retired expert is out of the pool
    page = response.content.decode()
    assert "化工医药" in page and "25、26、27、28" in page


def test_the_group_list_finds_the_group_covering_an_industry_code(world, web):
    page = web(world.dan).get(reverse("experts:group_list"), {"q": "2614"}).content.decode()
    assert "化工医药" in page and "纺织服装" not in page


def test_the_expert_list_filters_by_group_activity_and_search(world, web, chem):
    textile = ExpertGroup.objects.exclude(pk=chem.pk).first()
    make_expert([textile], name="纺织专家")
    retired = make_expert([chem], name="退库专家")
    retired.active = False
    retired.save()
    client = web(world.dan)
    page = client.get(reverse("experts:expert_list"), {"group": chem.pk}).content.decode()
    assert "伊芙" in page and "纺织专家" not in page
    page = client.get(reverse("experts:expert_list"), {"active": "false"}).content.decode()
    assert "退库专家" in page and "伊芙" not in page
    page = client.get(reverse("experts:expert_list"), {"q": "纺织"}).content.decode()
    assert "纺织专家" in page and "伊芙" not in page


def test_the_expert_list_masks_phone_numbers(world, web, chem):
    expert = make_expert([chem])
    expert.phone = "13812345678"
    expert.save()
    page = web(world.dan).get(reverse("experts:expert_list")).content.decode()
    assert "13812345678" not in page and "138****5678" in page


def test_the_expert_list_runs_a_constant_number_of_queries(world, web):
    groups = list(ExpertGroup.objects.all()[:3])
    client = web(world.dan)
    url = reverse("experts:expert_list")
    client.get(url)
    for _ in range(2):
        make_expert(groups)
    few = count_queries(client, url)  # 3 experts
    for _ in range(17):
        make_expert(groups)
    assert count_queries(client, url) == few  # 20 experts


def test_the_group_list_runs_a_constant_number_of_queries(world, web):
    client = web(world.dan)
    url = reverse("experts:group_list")
    client.get(url)
    few = count_queries(client, url)  # the seven groups of the data migration
    for i in range(20 - ExpertGroup.objects.count()):
        make_expert([make_expert_group(code=f"g{i}", name=f"测试组{i}", prefixes=(f"{10 + i}",))])
    assert ExpertGroup.objects.count() == 20
    assert count_queries(client, url) == few


# --------------------------------------------------------------------------------------------- detail


def test_the_expert_detail_shows_groups_periods_and_conflicts(world, web, chem):
    expert = world.eve.expert
    enterprise = make_enterprise(world.board_a, name="常州回避化工有限公司")
    ExpertConflict.objects.create(expert=expert, enterprise=enterprise, reason="曾任该企业安全顾问")
    ExpertAvailability.objects.create(
        expert=expert, start=today() - timedelta(days=1), end=today() + timedelta(days=30)
    )
    response = web(world.dan).get(expert.get_absolute_url())
    page = response.content.decode()
    assert "化工医药" in page and "常州回避化工有限公司" in page and enterprise.uscc in page
    assert "曾任该企业安全顾问" in page and response.context["available_today"]


def test_an_expert_outside_the_declared_periods_is_not_available_today(world, web):
    expert = world.eve.expert
    ExpertAvailability.objects.create(
        expert=expert, start=today() + timedelta(days=5), end=today() + timedelta(days=30)
    )
    assert not web(world.dan).get(expert.get_absolute_url()).context["available_today"]


def test_the_group_detail_lists_its_experts(world, web, chem):
    make_expert([chem], name="化工专家")
    page = web(world.dan).get(chem.get_absolute_url()).content.decode()
    assert "化工专家" in page and "伊芙" in page


# ----------------------------------------------------------------------------------------- create/edit


def test_a_pool_manager_adds_an_expert_with_a_period_and_a_conflict(world, web, chem):
    enterprise = make_enterprise(world.board_a)
    start, end = today(), today() + timedelta(days=90)
    data = expert_post(
        [chem],
        availability=[{"start": start.isoformat(), "end": end.isoformat(), "note": "上半年"}],
        conflicts=[{"enterprise_uscc": enterprise.uscc.lower(), "reason": "本人曾在该企业任职"}],
    )
    response = web(world.bruce).post(reverse("experts:expert_add"), data)
    expert = Expert.objects.get(name="王专家")
    assert response.status_code == 302 and response["Location"] == expert.get_absolute_url()
    assert list(expert.groups.all()) == [chem]
    assert [(p.start, p.end) for p in expert.availability.all()] == [(start, end)]
    assert [c.enterprise for c in expert.conflicts.all()] == [enterprise]


def test_an_expert_is_saved_without_periods_or_conflicts(world, web, chem):
    response = web(world.dan).post(reverse("experts:expert_add"), expert_post([chem]))
    assert response.status_code == 302
    expert = Expert.objects.get(name="王专家")
    assert not expert.availability.exists() and not expert.conflicts.exists()


def test_a_period_ending_before_it_starts_is_refused(world, web, chem):
    data = expert_post(
        [chem],
        availability=[{"start": today().isoformat(), "end": (today() - timedelta(days=1)).isoformat()}],
    )
    response = web(world.dan).post(reverse("experts:expert_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "结束日期：结束日期不能早于开始日期" in page
    assert not Expert.objects.filter(name="王专家").exists()
    assert not ExpertAvailability.objects.exists()


def test_a_conflict_with_an_unknown_enterprise_is_refused(world, web, chem):
    unknown = valid_uscc(99999)
    data = expert_post([chem], conflicts=[{"enterprise_uscc": unknown, "reason": "亲属任职"}])
    response = web(world.dan).post(reverse("experts:expert_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "回避企业统一社会信用代码：" in page and f"统一社会信用代码为 {unknown} 的企业不在企业库中" in page
    assert not Expert.objects.filter(name="王专家").exists()


def test_a_mistyped_credit_code_is_refused_with_the_check_character(world, web, chem):
    code = valid_uscc(4242)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    data = expert_post([chem], conflicts=[{"enterprise_uscc": wrong, "reason": "亲属任职"}])
    response = web(world.dan).post(reverse("experts:expert_add"), data)
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert not ExpertConflict.objects.exists()


def test_the_same_enterprise_cannot_be_declared_twice(world, web, chem):
    enterprise = make_enterprise(world.board_a)
    row = {"enterprise_uscc": enterprise.uscc, "reason": "亲属任职"}
    data = expert_post([chem], conflicts=[row, row])
    response = web(world.dan).post(reverse("experts:expert_add"), data)
    assert response.status_code == 200
    assert "同一企业已在第 1 行申报回避" in response.content.decode()
    assert not Expert.objects.filter(name="王专家").exists()


def test_an_expert_needs_a_group(world, web):
    response = web(world.dan).post(reverse("experts:expert_add"), expert_post([]))
    assert response.status_code == 200
    assert "专业组" in response.content.decode()
    assert not Expert.objects.filter(name="王专家").exists()


def test_editing_keeps_the_declared_conflicts_and_adds_a_period(world, web, chem):
    expert = world.eve.expert
    enterprise = make_enterprise(world.board_b)
    ExpertConflict.objects.create(expert=expert, enterprise=enterprise, reason="亲属任职")
    form = web(world.dan).get(reverse("experts:expert_edit", args=[expert.pk])).context["form"]
    assert form.conflicts.forms[0]["enterprise_uscc"].value() == enterprise.uscc
    data = expert_post(
        [chem],
        instance=expert,
        name=expert.name,
        employer_uscc=expert.employer_uscc,
        availability=[{"start": today().isoformat(), "end": (today() + timedelta(days=7)).isoformat()}],
        conflicts=[{"enterprise_uscc": enterprise.uscc, "reason": "亲属任职（已核实）"}, {}],
    )
    response = web(world.dan).post(reverse("experts:expert_edit", args=[expert.pk]), data)
    assert response.status_code == 302, response.content.decode()
    assert expert.conflicts.get().reason == "亲属任职（已核实）"
    assert expert.availability.count() == 1


def test_an_expert_leaves_the_pool_by_being_marked_out_not_deleted(world, web, chem):
    expert = world.eve.expert
    data = expert_post([chem], instance=expert, name=expert.name, employer_uscc=expert.employer_uscc)
    data.pop("active")
    assert web(world.dan).post(reverse("experts:expert_edit", args=[expert.pk]), data).status_code == 302
    expert.refresh_from_db()
    assert expert.active is False
    page = web(world.dan).get(expert.get_absolute_url()).content.decode()
    assert "已出库" in page and "删除" not in page
