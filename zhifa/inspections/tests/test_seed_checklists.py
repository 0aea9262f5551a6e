"""The checklists seeded by migration 0100: one general and one per expert group, each with real bases."""

from __future__ import annotations

import re

import pytest

from zhifa.experts.models import ExpertGroup
from zhifa.inspections.choices import ChecklistStatus, HazardLevel
from zhifa.inspections.models import ChecklistTemplate
from zhifa.inspections.seed_checklists import AQ, CHECKLISTS, GM, HG

pytestmark = pytest.mark.django_db

GROUP_CODES = {"chem", "metal", "building", "machinery", "light", "textile", "special"}
SECTIONS = {"安全管理", "现场设备设施", "作业环境", "应急管理"}
#: The 安全生产法 (2021) articles the seed may cite (each checked against the statute; see the module).
SAFETY_LAW_ARTICLES = {
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十七",
    "二十八",
    "三十",
    "三十五",
    "三十六",
    "三十八",
    "三十九",
    "四十",
    "四十一",
    "四十二",
    "四十三",
    "四十四",
    "四十五",
    "四十八",
    "四十九",
    "五十一",
    "八十一",
    "八十二",
    "八十三",
}
#: 部令第10号: art. 3 common, 4–10 by industry, 11–13 special, 14 failed devices.
MAJOR_STANDARD_ARTICLES = {"三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"}


def test_eight_published_checklists_one_general_and_one_per_expert_group():
    templates = ChecklistTemplate.objects.latest_published()
    assert set(templates.values_list("code", flat=True)) == {"general"} | GROUP_CODES
    assert all(t.version == 1 and t.status == ChecklistStatus.PUBLISHED and t.published_at for t in templates)
    general = templates.get(code="general")
    assert general.expert_group is None
    for group in ExpertGroup.objects.filter(code__in=GROUP_CODES):
        assert templates.filter(expert_group=group, code=group.code).count() == 1, group.code
    assert {g.code for g in ExpertGroup.objects.all()} <= {"general"} | set(
        templates.exclude(expert_group=None).values_list("expert_group__code", flat=True)
    )


def test_every_checklist_has_at_least_fifteen_items_in_sections_each_with_a_legal_basis():
    for template in ChecklistTemplate.objects.prefetch_related("items"):
        items = list(template.items.all())
        assert len(items) >= 15, template.code
        assert [i.order for i in items] == list(range(1, len(items) + 1)), template.code
        assert {i.section for i in items} == SECTIONS, template.code
        assert len({i.text for i in items}) == len(items), f"{template.code}: duplicate item"
        for item in items:
            assert item.legal_basis.strip(), item.text
            assert item.legal_basis.startswith("《"), item.legal_basis


def test_safety_law_citations_are_articles_of_the_2021_text_the_module_names():
    for spec in CHECKLISTS:
        for item in spec["items"]:
            for citation in re.split("[；;]", item["legal_basis"]):
                if citation.startswith(AQ):
                    articles = re.findall(r"第([一二三四五六七八九十]+)条", citation)
                    assert articles and set(articles) <= SAFETY_LAW_ARTICLES, citation


def test_major_hazard_items_cite_the_standards_by_article_or_item_and_default_to_major():
    for template in ChecklistTemplate.objects.prefetch_related("items"):
        majors = [i for i in template.items.all() if i.major_basis]
        assert majors or template.code == "general", template.code
        for item in majors:
            assert item.hazard_level == HazardLevel.MAJOR
            if item.major_basis.startswith(GM):
                assert "应急管理部令第10号" in item.major_basis
                article = re.search(r"第([一二三四五六七八九十]+)条$", item.major_basis).group(1)
                assert article in MAJOR_STANDARD_ARTICLES, item.major_basis
            else:
                assert item.major_basis.startswith(HG) and "安监总管三〔2017〕121号" in item.major_basis
                number = int(re.search(r"第(\d+)项$", item.major_basis).group(1))
                assert 1 <= number <= 20
                assert template.code == "chem"
        others = [i for i in template.items.all() if not i.major_basis]
        assert all(i.hazard_level == HazardLevel.GENERAL for i in others)


def test_industry_checklists_cite_their_own_industry_article():
    own = {
        "metal": "四",
        "building": "六",
        "machinery": "七",
        "light": "八",
        "textile": "九",
        "special": "十一",
    }
    for code, article in own.items():
        bases = ChecklistTemplate.objects.get(code=code).items.values_list("major_basis", flat=True)
        assert any(b.endswith(f"第{article}条") for b in bases), code
    chem = ChecklistTemplate.objects.get(code="chem").items.exclude(major_basis="")
    assert chem.count() >= 10
