"""The round's life on the pages: the organiser creates a round, draws its files, opens scoring and checks
the draw; the scoring standard gets a new version that is published only when its points add up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhifa.reviews.choices import RoundStatus, RubricStatus
from zhifa.reviews.models import ReviewRound, Rubric
from zhifa.reviews.tests.helpers import closed_case, day, rubric

pytestmark = pytest.mark.django_db


def test_the_organiser_creates_draws_checks_and_opens_a_round(world, web, fast_render):
    case = closed_case(world)
    client = web(world.dan)
    assert client.get(reverse("reviews:round_add")).status_code == 200

    created = client.post(
        reverse("reviews:round_add"),
        {
            "name": "上半年案卷评查",
            "kind": "review",
            "period_start": day(-30).isoformat(),
            "period_end": day(0).isoformat(),
            "per_board": "2",
            "rubric": rubric().pk,
            "reviewer_pool": [world.bob.pk, world.bruce.pk],
            "first_prizes": "1",
            "second_prizes": "2",
            "third_prizes": "3",
        },
    )
    assert created.status_code == 302, created.context["form"].errors
    round_ = ReviewRound.objects.get(name="上半年案卷评查")
    assert round_.organiser == world.dan and set(round_.reviewer_pool.all()) == {world.bob, world.bruce}

    assert client.post(reverse("reviews:round_sample", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SAMPLED and round_.assignments.get().case == case
    page = client.get(reverse("reviews:round_detail", args=[round_.pk])).content.decode()
    assert round_.commitment in page and round_.seed_hex in page and round_.candidates_hash in page
    candidates = client.get(reverse("reviews:round_candidates", args=[round_.pk]))
    assert candidates.content.decode() == round_.candidates_json

    verified = client.post(reverse("reviews:round_verify", args=[round_.pk]))
    assert verified.context["verification"].ok and "复核通过" in verified.content.decode()
    # the settings are fixed once the files are drawn
    assert client.get(reverse("reviews:round_edit", args=[round_.pk])).status_code == 302

    assert client.post(reverse("reviews:round_start", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SCORING and round_.assignments.get().prechecked_at is not None


def test_a_round_with_a_reversed_period_is_refused_naming_the_field(world, web):
    response = web(world.dan).post(
        reverse("reviews:round_add"),
        {
            "name": "倒置期间",
            "kind": "review",
            "period_start": day(0).isoformat(),
            "period_end": day(-10).isoformat(),
            "per_board": "2",
            "rubric": rubric().pk,
            "first_prizes": "1",
            "second_prizes": "2",
            "third_prizes": "3",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == ["结案日期止不能早于起"]
    assert not ReviewRound.objects.exists()


def test_a_drawn_round_is_refused_a_second_draw_with_a_message(world, web, fast_render):
    closed_case(world)
    round_ = ReviewRound.objects.create(
        name="评查", period_start=day(-30), period_end=day(0), rubric=rubric(), organiser=world.dan
    )
    client = web(world.bruce)
    client.post(reverse("reviews:round_sample", args=[round_.pk]))
    response = client.post(reverse("reviews:round_sample", args=[round_.pk]), follow=True)
    assert "本轮已抽取案卷" in response.content.decode()


def test_a_new_rubric_version_is_published_only_when_its_points_add_up(world, web):
    client = web(world.dan)
    seeded = rubric()
    assert seeded.example_values and "DB32/T 4181—2021" in seeded.source and "未能查到" in seeded.source

    response = client.post(reverse("reviews:rubric_new_version", args=[seeded.pk]))
    draft = Rubric.objects.get(name=seeded.name, version=2)
    assert response.status_code == 302 and draft.status == RubricStatus.DRAFT
    assert draft.items.count() == seeded.items.count()

    item = draft.items.get(code="c_execution")
    edit = client.get(reverse("reviews:rubric_edit", args=[draft.pk]))
    formset = edit.context["formset"]
    data = {
        "form_points": "20",
        "content_points": "80",
        "pass_mark": "60",
        "example_values": "on",
        "source": draft.source,
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "max_points" and form.instance.pk == item.pk:
                value = "8"  # 5 → 8: the content items now add up to 83
            if name == "DELETE" or value is None:
                continue
            data[f"{formset.prefix}-{index}-{name}"] = getattr(value, "pk", value)
    saved = client.post(reverse("reviews:rubric_edit", args=[draft.pk]), data)
    assert saved.status_code == 302, saved.context and (
        saved.context["form"].errors,
        saved.context["formset"].errors,
    )

    refused = client.post(reverse("reviews:rubric_publish", args=[draft.pk]), follow=True)
    assert "案卷内容各项满分合计 83 分，应为 80 分" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == RubricStatus.DRAFT

    data["content_points"] = "83"
    data["pass_mark"] = "62"
    assert client.post(reverse("reviews:rubric_edit", args=[draft.pk]), data).status_code == 302
    client.post(reverse("reviews:rubric_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == RubricStatus.PUBLISHED and draft.total_points == 103
    # a published version is read-only
    assert client.get(reverse("reviews:rubric_edit", args=[draft.pk])).status_code == 302


def test_drafts_are_the_editors_only(world, web):
    from zhifa.reviews import services

    draft = services.new_rubric_version(rubric(), user=world.sam)
    assert web(world.bob).get(reverse("reviews:rubric_detail", args=[draft.pk])).status_code == 404
    assert web(world.dan).get(reverse("reviews:rubric_detail", args=[draft.pk])).status_code == 200
