"""Verifiable randomness: commitment before the draw, frozen pools, reveal after; verify recomputes."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_expert
from zhifa.experts.models import Expert
from zhifa.orgs.choices import Post
from zhifa.planning import services
from zhifa.planning.choices import DrawStatus, TaskStatus
from zhifa.planning.models import Draw, DrawAssignment
from zhifa.planning.tests.helpers import FAST, group, next_month, officer_with, quiet_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(world):
    """A drawn month of 湖塘镇: four certified officers, two experts, six chemical plants, quota 3."""
    year, month = next_month()
    quiet_world()
    board = world.board_a
    for post in (Post.BOARD_LEADER, Post.BOARD_OFFICER, Post.BOARD_OFFICER, Post.BOARD_OFFICER):
        officer_with(board, post, "full", year, month)
    make_expert([group("chem")])
    make_expert([group("chem")])
    for _ in range(6):
        make_enterprise(board, industry="2614")
    return services.run_draw(
        user=world.dan, year=year, month=month, board=board, quotas={board.pk: 3}, engine_params=FAST
    ).draw


def run_verify(draw) -> int:
    try:
        call_command("draw", "verify", str(draw.pk))
    except SystemExit as exc:
        return exc.code
    return 0


def test_the_commitment_is_the_sha256_of_the_revealed_seed(drawn):
    assert drawn.status == DrawStatus.DRAWN
    assert hashlib.sha256(bytes.fromhex(drawn.seed_hex)).hexdigest() == drawn.commitment
    assert len(bytes.fromhex(drawn.seed_hex)) == 32


def test_the_chain_records_commitment_pools_result_and_seed_in_that_order(drawn):
    rows = list(
        AuditEntry.objects.filter(object_type="planning.draw", object_id=str(drawn.pk)).order_by("id")
    )
    steps = [r.after["step"] for r in rows]
    assert steps == ["commit", "pools", "result", "reveal"]
    assert rows[0].after["commitment"] == drawn.commitment
    assert "seed" not in rows[0].after  # the seed is written only once the result is fixed
    assert (
        rows[1].after["pool_sha256"]
        == drawn.pool_hash
        == hashlib.sha256(drawn.pool_json.encode()).hexdigest()
    )
    assert rows[2].after["result_sha256"] == drawn.result_hash
    assert rows[3].after["seed"] == drawn.seed_hex


def test_an_untouched_draw_verifies_and_the_command_exits_0(drawn, capsys):
    assert services.verify_draw(drawn).ok
    assert run_verify(drawn) == 0
    assert "复核通过" in capsys.readouterr().out


def test_altering_one_stored_assignment_fails_verification_naming_the_row(drawn, capsys):
    row = drawn.assignments.order_by("position").first()
    other_expert = Expert.objects.filter(active=True).exclude(pk=row.expert_id).first()
    # An insider puts another expert into the stored result
    DrawAssignment.objects.filter(pk=row.pk).update(expert=other_expert)
    report = services.verify_draw(Draw.objects.get(pk=drawn.pk))
    assert not report.ok
    assert any(f"企业 {row.enterprise_id}：存储为" in line for line in report.differences)
    assert run_verify(drawn) == 1
    assert f"企业 {row.enterprise_id}" in capsys.readouterr().out


def test_altering_one_frozen_pool_record_fails_verification(drawn, capsys):
    document = json.loads(drawn.pool_json)
    document["officers"][0]["certificates"] = []  # as if the officer had had no certificate
    Draw.objects.filter(pk=drawn.pk).update(
        pool_json=json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    )
    report = services.verify_draw(Draw.objects.get(pk=drawn.pk))
    assert not report.ok
    assert any(c.name == "候选池哈希" and not c.ok for c in report.checks)
    assert run_verify(drawn) == 1
    assert "候选池被改动" in capsys.readouterr().out


def test_a_pool_altered_together_with_its_stored_hash_is_caught_by_the_chain(drawn):
    document = json.loads(drawn.pool_json)
    document["enterprises"][0]["done"] = 1
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    Draw.objects.filter(pk=drawn.pk).update(
        pool_json=text, pool_hash=hashlib.sha256(text.encode()).hexdigest()
    )
    report = services.verify_draw(Draw.objects.get(pk=drawn.pk))
    assert not report.ok
    assert any(c.name == "审计记录（pools）" and not c.ok for c in report.checks)


def test_a_seed_not_matching_the_commitment_fails_verification(drawn, capsys):
    Draw.objects.filter(pk=drawn.pk).update(seed_hex="00" * 32)
    report = services.verify_draw(Draw.objects.get(pk=drawn.pk))
    assert not next(c for c in report.checks if c.name == "种子与承诺值").ok
    assert run_verify(drawn) == 1
    assert "[不符] 种子与承诺值" in capsys.readouterr().out


def test_a_public_value_seeds_the_draw_through_sha256_of_its_text(world):
    year, month = next_month()
    source = "福利彩票双色球第2026140期开奖号码 03 08 15 21 27 30 + 11（示例）"
    outcome = services.run_draw(
        user=world.dan,
        year=year,
        month=month,
        board=world.board_a,
        seed_source=source,
        quotas={},
        engine_params=FAST,
    )
    assert outcome.draw.seed_hex == hashlib.sha256(source.encode("utf-8")).hexdigest()
    assert services.verify_draw(outcome.draw).ok


def test_a_second_draw_of_the_same_month_is_refused_and_a_redraw_supersedes_with_its_reason(drawn, world):
    with pytest.raises(services.DrawError, match="已有有效的抽取"):
        services.run_draw(
            user=world.dan, year=drawn.year, month=drawn.month, board=drawn.board, quotas={drawn.board_id: 1}
        )
    with pytest.raises(services.DrawError, match="理由"):
        services.redraw(drawn, user=world.dan, reason="  ", engine_params=FAST)
    old_tasks = list(drawn.tasks.values_list("pk", flat=True))
    new = services.redraw(drawn, user=world.dan, reason="候选池中一名执法人员已调离", engine_params=FAST).draw
    drawn.refresh_from_db()
    assert drawn.status == DrawStatus.SUPERSEDED
    assert new.supersedes == drawn and new.reason == "候选池中一名执法人员已调离"
    # The old draw and its tasks are kept: the tasks cancelled with the reason, the draw still verifiable.
    assert set(drawn.tasks.values_list("pk", flat=True)) == set(old_tasks)
    assert all(t.status == TaskStatus.CANCELLED and "调离" in t.cancel_reason for t in drawn.tasks.all())
    assert services.verify_draw(drawn).ok and services.verify_draw(new).ok
    assert new.tasks.count() == 3


def test_a_board_officer_may_not_draw_and_a_board_leader_only_for_the_own_board(world):
    year, month = next_month()
    with pytest.raises(PermissionDenied):
        services.run_draw(user=world.alice, year=year, month=month, board=world.board_a, quotas={})
    with pytest.raises(PermissionDenied):
        services.run_draw(user=world.albert, year=year, month=month, board=world.board_b, quotas={})
    with pytest.raises(PermissionDenied):
        services.run_draw(user=world.albert, year=year, month=month, board=None, quotas={})
    assert services.run_draw(
        user=world.albert, year=year, month=month, board=world.board_a, quotas={}
    ).draw.pk


def test_the_run_command_commits_draws_and_reveals_as_the_given_user(drawn, world, capsys):
    call_command(
        "draw",
        "run",
        "--month",
        f"{drawn.year}-{drawn.month:02d}",
        "--board",
        world.board_b.code,
        "--quota",
        "0",
        "--user",
        "dan",
    )
    out = capsys.readouterr().out
    draw = Draw.objects.order_by("-pk").first()
    assert draw.board == world.board_b
    assert draw.commitment in out and draw.seed_hex in out and draw.pool_hash in out
    commit = (
        AuditEntry.objects.filter(object_type="planning.draw", object_id=str(draw.pk)).order_by("id").first()
    )
    assert commit.username == "dan" and commit.source == "cli"
