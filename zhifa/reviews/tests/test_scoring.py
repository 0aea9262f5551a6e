"""Scoring a file: a veto fails it whatever the points, points above an item's maximum are refused with a
Chinese error naming the item, a submitted sheet is locked, and a correction by the organiser is a new
version with its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhifa.reviews import services
from zhifa.reviews.choices import AssignmentStatus
from zhifa.reviews.models import Score, ScoreSheet
from zhifa.reviews.tests.helpers import closed_case, form_data, full_marks, scoring_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(world, fast_render):
    """One board-A file open for scoring, assigned to bob (board B)."""
    round_ = scoring_round(world, [closed_case(world)], pool=[world.bob])
    return round_.assignments.get()


def test_a_veto_fails_the_file_whatever_the_points(world, assignment):
    entries = full_marks(assignment.round)
    entries["v_evidence"] = services.Entry(veto=True, note="主要证据仅有当事人陈述，无其他证据印证")

    sheet = services.submit_score(assignment, user=world.bob, entries=entries)

    assert sheet.points == Decimal("100") and sheet.total == Decimal("0")
    assert sheet.vetoed and not sheet.passed
    assignment.refresh_from_db()
    assert (assignment.total, assignment.vetoed, assignment.passed) == (Decimal("0"), True, False)
    assert sheet.scores.get(item__code="v_evidence").vetoed


def test_a_veto_needs_its_reason(world, assignment):
    entries = full_marks(assignment.round)
    entries["v_procedure"] = services.Entry(veto=True)
    with pytest.raises(ValidationError) as refused:
        services.submit_score(assignment, user=world.bob, entries=entries)
    assert refused.value.message_dict == {"v_procedure_note": ["勾选否决项须写明理由"]}


def test_a_file_passes_at_the_pass_mark_and_fails_below_it(world, assignment):
    # 100 less 41 = 59: below the example pass mark of 60
    entries = full_marks(assignment.round, c_investigation="0", c_facts_law="0", c_execution="0", f_cover="3")
    sheet = services.submit_score(assignment, user=world.bob, entries=entries)
    assert sheet.total == Decimal("59") and not sheet.vetoed and not sheet.passed


def test_points_above_an_items_maximum_are_refused_with_a_chinese_field_error_on_the_page(
    world, web, assignment
):
    client = web(world.bob)
    url = reverse("reviews:assignment_score", args=[assignment.pk])

    response = client.post(url, form_data(assignment.round, c_investigation="25"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"c_investigation": ["不能超过本项满分 20 分"]}
    assert "不能超过本项满分 20 分" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_points_above_an_items_maximum_are_refused_with_a_chinese_field_error_by_the_api(
    world, api, assignment
):
    url = reverse("reviewassignment-score", args=[assignment.pk])

    response = api(world.bob).post(url, form_data(assignment.round, f_cover="4.5"), format="json")

    assert response.status_code == 400
    assert response.json() == {"f_cover": ["卷皮与目录（满分 4 分）：不能超过本项满分 4 分"]}
    assert not ScoreSheet.objects.exists()


def test_missing_points_are_named_by_item(world, api, assignment):
    data = form_data(assignment.round)
    del data["c_decision"]
    response = api(world.bob).post(
        reverse("reviewassignment-score", args=[assignment.pk]), data, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"c_decision": ["决定与送达（满分 10 分）：请填写得分（0 至 10 分）"]}


def test_the_api_scores_with_the_forms_field_names(world, api, assignment):
    data = form_data(assignment.round, c_discretion="6.5", c_discretion_note="偏离裁量基准理由不充分")

    response = api(world.bob).post(
        reverse("reviewassignment-score", args=[assignment.pk]), data, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == AssignmentStatus.SUBMITTED and body["total"] == "96.5" and body["passed"] is True
    assert Score.objects.get(item__code="c_discretion").note == "偏离裁量基准理由不充分"


def test_a_submitted_score_is_locked(world, api, assignment):
    services.submit_score(assignment, user=world.bob, entries=full_marks(assignment.round))

    with pytest.raises(services.ReviewError):
        services.submit_score(assignment, user=world.bob, entries=full_marks(assignment.round, f_cover="0"))
    response = api(world.bob).post(
        reverse("reviewassignment-score", args=[assignment.pk]), form_data(assignment.round), format="json"
    )
    assert response.status_code == 409 and "已提交评分" in response.json()["detail"]
    sheet = ScoreSheet.objects.get()
    sheet.comment = "改一下"
    with pytest.raises(ValidationError):
        sheet.save()
    with pytest.raises(ValidationError):
        sheet.scores.first().delete()


def test_only_the_assigned_reviewer_scores(world, assignment):
    for persona in ("bruce", "dan", "alice"):
        with pytest.raises(PermissionDenied):
            services.submit_score(
                assignment, user=getattr(world, persona), entries=full_marks(assignment.round)
            )


def test_a_correction_by_the_organiser_is_a_new_version_with_its_reason(world, web, assignment):
    services.submit_score(assignment, user=world.bob, entries=full_marks(assignment.round))
    lower = full_marks(assignment.round, c_investigation="12")

    with pytest.raises(ValidationError) as no_reason:
        services.correct_score(assignment, user=world.dan, entries=lower, reason=" ")
    assert no_reason.value.message_dict == {"reason": ["更正评分须写明理由"]}
    with pytest.raises(PermissionDenied):
        services.correct_score(assignment, user=world.bruce, entries=lower, reason="复核发现询问笔录缺页")

    sheet = services.correct_score(assignment, user=world.dan, entries=lower, reason="复核发现询问笔录缺页")

    assert sheet.version == 2 and sheet.reason == "复核发现询问笔录缺页" and sheet.total == Decimal("92")
    first = ScoreSheet.objects.get(assignment=assignment, version=1)
    assert first.total == Decimal("100") and first.author == world.bob
    assignment.refresh_from_db()
    assert (assignment.version, assignment.total) == (2, Decimal("92"))
    page = web(world.dan).get(reverse("reviews:assignment_detail", args=[assignment.pk])).content.decode()
    assert "复核发现询问笔录缺页" in page and "更正（第 2 版）" in page


def test_the_correction_page_refuses_a_missing_reason_and_saves_a_version(world, web, assignment):
    services.submit_score(assignment, user=world.bob, entries=full_marks(assignment.round))
    client = web(world.dan)
    url = reverse("reviews:assignment_correct", args=[assignment.pk])
    assert client.get(url).status_code == 200

    refused = client.post(url, form_data(assignment.round))
    assert refused.status_code == 200 and refused.context["form"].errors == {"reason": ["更正评分须写明理由"]}

    saved = client.post(url, {**form_data(assignment.round, f_binding="2"), "reason": "页码不连续"})
    assert saved.status_code == 302
    assert ScoreSheet.objects.filter(assignment=assignment).count() == 2
    assert web(world.bruce).get(url).status_code == 403  # not the organiser of this round
