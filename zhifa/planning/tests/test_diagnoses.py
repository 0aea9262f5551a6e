"""When the rules leave places unfilled, the draw says precisely what is short, and returns the rest."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhifa.core.testing import make_enterprise, make_expert
from zhifa.orgs.choices import Post
from zhifa.planning import services
from zhifa.planning.tests.helpers import FAST, group, next_month, officer_with, quiet_world

pytestmark = pytest.mark.django_db


def messages(outcome) -> list[str]:
    return [d["message"] for d in outcome.draw.diagnoses]


def test_a_board_with_one_certified_officer_is_told_it_needs_two(world):
    # Given 湖塘镇 with one certified officer (the other's certificate is suspended) and no brigade
    year, month = next_month()
    quiet_world()
    board = world.board_a
    officer_with(board, Post.BOARD_LEADER, "full", year, month)
    officer_with(board, Post.BOARD_OFFICER, "suspended", year, month)
    make_expert([group("chem")])
    enterprises = [make_enterprise(board) for _ in range(3)]
    # When the board's month is drawn
    outcome = services.run_draw(
        user=world.dan, year=year, month=month, board=board, quotas={board.pk: 2}, engine_params=FAST
    )
    # Then nothing is drawn and the diagnosis names the rule and the numbers
    label = f"{year}-{month:02d} 湖塘镇"
    assert outcome.result.assignments == []
    assert f"{label}：3 家企业持证执法人员不足：需要 2 名，可用 1 名" in messages(outcome)
    assert f"{label}：双随机配额 2 家，完成组队 0 家，缺 2 家" in messages(outcome)
    assert {u["enterprise"] for u in outcome.result.unassigned} == {e.pk for e in enterprises}
    assert all(u["reason"] == "持证执法人员不足：需要 2 名，可用 1 名" for u in outcome.result.unassigned)


def test_three_chemical_plants_and_one_chemical_expert_give_a_partial_draw_and_say_so(world):
    # Given 湖塘镇 with two certified officers, three chemical enterprises and one 化工医药 expert who may
    # take two inspections a month
    year, month = next_month()
    quiet_world()
    board = world.board_a
    officer_with(board, Post.BOARD_LEADER, "full", year, month)
    officer_with(board, Post.BOARD_OFFICER, "full", year, month)
    make_expert([group("chem")])
    for _ in range(3):
        make_enterprise(board, industry="2614")
    # When three are to be drawn
    outcome = services.run_draw(
        user=world.dan,
        year=year,
        month=month,
        board=board,
        quotas={board.pk: 3},
        engine_params={**FAST, "expert_monthly_cap": 2, "officer_monthly_cap": 10},
    )
    # Then two are drawn, one is listed as unassigned, and the shortage is named by group
    label = f"{year}-{month:02d} 湖塘镇"
    assert len(outcome.result.assignments) == 2
    assert len(outcome.result.unassigned) == 1
    assert f"{label}：3 家企业需要化工医药专家，可用 1 名（本月最多还可承担 2 次）" in messages(outcome)
    assert f"{label}：双随机配额 3 家，完成组队 2 家，缺 1 家" in messages(outcome)


def test_an_enterprise_whose_only_expert_is_its_employee_is_passed_over_with_the_reason(world):
    year, month = next_month()
    quiet_world()
    board = world.board_a
    officer_with(board, Post.BOARD_LEADER, "full", year, month)
    officer_with(board, Post.BOARD_OFFICER, "full", year, month)
    enterprise = make_enterprise(board, industry="2614")
    expert = make_expert([group("chem")])
    expert.employer_uscc = enterprise.uscc
    expert.save()
    outcome = services.run_draw(
        user=world.dan, year=year, month=month, board=board, quotas={board.pk: 1}, engine_params=FAST
    )
    assert outcome.result.assignments == []
    assert outcome.result.unassigned[0]["reason"] == "需要化工医药专家，可用 0 名（受雇于该企业 1 名）"


def test_fewer_candidates_than_the_quota_are_counted_by_why_the_others_are_out(world):
    year, month = next_month()
    quiet_world()
    board = world.board_a
    officer_with(board, Post.BOARD_LEADER, "full", year, month)
    officer_with(board, Post.BOARD_OFFICER, "full", year, month)
    make_expert([group("chem")])
    make_enterprise(board, industry="2614")
    closed = make_enterprise(board, industry="2614")
    closed.operating_status = "closed"
    closed.save()
    outcome = services.run_draw(
        user=world.dan, year=year, month=month, board=board, quotas={board.pk: 4}, engine_params=FAST
    )
    assert f"{year}-{month:02d} 湖塘镇：符合抽取条件的企业 1 家，少于双随机配额 4 家" in messages(outcome)
    assert len(outcome.result.assignments) == 1


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plants=st.integers(2, 5), expert_cap=st.integers(1, 4))
def test_an_expert_shortage_is_diagnosed_with_exact_numbers(world, plants, expert_cap):
    year, month = next_month()
    with transaction.atomic():
        quiet_world()
        board = world.board_a
        for _ in range(3):
            officer_with(board, Post.BOARD_OFFICER, "full", year, month)
        make_expert([group("chem")])
        for _ in range(plants):
            make_enterprise(board, industry="2614")
        outcome = services.run_draw(
            user=world.dan,
            year=year,
            month=month,
            board=board,
            quotas={board.pk: plants},
            engine_params={**FAST, "expert_monthly_cap": expert_cap, "officer_monthly_cap": 20},
        )
        drawn = min(plants, expert_cap)
        assert len(outcome.result.assignments) == drawn
        label = f"{year}-{month:02d} 湖塘镇"
        shortage = f"{label}：{plants} 家企业需要化工医药专家，可用 1 名（本月最多还可承担 {expert_cap} 次）"
        assert (shortage in messages(outcome)) == (plants > expert_cap)
        assert len(outcome.result.unassigned) == plants - drawn
        transaction.set_rollback(True)
