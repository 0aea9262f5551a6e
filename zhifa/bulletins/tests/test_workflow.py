"""A bulletin's course: a draft seen by the district's roles only, approved by the district leader alone,
published once approved, then seen by every board; a published bulletin is final."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from zhifa.bulletins import services
from zhifa.bulletins.models import Bulletin
from zhifa.bulletins.tests import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return h.make_bulletin(h.last_complete_month())


def visible(user):
    return set(Bulletin.objects.restrict(user, "view").values_list("pk", flat=True))


def test_a_draft_is_the_districts_until_published(world, draft):
    for persona in ("dan", "bruce", "lily"):
        assert visible(getattr(world, persona)) == {draft.pk}, persona
    for persona in ("alice", "albert", "amy", "bob"):
        assert visible(getattr(world, persona)) == set(), persona
    for persona in ("sam", "audrey", "eve"):
        assert visible(getattr(world, persona)) == set(), persona


def test_only_the_district_leader_approves(world, draft):
    for persona in ("bruce", "lily", "albert", "alice"):
        with pytest.raises(PermissionDenied):
            services.approve(draft, user=getattr(world, persona))
    approved = services.approve(draft, user=world.dan)
    assert approved.status == "approved" and approved.approved_by == world.dan and approved.approved_at
    with pytest.raises(services.BulletinRefused):
        services.approve(approved, user=world.dan)  # once


def test_publishing_needs_the_approval_and_reaches_every_board(world, draft):
    with pytest.raises(services.BulletinRefused, match="已审定"):
        services.publish(draft, user=world.dan)
    services.approve(draft, user=world.dan)
    with pytest.raises(PermissionDenied):
        services.publish(draft, user=world.bruce)
    published = services.publish(draft, user=world.dan)
    assert published.status == "published" and published.published_by == world.dan
    for persona in ("alice", "albert", "amy", "bob", "dan"):
        assert visible(getattr(world, persona)) == {draft.pk}, persona
    actions = list(
        published.events.order_by("pk").values_list("action", "from_status", "to_status", "actor_name")
    )
    assert actions == [("approve", "draft", "approved", "dan"), ("publish", "approved", "published", "dan")]


def test_nobody_approves_or_publishes_without_an_account(world, draft):
    with pytest.raises(PermissionDenied):
        services.approve(draft, user=None)
    with pytest.raises(PermissionDenied):
        services.publish(draft, user=None)


def test_a_published_bulletin_is_not_regenerated_and_an_approved_one_returns_to_draft(world):
    month = h.last_complete_month()
    approved = h.make_bulletin(month, "approved")
    # Regenerating voids the approval (the figures and the PDF change)
    again = services.generate(month, user=world.bruce)
    assert again.pk == approved.pk and again.status == "draft" and again.version == 2
    assert again.approved_by is None and again.generated_by == world.bruce
    assert again.events.get().note.endswith("原审定作废")
    Bulletin.objects.filter(pk=again.pk).update(status="published")
    with pytest.raises(services.BulletinRefused, match="已发布"):
        services.generate(month, user=world.dan)
    with pytest.raises(PermissionDenied):
        services.generate(month, user=world.alice)


def test_a_bulletin_is_never_deleted(world, draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        draft.delete()


def test_a_missing_or_altered_pdf_is_refused(world, draft, settings):
    from zhifa.core import storage

    path = storage.blob_path(draft.pdf_sha256)
    path.chmod(0o640)
    path.write_bytes(b"%PDF-1.4 altered")
    with pytest.raises(services.BulletinRefused, match="SHA-256"):
        services.pdf_bytes(draft)
