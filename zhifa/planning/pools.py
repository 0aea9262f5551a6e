"""Freezing what a draw reads: the candidate pools as one canonical JSON document.

Only the attributes the algorithm reads are kept (ids, codes, dates, counts), no names of people, so
the document can be published beside the result. Every list is sorted by id and every period is
clipped to the month, so that the same database state gives the same bytes.

Queries are a fixed handful per draw, whatever the district's size: enterprises with three correlated
subqueries (last signed-off inspection: date, id, expert), grouped counts of inspections and open
tasks, the previous teams and declared conflicts in chunks, and one query each for officers,
certificates, secondments, pairings, memberships, availability and workloads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from zhifa.enterprises.choices import OperatingStatus
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert, ExpertAvailability, ExpertConflict, ExpertGroup
from zhifa.inspections.choices import InspectionOrigin, InspectionStatus
from zhifa.inspections.models import Inspection, InspectionOfficer
from zhifa.orgs.choices import CertificateStatus, RegionKind
from zhifa.orgs.models import Certificate, Officer, Pairing, Region, Secondment
from zhifa.planning.draw import POOL_FORMAT, Rules
from zhifa.planning.models import OfficerConflict, Task
from zhifa.planning.models.tasks import OPEN_STATUSES
from zhifa.planning.workdays import month_bounds

CHUNK = 500
#: Origins that neither count toward an enterprise's yearly cap nor are capped (REFERENCE §5).
UNCAPPED_ORIGINS = (InspectionOrigin.COMPLAINT,)


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), ZoneInfo(settings.TIME_ZONE))


def _local_date(value: datetime | None) -> str | None:
    return timezone.localtime(value).date().isoformat() if value else None


def _clip(start: date, end: date | None, first: date, last: date) -> list[str]:
    return [max(start, first).isoformat(), min(end or last, last).isoformat()]


def figures_params(ruleset) -> dict:
    """The rule set's figures the engine reads, as pool parameters."""
    return {
        "ruleset": ruleset.version,
        "frequencies": ruleset.frequencies(),
        "caps": {f"{s}/{g}": v for (s, g), v in sorted(ruleset.caps().items())},
        "officer_monthly_cap": ruleset.officer_monthly_cap,
        "expert_monthly_cap": ruleset.expert_monthly_cap,
        "officer_daily_cap": ruleset.officer_daily_cap,
        "expert_daily_cap": ruleset.expert_daily_cap,
        "min_gap_days": ruleset.min_gap_days,
        "rotate_expert": ruleset.rotate_expert,
        "posts": ruleset.posts,
    }


def scope_boards(district: Region, board: Region | None) -> list[Region]:
    if board is not None:
        return [board]
    return list(Region.objects.boards().filter(parent=district).order_by("pk"))


class CandidateRules(Protocol):
    def candidate_problem(self, record: dict) -> str | None: ...


def enterprise_records(
    board_ids: list[int], year: int, rules: CandidateRules, *, extra_filter: Q | None = None
):
    """(records of candidates, excluded counts per board): the candidate rules applied to every
    operating enterprise of the boards."""
    latest = Inspection.objects.filter(
        enterprise=OuterRef("pk"), status=InspectionStatus.SIGNED_OFF
    ).order_by("-started_at", "-pk")
    queryset = Enterprise.objects.filter(board_id__in=board_ids, operating_status=OperatingStatus.OPERATING)
    if extra_filter is not None:
        queryset = queryset.filter(extra_filter)
    rows = list(
        queryset.annotate(
            last_at=Subquery(latest.values("started_at")[:1]),
            last_id=Subquery(latest.values("pk")[:1]),
            last_expert=Subquery(latest.values("expert_id")[:1]),
        )
        .order_by("pk")
        .values(
            "pk",
            "uscc",
            "board_id",
            "industry_id",
            "enforcement_class",
            "sector",
            "standardization_grade",
            "last_at",
            "last_id",
            "last_expert",
        )
    )
    first, _ = month_bounds(year, 1)
    done = dict(
        Inspection.objects.filter(
            enterprise__board_id__in=board_ids,
            status=InspectionStatus.SIGNED_OFF,
            started_at__gte=_aware(first),
            started_at__lt=_aware(date(year + 1, 1, 1)),
        )
        .exclude(origin__in=UNCAPPED_ORIGINS)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise_id", "n")
    )
    open_tasks = dict(
        Task.objects.filter(board_id__in=board_ids, status__in=OPEN_STATUSES)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values_list("enterprise_id", "n")
    )
    records: list[dict] = []
    excluded: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        record = {
            "id": row["pk"],
            "uscc": row["uscc"],
            "board": row["board_id"],
            "industry": row["industry_id"],
            "class": row["enforcement_class"],
            "sector": row["sector"],
            "grade": row["standardization_grade"],
            "done": done.get(row["pk"], 0),
            "last": _local_date(row["last_at"]),
            "open_tasks": open_tasks.get(row["pk"], 0),
            "previous_expert": row["last_expert"],
            "_last_id": row["last_id"],
        }
        problem = rules.candidate_problem(record)
        if problem:
            excluded[row["board_id"]][problem] += 1
        else:
            records.append(record)
    _attach_people(records)
    return records, {str(b): dict(sorted(v.items())) for b, v in sorted(excluded.items())}


