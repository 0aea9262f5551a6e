"""A tier stays inside the statutory range (减轻 below the minimum, 不予处罚 at zero); the seed obeys."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhifa.discretion.choices import TierLevel
from zhifa.discretion.models import Catalogue, Tier, ViolationType

pytestmark = pytest.mark.django_db


def errors(tier: Tier) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        tier.full_clean()
    return refused.value.message_dict


def tier(vt, level, low, high) -> Tier:
    return Tier(
        violation_type=vt, level=level, conditions="条件", min_fine=Decimal(low), max_fine=Decimal(high)
    )


def test_every_seeded_entry_and_tier_is_valid(seeded):
    entries = list(seeded.violation_types.prefetch_related("tiers"))
    assert len(entries) >= 15
    for vt in entries:
        vt.full_clean()
        levels = [t.level for t in vt.tiers.all()]
        assert {TierLevel.LENIENT, TierLevel.ORDINARY, TierLevel.SEVERE} <= set(levels), vt.code
        for t in vt.tiers.all():
            t.full_clean()


def test_seeded_tiers_follow_the_example_rule(entry):
    only_max = {t.level: (t.min_fine, t.max_fine) for t in entry("97-4").tiers.all()}  # ≤ 10万
    assert only_max[TierLevel.LENIENT] == (0, 30000)  # 从轻 ≤ 30%
    assert only_max[TierLevel.ORDINARY] == (30000, 60000)
    assert only_max[TierLevel.SEVERE] == (60000, 100000)  # 从重 > 60%
    assert only_max[TierLevel.NO_PENALTY] == (0, 0)
    ranged = {t.level: (t.min_fine, t.max_fine) for t in entry("94-1").tiers.all()}  # 2–5万
    midpoint = Decimal(35000)
    assert ranged[TierLevel.LENIENT][1] < midpoint < ranged[TierLevel.SEVERE][0]
    assert ranged[TierLevel.MITIGATED] == (10000, 20000)
    assert all(vt.example_values for vt in entry("94-1").catalogue.violation_types.all())


def test_seed_covers_the_statutory_ranges_of_reference_section_6(entry):
    expected = {
        "94-1": (20000, 50000, "person"),
        "96": (10000, 30000, "person"),
        "97-1": (0, 100000, "unit"),
        "97-9": (20000, 50000, "person"),
        "99-1": (0, 50000, "unit"),
        "101-1": (0, 100000, "unit"),
        "101-6": (20000, 50000, "person"),
        "102-1": (0, 50000, "unit"),
        "108-1": (20000, 200000, "unit"),
        "109-1": (50000, 100000, "unit"),
    }
    for code, (low, high, party) in expected.items():
        vt = entry(code)
        assert (vt.min_fine, vt.max_fine, vt.party) == (low, high, party), code


def test_a_tier_above_the_statutory_maximum_is_refused(entry):
    assert (
        "阶次罚款上限超出法定幅度（100,000 元以下）"
        in errors(tier(entry("97-4"), "severe", 60000, 100001))["max_fine"]
    )


def test_a_tier_below_the_statutory_minimum_is_refused_unless_mitigated(entry):
    vt = entry("108-1")
    assert (
        "阶次罚款下限低于法定幅度（20,000–200,000 元）"
        in errors(tier(vt, "lenient", 19000, 30000))["min_fine"]
    )
    Tier.objects.filter(violation_type=vt, level="mitigated").delete()
    tier(vt, "mitigated", 0, 20000).full_clean()  # 减轻 may go down to zero


def test_a_mitigated_tier_never_goes_above_the_statutory_minimum(entry):
    vt = entry("108-1")
    Tier.objects.filter(violation_type=vt, level="mitigated").delete()
    assert (
        "减轻处罚阶次的上限不能高于法定罚款下限 20,000 元"
        in errors(tier(vt, "mitigated", 10000, 20001))["max_fine"]
    )


def test_a_mitigated_tier_needs_a_statutory_minimum(entry):
    message = errors(tier(entry("97-4"), "mitigated", 0, 0))["level"][0]
    assert message == "法定罚款没有下限（100,000 元以下），不能设减轻处罚阶次"


def test_negative_amounts_are_refused(entry):
    vt = entry("108-1")
    Tier.objects.filter(violation_type=vt, level="mitigated").delete()
    assert "min_fine" in errors(tier(vt, "mitigated", -1, 10000))


def test_no_penalty_means_zero(entry):
    vt = entry("99-7")  # no 不予处罚 tier seeded
    assert "不予处罚阶次的罚款幅度须为 0" in errors(tier(vt, "no_penalty", 0, 100))["max_fine"]
    tier(vt, "no_penalty", 0, 0).full_clean()


def test_min_above_max_and_a_second_tier_of_a_level_are_refused(entry):
    vt = entry("97-4")
    assert "阶次罚款下限不能高于上限" in errors(tier(vt, "ordinary", 50000, 40000))["min_fine"]
    assert "__all__" in errors(tier(vt, "ordinary", 30000, 40000))  # 一般 already exists


def test_an_entry_needs_a_positive_maximum_at_least_its_minimum(seeded):
    vt = ViolationType(
        catalogue=seeded, code="x", name="x", article_violated="x", penalty_article="x", max_fine=0
    )
    with pytest.raises(ValidationError, match="法定罚款上限须大于 0"):
        vt.full_clean()
    vt.min_fine, vt.max_fine = Decimal(5), Decimal(4)
    with pytest.raises(ValidationError, match="法定罚款下限不能高于上限"):
        vt.full_clean()


def test_a_catalogue_cannot_end_before_it_starts():
    from datetime import date

    catalogue = Catalogue(name="x", effective_from=date(2026, 2, 1), effective_to=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="失效日期不能早于生效日期"):
        catalogue.full_clean()
