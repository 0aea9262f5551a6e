"""Enforcement class A–D from the configurable rule, overridable by an officer with a reason."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zhifa.core.testing import make_enterprise
from zhifa.enterprises import services
from zhifa.enterprises.choices import ClassificationSource, EnforcementClass
from zhifa.enterprises.models import ClassRule, ClassRuleSet, Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(world):
    ClassRuleSet.objects.all().update(effective_from=date(2000, 1, 1))  # seeded example rule set, if any
    ruleset = ClassRuleSet.objects.create(version="T-1", name="测试规则", effective_from=date(2026, 1, 1))
    ClassRule.objects.create(
        ruleset=ruleset,
        priority=1,
        enforcement_class="A",
        sectors=["hazardous_chemicals"],
        major_hazard_levels=["1", "2"],
        description="危化品且有一、二级重大危险源",
    )
    ClassRule.objects.create(
        ruleset=ruleset,
        priority=2,
        enforcement_class="B",
        sectors=["hazardous_chemicals"],
        description="危化品",
    )
    ClassRule.objects.create(
        ruleset=ruleset,
        priority=3,
        enforcement_class="C",
        industry_prefixes=["31", "32"],
        description="冶金有色",
    )
    return ruleset


def test_the_first_matching_rule_gives_the_class_and_is_recorded(world, rule):
    enterprise = make_enterprise(
        world.board_a, industry="2614", sector="hazardous_chemicals", major_hazard_level="2"
    )
    assert enterprise.enforcement_class == "A"
    assert enterprise.class_ruleset == rule
    history = enterprise.classifications.get()
    assert history.source == ClassificationSource.RULE and "重大危险源" in history.rule_description


def test_no_match_gives_the_rule_sets_default(world, rule):
    assert make_enterprise(world.board_a, industry="1711").enforcement_class == rule.default_class


def test_changing_an_input_reclassifies_and_adds_history(world, rule):
    enterprise = make_enterprise(world.board_a, industry="3110")
    assert enterprise.enforcement_class == "C"
    enterprise.sector = "hazardous_chemicals"
    services.save_enterprise(enterprise)
    enterprise.refresh_from_db()
    assert enterprise.enforcement_class == "B"
    assert [c.enforcement_class for c in enterprise.classifications.order_by("decided_at", "pk")] == [
        "C",
        "B",
    ]


def test_an_override_needs_a_reason_and_survives_later_saves(world, rule):
    enterprise = make_enterprise(world.board_a, industry="1711")
    with pytest.raises(ValidationError):
        services.override_class(enterprise, "A", "  ", user=world.alice)
    services.override_class(enterprise, "A", "近三年发生过事故", user=world.alice)
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    enterprise.address = "新地址"
    services.save_enterprise(enterprise)
    enterprise.refresh_from_db()
    assert enterprise.enforcement_class == EnforcementClass.A and enterprise.class_overridden
    override = enterprise.classifications.get(source=ClassificationSource.OVERRIDE)
    assert override.reason == "近三年发生过事故" and override.decided_by == world.alice
    services.clear_override(enterprise, user=world.alice)
    enterprise.refresh_from_db()
    assert not enterprise.class_overridden and enterprise.enforcement_class == rule.default_class


def test_a_new_rule_version_applies_from_its_effective_date(world, rule):
    enterprise = make_enterprise(world.board_a, industry="1711")
    newer = ClassRuleSet.objects.create(
        version="T-2", name="新规则", effective_from=date(2026, 6, 1), default_class="C"
    )
    assert ClassRuleSet.current(date(2026, 5, 31)) == rule
    assert ClassRuleSet.current(date(2026, 6, 1)) == newer
    assert services.reclassify_all(ruleset=newer) >= 1
    enterprise.refresh_from_db()
    assert enterprise.enforcement_class == "C" and enterprise.class_ruleset == newer


def test_an_edit_made_on_a_stale_version_is_refused_not_lost(world, rule):
    enterprise = make_enterprise(world.board_a)
    first = Enterprise.objects.get(pk=enterprise.pk)
    second = Enterprise.objects.get(pk=enterprise.pk)
    first.address = "甲的修改"
    services.save_enterprise(first, expected_version=first.version)
    second.address = "乙的修改"
    with pytest.raises(services.ConcurrentEditError) as exc:
        services.save_enterprise(second, expected_version=second.version)
    assert "已被他人修改" in exc.value.messages[0]
    assert Enterprise.objects.get(pk=enterprise.pk).address == "甲的修改"
