"""Generated history (历史数据): two years of plausible past enforcement in every demo board, so that the
monthly bulletin, its comparisons with last month and last year, the rankings and the twelve-month
trends show real figures.

**These records are generated, not made through the services.** They are bulk-created straight into
the tables, for speed (two years in a few seconds): signed-off inspections with their teams (two
officers certified on the day, an expert on "2+1" inspections, some cross enforcement) but without
checklist results or documents; hazards by level with rectification deadlines, closed on the day they
were rectified or left open (a few overdue); penalty cases registered, reviewed (some returned by the
legal reviewer the first time), decided with fines, paid and closed, with their legal-review rounds,
payments and running deadlines, but without case events or documents — their case files are empty,
which the case-file pre-check rightly reports. Every generated inspection ends its findings with
``HISTORY_MARK`` and every generated case number carries ``历``, so they are told apart at a glance.

The period: records are made over the 24 months before the current one, up to the day before the
month of activity that ``zhifa.demo.inspections`` replays through the services (so the two never
overlap); what became of them later — a hazard rectified, a case decided or paid — runs on up to
yesterday, so this month has decisions and payments too. The accidents
(``zhifa.demo.accidents``, last year and this year) and training (``zhifa.demo.training``, this year)
keep their own generators. Deterministic for a given ``rng`` and day; idempotent: nothing is done when
generated history exists.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.cases.choices import (
    CaseStatus,
    DecisionKind,
    PartyKind,
    PaymentKind,
    PenaltyKind,
    Procedure,
    ReviewOutcome,
    SourceKind,
)
from zhifa.cases.models import Case, CaseDeadline, CaseOfficer, LegalReview, Payment
from zhifa.core.roles import Role
from zhifa.demo.accidents import demo_boards
from zhifa.demo.inspections import DAYS as ACTIVITY_DAYS
from zhifa.demo.inspections import FINDINGS_PER_INSPECTION, ORIGINS, _finding, _weighted
from zhifa.enterprises.choices import OperatingStatus
from zhifa.enterprises.models import Enterprise
from zhifa.experts.models import Expert, ExpertGroup
from zhifa.inspections.choices import HazardLevel, HazardStatus, InspectionStatus, OfficerBasis
from zhifa.inspections.models import ChecklistTemplate, Hazard, Inspection, InspectionOfficer
from zhifa.orgs.choices import Post, RegionKind
from zhifa.orgs.models import Certificate, Officer, Region

#: Marks the generated inspections (the end of their findings).
HISTORY_MARK = "（历史数据，批量生成）"
#: Inspections per board and month: each board's rate is drawn from this range …
MONTHLY_RATE = (7.0, 15.0)
#: … and grows over the two years by a factor from this range (boards got going at different speeds).
GROWTH = (0.9, 1.5)
#: Fewer inspections around the Spring Festival, more in the year-end campaign.
SEASON = {1: 0.85, 2: 0.55, 3: 1.0, 11: 1.1, 12: 1.15}
EXPERT_SHARE = 0.45
CROSS_SHARE = 0.06
MAJOR_SHARE = 0.12
#: Of hazards whose deadline has passed, the share rectified late, and the share still open (overdue).
LATE_SHARE = 0.08
OVERDUE_SHARE = 0.02
#: Cases per board and month (value, weight).
CASES_PER_MONTH = ((0, 22), (1, 34), (2, 26), (3, 12), (4, 6))
#: How the first legal review ends (a second round, after the proposal is revised, approves).
FIRST_REVIEW = ((ReviewOutcome.APPROVE, 78), (ReviewOutcome.SUPPLEMENT, 16), (ReviewOutcome.REJECT, 6))
NO_PENALTY_SHARE = 0.06
UNPAID_SHARE = 0.07


@dataclass
class HistoryCounts:
    months: int = 0
    inspections: int = 0
    two_plus_one: int = 0
    hazards: int = 0
    major: int = 0
    overdue: int = 0
    cases: int = 0
    returned: int = 0
    decided: int = 0
    fines: Decimal = Decimal("0")
    start: date | None = None
    end: date | None = None
    boards: set[int] = field(default_factory=set)
    existing: bool = False

    def summary(self) -> str:
        if self.existing:
            return "历史数据已存在，未重复生成"
        if not self.inspections:
            return "未生成历史数据（没有可用的板块、企业或持证人员）"
        return (
            f"历史数据（批量生成，{self.start} 至 {self.end}，{len(self.boards)} 个板块）：现场检查 {self.inspections} 次"
            f"（“2+1” {self.two_plus_one} 次），隐患 {self.hazards} 项（重大 {self.major} 项，逾期未整改 {self.overdue} 项），"
            f"立案 {self.cases} 件（法制审核首轮退回 {self.returned} 件），作出决定 {self.decided} 件，罚款 {self.fines:,.0f} 元"
        )


def _add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _add_months(first, 1) - timedelta(days=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@contextmanager
def keeping_times(*fields) -> Iterator[None]:
    """Let ``bulk_create`` store the given ``auto_now``/``auto_now_add`` fields as set (past times)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f, _now, _add in saved:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in saved:
            f.auto_now, f.auto_now_add = now, add


