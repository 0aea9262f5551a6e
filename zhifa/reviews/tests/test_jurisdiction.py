"""Who reaches what: a reviewer of board B reaches the board-A file assigned to them (page, case file,
API) through the assignment, and nothing else of board A; an unassigned board-B user gets 404; board
leaders read their own board's results once the round has ended."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.core.roles import Role
from zhifa.core.testing import make_officer, make_user
from zhifa.reviews import services
from zhifa.reviews.tests.helpers import board_b_world, closed_case, full_marks, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawn(world, fast_render, monkeypatch):
    """Two board-A files; only one drawn (per board 1), assigned to bob of board B. The case file is a
    stand-in (binding is tested in zhifa.cases)."""
    monkeypatch.setattr("zhifa.cases.views.case_file_pdf", lambda case: (b"%PDF-1.7 file", "ab" * 32))
    cases = [closed_case(world), closed_case(world)]
    round_ = services.sample(make_round(world, per_board=1, pool=[world.bob]), user=world.dan)
    round_ = services.start_scoring(round_, user=world.dan)
    assignment = round_.assignments.get()
    other = next(c for c in cases if c.pk != assignment.case_id)
    world.users["bert"] = make_user(
        "bert", Role.BOARD_OFFICER, region=world.board_b, officer=make_officer(world.board_b)
    )
    return round_, assignment, other


def test_a_board_b_reviewer_reaches_the_assigned_board_a_file_and_nothing_else(world, web, drawn):
    round_, assignment, other = drawn
    client = web(world.bob)

    page = client.get(reverse("reviews:assignment_detail", args=[assignment.pk]))
    assert page.status_code == 200
    assert assignment.case.party_name in page.content.decode() and page.context["form"] is not None
    pdf = client.get(reverse("reviews:assignment_case_file", args=[assignment.pk]))
    assert pdf.status_code == 200 and pdf["X-Content-SHA256"] == "ab" * 32
    queue = client.get(reverse("reviews:assignment_list"))
    assert [row.record.pk for row in queue.context["table"].rows] == [assignment.pk]
    # the case's own pages stay out of reach: the grant is the assignment, not the case queryset
    assert client.get(reverse("cases:case_detail", args=[assignment.case_id])).status_code == 404
    assert client.get(reverse("cases:case_file", args=[assignment.case_id])).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[other.pk])).status_code == 404


def test_the_reviewer_reaches_the_file_by_the_api(world, api, drawn):
    _round, assignment, _other = drawn
    client = api(world.bob)

    listed = client.get(reverse("reviewassignment-list")).json()
    assert [row["id"] for row in listed["results"]] == [assignment.pk]
    detail = client.get(reverse("reviewassignment-detail", args=[assignment.pk])).json()
    assert (
        detail["case"] == assignment.case_id
        and detail["registration_number"] == assignment.case.registration_number
    )
    assert {i["code"] for i in detail["items"]} >= {"v_authority", "f_cover", "c_investigation"}
    assert client.get(reverse("case-detail", args=[assignment.case_id])).status_code == 404


def test_an_unassigned_board_b_user_gets_404(world, web, api, drawn):
    _round, assignment, _other = drawn
    client = web(world.bert)

    assert client.get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("reviews:assignment_case_file", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("reviews:assignment_score", args=[assignment.pk]), {}).status_code == 404
    assert len(client.get(reverse("reviews:assignment_list")).context["table"].rows) == 0
    assert api(world.bert).get(reverse("reviewassignment-detail", args=[assignment.pk])).status_code == 404
    assert (
        api(world.bert)
        .post(reverse("reviewassignment-score", args=[assignment.pk]), {}, format="json")
        .status_code
        == 404
    )
    # a board-A officer who is not the reviewer does not reach it either
    assert web(world.alice).get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 404


def test_board_leaders_read_their_own_boards_results_once_the_round_ends(world, web, drawn):
    round_, assignment, _other = drawn
    board_b_world(world)  # bella, board B's leader
    url = reverse("reviews:round_detail", args=[round_.pk])

    during = web(world.albert).get(url)
    assert during.status_code == 200 and not during.context["show_scores"] and not during.context["results"]
    assert (
        web(world.albert).get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 404
    )

    services.submit_score(assignment, user=world.bob, entries=full_marks(round_))
    services.finish(round_, user=world.dan)

    after = web(world.albert).get(url)
    assert [r.board for r in after.context["results"]] == [world.board_a]
    assert (
        web(world.albert).get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 200
    )
    other_board = web(world.bella).get(url)
    assert other_board.context["results"] == [] and other_board.context["assignments"] == []
    assert web(world.bella).get(reverse("reviews:assignment_detail", args=[assignment.pk])).status_code == 404