def _attach_people(records: list[dict]) -> None:
    """Previous team and declared conflicts of each record (chunked id lists)."""
    last_ids = [r["_last_id"] for r in records if r["_last_id"]]
    team: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(last_ids):
        for inspection_id, officer_id in InspectionOfficer.objects.filter(
            inspection_id__in=chunk
        ).values_list("inspection_id", "officer_id"):
            team[inspection_id].append(officer_id)
    ids = [r["id"] for r in records]
    officer_conflicts: dict[int, list[int]] = defaultdict(list)
    expert_conflicts: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(ids):
        for enterprise_id, officer_id in OfficerConflict.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "officer_id"
        ):
            officer_conflicts[enterprise_id].append(officer_id)
        for enterprise_id, expert_id in ExpertConflict.objects.filter(enterprise_id__in=chunk).values_list(
            "enterprise_id", "expert_id"
        ):
            expert_conflicts[enterprise_id].append(expert_id)
    for record in records:
        last_id = record.pop("_last_id")
        record["previous_officers"] = sorted(team.get(last_id, [])) if last_id else []
        record["officer_conflicts"] = sorted(officer_conflicts.get(record["id"], []))
        record["expert_conflicts"] = sorted(expert_conflicts.get(record["id"], []))


def _loads(field: str, ids: Iterable[int], first: date, last: date, *, exclude_task: int | None = None):
    """Monthly and daily task counts of the members in ``field`` (live tasks only)."""
    month: dict[int, int] = defaultdict(int)
    busy: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tasks = Task.objects.live().filter(planned_date__gte=first, planned_date__lte=last)
    if exclude_task is not None:
        tasks = tasks.exclude(pk=exclude_task)
    wanted = set(ids)
    for member_id, day, n in (
        tasks.values(field, "planned_date").annotate(n=Count("pk")).values_list(field, "planned_date", "n")
    ):
        if member_id in wanted:
            month[member_id] += n
            busy[member_id][day.isoformat()] += n
    return month, busy


def officer_records(officers_qs, first: date, last: date, *, exclude_task: int | None = None) -> list[dict]:
    """Officers certified on at least one day of [first, last], with what the algorithm reads."""
    certificates: dict[int, list[list[str]]] = defaultdict(list)
    for officer_id, valid_from, valid_to in (
        Certificate.objects.filter(
            officer__in=officers_qs, status=CertificateStatus.VALID, valid_from__lte=last, valid_to__gte=first
        )
        .order_by("officer_id", "valid_from", "pk")
        .values_list("officer_id", "valid_from", "valid_to")
    ):
        certificates[officer_id].append(_clip(valid_from, valid_to, first, last))
    officers = list(
        officers_qs.filter(pk__in=list(certificates))
        .order_by("pk")
        .values("pk", "unit_id", "unit__kind", "post")
    )
    ids = [o["pk"] for o in officers]
    assignments: dict[str, dict[int, list]] = {
        "secondments": defaultdict(list),
        "pairings": defaultdict(list),
    }
    for key, model in (("secondments", Secondment), ("pairings", Pairing)):
        for officer_id, region_id, start, end in (
            model.objects.filter(officer__in=officers_qs, start__lte=last)
            .filter(Q(end__isnull=True) | Q(end__gte=first))
            .order_by("officer_id", "start", "pk")
            .values_list("officer_id", "region_id", "start", "end")
        ):
            assignments[key][officer_id].append([region_id, *_clip(start, end, first, last)])
    month_1, busy_1 = _loads("officer_1", ids, first, last, exclude_task=exclude_task)
    month_2, busy_2 = _loads("officer_2", ids, first, last, exclude_task=exclude_task)
    records = []
    for officer in officers:
        oid = officer["pk"]
        busy = defaultdict(int, busy_1.get(oid, {}))
        for day, n in busy_2.get(oid, {}).items():
            busy[day] += n
        records.append(
            {
                "id": oid,
                "unit": officer["unit_id"],
                "unit_is_board": officer["unit__kind"] != RegionKind.DISTRICT,
                "post": officer["post"],
                "certificates": certificates[oid],
                "secondments": assignments["secondments"].get(oid, []),
                "pairings": assignments["pairings"].get(oid, []),
                "load": month_1.get(oid, 0) + month_2.get(oid, 0),
                "busy": dict(sorted(busy.items())),
            }
        )
    return records


