"""Every change of a bulletin: generate (or regenerate) a draft, approve, publish.

Each takes the bulletin's row lock, checks the state and the actor's permission, writes a
``BulletinEvent`` and saves only the fields it changed; views, the API and the command call these.
A refusal raises ``BulletinRefused`` (the pages show it, the API answers 409, the command exits 2).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.bulletins import figures as figures_module
from zhifa.bulletins.choices import BulletinStatus
from zhifa.bulletins.models import Bulletin, BulletinEvent
from zhifa.core import storage

S = BulletinStatus


class BulletinRefused(ValidationError):
    """The bulletin is not in a state that allows the step (e.g. publishing an unapproved draft)."""


def _actor_name(user) -> str:
    if user is None:
        return _("命令行")
    return (user.get_full_name() or user.username)[:64]


def _event(bulletin: Bulletin, action: str, from_status: str, user, note: str = "") -> None:
    BulletinEvent.objects.create(
        bulletin=bulletin,
        action=action,
        from_status=from_status,
        to_status=bulletin.status,
        actor=user,
        actor_name=_actor_name(user),
        note=note[:300],
    )


def _check(user, perm: str, *, command_line: bool = False) -> None:
    """``user`` None is the command line run by the server's operator: it may generate a draft (the
    figures are the data the operator holds anyway) but never approve or publish."""
    if user is None and command_line:
        return
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("您的角色无权执行此操作"))


def generate(month: date, *, user=None, today: date | None = None) -> Bulletin:
    """Compute the month's figures, render the PDF and keep both in the month's draft bulletin.

    A draft is regenerated in place (its version goes up); an approved bulletin goes back to draft,
    its approval void; a published bulletin is final and is refused.
    """
    _check(user, "bulletins.add_bulletin", command_line=True)
    first = month.replace(day=1)
    computed = figures_module.compute(first, today=today)
    from zhifa.bulletins.pdf import render_pdf

    pdf = render_pdf(computed)
    sha256 = storage.put_bytes(pdf)
    now = timezone.now()
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update(of=("self",)).filter(month=first).first()
        if bulletin is None:
            bulletin = Bulletin.objects.create(
                month=first,
                figures=computed,
                generated_at=now,
                generated_by=user,
                pdf_sha256=sha256,
                pdf_size=len(pdf),
            )
            _event(bulletin, "generate", "", user, _("生成"))
            return bulletin
        if bulletin.status == S.PUBLISHED:
            raise BulletinRefused(_("%(b)s已发布，不能重新生成") % {"b": bulletin})
        previous = bulletin.status
        bulletin.figures = computed
        bulletin.generated_at = now
        bulletin.generated_by = user
        bulletin.pdf_sha256 = sha256
        bulletin.pdf_size = len(pdf)
        bulletin.version += 1
        bulletin.status = S.DRAFT
        bulletin.approved_at = None
        bulletin.approved_by = None
        bulletin.save(
            update_fields=[
                "figures",
                "generated_at",
                "generated_by",
                "pdf_sha256",
                "pdf_size",
                "version",
                "status",
                "approved_at",
                "approved_by",
            ]
        )
        note = _("重新生成（第 %(v)s 版）") % {"v": bulletin.version}
        if previous == S.APPROVED:
            note += _("，原审定作废")
        _event(bulletin, "regenerate", previous, user, note)
        return bulletin


def approve(bulletin: Bulletin, *, user) -> Bulletin:
    """审定: the district leader accepts the draft's figures and text."""
    _check(user, "bulletins.approve_bulletin")
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update(of=("self",)).get(pk=bulletin.pk)
        if locked.status != S.DRAFT:
            raise BulletinRefused(
                _("只有草稿可以审定（%(b)s当前为“%(s)s”）") % {"b": locked, "s": locked.get_status_display()}
            )
        locked.status = S.APPROVED
        locked.approved_at = timezone.now()
        locked.approved_by = user
        locked.save(update_fields=["status", "approved_at", "approved_by"])
        _event(locked, "approve", S.DRAFT, user, _("审定"))
    return locked


def publish(bulletin: Bulletin, *, user) -> Bulletin:
    """发布: the approved bulletin goes out to every board (board users see published bulletins only)."""
    _check(user, "bulletins.publish_bulletin")
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update(of=("self",)).get(pk=bulletin.pk)
        if locked.status != S.APPROVED:
            raise BulletinRefused(
                _("只有已审定的通报可以发布（%(b)s当前为“%(s)s”）")
                % {"b": locked, "s": locked.get_status_display()}
            )
        locked.status = S.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.save(update_fields=["status", "published_at", "published_by"])
        _event(locked, "publish", S.APPROVED, user, _("发布至各板块"))
    return locked


def pdf_bytes(bulletin: Bulletin) -> bytes:
    """The stored PDF, refused when missing or no longer matching its SHA-256."""
    if not bulletin.pdf_sha256 or not storage.verify(bulletin.pdf_sha256):
        raise BulletinRefused(_("存储的通报 PDF 缺失或与登记的 SHA-256 不符，请重新生成"))
    return storage.read_bytes(bulletin.pdf_sha256)