@dataclass
class _Board:
    region: Region
    own: list[Officer]
    user: User
    enterprises: list[Enterprise]
    rate: float
    growth: float
    case_share: float


class HistoryBuilder:
    def __init__(self, rng: random.Random, months: int, today: date):
        self.rng = rng
        self.today = today
        self.first = _add_months(today.replace(day=1), -months)
        self.last = today - timedelta(days=ACTIVITY_DAYS + 1)
        #: Records are made up to ``last``; what happens to them later (rectified, decided, paid) may
        #: happen up to yesterday.
        self.horizon = today - timedelta(days=1)
        self.months = months
        self.counts = HistoryCounts(start=self.first, end=self.last)
        self.district = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk").first()
        self.validity: dict[int, list[tuple[date, date]]] = {}
        for officer_id, start, end in Certificate.objects.values_list("officer_id", "valid_from", "valid_to"):
            self.validity.setdefault(officer_id, []).append((start, end))
        self.brigade = list(
            Officer.objects.filter(
                unit__kind=RegionKind.DISTRICT,
                active=True,
                post__in=(Post.BRIGADE_OFFICER, Post.BRIGADE_VICE_CAPTAIN, Post.BRIGADE_CAPTAIN),
            ).order_by("pk")
        )
        self.checklists = {c.code: c for c in ChecklistTemplate.objects.latest_published().order_by("code")}
        self.items = {code: list(c.items.order_by("order")) for code, c in self.checklists.items()}
        self.groups = list(ExpertGroup.objects.order_by("sort_order", "pk"))
        self.experts = {
            g.pk: list(Expert.objects.filter(groups=g, active=True).order_by("pk")) for g in self.groups
        }
        self.any_experts = list(Expert.objects.filter(active=True).order_by("pk")[:50])
        self.reviewer = (
            User.objects.filter(role=Role.LEGAL_REVIEWER, is_active=True).order_by("pk").first()
            or User.objects.filter(role=Role.DISTRICT_LEADER, is_active=True).order_by("pk").first()
        )
        self.violations = self._violation_types()
        self._case_no: dict[tuple[str, int], int] = {}

    # --- who and what -----------------------------------------------------------------------------

    def _violation_types(self) -> list:
        from zhifa.discretion.models import Catalogue

        catalogue = Catalogue.objects.in_force(self.today)
        if catalogue is None:
            return []
        return list(
            catalogue.violation_types.filter(party="unit", max_fine__gt=0).order_by("order", "pk")[:20]
        )

    def boards(self) -> list[_Board]:
        found = []
        users: dict[int, User] = {}
        for user in User.objects.filter(
            role__in=(Role.BOARD_OFFICER, Role.BOARD_LEADER), is_active=True, region__isnull=False
        ).order_by("role", "pk"):
            if user.region_id is not None:
                users.setdefault(user.region_id, user)
        fallback = User.objects.filter(role=Role.DISTRICT_LEADER, is_active=True).order_by("pk").first()
        for region in demo_boards():
            signer = users.get(region.pk) or fallback
            enterprises = list(
                Enterprise.objects.filter(board=region, operating_status=OperatingStatus.OPERATING)
                .order_by("pk")
                .only("pk", "name", "uscc", "address", "legal_representative", "industry_id", "board_id")[
                    :600
                ]
            )
            own = list(
                Officer.objects.filter(
                    unit=region, active=True, post__in=(Post.BOARD_LEADER, Post.BOARD_OFFICER)
                ).order_by("pk")
            )
            if signer is None or not enterprises:
                continue
            found.append(
                _Board(
                    region=region,
                    own=own,
                    user=signer,
                    enterprises=enterprises,
                    rate=self.rng.uniform(*MONTHLY_RATE),
                    growth=self.rng.uniform(*GROWTH),
                    case_share=self.rng.uniform(0.6, 1.4),
                )
            )
        return found

    def certified(self, officer: Officer, on: date) -> bool:
        return any(start <= on <= end for start, end in self.validity.get(officer.pk, ()))

    def team(self, board: _Board, on: date) -> list[tuple[Officer, str]]:
        own = [o for o in board.own if self.certified(o, on)]
        self.rng.shuffle(own)
        team: list[tuple[Officer, str]] = [(o, OfficerBasis.OWN_BOARD.value) for o in own[:2]]
        if len(team) < 2:
            brigade = [o for o in self.brigade if self.certified(o, on)]
            if brigade:
                team += [
                    (o, OfficerBasis.DISTRICT.value)
                    for o in self.rng.sample(brigade, min(2 - len(team), len(brigade)))
                ]
        return team if len(team) == 2 else []

    def expert(self, enterprise: Enterprise):
        if self.rng.random() >= EXPERT_SHARE:
            return None, None
        group = next((g for g in self.groups if g.covers(enterprise.industry_id)), None)
        pool = self.experts.get(group.pk, []) if group else []
        pool = pool or self.any_experts
        return (self.rng.choice(pool) if pool else None), group

    def checklist(self, group):
        if group is not None and group.code in self.checklists and self.rng.random() < 0.7:
            return self.checklists[group.code]
        return self.checklists.get("general") or next(iter(self.checklists.values()), None)

    # --- inspections and hazards ----------------------------------------------------------------------

    def month_days(self, first: date) -> list[date]:
        end = min(_month_end(first), self.last)
        days = [first + timedelta(days=n) for n in range((end - first).days + 1)]
        return [d for d in days if d.weekday() < 5]

    def inspections(
        self, boards: list[_Board]
    ) -> list[tuple[Inspection, list[tuple[Officer, str]], list[Hazard]]]:
        rng = self.rng
        made: list[tuple[Inspection, list[tuple[Officer, str]], list[Hazard]]] = []
        for n in range(self.months):
            first = _add_months(self.first, n)
            days = self.month_days(first)
            if not days:
                continue
            self.counts.months += 1
            progress = n / max(1, self.months - 1)
            for board in boards:
                mean = board.rate * (1 + (board.growth - 1) * progress) * SEASON.get(first.month, 1.0)
                mean *= len(days) / 21
                count = max(0, round(rng.gauss(mean, mean * 0.15)))
                for enterprise in rng.sample(board.enterprises, min(count, len(board.enterprises))):
                    on = rng.choice(days)
                    team = self.team(board, on)
                    if not team:
                        continue
                    expert, group = self.expert(enterprise)
                    checklist = self.checklist(group)
                    if checklist is None:
                        return made
                    start = _at(on, rng.choice((8, 9, 9, 10, 13, 14, 14, 15)), rng.choice((0, 15, 30, 45)))
                    end = start + timedelta(minutes=rng.randint(60, 180))
                    hazards = self.hazards(board, enterprise, checklist, on, end)
                    inspection = Inspection(
                        enterprise=enterprise,
                        board=board.region,
                        origin=_weighted(rng, ORIGINS),
                        cross_enforcement=rng.random() < CROSS_SHARE,
                        checklist=checklist,
                        expert=expert,
                        started_at=start,
                        ended_at=end,
                        place="生产车间、仓库及厂区",
                        onsite_person_name=enterprise.legal_representative[:32],
                        onsite_person_title="负责人",
                        findings=(
                            f"依据《{checklist.name}》进行现场检查，发现问题 {len(hazards)} 项。"
                            if hazards
                            else "本次检查未发现事故隐患。"
                        )
                        + HISTORY_MARK,
                        status=InspectionStatus.SIGNED_OFF,
                        signed_off_at=end,
                        signed_off_by=board.user,
                        created_by=board.user,
                        created_at=start,
                        updated_at=end,
                    )
                    made.append((inspection, team, hazards))
                    self.counts.inspections += 1
                    self.counts.two_plus_one += expert is not None
                    self.counts.boards.add(board.region.pk)
        return made

    def hazards(
        self, board: _Board, enterprise: Enterprise, checklist, on: date, found_at: datetime
    ) -> list[Hazard]:
        rng = self.rng
        items = self.items.get(checklist.code, [])
        k = min(_weighted(rng, FINDINGS_PER_INSPECTION), len(items))
        found = []
        for item in rng.sample(items, k):
            major = rng.random() < (0.6 if item.major_basis else MAJOR_SHARE / 4)
            level = HazardLevel.MAJOR if major else HazardLevel.GENERAL
            days = settings.ZHIFA_RECTIFICATION_DEFAULT_DAYS.get(level, 15)
            deadline = on + timedelta(days=days + rng.choice((0, 0, 5, 10)))
            hazard = Hazard(
                enterprise=enterprise,
                board=board.region,
                item=item,
                description=_finding(rng, item.text),
                level=level,
                legal_basis=item.legal_basis[:200],
                deadline=deadline,
                responsible_person=enterprise.legal_representative[:32],
                created_at=found_at,
            )
            self._settle(hazard, on, found_at)
            found.append(hazard)
            self.counts.hazards += 1
            self.counts.major += level == HazardLevel.MAJOR
        return found

    def _settle(self, hazard: Hazard, on: date, found_at: datetime) -> None:
        """Closed when rectified (mostly by the deadline, a few late), or still open: where the deadline
        has passed, overdue (a few); where it has not, still being rectified (most)."""
        rng = self.rng
        deadline = hazard.deadline or on
        if deadline < self.today:
            roll = rng.random()
            if roll < OVERDUE_SHARE:
                hazard.status = rng.choice((HazardStatus.PENDING, HazardStatus.RECTIFYING))
                self.counts.overdue += 1
                return
            if roll < OVERDUE_SHARE + LATE_SHARE:
                closed = deadline + timedelta(days=rng.randint(2, 20))
            else:
                closed = on + timedelta(days=rng.randint(1, max(1, (deadline - on).days)))
        elif rng.random() < 0.35:
            closed = on + timedelta(days=rng.randint(1, max(1, (self.horizon - on).days)))
        else:
            hazard.status = rng.choice(
                (HazardStatus.PENDING, HazardStatus.RECTIFYING, HazardStatus.AWAITING_REVIEW)
            )
            return
        hazard.status = HazardStatus.CLOSED
        hazard.closed_at = max(
            _at(min(closed, self.horizon), rng.randint(9, 16)), found_at + timedelta(hours=1)
        )

    def save_inspections(self, made) -> None:
        fields = Inspection._meta
        with keeping_times(fields.get_field("created_at"), fields.get_field("updated_at")):
            Inspection.objects.bulk_create([inspection for inspection, _team, _h in made], batch_size=500)
        InspectionOfficer.objects.bulk_create(
            [
                InspectionOfficer(inspection=inspection, officer=officer, basis=basis, order=n)
                for inspection, team, _h in made
                for n, (officer, basis) in enumerate(team)
            ],
            batch_size=1000,
        )
        hazards = []
        for inspection, _team, found in made:
            for hazard in found:
                hazard.inspection = inspection
                hazards.append(hazard)
        with keeping_times(Hazard._meta.get_field("created_at")):
            Hazard.objects.bulk_create(hazards, batch_size=1000)

    # --- penalty cases --------------------------------------------------------------------------------

    def _number(self, kind: str, year: int) -> str:
        """A case number in the demo's format, marked 历 (generated history never takes a real number)."""
        n = self._case_no[(kind, year)] = self._case_no.get((kind, year), 0) + 1
        short = self.district.short_name if self.district else "武"
        return f"（{short}）应急{kind}〔{year}〕历{n}号"

    def cases(self, boards: list[_Board], made) -> list[dict]:
        """Each case as the rows to create (the case, its officers, review rounds, payments, deadlines)."""
        rng = self.rng
        if not self.violations or self.reviewer is None or self.district is None:
            return []
        inspected: dict[tuple[int, date], list[tuple[Inspection, list]]] = {}
        for inspection, team, _h in made:
            on = timezone.localtime(inspection.started_at).date()
            inspected.setdefault((inspection.board_id, on.replace(day=1)), []).append((inspection, team))
        plans = []
        for n in range(self.months):
            first = _add_months(self.first, n)
            for board in boards:
                pool = inspected.get((board.region.pk, first), [])
                count = round(_weighted(rng, CASES_PER_MONTH) * board.case_share)
                for inspection, team in rng.sample(pool, min(count, len(pool))):
                    plans.append(self._case(board, inspection, team))
        return [p for p in plans if p]

    def _case(self, board: _Board, inspection: Inspection, team) -> dict | None:
        rng = self.rng
        inspected_on = timezone.localtime(inspection.started_at).date()
        registered = inspected_on + timedelta(days=rng.randint(1, 5))
        if registered > self.last:
            return None
        violation = rng.choice(self.violations)
        low, high = int(violation.min_fine or 0), int(violation.max_fine)
        fine = Decimal(
            max(1000, round(rng.uniform(max(low, 1000), max(low, 1000) + (high - max(low, 1000)) * 0.5), -3))
        )
        no_penalty = rng.random() < NO_PENALTY_SHARE
        enterprise = inspection.enterprise
        case = Case(
            board=board.region,
            agency=self.district,
            procedure=Procedure.GENERAL,
            status=CaseStatus.INVESTIGATING,
            source_kind=rng.choice((SourceKind.INSPECTION, SourceKind.INSPECTION, SourceKind.HAZARD)),
            enterprise=enterprise,
            party_kind=PartyKind.UNIT,
            party_name=enterprise.name,
            party_code=enterprise.uscc,
            party_address=enterprise.address[:200],
            party_representative=enterprise.legal_representative[:64],
            cause=violation.name[:200],
            facts=f"{inspected_on:%Y年%m月%d日}现场检查发现该单位{violation.name}。{HISTORY_MARK}",
            registration_number=self._number("立", registered.year),
            registered_on=registered,
            violation_type=violation,
            decision_kind=DecisionKind.NO_PENALTY if no_penalty else DecisionKind.PENALTY,
            penalty_kinds=[] if no_penalty else [PenaltyKind.FINE],
            proposed_fine=None if no_penalty else fine,
            created_by=board.user,
            created_at=_at(registered, 10),
        )
        rows: dict = {
            "case": case,
            "officers": [o for o, _b in team],
            "reviews": [],
            "payments": [],
            "deadlines": [],
        }
        self.counts.cases += 1
        # Investigation, then the legal review: the first round may return the case for more evidence.
        submitted = registered + timedelta(days=rng.randint(18, 45))
        if submitted > self.horizon:
            rows["deadlines"].append(("decision", registered))
            return rows
        outcome = _weighted(rng, FIRST_REVIEW)
        rounds = [outcome] if outcome == ReviewOutcome.APPROVE else [outcome, ReviewOutcome.APPROVE]
        self.counts.returned += outcome != ReviewOutcome.APPROVE
        for number, result in enumerate(rounds, start=1):
            decided = submitted + timedelta(days=rng.randint(2, 9))
            review = LegalReview(
                round=number,
                submitted_at=_at(submitted, 15),
                submitted_by=board.user,
                due_on=submitted + timedelta(days=14),
                proposal_version=number,
                proposal_snapshot={
                    "decision_kind": case.decision_kind,
                    "penalty_kinds": list(case.penalty_kinds),
                    "proposed_fine": None if case.proposed_fine is None else str(case.proposed_fine),
                    "violation_type": violation.pk,
                },
                reviewer=self.reviewer,
            )
            rows["reviews"].append(review)
            case.proposal_version = number
            if decided > self.horizon:
                case.status = CaseStatus.LEGAL_REVIEW
                rows["deadlines"] += [("decision", registered), ("legal_review", submitted)]
                return rows
            review.outcome = result
            review.decided_at = _at(decided, 16)
            review.opinion = (
                "事实清楚，证据确凿，适用法律正确，裁量适当，程序合法，同意。"
                if result == ReviewOutcome.APPROVE
                else "证据不够充分，请补充调查询问笔录及现场照片后重新报送。"
            )
            if result != ReviewOutcome.APPROVE:
                submitted = decided + timedelta(days=rng.randint(5, 15))
                if submitted > self.horizon:
                    case.status = CaseStatus.INVESTIGATING
                    rows["deadlines"].append(("decision", registered))
                    return rows
        # Notice, statement period, decision, service, payment, closing.
        decided_on = decided + timedelta(days=rng.randint(6, 14))
        if decided_on > self.horizon:
            case.status = CaseStatus.REVIEWED
            rows["deadlines"].append(("decision", registered))
            return rows
        case.decided_on = decided_on
        case.decision_number = self._number("罚", decided_on.year)
        case.fine_amount = case.proposed_fine
        case.status = CaseStatus.DECIDED
        self.counts.decided += 1
        self.counts.fines += case.fine_amount or 0
        served = decided_on + timedelta(days=rng.randint(1, 5))
        if served > self.horizon:
            return rows
        case.served_on = served
        if not case.fine_amount:
            case.status = CaseStatus.EXECUTED
        else:
            case.status = CaseStatus.EXECUTING
            paid_on = served + timedelta(days=rng.randint(3, 14))
            if rng.random() < UNPAID_SHARE or paid_on > self.horizon:
                rows["deadlines"].append(("payment", served))
                return rows
            rows["payments"].append(
                Payment(
                    kind=PaymentKind.FINE,
                    amount=case.fine_amount,
                    paid_on=paid_on,
                    receipt_number=f"历{rng.randint(10**7, 10**8 - 1)}",
                    recorded_by=board.user,
                )
            )
            case.paid_amount = case.fine_amount
            case.status = CaseStatus.EXECUTED
            served = paid_on
        closed = served + timedelta(days=rng.randint(3, 12))
        if closed <= self.horizon:
            case.status = CaseStatus.CLOSED
            case.closed_on = closed
        return rows

    def save_cases(self, plans: list[dict]) -> None:
        from zhifa.core import calendar

        with keeping_times(Case._meta.get_field("created_at")):
            Case.objects.bulk_create([p["case"] for p in plans], batch_size=500)
        officers, reviews, payments, deadlines = [], [], [], []
        for plan in plans:
            case = plan["case"]
            officers += [CaseOfficer(case=case, officer=o, order=n) for n, o in enumerate(plan["officers"])]
            for review in plan["reviews"]:
                review.case = case
                reviews.append(review)
            for payment in plan["payments"]:
                payment.case = case
                payments.append(payment)
            for code, start in plan["deadlines"]:
                due = calendar.rule_due(code, start)
                deadlines.append(
                    CaseDeadline(
                        case=case,
                        rule_code=code,
                        label=due.rule_name or code,
                        source=due.source or "",
                        start=start,
                        due_on=due.date,
                        warnings=list(due.warnings),
                    )
                )
        CaseOfficer.objects.bulk_create(officers, batch_size=1000)
        LegalReview.objects.bulk_create(reviews, batch_size=1000)
        Payment.objects.bulk_create(payments, batch_size=1000)
        CaseDeadline.objects.bulk_create(deadlines, batch_size=1000)


def generate_history(rng: random.Random, months: int = 24, *, today: date | None = None) -> HistoryCounts:
    """Bulk-create ``months`` months of generated history before the current month (see the module)."""
    today = today or timezone.localdate()
    if Inspection.objects.filter(findings__endswith=HISTORY_MARK).exists():
        return HistoryCounts(existing=True)
    builder = HistoryBuilder(rng, months, today)
    if builder.last < builder.first:
        return builder.counts
    boards = builder.boards()
    made = builder.inspections(boards)
    builder.save_inspections(made)
    builder.save_cases(builder.cases(boards, made))
    return builder.counts
