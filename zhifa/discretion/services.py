"""Every change of a benchmark version: copy into a draft, edit the draft, publish, withdraw.

A published version is never edited: cases decided under it must be explainable by it years later.
Versions never overlap in time — publishing closes the version in force before the new one's
effective date (``effective_to`` = the day before), so ``Catalogue.objects.in_force(date)`` has
exactly one answer for every date after the first version.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.discretion.choices import CatalogueStatus
from zhifa.discretion.models import Catalogue, Factor, Tier, ViolationType


class CatalogueError(ValidationError):
    """A refused change: the message names the rule."""


def ensure_draft(catalogue: Catalogue) -> None:
    if catalogue.status != CatalogueStatus.DRAFT:
        raise CatalogueError(_("已发布的裁量基准只读；如需修改，请新建版本"))


def _lock(catalogue: Catalogue) -> Catalogue:
    return Catalogue.objects.select_for_update(of=("self",)).get(pk=catalogue.pk)


def _no_other_draft() -> None:
    draft = Catalogue.objects.filter(status=CatalogueStatus.DRAFT).first()
    if draft is not None:
        raise CatalogueError(_("已有草稿版本“%(d)s”，请先编辑并发布它") % {"d": draft})


def create_draft(catalogue: Catalogue, *, user) -> Catalogue:
    """A blank draft version, for a benchmark written from scratch rather than copied."""
    with transaction.atomic():
        _no_other_draft()
        catalogue.status = CatalogueStatus.DRAFT
        catalogue.effective_to = None
        catalogue.save()
    return catalogue


def new_version(catalogue: Catalogue, *, user, name: str = "", effective_from=None) -> Catalogue:
    """A draft copy of ``catalogue`` (entries, tiers and factors) to edit and publish later.

    One draft at a time: two drafts edited side by side would each miss the other's changes.
    """
    with transaction.atomic():
        source = _lock(catalogue)
        if source.status == CatalogueStatus.DRAFT:
            raise CatalogueError(_("草稿不能复制；请直接编辑该草稿"))
        _no_other_draft()
        latest = (
            Catalogue.objects.filter(status=CatalogueStatus.PUBLISHED).order_by("-effective_from").first()
        )
        if effective_from is None:
            effective_from = timezone.localdate() + timedelta(days=1)
            if latest is not None and latest.effective_from >= effective_from:
                effective_from = latest.effective_from + timedelta(days=1)
        copy = Catalogue.objects.create(
            name=name or source.name,
            effective_from=effective_from,
            status=CatalogueStatus.DRAFT,
            note=source.note,
            previous=source,
        )
        type_map: dict[int, ViolationType] = {}
        for vt in source.violation_types.prefetch_related("tiers").order_by("order", "code"):
            new = ViolationType.objects.create(
                catalogue=copy,
                code=vt.code,
                name=vt.name,
                article_violated=vt.article_violated,
                penalty_article=vt.penalty_article,
                party=vt.party,
                min_fine=vt.min_fine,
                max_fine=vt.max_fine,
                other_penalties=vt.other_penalties,
                example_values=vt.example_values,
                order=vt.order,
            )
            type_map[vt.pk] = new
            for tier in vt.tiers.all():
                Tier.objects.create(
                    violation_type=new,
                    level=tier.level,
                    conditions=tier.conditions,
                    min_fine=tier.min_fine,
                    max_fine=tier.max_fine,
                    order=tier.order,
                )
        for factor in source.factors.order_by("kind", "order", "pk"):
            Factor.objects.create(
                catalogue=copy,
                violation_type=type_map.get(factor.violation_type_id) if factor.violation_type_id else None,
                kind=factor.kind,
                code=factor.code,
                text=factor.text,
                legal_basis=factor.legal_basis,
                statutory=factor.statutory,
                order=factor.order,
            )
    return copy


def validate_catalogue(catalogue: Catalogue) -> list[str]:
    """Every rule an entry, tier and factor must meet, as messages naming the entry."""
    problems: list[str] = []
    types = list(catalogue.violation_types.prefetch_related("tiers").order_by("order", "code"))
    if not types:
        problems.append(_("裁量基准至少要有一个违法行为"))
    for vt in types:
        try:
            vt.full_clean(exclude=["catalogue"])
        except ValidationError as exc:
            problems.extend(f"{vt.code}：{m}" for m in exc.messages)
            continue
        for tier in vt.tiers.all():
            tier.violation_type = vt
            try:
                tier.full_clean(exclude=["violation_type"])
            except ValidationError as exc:
                problems.extend(f"{vt.code} {tier.get_level_display()}：{m}" for m in exc.messages)
    for factor in catalogue.factors.select_related("violation_type"):
        try:
            factor.full_clean(exclude=["catalogue", "violation_type"])
        except ValidationError as exc:
            problems.extend(f"{_('裁量情节')} {factor.code}：{m}" for m in exc.messages)
    return problems


def publish(catalogue: Catalogue, *, user) -> Catalogue:
    """Publish a draft from its effective date; the version in force before it ends the day before."""
    with transaction.atomic():
        locked = _lock(catalogue)
        if locked.status != CatalogueStatus.DRAFT:
            raise CatalogueError(_("只有草稿可以发布"))
        later = (
            Catalogue.objects.filter(
                status=CatalogueStatus.PUBLISHED, effective_from__gte=locked.effective_from
            )
            .order_by("-effective_from")
            .first()
        )
        if later is not None:
            raise CatalogueError(
                _("生效日期须晚于已发布版本“%(c)s”的生效日期；同一日期只能有一个版本") % {"c": later}
            )
        problems = validate_catalogue(locked)
        if problems:
            raise CatalogueError(problems)
        cutoff = locked.effective_from - timedelta(days=1)
        earlier = Catalogue.objects.select_for_update(of=("self",)).filter(
            status=CatalogueStatus.PUBLISHED, effective_from__lt=locked.effective_from
        )
        for previous in earlier:
            if previous.effective_to is None or previous.effective_to > cutoff:
                previous.effective_to = cutoff
                previous.save(update_fields=["effective_to"])
        locked.status = CatalogueStatus.PUBLISHED
        locked.effective_to = None
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "effective_to", "published_at"])
    return locked


def retire(catalogue: Catalogue, *, user, reason: str) -> Catalogue:
    """Withdraw a published version issued in error; the version before it is in force again.

    Proposals already stored with cases keep what they said; new proposals stop using it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CatalogueError({"reason": [_("请写明撤销理由")]})
    with transaction.atomic():
        locked = _lock(catalogue)
        if locked.status != CatalogueStatus.PUBLISHED:
            raise CatalogueError(_("只有已发布的版本可以撤销"))
        cutoff = locked.effective_from - timedelta(days=1)
        previous = (
            Catalogue.objects.select_for_update(of=("self",))
            .filter(status=CatalogueStatus.PUBLISHED, effective_to=cutoff)
            .order_by("-effective_from")
            .first()
        )
        if previous is not None:
            previous.effective_to = locked.effective_to
            previous.save(update_fields=["effective_to"])
        locked.status = CatalogueStatus.RETIRED
        locked.retire_reason = reason[:300]
        locked.save(update_fields=["status", "retire_reason"])
    return locked


def save_in_draft(instance: ViolationType | Factor | Catalogue):
    """Save an edited entry, factor or draft header, refusing once its version is published."""
    catalogue = instance if isinstance(instance, Catalogue) else instance.catalogue
    with transaction.atomic():
        if catalogue.pk:
            ensure_draft(_lock(catalogue))
        instance.save()
    return instance