def group_records() -> list[dict]:
    return [
        {"id": g.pk, "code": g.code, "name": g.name, "prefixes": sorted(g.industry_prefixes)}
        for g in ExpertGroup.objects.order_by("pk")
    ]


def expert_records(
    group_ids: set[int], first: date, last: date, *, exclude_task: int | None = None
) -> list[dict]:
    """Active experts of the given groups, with memberships, availability in the month and loads."""
    memberships: dict[int, list[int]] = defaultdict(list)
    Through = Expert.groups.through
    for expert_id, group_id in (
        Through.objects.filter(expert__active=True, expertgroup_id__in=group_ids)
        .order_by("expert_id", "expertgroup_id")
        .values_list("expert_id", "expertgroup_id")
    ):
        memberships[expert_id].append(group_id)
    ids = sorted(memberships)
    declared: set[int] = set()
    periods: dict[int, list[list[str]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for expert_id, start, end in (
            ExpertAvailability.objects.filter(expert_id__in=chunk)
            .order_by("expert_id", "start", "pk")
            .values_list("expert_id", "start", "end")
        ):
            declared.add(expert_id)
            if start <= last and end >= first:
                periods[expert_id].append(_clip(start, end, first, last))
    employer: dict[int, str] = {}
    for chunk in _chunks(ids):
        employer.update(Expert.objects.filter(pk__in=chunk).values_list("pk", "employer_uscc"))
    month, busy = _loads("expert", ids, first, last, exclude_task=exclude_task)
    return [
        {
            "id": eid,
            "groups": memberships[eid],
            "employer_uscc": employer[eid],
            "availability": periods.get(eid, []) if eid in declared else None,
            "load": month.get(eid, 0),
            "busy": dict(sorted(busy.get(eid, {}).items())),
        }
        for eid in ids
    ]


def officers_for_scope(district: Region, board: Region | None, *, cross: bool, posts: list[str]):
    """Officers who may hold a footing somewhere in the scope (the engine decides per board and day)."""
    queryset = Officer.objects.filter(active=True, post__in=posts)
    if cross:
        # Only officers of other boards: a board's own officers never inspect it in a cross draw.
        queryset = queryset.filter(unit__parent=district)
        if board is not None:
            queryset = queryset.exclude(unit=board)
        return queryset
    if board is not None:
        return queryset.filter(Q(unit=board) | Q(unit=district))
    return queryset.filter(Q(unit__parent=district) | Q(unit=district))


def build_pool(
    *,
    district: Region,
    board: Region | None,
    year: int,
    month: int,
    dates: list[date],
    params: dict,
) -> dict:
    """The frozen pool document for a draw (``params`` complete: figures, quotas, engine values)."""
    first, last = month_bounds(year, month)
    label = f"{year}-{month:02d}"
    rules = Rules.of({"month": label, "params": params})
    boards = scope_boards(district, board)
    board_ids = [b.pk for b in boards]
    enterprises, excluded = enterprise_records(board_ids, year, rules)
    groups = group_records()
    industries = {e["industry"] for e in enterprises}
    needed = {
        g["id"]
        for g in groups
        if any(i.startswith(tuple(g["prefixes"])) for i in industries if g["prefixes"])
    }
    officers = officer_records(
        officers_for_scope(district, board, cross=params["cross"], posts=params["posts"]), first, last
    )
    return {
        "format": POOL_FORMAT,
        "month": label,
        "scope": {"district": district.pk, "board": board.pk if board else None},
        "params": params,
        "dates": [d.isoformat() for d in dates],
        "boards": [{"id": b.pk, "code": b.code, "name": b.name} for b in boards],
        "groups": groups,
        "enterprises": enterprises,
        "officers": officers,
        "experts": expert_records(needed, first, last),
        "excluded": excluded,
    }
