"""The benchmark pages: reading versions and entries, 试算, the administrator's drafts; constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.discretion import services
from zhifa.discretion.choices import CatalogueStatus
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- reading -----------------------------------------------------------------------------------------


def test_business_roles_read_the_catalogue_with_every_entry_and_tier(web, world, seeded):
    body = page(web(world.alice), reverse("discretion:catalogue_detail", args=[seeded.pk]))
    assert "武进区安全生产行政处罚裁量基准（示例）" in body and "现行有效" in body
    assert "未如实记录安全生产教育和培训情况" in body and "《安全生产法》第九十七条第（四）项" in body
    assert "从重处罚：60,000–100,000 元" in body and "示例值" in body
    assert "/new-version/" not in body and "/publish/" not in body and "/retire/" not in body
    admin_body = page(web(world.sam), reverse("discretion:catalogue_detail", args=[seeded.pk]))
    assert "/new-version/" in admin_body and "/retire/" in admin_body and "/publish/" not in admin_body
    assert web(world.eve).get(reverse("discretion:catalogue_list")).status_code == 403
    assert web(None).get(reverse("discretion:catalogue_list")).status_code == 302


def test_the_entry_page_shows_law_tiers_factors_and_the_try_form_for_business_roles(web, world, entry):
    vt = entry("99-1")
    body = page(web(world.alice), reverse("discretion:type_detail", args=[vt.pk]))
    assert "《安全生产法》第三十五条" in body and "50,000 元以下" in body
    assert "如：5 处以上未设置" in body  # the local example in the tier's conditions
    assert "主动消除或者减轻违法行为危害后果" in body
    assert f'action="/discretion/types/{vt.pk}/propose/' in body
    # the system administrator keeps the benchmark but does not try cases
    admin_body = page(web(world.sam), reverse("discretion:type_detail", args=[vt.pk]))
    assert "试算" not in admin_body
    assert web(world.sam).get(reverse("discretion:type_propose", args=[vt.pk])).status_code == 403


def test_trying_a_proposal_shows_the_tier_fine_explanation_and_articles(web, world, entry):
    vt = entry("97-4")
    refuse = Factor.objects.get(catalogue=vt.catalogue, code="refuse_correct")
    url = reverse("discretion:type_propose", args=[vt.pk])
    body = page(web(world.alice), f"{url}?factors={refuse.pk}&circumstances=培训记录后补")
    assert "裁量建议：从重处罚" in body and "60,000–100,000 元，建议罚款 <strong>80,000</strong>" in body
    assert "案情：培训记录后补" in body and "《安全生产法》第二十八条第四款" in body
    body = page(web(world.alice), f"{url}?first_offence=on&minor=on&corrected_in_time=on")
    assert "裁量建议：不予处罚" in body and "第三十三条第一款" in body


def test_trying_an_amount_names_the_rule_it_breaks(web, world, entry):
    vt = entry("97-4")
    url = reverse("discretion:type_propose", args=[vt.pk])
    body = page(web(world.lily), f"{url}?amount=150000&reason=企业多次违法情节恶劣影响很大")
    assert "罚款须在法定幅度内（《安全生产法》第九十七条第（四）项：0–100,000元）" in body
    body = page(web(world.lily), f"{url}?amount=20000")
    assert "偏离裁量基准须书面说明理由" in body
    body = page(web(world.lily), f"{url}?amount=20000&reason=企业已全部整改并主动赔偿相邻单位")
    assert "符合法定幅度和裁量基准" in body
    body = page(web(world.lily), f"{url}?amount=abc")
    assert "罚款金额请填写数字（元）" in body


def test_a_factor_of_another_version_is_refused_in_the_form(web, world, entry, seeded):
    draft = services.new_version(seeded, user=None)
    foreign = draft.factors.get(code="repeat")
    body = page(
        web(world.alice),
        reverse("discretion:type_propose", args=[entry("97-4").pk]) + f"?factors={foreign.pk}",
    )
    assert "所选裁量情节不适用于该违法行为" in body and "裁量建议" not in body


def test_list_and_detail_pages_run_a_constant_number_of_queries(web, world, seeded):
    client = web(world.alice)
    list_url = reverse("discretion:catalogue_list")
    detail_url = reverse("discretion:catalogue_detail", args=[seeded.pk])
    few_list, few_detail = queries(client, list_url), queries(client, detail_url)
    for year in range(2027, 2033):
        draft = services.new_version(
            Catalogue.objects.in_force(date(2040, 1, 1)), user=None, effective_from=date(year, 1, 1)
        )
        services.publish(draft, user=None)
    for i in range(20):
        vt = ViolationType.objects.create(
            catalogue=seeded,
            code=f"z-{i}",
            name=f"测试违法行为{i}",
            article_violated="x",
            penalty_article="y",
            max_fine=1000,
        )
        Tier.objects.create(violation_type=vt, level="ordinary", conditions="一般", min_fine=0, max_fine=1000)
        Factor.objects.create(
            catalogue=seeded, violation_type=vt, kind="aggravating", code=f"f-{i}", text="情节"
        )
    assert Catalogue.objects.count() >= 7
    assert queries(client, list_url) == few_list
    assert queries(client, detail_url) == few_detail


# --- drafts ------------------------------------------------------------------------------------------


def test_only_the_system_administrator_sees_a_draft(web, world, seeded):
    draft = services.new_version(seeded, user=None)
    url = reverse("discretion:catalogue_detail", args=[draft.pk])
    assert web(world.alice).get(url).status_code == 404
    assert web(world.dan).get(url).status_code == 404
    entry = draft.violation_types.first()
    assert web(world.alice).get(reverse("discretion:type_detail", args=[entry.pk])).status_code == 404
    listed = page(web(world.alice), reverse("discretion:catalogue_list"))
    assert f'href="{url}"' not in listed and f'href="{seeded.get_absolute_url()}"' in listed
    assert f'href="{url}"' in page(web(world.sam), reverse("discretion:catalogue_list"))
    body = page(web(world.sam), url)
    assert "编辑版本信息" in body and "新增违法行为" in body and "/publish/" in body


def test_the_administrator_copies_edits_and_publishes_a_version(web, world, seeded):
    client = web(world.sam)
    response = client.post(reverse("discretion:catalogue_new_version", args=[seeded.pk]))
    draft = Catalogue.objects.get(status=CatalogueStatus.DRAFT)
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    # the header
    response = client.post(
        reverse("discretion:catalogue_edit", args=[draft.pk]),
        {"name": "武进区安全生产行政处罚裁量基准（2027）", "effective_from": "2027-01-01", "note": "修订"},
    )
    assert response.status_code == 302
    # an entry and its tiers on one page
    vt = draft.violation_types.get(code="97-4")
    tiers = list(vt.tiers.order_by("order"))
    data = {
        "code": "97-4",
        "name": vt.name,
        "article_violated": vt.article_violated,
        "penalty_article": vt.penalty_article,
        "party": "unit",
        "min_fine": "0",
        "max_fine": "100000",
        "other_penalties": vt.other_penalties,
        "example_values": "",
        "order": vt.order,
        "tiers-TOTAL_FORMS": str(len(tiers) + 1),
        "tiers-INITIAL_FORMS": str(len(tiers)),
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
    }
    for i, t in enumerate(tiers):
        data.update(
            {
                f"tiers-{i}-id": t.pk,
                f"tiers-{i}-violation_type": vt.pk,
                f"tiers-{i}-level": t.level,
                f"tiers-{i}-conditions": t.conditions,
                f"tiers-{i}-min_fine": t.min_fine,
                f"tiers-{i}-max_fine": t.max_fine,
            }
        )
    severe = next(i for i, t in enumerate(tiers) if t.level == "severe")
    data[f"tiers-{severe}-min_fine"] = "70000"
    response = client.post(reverse("discretion:type_edit", args=[vt.pk]), data)
    assert response.status_code == 302, response.content.decode()
    vt.refresh_from_db()
    assert vt.example_values is False and vt.tiers.get(level="severe").min_fine == 70000
    # a factor
    response = client.post(
        reverse("discretion:factor_add", args=[draft.pk]),
        {"kind": "aggravating", "code": "night", "text": "夜间违规动火", "legal_basis": "示例", "order": "9"},
    )
    assert response.status_code == 302 and draft.factors.filter(code="night", violation_type=None).exists()
    # publish
    response = client.post(reverse("discretion:catalogue_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    seeded.refresh_from_db()
    assert draft.status == CatalogueStatus.PUBLISHED and seeded.effective_to == date(2026, 12, 31)
    # now read-only
    response = client.get(reverse("discretion:type_edit", args=[vt.pk]))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()


def test_a_tier_outside_the_edited_statutory_range_is_shown_on_its_field(web, world, seeded):
    draft = services.new_version(seeded, user=None)
    vt = draft.violation_types.get(code="97-4")
    tiers = list(vt.tiers.order_by("order"))
    data = {
        "code": "97-4",
        "name": vt.name,
        "article_violated": vt.article_violated,
        "penalty_article": vt.penalty_article,
        "party": "unit",
        "min_fine": "0",
        "max_fine": "80000",  # lowered on the same page: the 从重 tier up to 100,000 no longer fits
        "other_penalties": "",
        "example_values": "on",
        "order": "1",
        "tiers-TOTAL_FORMS": str(len(tiers)),
        "tiers-INITIAL_FORMS": str(len(tiers)),
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
    }
    for i, t in enumerate(tiers):
        data.update(
            {
                f"tiers-{i}-id": t.pk,
                f"tiers-{i}-violation_type": vt.pk,
                f"tiers-{i}-level": t.level,
                f"tiers-{i}-conditions": t.conditions,
                f"tiers-{i}-min_fine": t.min_fine,
                f"tiers-{i}-max_fine": t.max_fine,
            }
        )
    response = web(world.sam).post(reverse("discretion:type_edit", args=[vt.pk]), data)
    assert response.status_code == 200
    assert "阶次罚款上限超出法定幅度（80,000 元以下）" in response.content.decode()
    vt.refresh_from_db()
    assert vt.max_fine == 100000


def test_a_new_entry_with_a_duplicate_code_or_bad_tier_is_refused_with_field_errors(web, world, seeded):
    draft = services.new_version(seeded, user=None)
    data = {
        "code": "97-4",
        "name": "重复",
        "article_violated": "x",
        "penalty_article": "y",
        "party": "unit",
        "min_fine": "0",
        "max_fine": "50000",
        "order": "99",
        "tiers-TOTAL_FORMS": "1",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
        "tiers-0-level": "mitigated",
        "tiers-0-conditions": "c",
        "tiers-0-min_fine": "0",
        "tiers-0-max_fine": "100",
    }
    response = web(world.sam).post(reverse("discretion:type_add", args=[draft.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "本版本已有编号（代码）为 97-4 的记录" in body
    assert "法定罚款没有下限" in body
    data["code"] = "new-1"
    data["tiers-0-level"] = "lenient"
    response = web(world.sam).post(reverse("discretion:type_add", args=[draft.pk]), data)
    assert response.status_code == 302
    created = draft.violation_types.get(code="new-1")
    assert created.tiers.get().level == "lenient"


def test_editing_a_published_version_is_sent_back_with_the_rule(web, world, seeded):
    client = web(world.sam)
    for name in ("catalogue_edit", "type_add", "factor_add"):
        response = client.get(reverse(f"discretion:{name}", args=[seeded.pk]))
        assert response.status_code == 302 and response["Location"] == seeded.get_absolute_url(), name
    response = client.post(reverse("discretion:type_edit", args=[seeded.violation_types.first().pk]), {})
    assert response.status_code == 302
    assert web(world.alice).get(reverse("discretion:catalogue_edit", args=[seeded.pk])).status_code == 403


def test_withdrawing_needs_a_reason(web, world, seeded):
    client = web(world.sam)
    client.post(reverse("discretion:catalogue_retire", args=[seeded.pk]), {"reason": ""})
    seeded.refresh_from_db()
    assert seeded.status == CatalogueStatus.PUBLISHED
    client.post(reverse("discretion:catalogue_retire", args=[seeded.pk]), {"reason": "发布有误"})
    seeded.refresh_from_db()
    assert seeded.status == CatalogueStatus.RETIRED
