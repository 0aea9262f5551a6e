"""The engine: which tier the circumstances lead to, the proposed range and fine, the articles cited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from zhifa.discretion import engine, services
from zhifa.discretion.choices import TierLevel
from zhifa.discretion.engine import ART_32, ART_33, Proposal, propose
from zhifa.discretion.models import Factor, Tier

pytestmark = pytest.mark.django_db


def test_a_first_minor_violation_corrected_in_time_is_not_penalised_under_article_33(entry):
    vt = entry("97-4")
    proposal = propose(vt, first_offence=True, minor=True, corrected_in_time=True)
    assert proposal.level == TierLevel.NO_PENALTY
    assert (proposal.min_fine, proposal.max_fine, proposal.suggested_fine) == (0, 0, 0)
    assert proposal.articles == (vt.article_violated, vt.penalty_article, ART_33)
    assert "第三十三条不予行政处罚" in proposal.explanation


def test_article_33_needs_all_three_circumstances(entry):
    vt = entry("97-4")
    for first, minor, corrected in [(True, True, False), (True, False, True), (False, True, True)]:
        proposal = propose(vt, first_offence=first, minor=minor, corrected_in_time=corrected)
        assert proposal.level == TierLevel.ORDINARY, (first, minor, corrected)
        assert ART_33 not in proposal.articles


def test_choosing_the_article_33_factor_is_the_same_as_the_three_answers(entry):
    proposal = propose(entry("99-1"), factors=["first_minor_corrected"])
    assert proposal.level == TierLevel.NO_PENALTY
    assert proposal.first_offence and proposal.minor and proposal.corrected_in_time


def test_article_33_gives_way_to_an_aggravating_factor(entry):
    proposal = propose(
        entry("97-4"), first_offence=True, minor=True, corrected_in_time=True, factors=["obstruct"]
    )
    assert proposal.level == TierLevel.ORDINARY  # one aggravating, one mitigating (art. 33 as a factor)
    assert any("不适用不予处罚" in note for note in proposal.notes)


def test_where_the_benchmark_does_not_list_article_33_it_counts_as_mitigating(entry):
    vt = entry("101-1")  # hazardous materials: no 不予处罚 tier in the example
    assert not vt.tiers.filter(level=TierLevel.NO_PENALTY).exists()
    proposal = propose(vt, first_offence=True, minor=True, corrected_in_time=True)
    assert proposal.level == TierLevel.LENIENT
    assert [f.code for f in proposal.factors] == ["first_minor_corrected"]
    assert any("未列入本基准不予处罚" in note for note in proposal.notes)


def test_more_aggravating_than_mitigating_factors_is_severe(entry):
    vt = entry("97-4")
    proposal = propose(vt, factors=["refuse_correct", "repeat", "cooperate"])
    assert proposal.level == TierLevel.SEVERE
    severe = vt.tiers.get(level=TierLevel.SEVERE)
    assert (proposal.min_fine, proposal.max_fine) == (severe.min_fine, severe.max_fine)
    assert proposal.min_fine == Decimal("60000") and proposal.max_fine == Decimal("100000")
    assert proposal.suggested_fine == Decimal("80000.00")
    assert "从重情节（2 项）多于从轻情节（1 项）" in proposal.explanation
    assert "拒不改正" in proposal.explanation and "积极配合调查" in proposal.explanation


def test_more_mitigating_than_aggravating_factors_is_lenient(entry):
    proposal = propose(entry("97-4"), factors=["cooperate"])
    assert proposal.level == TierLevel.LENIENT
    assert (proposal.min_fine, proposal.max_fine) == (Decimal("0"), Decimal("30000"))
    assert proposal.suggested_fine == Decimal("15000.00")


def test_balanced_factors_or_none_are_ordinary(entry):
    assert propose(entry("97-4")).level == TierLevel.ORDINARY
    assert propose(entry("97-4"), factors=["repeat", "cooperate"]).level == TierLevel.ORDINARY


def test_a_statutory_mitigating_factor_leads_to_the_mitigated_tier_below_the_statutory_minimum(entry):
    vt = entry("109-1")  # 5–10万
    proposal = propose(vt, factors=["coerced"])
    assert proposal.level == TierLevel.MITIGATED
    assert proposal.max_fine <= vt.min_fine and proposal.min_fine >= 0
    assert ART_32 in proposal.articles


def test_a_statutory_factor_without_a_mitigated_tier_is_lenient_and_never_severe(entry):
    vt = entry("97-4")  # only a maximum: no 减轻 tier
    assert propose(vt, factors=["eliminate_harm"]).level == TierLevel.LENIENT
    # art. 32 requires a lighter penalty even against aggravating factors; they only rule out 减轻
    proposal = propose(entry("109-1"), factors=["eliminate_harm", "refuse_correct", "repeat"])
    assert proposal.level == TierLevel.LENIENT
    assert "不予减轻" in proposal.explanation


def test_a_missing_tier_falls_back_towards_ordinary_and_says_so(entry):
    vt = entry("97-4")
    Tier.objects.filter(violation_type=vt, level=TierLevel.SEVERE).delete()
    proposal = propose(vt, factors=["refuse_correct"])
    assert proposal.level == TierLevel.ORDINARY
    assert any("未设“从重处罚”阶次" in note for note in proposal.notes)


def test_without_any_tier_the_statutory_range_is_proposed(entry):
    vt = entry("99-7")
    vt.tiers.all().delete()
    vt.refresh_from_db()
    proposal = propose(vt)
    assert (proposal.min_fine, proposal.max_fine) == (vt.min_fine, vt.max_fine)
    assert proposal.suggested_fine == Decimal("25000.00")


def test_suggested_fine_is_the_midpoint_rounded_to_100_yuan_inside_the_tier():
    assert engine.suggest(Decimal("0"), Decimal("30000")) == Decimal("15000")
    assert engine.suggest(Decimal("20000"), Decimal("29050")) == Decimal("24500")  # 24525 → 24500
    assert engine.suggest(Decimal("20000"), Decimal("29100")) == Decimal("24600")  # 24550 → 24600
    assert engine.suggest(Decimal("120"), Decimal("180")) == Decimal("180")  # 150 → 200, kept inside


def test_unknown_or_foreign_factor_codes_are_refused_by_name(entry, seeded):
    with pytest.raises(ValidationError, match="nonsense"):
        propose(entry("97-4"), factors=["refuse_correct", "nonsense"])
    draft = services.new_version(seeded, user=None)
    foreign = Factor.objects.get(catalogue=draft, code="repeat")
    with pytest.raises(ValidationError, match="不属于该违法行为所在的裁量基准版本"):
        propose(entry("97-4"), factors=[foreign])


def test_a_factor_of_another_entry_does_not_apply(entry, seeded):
    own = Factor.objects.create(
        catalogue=seeded,
        violation_type=entry("99-1"),
        kind="aggravating",
        code="many_signs",
        text="多处未设置",
    )
    assert propose(entry("99-1"), factors=["many_signs"]).level == TierLevel.SEVERE
    with pytest.raises(ValidationError):
        propose(entry("97-4"), factors=[own])


def test_the_same_factor_twice_counts_once(entry):
    assert propose(entry("97-4"), factors=["repeat", "repeat", "cooperate"]).level == TierLevel.ORDINARY


def test_the_proposal_is_plain_data_and_round_trips(entry):
    proposal = propose(
        entry("108-1"),
        factors=["eliminate_harm", "cooperate"],
        circumstances="检查时锁门拒绝进入，后主动开门",
    )
    data = proposal.as_dict()
    import json

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert (
        data["min_fine"] == "10000.00" and data["level"] == "mitigated" and data["level_label"] == "减轻处罚"
    )
    assert data["factors"][0]["code"] == "eliminate_harm" and data["factors"][0]["statutory"] is True
    assert "案情：检查时锁门拒绝进入" in data["explanation"]
    assert Proposal.from_dict(data) == proposal
    # as a case may store it: extra keys, factors as bare codes
    stored = {**data, "factors": ["eliminate_harm", "cooperate"], "case_note": "x"}
    restored = Proposal.from_dict(stored)
    assert restored.level == "mitigated" and [f.code for f in restored.factors] == [
        "eliminate_harm",
        "cooperate",
    ]


def test_example_values_are_flagged_in_the_explanation(entry):
    vt = entry("97-4")
    assert "示例值" in propose(vt).explanation
    vt.example_values = False
    assert "示例值" not in propose(vt).explanation
