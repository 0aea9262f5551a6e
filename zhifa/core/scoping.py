"""Jurisdiction lives in the managers (after NetBox's ``RestrictedQuerySet``).

``Model.objects.restrict(user, "view")`` returns only the rows the user may act on: nothing without
the model's permission for that action; everything for district-wide roles; for board-bound roles
only the rows of their jurisdiction (their own board, plus boards of a secondment in force today).
Every view, endpoint, export and import goes through it, so a record outside the user's scope is
simply not found (404), never "forbidden" (which would confirm that it exists).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhifa.core.permissions import is_district_wide

ACTIONS = ("view", "add", "change", "delete")


def board_ids(user, on: date | None = None) -> frozenset[int]:
    """The boards a board-bound user acts in on ``on`` (default today), cached on the user object."""
    on = on or timezone.localdate()
    cache = user.__dict__.setdefault("_zhifa_board_ids", {})
    if on not in cache:
        ids: set[int] = set()
        if getattr(user, "region_id", None):
            ids.add(user.region_id)
        officer_id = getattr(user, "officer_id", None)
        if officer_id:
            from zhifa.orgs.models import Secondment

            ids.update(
                Secondment.objects.active_on(on)
                .filter(officer_id=officer_id)
                .values_list("region_id", flat=True)
            )
        cache[on] = frozenset(ids)
    return cache[on]


class RestrictedQuerySet(models.QuerySet):
    #: Path from the model to the board (Region) that owns the row; None means district-level data
    #: that every permitted user sees whole.
    board_path: str | None = None

    def jurisdiction_q(self, user) -> Q:
        if self.board_path is None:
            return Q()
        return Q(**{f"{self.board_path}__in": board_ids(user)})

    def restrict(self, user, action: str = "view"):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
            return self.none()
        if is_district_wide(user):
            return self
        return self.filter(self.jurisdiction_q(user))
