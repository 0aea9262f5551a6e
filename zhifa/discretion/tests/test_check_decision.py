"""Checking a decided amount: the statutory range is absolute; departing from the tier needs a reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhifa.discretion.engine import DEVIATION_RULE, STATUTORY_RULE, check_decision, deviates, propose

pytestmark = pytest.mark.django_db

LONG_REASON = "企业已全部整改并主动赔偿受影响的相邻单位损失"


def test_an_amount_inside_the_proposed_tier_passes_without_a_reason(entry):
    vt = entry("97-4")
    proposal = propose(vt)  # 一般 30,000–60,000
    assert check_decision(vt, Decimal("45000"), proposal, "") == []
    assert check_decision(vt, "30000", proposal, "") == []
    assert not deviates(proposal, 60000)


@pytest.mark.parametrize("amount", ["100000.01", "150000", "-1"])
def test_an_amount_outside_the_statutory_range_is_refused_even_with_a_reason(entry, amount):
    vt = entry("97-4")
    problems = check_decision(vt, amount, propose(vt, factors=["refuse_correct"]), LONG_REASON)
    assert problems, amount
    if amount != "-1":
        assert problems == [f"{STATUTORY_RULE}（《安全生产法》第九十七条第（四）项：0–100,000元）"]
    else:
        assert problems == ["罚款金额不能为负数"]


def test_below_the_statutory_minimum_is_refused_for_an_ordinary_proposal(entry):
    vt = entry("108-1")  # 20,000–200,000
    problems = check_decision(vt, 19999, propose(vt), LONG_REASON)
    assert problems == [f"{STATUTORY_RULE}（《安全生产法》第一百零八条：20,000–200,000元）"]


def test_departing_from_the_tier_without_a_written_reason_is_refused(entry):
    vt = entry("97-4")
    proposal = propose(vt)  # 一般 30,000–60,000
    for reason in ("", "   ", "理由太短了", "一 二 三 四 五 六 七 八 九"):  # whitespace does not count
        problems = check_decision(vt, 20000, proposal, reason)
        assert len(problems) == 1 and problems[0].startswith(DEVIATION_RULE), reason
        assert "30,000–60,000" in problems[0]
    assert deviates(proposal, 20000)


def test_departing_from_the_tier_with_a_reason_of_ten_characters_is_accepted(entry):
    vt = entry("97-4")
    proposal = propose(vt)
    assert check_decision(vt, 20000, proposal, "一二三四五六七八九十") == []
    assert check_decision(vt, 90000, proposal, LONG_REASON) == []


def test_no_penalty_allows_zero_and_a_fine_only_with_a_reason(entry):
    vt = entry("97-4")
    proposal = propose(vt, first_offence=True, minor=True, corrected_in_time=True)
    assert check_decision(vt, 0, proposal, "") == []
    assert check_decision(vt, 5000, proposal, "")[0].startswith(DEVIATION_RULE)
    assert check_decision(vt, 5000, proposal, LONG_REASON) == []


def test_no_penalty_allows_zero_below_a_statutory_minimum(entry):
    vt = entry("109-1")  # 5–10万, with a 不予处罚 tier
    proposal = propose(vt, first_offence=True, minor=True, corrected_in_time=True)
    assert proposal.level == "no_penalty"
    assert check_decision(vt, 0, proposal, "") == []
    # not under any other proposal: zero is below the statutory minimum
    assert check_decision(vt, 0, propose(vt), LONG_REASON)[0].startswith(STATUTORY_RULE)


def test_zero_under_a_fine_tier_is_a_departure_even_where_the_law_sets_no_minimum(entry):
    vt = entry("97-4")
    proposal = propose(vt, factors=["cooperate"])  # 从轻 0–30,000
    assert check_decision(vt, 0, proposal, "")[0].startswith(DEVIATION_RULE)
    assert check_decision(vt, 0, proposal, LONG_REASON) == []


def test_a_mitigated_proposal_may_go_below_the_statutory_minimum_down_to_its_tier(entry):
    vt = entry("108-1")  # 20,000–200,000; 减轻 10,000–20,000
    proposal = propose(vt, factors=["meritorious"])
    assert proposal.level == "mitigated"
    assert check_decision(vt, 15000, proposal, "") == []
    problems = check_decision(vt, 9000, proposal, LONG_REASON)
    assert len(problems) == 1 and problems[0].startswith(STATUTORY_RULE)
    assert "减轻处罚不低于裁量基准减轻阶次下限 10,000 元" in problems[0]
    # above the mitigated tier but inside the statutory range: a departure needing a reason
    assert check_decision(vt, 50000, proposal, "")[0].startswith(DEVIATION_RULE)
    assert check_decision(vt, 50000, proposal, LONG_REASON) == []


def test_bad_amounts_and_a_proposal_for_another_entry_are_named(entry):
    vt = entry("97-4")
    proposal = propose(vt)
    assert check_decision(vt, "四万", proposal, "") == ["罚款金额无效：请填写数字（元）"]
    assert check_decision(vt, "NaN", proposal, "") == ["罚款金额无效：请填写数字（元）"]
    assert check_decision(vt, "45000.001", proposal, "") == ["罚款金额最多保留两位小数"]
    other = propose(entry("97-3"))
    assert check_decision(vt, 45000, other, "")[0] == "裁量建议不是针对该违法行为作出的，请重新试算"
