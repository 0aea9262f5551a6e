"""Drawing a round's files: the seed's SHA-256 committed (with the frozen candidates) before the draw and
the seed revealed after, in the audit chain; anyone recomputes the draw from the revealed seed; reviewers
never of the file's board."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from zhifa.core.models import AuditEntry
from zhifa.reviews import sampling, services
from zhifa.reviews.choices import RoundStatus
from zhifa.reviews.models import ReviewAssignment
from zhifa.reviews.tests.helpers import closed_case, closed_case_b, day, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(world, fast_render):
    """Three closed files of board A and two of board B."""
    a = [closed_case(world) for _ in range(3)]
    b = [closed_case_b(world) for _ in range(2)]
    return a, b


def steps(round_):
    rows = AuditEntry.objects.filter(object_type="reviews.reviewround", object_id=str(round_.pk)).order_by(
        "id"
    )
    return [(r.pk, r.after.get("step"), r.after) for r in rows if r.after and r.after.get("step")]


def test_the_commitment_and_candidates_are_recorded_before_the_draw_and_the_seed_after(world, files):
    a, b = files
    round_ = make_round(world, per_board=2)

    round_ = services.sample(round_, user=world.dan)

    assert round_.status == RoundStatus.SAMPLED
    seed = bytes.fromhex(round_.seed_hex)
    assert len(seed) == 32 and hashlib.sha256(seed).hexdigest() == round_.commitment
    recorded = steps(round_)
    assert [s for _, s, _ in recorded] == ["commit", "result", "reveal"]
    commit, result, reveal = (after for _, _, after in recorded)
    assert commit["commitment"] == round_.commitment
    assert (
        commit["candidates_sha256"]
        == round_.candidates_hash
        == hashlib.sha256(round_.candidates_json.encode()).hexdigest()
    )
    assert round_.seed_hex not in json.dumps(commit) and round_.seed_hex not in json.dumps(result)
    assert reveal["seed"] == round_.seed_hex
    # the candidates: every closed file of the period by board, ids sorted
    document = json.loads(round_.candidates_json)
    assert document["boards"] == {
        str(world.board_a.pk): sorted(c.pk for c in a),
        str(world.board_b.pk): sorted(c.pk for c in b),
    }
    drawn = ReviewAssignment.objects.filter(round=round_)
    assert drawn.filter(board=world.board_a).count() == 2 and drawn.filter(board=world.board_b).count() == 2
    assert set(drawn.values_list("case_id", flat=True)) <= {c.pk for c in a + b}


def test_anyone_recomputes_the_draw_from_the_revealed_seed_and_the_candidates(world, files):
    round_ = services.sample(make_round(world, per_board=2), user=world.dan)

    recomputed = sampling.run(bytes.fromhex(round_.seed_hex), json.loads(round_.candidates_json))
    stored = [a.as_row() for a in round_.assignments.order_by("position")]
    assert recomputed == stored
    assert sampling.result_hash(stored) == round_.result_hash
    report = services.verify_round(round_)
    assert report.ok, [(c.name, c.detail) for c in report.checks if not c.ok]
    out = StringIO()
    call_command("reviews", "verify", str(round_.pk), stdout=out)
    assert "复核通过" in out.getvalue()


def test_verification_fails_when_the_seed_or_the_result_was_changed(world, files):
    round_ = services.sample(make_round(world, per_board=2), user=world.dan)
    type(round_).objects.filter(pk=round_.pk).update(seed_hex="00" * 32)
    round_.refresh_from_db()

    report = services.verify_round(round_)

    assert not report.ok
    failed = {c.name for c in report.checks if not c.ok}
    assert {"种子与承诺值", "审计记录（reveal）"} <= failed
    with pytest.raises(SystemExit) as exit_:
        call_command("reviews", "verify", str(round_.pk), stdout=StringIO(), stderr=StringIO())
    assert exit_.value.code == 1


def test_verification_finds_a_reviewer_changed_after_the_draw(world, files):
    round_ = services.sample(make_round(world, per_board=2), user=world.dan)
    first = round_.assignments.order_by("position").first()
    other = next(u for u in (world.bruce, world.bob, world.alice) if u.pk != first.reviewer_id)
    ReviewAssignment.objects.filter(pk=first.pk).update(reviewer=other)

    report = services.verify_round(round_)

    assert not report.ok
    assert any(c.name == "结果哈希" and not c.ok for c in report.checks)
    assert report.differences and "第 1 份" in report.differences[0]


def test_reviewers_are_never_of_the_files_board_nor_took_part_in_the_case(world, files):
    round_ = services.sample(make_round(world, per_board=3), user=world.dan)

    rows = list(round_.assignments.select_related("reviewer", "reviewer__officer"))
    assert len(rows) == 5
    for row in rows:
        reviewer = row.reviewer
        assert reviewer.region_id != row.board_id
        assert reviewer.officer.unit_id != row.board_id
        handlers = set(row.case.case_officers.values_list("officer_id", flat=True))
        assert reviewer.officer_id not in handlers
        assert not row.case.events.filter(actor=reviewer).exists()
    # board A's files go to board B or the brigade; board B's to board A or the brigade
    assert {r.reviewer.username for r in rows if r.board_id == world.board_a.pk} <= {"bob", "bella", "bruce"}
    assert {r.reviewer.username for r in rows if r.board_id == world.board_b.pk} <= {
        "alice",
        "albert",
        "bruce",
    }


def test_a_round_whose_pool_cannot_review_a_file_is_refused_before_any_commitment(world, fast_render):
    case = closed_case(world)
    round_ = make_round(world, pool=[world.alice, world.albert])  # board A only

    with pytest.raises(services.ReviewError) as refused:
        services.sample(round_, user=world.dan)

    assert case.registration_number in refused.value.messages[0]
    round_.refresh_from_db()
    assert round_.status == RoundStatus.DRAFT and round_.commitment == "" and not steps(round_)


def test_a_period_without_closed_files_is_refused(world):
    round_ = make_round(world, start=day(-400), end=day(-300))
    with pytest.raises(services.ReviewError) as refused:
        services.sample(round_, user=world.dan)
    assert "没有已结案或已归档的案件" in refused.value.messages[0]


def test_only_the_organising_roles_draw(world):
    round_ = make_round(world)
    for persona in ("alice", "albert", "lily"):
        with pytest.raises(PermissionDenied):
            services.sample(round_, user=getattr(world, persona))


def test_a_round_is_drawn_once(world, fast_render):
    closed_case(world)
    round_ = services.sample(make_round(world), user=world.dan)
    with pytest.raises(services.ReviewError):
        services.sample(round_, user=world.bruce)
    assert round_.assignments.count() == 1
