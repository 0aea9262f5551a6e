"""Versions by effective date: the one in force on a date, copying, publishing, withdrawing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from zhifa.core.models import AuditEntry
from zhifa.discretion import services
from zhifa.discretion.choices import CatalogueStatus
from zhifa.discretion.engine import propose
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType

pytestmark = pytest.mark.django_db


def older_catalogue() -> Catalogue:
    """A version in force before the seeded one, ended the day before it (as publishing leaves it)."""
    old = Catalogue.objects.create(
        name="旧版裁量基准",
        effective_from=date(2025, 1, 1),
        effective_to=date(2026, 1, 31),
        status=CatalogueStatus.PUBLISHED,
    )
    vt = ViolationType.objects.create(
        catalogue=old,
        code="97-4",
        name="未如实记录安全生产教育和培训情况",
        article_violated="《安全生产法》第二十八条第四款",
        penalty_article="《安全生产法》第九十七条第（四）项",
        max_fine=100000,
    )
    Tier.objects.create(
        violation_type=vt, level="ordinary", conditions="一般", min_fine=10000, max_fine=20000
    )
    return old


def test_the_seeded_example_is_in_force_from_1_february_2026(seeded):
    assert seeded.status == CatalogueStatus.PUBLISHED and seeded.effective_to is None
    assert Catalogue.objects.in_force(date(2026, 2, 1)) == seeded
    assert Catalogue.objects.in_force(date(2030, 1, 1)) == seeded
    assert Catalogue.objects.in_force(date(2026, 1, 31)) is None
    assert seeded.violation_types.count() >= 15
    assert ViolationType.objects.in_force(date(2026, 1, 31)).count() == 0


def test_a_case_on_15_january_2026_uses_the_older_catalogue(seeded):
    old = older_catalogue()
    assert Catalogue.objects.in_force(date(2026, 1, 15)) == old
    assert Catalogue.objects.in_force(date(2026, 2, 1)) == seeded
    january = ViolationType.objects.in_force(date(2026, 1, 15)).get(code="97-4")
    february = ViolationType.objects.in_force(date(2026, 2, 15)).get(code="97-4")
    assert january.catalogue == old and february.catalogue == seeded
    assert propose(january).max_fine == 20000 and propose(february).max_fine == 60000


def test_a_new_version_copies_entries_tiers_and_factors_as_a_draft(seeded):
    draft = services.new_version(seeded, user=None)
    assert draft.status == CatalogueStatus.DRAFT and draft.previous == seeded
    assert draft.effective_from > seeded.effective_from
    assert draft.violation_types.count() == seeded.violation_types.count()
    assert Tier.objects.filter(violation_type__catalogue=draft).count() == (
        Tier.objects.filter(violation_type__catalogue=seeded).count()
    )
    assert draft.factors.count() == seeded.factors.count()
    copied = draft.violation_types.get(code="97-4")
    original = seeded.violation_types.get(code="97-4")
    assert [(t.level, t.min_fine, t.max_fine) for t in copied.tiers.all()] == [
        (t.level, t.min_fine, t.max_fine) for t in original.tiers.all()
    ]
    # the copy is separate: editing it leaves the published version as it was
    copied.tiers.filter(level="ordinary").update(max_fine=50000)
    assert original.tiers.get(level="ordinary").max_fine == 60000


def test_a_factor_tied_to_an_entry_is_copied_onto_the_copy_of_that_entry(seeded):
    original = seeded.violation_types.get(code="99-1")
    Factor.objects.create(
        catalogue=seeded, violation_type=original, kind="aggravating", code="many", text="多处"
    )
    draft = services.new_version(seeded, user=None)
    copied = draft.factors.get(code="many")
    assert copied.violation_type.catalogue == draft and copied.violation_type.code == "99-1"


def test_only_one_draft_at_a_time_and_a_draft_is_not_copied(seeded):
    draft = services.new_version(seeded, user=None)
    with pytest.raises(ValidationError, match="已有草稿版本"):
        services.new_version(seeded, user=None)
    with pytest.raises(ValidationError, match="草稿不能复制"):
        services.new_version(draft, user=None)


def test_publishing_ends_the_version_before_on_the_previous_day(seeded):
    draft = services.new_version(seeded, user=None, effective_from=date(2027, 1, 1))
    entry = draft.violation_types.get(code="97-4")
    entry.tiers.filter(level="ordinary").update(min_fine=35000, max_fine=55000)
    services.publish(draft, user=None)
    seeded.refresh_from_db()
    draft.refresh_from_db()
    assert seeded.effective_to == date(2026, 12, 31) and seeded.status == CatalogueStatus.PUBLISHED
    assert draft.status == CatalogueStatus.PUBLISHED and draft.published_at is not None
    assert Catalogue.objects.in_force(date(2026, 12, 31)) == seeded
    assert Catalogue.objects.in_force(date(2027, 1, 1)) == draft
    decided_2026 = ViolationType.objects.in_force(date(2026, 6, 1)).get(code="97-4")
    decided_2027 = ViolationType.objects.in_force(date(2027, 6, 1)).get(code="97-4")
    assert propose(decided_2026).min_fine == 30000 and propose(decided_2027).min_fine == 35000
    # the change is in the audit chain
    assert AuditEntry.objects.filter(object_type="discretion.catalogue", object_id=str(seeded.pk)).exists()


def test_publishing_is_refused_for_a_date_not_after_the_latest_version(seeded):
    draft = services.new_version(seeded, user=None, effective_from=date(2026, 2, 1))
    with pytest.raises(ValidationError, match="生效日期须晚于已发布版本"):
        services.publish(draft, user=None)
    draft.refresh_from_db()
    assert draft.status == CatalogueStatus.DRAFT


def test_publishing_is_refused_while_a_tier_breaks_the_statutory_range(seeded):
    draft = services.new_version(seeded, user=None)
    entry = draft.violation_types.get(code="97-4")
    entry.tiers.filter(level="severe").update(max_fine=150000)  # beyond the 10万 the law allows
    with pytest.raises(ValidationError) as refused:
        services.publish(draft, user=None)
    assert any(m.startswith("97-4 从重处罚：阶次罚款上限超出法定幅度") for m in refused.value.messages)
    assert Catalogue.objects.get(pk=draft.pk).status == CatalogueStatus.DRAFT


def test_publishing_an_empty_draft_or_a_published_version_is_refused(seeded):
    empty = services.create_draft(Catalogue(name="空白", effective_from=date(2027, 1, 1)), user=None)
    with pytest.raises(ValidationError, match="至少要有一个违法行为"):
        services.publish(empty, user=None)
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        services.publish(seeded, user=None)


def test_withdrawing_a_version_puts_the_one_before_back_in_force(seeded):
    draft = services.new_version(seeded, user=None, effective_from=date(2027, 1, 1))
    services.publish(draft, user=None)
    with pytest.raises(ValidationError, match="请写明撤销理由"):
        services.retire(draft, user=None, reason=" ")
    services.retire(draft, user=None, reason="阶次录入错误")
    seeded.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == CatalogueStatus.RETIRED and draft.retire_reason == "阶次录入错误"
    assert seeded.effective_to is None
    assert Catalogue.objects.in_force(date(2027, 6, 1)) == seeded
    with pytest.raises(ValidationError, match="只有已发布的版本可以撤销"):
        services.retire(draft, user=None, reason="再次撤销")


def test_a_published_version_is_read_only(seeded):
    with pytest.raises(ValidationError, match="已发布的裁量基准只读"):
        services.save_in_draft(seeded.violation_types.first())
