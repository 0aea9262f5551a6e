"""Every change to an accident goes through here: pages, the API and the demo call the same functions.

The accident's casualty figures are set when it is recorded and afterwards only by casualty updates
(补报): the latest update, by its time, sets them and the level follows (``Accident.save``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.accidents.choices import DeadlineState
from zhifa.accidents.models import Accident, CasualtyUpdate

#: The casualty fields a casualty update carries onto the accident.
CASUALTY_FIELDS = ("deaths", "serious_injuries", "acute_poisonings", "missing")


def save_accident(accident: Accident, *, user=None) -> Accident:
    """Validate and save (create or edit); the level is recomputed by ``Accident.save``."""
    accident.full_clean(exclude=["level"])
    with transaction.atomic():
        if accident.pk is not None:
            # Serialize with a concurrent casualty update of the same accident.
            Accident.objects.select_for_update(of=("self",)).filter(pk=accident.pk).first()
        accident.save()
    return accident


def add_casualty_update(
    accident: Accident,
    *,
    at: datetime,
    deaths: int,
    serious_injuries: int,
    acute_poisonings: int = 0,
    missing: int = 0,
    note: str = "",
    user=None,
) -> CasualtyUpdate:
    """Record a change in the casualties; when it is the latest, the accident takes its figures."""
    with transaction.atomic():
        locked = Accident.objects.select_for_update(of=("self",)).get(pk=accident.pk)
        update = CasualtyUpdate(
            accident=locked,
            at=at,
            deaths=deaths,
            serious_injuries=serious_injuries,
            acute_poisonings=acute_poisonings,
            missing=missing,
            note=note,
        )
        update.full_clean()
        update.save()
        latest = locked.casualty_updates.order_by("-at", "-pk").first()
        if latest is not None and latest.pk == update.pk:
            for name in CASUALTY_FIELDS:
                setattr(locked, name, getattr(update, name))
            locked.save(update_fields=CASUALTY_FIELDS)
        for name in (*CASUALTY_FIELDS, "level"):
            setattr(accident, name, getattr(locked, name))
    return update


@dataclass(frozen=True)
class Deadline:
    """One time limit of an accident as the detail page and the API show it."""

    label: str
    due: datetime | date
    done: datetime | date | None
    state: DeadlineState

    @property
    def state_label(self) -> str:
        return str(self.state.label)

    @property
    def due_text(self) -> str:
        return _when(self.due)

    @property
    def done_text(self) -> str:
        return _when(self.done) if self.done is not None else "—"


def _when(value: datetime | date) -> str:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def _state(due, done, now) -> DeadlineState:
    if done is not None:
        return DeadlineState.DONE if done <= due else DeadlineState.DONE_LATE
    return DeadlineState.OVERDUE if now > due else DeadlineState.OPEN


def deadlines(accident: Accident, updates: list[CasualtyUpdate] | None = None, *, now=None) -> list[Deadline]:
    """The unit's report, the casualty update window and the investigation report, with their state.

    ``updates`` are the accident's casualty updates when already loaded. The update window is "open"
    while it runs, then "done" unless an update came after it closed.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    updates = list(accident.casualty_updates.all()) if updates is None else updates
    window_end = accident.casualty_window_end
    if today <= window_end:
        window_state = DeadlineState.OPEN
    else:
        late = any(timezone.localdate(u.at) > window_end for u in updates)
        window_state = DeadlineState.DONE_LATE if late else DeadlineState.DONE
    return [
        Deadline(
            str(_("事故单位 1 小时内报告")),
            accident.report_deadline,
            accident.reported_at,
            _state(accident.report_deadline, accident.reported_at, now),
        ),
        Deadline(
            str(_("伤亡人数变化 %(n)s 日内补报") % {"n": accident.casualty_window_days}),
            window_end,
            None,
            window_state,
        ),
        Deadline(
            str(_("调查报告 %(n)s 日内提交") % {"n": accident.investigation_days}),
            accident.investigation_due,
            accident.investigation_report_on,
            _state(accident.investigation_due, accident.investigation_report_on, today),
        ),
    ]
