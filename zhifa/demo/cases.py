"""Penalty cases in the demo: fifteen cases of 武进区's boards, each left in a state worth showing.

Cases registered from the queue of case sources (the major hazards the month of inspections referred,
``zhifa.demo.inspections``) are in their first weeks: awaiting submission (待提交立案), awaiting the
bureau leader's approval of the registration, under investigation, three awaiting the legal reviewer
(one overdue, one due in two working days, one just submitted with a fine above its discretion tier and
the written reason), one returned by the reviewer for 补充材料, one revoked with its reason. Older cases,
registered directly (a complaint, an assignment, a random inspection), have gone further: one notified
(its statement and hearing-request periods running), one decided and awaiting service, one executing
with its payment overdue, one closed, one archived with its electronic case file, one simple-procedure
(当场处罚) case, its fine paid at the bank and the decision filed with the bureau, one not penalised under 行政处罚法 art. 33 (首违不罚). Two queued
sources are left for the 立案 button.

Every step goes through the step's own form (``zhifa.cases.forms``, as the case page and the API validate
it) and ``zhifa.cases.services.perform``, taken by the demo account whose role the workflow asks for: the
board officer (``b…_officer``, with a second certified officer of the board) handles, the board leader
(``b…_leader``) reviews the registration, the bureau leader (``leader``) approves, decides and closes,
the legal reviewers (``reviewer1``…, who hold the legal profession qualification) review. So the two
certified officers, the legal-review gate, the discretion bounds, the statement period and the complete
case file are all enforced, documents are numbered and stored, and each step is audited.

Time: as for the inspections, the steps are replayed in chronological order (all cases interleaved) with
the services' clock set to each step's moment (``zhifa.demo.inspections.replay_clock``), on working days
counted back from the day of the run, so deadlines, due dates and the dates on documents read as they
would have happened, and nothing is dated today or later. Cases from the queue start after the finding
was queued (their first steps move to later days where the finding is recent); a case for which no
finding is old enough is registered directly instead.

Determinism: draws from the given ``random.Random`` in a fixed order over rows ordered by primary key.
Idempotence: nothing is done when a demo board already has a case.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.cases import forms as step_forms
from zhifa.cases import services, workflow
from zhifa.cases.choices import (
    CaseStatus,
    DecisionKind,
    PenaltyKind,
    Procedure,
    ReviewItem,
    ReviewOutcome,
    SourceKind,
)
from zhifa.cases.models import Case
from zhifa.core import audit, calendar
from zhifa.demo import data
from zhifa.demo.inspections import photo, replay_clock
from zhifa.discretion import engine
from zhifa.discretion.models import Catalogue, ViolationType
from zhifa.enterprises.choices import OperatingStatus
from zhifa.enterprises.models import Enterprise
from zhifa.inspections.choices import CaseSourceStatus, EvidenceKind
from zhifa.inspections.models import CaseSource
from zhifa.orgs.choices import Post
from zhifa.orgs.models import Certificate, Officer, Region

#: Step names with a variant after the colon; ``create``, ``evidence`` and ``publish`` are not steps of
#: the workflow table but the case form, an evidence upload and the publication (行政执法公示).
Steps = tuple[tuple[str, int], ...]  # (step, working days before today)


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    steps: Steps
    from_queue: bool = False
    procedure: str = Procedure.GENERAL
    #: How the officer proposes: engine inputs, the decision kind, a fine outside the tier (with reason).
    factors: tuple[str, ...] = ()
    first_minor_corrected: bool = False
    no_penalty: bool = False
    deviate: bool = False
    party_waived: bool = False


SPECS: tuple[Spec, ...] = (
    # From the queue of case sources, in their first weeks.
    Spec("draft", "待提交立案", (("create", 1),), from_queue=True),
    Spec(
        "registration_approval",
        "立案审批中",
        (("create", 3), ("submit_registration", 3), ("review_registration", 2)),
        from_queue=True,
    ),
    Spec(
        "investigating",
        "调查取证",
        (
            ("create", 9),
            ("submit_registration", 9),
            ("review_registration", 8),
            ("approve_registration", 7),
            ("record_inquiry_notice", 6),
            ("record_inquiry", 4),
            ("record_scene", 4),
        ),
        from_queue=True,
    ),
    Spec(
        "review_overdue",
        "法制审核逾期",
        (
            ("create", 19),
            ("submit_registration", 19),
            ("review_registration", 18),
            ("approve_registration", 17),
            ("record_inquiry", 16),
            ("record_scene", 16),
            ("set_proposal", 15),
            ("submit_handling", 14),
            ("approve_handling", 13),
        ),
        from_queue=True,
    ),
    Spec(
        "returned",
        "法制审核退回补充材料",
        (
            ("create", 15),
            ("submit_registration", 15),
            ("review_registration", 14),
            ("approve_registration", 14),
            ("record_inquiry", 12),
            ("set_proposal", 10),
            ("submit_handling", 9),
            ("approve_handling", 7),
            ("legal_review:supplement", 3),
        ),
        from_queue=True,
    ),
    Spec(
        "review_soon",
        "法制审核即将到期",
        (
            ("create", 14),
            ("submit_registration", 14),
            ("review_registration", 13),
            ("approve_registration", 13),
            ("record_inquiry", 12),
            ("set_proposal", 11),
            ("submit_handling", 10),
            ("approve_handling", 8),
        ),
        from_queue=True,
    ),
    Spec(
        "revoked",
        "已撤销",
        (
            ("create", 12),
            ("submit_registration", 12),
            ("review_registration", 11),
            ("approve_registration", 10),
            ("record_inquiry", 8),
            ("revoke", 5),
        ),
        from_queue=True,
    ),
    Spec(
        "review_fresh",
        "法制审核（偏离裁量建议）",
        (
            ("create", 10),
            ("submit_registration", 10),
            ("review_registration", 9),
            ("approve_registration", 9),
            ("record_inquiry", 7),
            ("record_scene", 7),
            ("set_proposal", 4),
            ("submit_handling", 3),
            ("approve_handling", 1),
        ),
        from_queue=True,
        deviate=True,
    ),
    # Registered directly, weeks or months ago.
    Spec(
        "notified",
        "已告知（可申请听证）",
        (
            ("create", 30),
            ("submit_registration", 30),
            ("review_registration", 29),
            ("approve_registration", 28),
            ("record_inquiry_notice", 27),
            ("record_inquiry", 25),
            ("record_scene", 25),
            ("set_proposal", 22),
            ("submit_handling", 20),
            ("approve_handling", 18),
            ("legal_review", 10),
            ("notify", 1),
        ),
        factors=("refuse_correct",),
    ),
    Spec(
        "decided",
        "已决定待送达",
        (
            ("create", 32),
            ("submit_registration", 32),
            ("review_registration", 31),
            ("approve_registration", 30),
            ("record_inquiry", 27),
            ("set_proposal", 24),
            ("submit_handling", 22),
            ("approve_handling", 20),
            ("legal_review", 15),
            ("notify", 8),
            ("decide", 2),
        ),
    ),
    Spec(
        "executing_overdue",
        "执行中（逾期未缴纳）",
        (
            ("create", 45),
            ("submit_registration", 45),
            ("review_registration", 44),
            ("approve_registration", 43),
            ("record_inquiry", 40),
            ("record_scene", 40),
            ("set_proposal", 36),
            ("submit_handling", 34),
            ("approve_handling", 32),
            ("legal_review", 28),
            ("notify", 26),
            ("decide", 21),
            ("serve", 20),
            ("publish", 18),
        ),
    ),
    Spec(
        "closed",
        "已结案",
        (
            ("create", 55),
            ("submit_registration", 55),
            ("review_registration", 54),
            ("approve_registration", 53),
            ("record_inquiry", 50),
            ("set_proposal", 46),
            ("submit_handling", 44),
            ("approve_handling", 42),
            ("legal_review", 39),
            ("notify", 35),
            ("decide", 34),
            ("serve", 33),
            ("publish", 31),
            ("record_payment", 28),
            ("close", 24),
        ),
        party_waived=True,
    ),
    Spec(
        "archived",
        "已归档",
        (
            ("create", 60),
            ("submit_registration", 60),
            ("review_registration", 59),
            ("approve_registration", 58),
            ("record_inquiry", 56),
            ("record_scene", 56),
            ("evidence", 56),
            ("set_proposal", 52),
            ("submit_handling", 50),
            ("approve_handling", 48),
            ("legal_review", 45),
            ("notify", 43),
            ("decide", 39),
            ("serve", 38),
            ("publish", 36),
            ("record_payment", 33),
            ("close", 30),
            ("archive", 29),
        ),
        factors=("cooperate",),
    ),
    Spec(
        "simple",
        "简易程序（当场处罚）",
        (
            ("create", 6),
            ("set_proposal", 6),
            ("submit_simple_review", 6),
            ("legal_review", 5),
            ("decide_on_spot", 4),
            ("record_payment", 3),  # at the bank: only fines up to 100 元 are collected on the spot
            ("file_simple", 2),
        ),
        procedure=Procedure.SIMPLE,
        factors=("eliminate_harm",),
    ),
    Spec(
        "no_penalty",
        "不予处罚（首违不罚）",
        (
            ("create", 28),
            ("submit_registration", 28),
            ("review_registration", 27),
            ("approve_registration", 26),
            ("record_inquiry", 24),
            ("record_scene", 24),
            ("set_proposal", 20),
            ("submit_handling", 18),
            ("approve_handling", 16),
            ("legal_review", 12),
            ("decide_no_penalty", 8),
            ("serve", 7),
        ),
        first_minor_corrected=True,
        no_penalty=True,
    ),
)

#: Who takes each step: the board officer handling the case, the board leader, the bureau's leader
#: (the head of the agency in whose name board cases are decided) or a legal reviewer.
PERSONA = {
    "create": "officer",
    "evidence": "officer",
    "submit_registration": "officer",
    "review_registration": "board_leader",
    "approve_registration": "head",
    "record_inquiry_notice": "officer",
    "record_inquiry": "officer",
    "record_scene": "officer",
    "set_proposal": "officer",
    "submit_handling": "officer",
    "approve_handling": "head",
    "submit_simple_review": "officer",
    "legal_review": "reviewer",
    "notify": "officer",
    "decide": "head",
    "decide_no_penalty": "head",
    "decide_on_spot": "officer",
    "file_simple": "head",
    "serve": "officer",
    "publish": "head",
    "record_payment": "officer",
    "close": "head",
    "archive": "officer",
    "revoke": "head",
}


@dataclass(frozen=True)
class Scenario:
    """A case registered directly: what was found, how it came to the board, which violation it is."""

    violation: str
    source_kind: str
    source_note: str
    facts: str
    person_title: str
    excuse: str
    industries: tuple[str, ...] = ()


SCENARIOS: dict[str, Scenario] = {
    "notified": Scenario(
        "97-3",
        SourceKind.COMPLAINT,
        "12345热线转办：职工反映新招员工未经培训即上岗",
        "该单位5名新入职员工未经安全生产教育和培训即安排上岗作业；经责令限期改正，复查时仍有2名员工未经培训在岗作业",
        "法定代表人",
        "订单多，人手紧，新人来了就先上岗了，培训准备月底统一搞。",
    ),
    "decided": Scenario(
        "97-7",
        SourceKind.INSPECTION,
        "“双随机、一公开”抽查发现",
        "该单位1名电工未取得特种作业操作证，从事配电房低压电气维护作业",
        "设备主管",
        "他以前在别的厂干过电工，我们以为有证，没有核实。",
    ),
    "executing_overdue": Scenario(
        "105-2",
        SourceKind.COMPLAINT,
        "群众来信举报宿舍楼疏散通道被占用",
        "该单位员工宿舍楼疏散通道堆放纸箱、电动自行车等杂物，二号车间东侧安全出口被成品堆放堵塞",
        "行政经理",
        "仓库放不下，临时堆在那里，想着过几天就搬走。",
    ),
    "closed": Scenario(
        "99-5",
        SourceKind.INSPECTION,
        "专项检查（粉尘涉爆企业）发现",
        "该单位打磨岗位2名作业人员未佩戴防尘口罩，企业未为其配备符合国家标准的劳动防护用品",
        "安全主管",
        "口罩用完了还没来得及采购。",
    ),
    "archived": Scenario(
        "97-6",
        SourceKind.ASSIGNED,
        "区安委办交办（安全生产大检查问题清单）",
        "该单位未制定生产安全事故应急救援预案，本年度未组织应急演练",
        "法定代表人",
        "不清楚要自己编预案，以为买了消防器材就可以了。",
    ),
    "simple": Scenario(
        "99-8",
        SourceKind.INSPECTION,
        "燃气安全专项检查发现",
        "该单位职工食堂及蒸煮车间使用管道天然气，未安装可燃气体报警装置",
        "行政经理",
        "食堂装修时没有装，不知道有这个要求，马上安装。",
        industries=("13", "14"),
    ),
    "no_penalty": Scenario(
        "99-1",
        SourceKind.INSPECTION,
        "日常检查发现",
        "该单位配电房、空压机房未设置明显的安全警示标志；检查当日已按要求设置完毕，未造成危害后果，系首次违法",
        "安全员",
        "标志牌在车间改造时拆下来了，忘记装回去，当场已经重新装好。",
    ),
}
#: A case meant for the queue but registered directly (no finding old enough).
FALLBACK = Scenario(
    "97-4",
    SourceKind.INSPECTION,
    "监督检查发现",
    "该单位未如实记录安全生产教育和培训情况，培训档案缺少培训时间、内容和考核结果",
    "安全主管",
    "培训做了，但是记录没有及时整理。",
)

#: The violation a finding of the queue is (first phrase found in its description wins).
FINDING_VIOLATIONS: tuple[tuple[str, str], ...] = (
    ("有限空间", "101-3"),
    ("集水井", "101-3"),
    ("动火", "101-3"),
    ("操作规程", "101-1"),
    ("工艺控制指标", "101-1"),
    ("出租", "104"),
    ("外包", "104"),
    ("发包", "104"),
    ("安全生产管理协议", "104"),
    ("培训", "97-3"),
    ("特种作业", "97-7"),
    ("应急预案", "97-6"),
    ("安全出口", "105-2"),
    ("疏散通道", "105-2"),
    ("防护用品", "99-5"),
    ("口罩", "99-5"),
    ("警示标志", "99-1"),
    ("泄爆", "99-2"),
    ("联锁", "99-2"),
    ("监测报警", "99-2"),
    ("报警装置", "99-2"),
    ("熄火保护", "99-2"),
    ("安全阀", "99-3"),
)
DEFAULT_VIOLATION = "102-1"

RETURN_REASON = (
    "询问笔录未记录当事人对隐患形成时间及整改情况的陈述，卷内缺少现场勘验笔录和照片，"
    "证据不足以证明违法行为的持续时间和情节，请补充调查后重新送审。"
)
RETURN_NOTE = "缺少现场勘验笔录及照片"
REVOKE_REASON = (
    "经补充调查核实，涉案厂房在检查前已由出租方收回并交由承租单位自行管理，违法主体认定有误，"
    "应由实际生产经营单位承担责任，撤销本案，线索移交属地另行处理。"
)
DEVIATION_REASON = (
    "该隐患属重大事故隐患，一旦发生事故可能造成群死群伤；企业在本次检查前已被多次提醒整改仍未消除，"
    "建议高于裁量阶次上限处罚，请法制审核予以审查。"
)
APPROVE_OPINION = (
    "经审核，执法主体合法，执法人员具备执法资格，事实清楚，证据确凿，适用法律正确，裁量适当，程序合法，同意。"
)


@dataclass
class CaseCounts:
    cases: int = 0
    from_queue: int = 0
    documents: int = 0
    boards: set[int] = field(default_factory=set)
    by_status: Counter = field(default_factory=Counter)
    existing: bool = False
    skipped: str = ""

    def summary(self) -> str:
        if self.existing:
            return "行政处罚案件已存在，未重复生成"
        if self.skipped:
            return f"未生成行政处罚案件（{self.skipped}）"
        labels = dict(CaseStatus.choices)
        states = "、".join(f"{labels[s]} {n}" for s, n in sorted(self.by_status.items(), key=_status_order))
        return (
            f"行政处罚案件 {self.cases} 件（{len(self.boards)} 个板块，其中从立案审查队列立案 {self.from_queue} 件；"
            f"{states}），制作案件文书 {self.documents} 份"
        )


def _status_order(item) -> int:
    return CaseStatus.values.index(item[0])


@dataclass
class _Staff:
    board: Region
    officer: User  # handles the case; the first of its two officers
    partner: Officer  # the second certified officer of the board
    leader: User  # the board leader, who reviews registrations


@dataclass
class _Plan:
    spec: Spec
    staff: _Staff
    enterprise: Enterprise
    scenario: Scenario | None  # registered directly
    source: CaseSource | None  # registered from the queue
    reviewer: User
    days: list[date]
    case: Case | None = None


def _working_days_back(today: date, n: int) -> date:
    """The ``n``-th working day before ``today``."""
    day, counted = today, 0
    while counted < n:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def demo_boards() -> list[Region]:
    from zhifa.demo.generate import board_code

    codes = [board_code(1, i) for i in range(len(data.BOARDS))]
    return list(Region.objects.filter(code__in=codes).order_by("sort_order", "code"))


class CaseBuilder:
    def __init__(self, rng: random.Random, today: date, log: Callable[[str], None]):
        self.rng = rng
        self.today = today
        self.log = log
        self.counts = CaseCounts()
        self.events: list[tuple[datetime, int, Callable[[], None]]] = []
        self._seq = 0
        catalogue = Catalogue.objects.in_force(today)
        self.violations = (
            {v.code: v for v in catalogue.violation_types.filter(party="unit")} if catalogue else {}
        )

    # --- who ----------------------------------------------------------------------------------------

    def accounts(self) -> dict[str, User] | None:
        users = {
            u.username: u for u in User.objects.filter(username__regex=r"^(leader|reviewer\d|b\d{3}_\w+)$")
        }
        reviewers = [u for name, u in sorted(users.items()) if name.startswith("reviewer")]
        if "leader" not in users or not reviewers:
            return None
        self.head = users["leader"]
        # Only a reviewer with the legal profession qualification may review (行政处罚法 art. 58).
        self.reviewers = [u for u in reviewers if u.officer is not None and u.officer.legal_qualification]
        return users if self.reviewers else None

    def staff(self, board: Region, users: dict[str, User], since: date) -> _Staff | None:
        """The board's officer account and a second board officer, both certified from ``since`` to today."""
        prefix = f"b{board.code[-3:]}"
        officer, leader = users.get(f"{prefix}_officer"), users.get(f"{prefix}_leader")
        if officer is None or leader is None or not officer.officer_id:
            return None
        valid = set(
            Certificate.objects.valid_on(since)
            .filter(officer__unit=board, valid_to__gte=self.today)
            .values_list("officer_id", flat=True)
        )
        if officer.officer_id not in valid:
            return None
        partners = Officer.objects.filter(unit=board, post=Post.BOARD_OFFICER, pk__in=valid).exclude(
            pk=officer.officer_id
        )
        partner = partners.order_by("pk").first()
        return _Staff(board, officer, partner, leader) if partner else None

    # --- planning -------------------------------------------------------------------------------------

    def plan(self, users: dict[str, User]) -> list[_Plan]:
        rng = self.rng
        boards = demo_boards()
        queued = list(
            CaseSource.objects.filter(status=CaseSourceStatus.QUEUED, board__in=boards)
            .select_related("board", "enterprise", "hazard", "inspection")
            .order_by("created_at", "pk")
        )
        # The two newest findings stay queued for the 立案 button, however few the month referred (the
        # number of referrals depends on the day the demo runs); the cases take the older ones.
        queued = queued[:-2] if len(queued) > 2 else []
        plans: list[_Plan] = []
        direct: list[Spec] = []
        # The cases that need the oldest findings first.
        for spec in sorted((s for s in SPECS if s.from_queue), key=lambda s: -s.steps[0][1]):
            placed = False
            for source in queued:
                days = self._days(spec, after=timezone.localtime(source.created_at).date())
                staff = self.staff(source.board, users, days[0]) if days else None
                if days and staff:
                    queued.remove(source)
                    plans.append(
                        _Plan(spec, staff, source.enterprise, None, source, rng.choice(self.reviewers), days)
                    )
                    placed = True
                    break
            if not placed:
                direct.append(spec)
        direct += [s for s in SPECS if not s.from_queue]
        used = {p.staff.board.pk for p in plans}
        order = sorted(boards, key=lambda b: (b.pk in used, rng.random()))
        for n, spec in enumerate(direct):
            scenario = SCENARIOS.get(spec.key, FALLBACK)
            days = self._days(spec)
            assert days is not None
            for board in order[n % len(order) :] + order[: n % len(order)]:
                staff = self.staff(board, users, days[0])
                enterprise = staff and self._enterprise(board, scenario)
                if staff and enterprise:
                    plans.append(
                        _Plan(spec, staff, enterprise, scenario, None, rng.choice(self.reviewers), days)
                    )
                    break
        return plans

    def _days(self, spec: Spec, after: date | None = None) -> list[date] | None:
        """The step days; after a finding queued on ``after``, early steps move up to the next working
        day (at most four steps on one day), or None when the finding is too recent for the spec."""
        days = [_working_days_back(self.today, n) for _, n in spec.steps]
        if after is None:
            return days
        first = calendar.next_workday(after)
        moved = [max(d, first) for d in days]
        if moved.count(first) > 4 or first >= self.today:
            return None
        return moved

    def _enterprise(self, board: Region, scenario: Scenario) -> Enterprise | None:
        """An operating enterprise of the board without a case, of the scenario's trade where one is."""
        operating = Enterprise.objects.filter(
            board=board, is_fictitious=True, operating_status=OperatingStatus.OPERATING, cases__isnull=True
        ).order_by("pk")
        trade = Q()
        for prefix in scenario.industries:
            trade |= Q(industry__code__startswith=prefix)
        pool = list(operating.filter(trade)[:50]) if scenario.industries else []
        pool = pool or list(operating[:200])
        return self.rng.choice(pool) if pool else None

    # --- scheduling -----------------------------------------------------------------------------------

    def at(self, moment: datetime, action: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self.events, (moment, self._seq, action))

    def schedule(self, plan: _Plan) -> None:
        rng = self.rng
        previous: datetime | None = None
        for (name, _), day in zip(plan.spec.steps, plan.days, strict=True):
            if previous is not None and timezone.localtime(previous).date() == day:
                moment = previous + timedelta(minutes=rng.randint(35, 80))
            else:
                moment = timezone.make_aware(datetime.combine(day, time(8, 50))) + timedelta(
                    minutes=rng.randint(0, 100)
                )
            if plan.source is not None and moment <= plan.source.created_at:
                moment = plan.source.created_at + timedelta(minutes=rng.randint(30, 60))
            previous = moment
            self.at(moment, self._action(plan, name))

    def run(self, plans: list[_Plan]) -> None:
        from zhifa.documents.models import IssuedDocument

        before = IssuedDocument.objects.count()
        for plan in plans:
            self.schedule(plan)
        with replay_clock() as clock:
            while self.events:
                moment, _, action = heapq.heappop(self.events)
                clock.moment = moment
                action()
        self.counts.documents = IssuedDocument.objects.count() - before
        for plan in plans:
            assert plan.case is not None
            plan.case.refresh_from_db()
            self.counts.cases += 1
            self.counts.from_queue += plan.source is not None
            self.counts.boards.add(plan.staff.board.pk)
            self.counts.by_status[plan.case.status] += 1

    # --- one step ---------------------------------------------------------------------------------------

    def _action(self, plan: _Plan, name: str) -> Callable[[], None]:
        step, _, variant = name.partition(":")

        def act() -> None:
            user = {
                "officer": plan.staff.officer,
                "board_leader": plan.staff.leader,
                "head": self.head,
                "reviewer": plan.reviewer,
            }[PERSONA[step]]
            with audit.audit_context(source="cli", user=user):
                if step == "create":
                    plan.case = self._create(plan, user)
                elif step == "evidence":
                    self._evidence(plan, user)
                elif step == "publish":
                    from zhifa.disclosure.services import publish_decision

                    assert plan.case is not None
                    publish_decision(plan.case, user)
                else:
                    assert plan.case is not None
                    plan.case = self._perform(plan.case, step, user, self._data(plan, step, variant))

        return act

    def _perform(self, case: Case, name: str, user: User, raw: dict) -> Case:
        """Validate with the step's own form, as the case page does, then run the step."""
        form_class = getattr(step_forms, workflow.step(name).form)
        form = form_class(raw, case=case, user=user)
        if not form.is_valid():
            raise AssertionError(f"演示案件 {case.pk} {name}：{form.errors.as_text()}")
        return services.perform(case, name, user, form.cleaned_data)

    def _create(self, plan: _Plan, user: User) -> Case:
        scenario, source, enterprise = plan.scenario, plan.source, plan.enterprise
        violation = self._violation(plan)
        if source is not None:
            found_on = timezone.localtime(source.created_at).date()
            facts = f"{found_on:%Y年%m月%d日}现场检查发现，{source.description}"
            kind: str = SourceKind.HAZARD if source.hazard_id else SourceKind.INSPECTION
            note = ""
        else:
            assert scenario is not None
            facts = f"{scenario.facts}。"
            kind, note = scenario.source_kind, scenario.source_note
        form = step_forms.CaseForm(
            {
                "procedure": plan.spec.procedure,
                "source_kind": kind,
                "source_note": note,
                "enterprise": enterprise.pk,
                "party_kind": "unit",
                "cause": violation.name[:200],
                "facts": facts,
                "officers": [plan.staff.officer.officer_id, plan.staff.partner.pk],
            },
            user=user,
        )
        if not form.is_valid():
            raise AssertionError(f"演示案件 {enterprise.name}：{form.errors.as_text()}")
        data = dict(form.cleaned_data)
        officers = list(data.pop("officers"))
        data.pop("enterprise")
        fields = {k: v for k, v in data.items() if v not in ("", None)}
        return services.create_case(
            user=user, officers=officers, enterprise=enterprise, source=source, **fields
        )

    def _evidence(self, plan: _Plan, user: User) -> None:
        from zhifa.cases.forms import EvidenceForm

        case = plan.case
        assert case is not None
        on = timezone.localdate()
        image = photo(self.rng, f"{timezone.localtime():%Y-%m-%d %H:%M:%S}  {case.party_name[:12]}")
        upload = SimpleUploadedFile(
            f"IMG_{on:%Y%m%d}_{self.rng.randint(1000, 9999)}.jpg", image.read(), "image/jpeg"
        )
        form = EvidenceForm(
            {
                "title": "现场照片",
                "kind": EvidenceKind.PHOTO,
                "collected_on": on.isoformat(),
                "collected_by": plan.staff.officer.full_name,
                "description": "证明当事人存在违法行为的现场状况",
            },
            {"upload": upload},
            case=case,
            user=user,
        )
        if not form.is_valid():
            raise AssertionError(f"演示案件 {case.pk} 证据：{form.errors.as_text()}")
        data = form.cleaned_data
        upload.seek(0)
        services.add_evidence(
            case,
            user=user,
            title=data["title"],
            kind=data["kind"],
            collected_on=data["collected_on"],
            collected_by=data["collected_by"],
            description=data["description"],
            upload=upload,
        )

    # --- what each step says ------------------------------------------------------------------------------

    def _violation(self, plan: _Plan) -> ViolationType:
        if plan.scenario is not None:
            code = plan.scenario.violation
        else:
            assert plan.source is not None
            text = plan.source.description
            code = next((c for phrase, c in FINDING_VIOLATIONS if phrase in text), DEFAULT_VIOLATION)
        return self.violations.get(code) or self.violations[DEFAULT_VIOLATION]

    def _findings(self, plan: _Plan) -> str:
        if plan.source is not None:
            return plan.source.description.split("：", 1)[-1].rstrip("。")
        assert plan.scenario is not None
        return plan.scenario.facts

    def _proposal(self, plan: _Plan):
        spec = plan.spec
        violation = self._violation(plan)
        first = spec.first_minor_corrected
        proposal = engine.propose(
            violation, first_offence=first, minor=first, corrected_in_time=first, factors=spec.factors
        )
        fine = proposal.suggested_fine
        if spec.procedure == Procedure.SIMPLE:
            fine = min(fine, Decimal("2000"))
        reason = ""
        if spec.deviate:
            # A quarter of the way from the tier's top to the statutory maximum, in thousands.
            above = ((proposal.max_fine * 3 + violation.max_fine) / 4000).quantize(Decimal("1")) * 1000
            if proposal.max_fine < above <= violation.max_fine:
                fine, reason = above, DEVIATION_REASON
        return violation, proposal, fine, reason

    def _data(self, plan: _Plan, step: str, variant: str) -> dict:
        case = plan.case
        assert case is not None
        today = timezone.localdate()
        officers = [plan.staff.officer.officer_id, plan.staff.partner.pk]
        representative = case.party_representative or plan.enterprise.contact_name
        title = plan.scenario.person_title if plan.scenario else "安全主管"
        found = self._findings(plan)
        names = f"{plan.staff.officer.full_name}、{plan.staff.partner.name}"
        if step == "submit_registration":
            return {"opinion": "当事人涉嫌违反安全生产法律法规，建议立案调查。"}
        if step == "review_registration":
            return {"outcome": "agree", "opinion": "同意立案，报局领导审批。"}
        if step in ("approve_registration", "approve_handling"):
            opinion = (
                "同意立案调查。" if step == "approve_registration" else "同意调查报告的处理意见，报法制审核。"
            )
            return {"outcome": "agree", "opinion": opinion}
        if step == "record_inquiry_notice":
            return {
                "on": today.isoformat(),
                "place": case.party_address,
                "person": representative,
                "person_title": "法定代表人",
                "content": f"请于{calendar.next_workday(today):%Y年%m月%d日}上午九时，携带营业执照副本、"
                "法定代表人身份证明及安全生产教育培训档案，到武进区应急管理局接受询问。",
                "officers": officers,
            }
        if step == "record_inquiry":
            excuse = plan.scenario.excuse if plan.scenario else "整改需要停产改造，一直没有安排下去。"
            return {
                "on": today.isoformat(),
                "place": "武进区应急管理局询问室",
                "person": representative,
                "person_title": title,
                "content": (
                    f"问：我们是武进区应急管理局执法人员{names}（出示执法证件），现依法就你单位涉嫌安全生产违法行为"
                    "进行询问，你有如实回答的义务，也有陈述、申辩的权利，听清楚了吗？\n答：听清楚了。\n"
                    f"问：请介绍一下你的身份。\n答：我是{case.party_name}的{title}{representative}。\n"
                    f"问：执法人员检查发现，{found}。情况是否属实？\n答：属实。\n"
                    f"问：为什么会出现这种情况？\n答：{excuse}\n"
                    "问：你还有什么补充？\n答：没有了，我们会立即整改。\n"
                    "以上笔录我看过，与我说的一致。"
                ),
                "officers": officers,
            }
        if step == "record_scene":
            return {
                "on": today.isoformat(),
                "place": f"{case.party_name}生产经营场所",
                "person": representative,
                "person_title": f"{title}（见证人）",
                "content": f"经现场勘验：{found}。执法人员对现场进行了拍照和执法记录仪录像，当事人在场见证，对勘验情况无异议。",
                "officers": officers,
            }
        if step == "set_proposal":
            violation, _, fine, reason = self._proposal(plan)
            first = plan.spec.first_minor_corrected
            penalty = not plan.spec.no_penalty
            return {
                "violation_type": violation.pk,
                "decision_kind": DecisionKind.PENALTY if penalty else DecisionKind.NO_PENALTY,
                "penalty_kinds": [PenaltyKind.FINE] if penalty else [],
                "proposed_fine": str(fine) if penalty else "",
                "first_offence": first,
                "minor": first,
                "corrected_in_time": first,
                "factors": list(plan.spec.factors),
                "deviation_reason": reason,
            }
        if step == "submit_handling":
            violation = case.violation_type
            assert violation is not None
            evidence = "现场检查记录、询问笔录" + (
                "、勘验笔录" if case.records.filter(kind="scene").exists() else ""
            )
            if case.decision_kind == DecisionKind.NO_PENALTY:
                proposal = "鉴于当事人系初次违法、危害后果轻微并已及时改正，依据《中华人民共和国行政处罚法》第三十三条第一款，建议不予行政处罚"
            else:
                proposal = (
                    f"依据{violation.penalty_article}，建议给予罚款人民币{case.proposed_fine}元的行政处罚"
                )
            return {
                "investigation_report": (
                    f"经调查，{case.party_name}{found}。上述事实有{evidence}等证据证实。"
                    f"当事人的行为违反了{violation.article_violated}的规定，{proposal}。"
                )
            }
        if step == "submit_simple_review":
            return {"opinion": "违法事实确凿并有法定依据，拟当场作出罚款决定，送法制审核。"}
        if step == "legal_review":
            fail = ReviewItem.EVIDENCE if variant == "supplement" else ""
            raw = {f"check_{item.value}": "fail" if item.value == fail else "pass" for item in ReviewItem}
            if fail:
                raw[f"note_{fail}"] = RETURN_NOTE
                return {**raw, "outcome": ReviewOutcome.SUPPLEMENT, "opinion": RETURN_REASON}
            return {**raw, "outcome": ReviewOutcome.APPROVE, "opinion": APPROVE_OPINION}
        if step == "notify":
            return {"opinion": "直接送达行政处罚告知书，当事人签收。"}
        if step == "decide":
            waived = plan.spec.party_waived
            opinion = (
                "当事人书面放弃陈述、申辩权利，同意作出行政处罚决定。"
                if waived
                else "当事人在规定期限内未提出陈述、申辩，同意作出行政处罚决定。"
            )
            return {"party_waived": waived, "opinion": opinion}
        if step == "decide_no_penalty":
            return {"opinion": "同意不予行政处罚，责令当事人保持整改成效。"}
        if step == "decide_on_spot":
            return {
                "served_to": representative,
                "place": f"{case.party_name}经营场所",
                # 行政处罚法 art. 68: only fines up to 100 元 are collected on the spot.
                "paid_on_spot": (case.proposed_fine or Decimal("0")) <= Decimal("100"),
                "receipt_number": f"苏财罚{today:%Y}{self.rng.randint(100000, 999999)}",
            }
        if step == "file_simple":
            return {"opinion": "已备案。"}
        if step == "serve":
            served = timezone.localtime() - timedelta(minutes=self.rng.randint(10, 30))
            return {
                "method": "direct",
                "served_at": served.strftime("%Y-%m-%d %H:%M:%S"),
                "place": case.party_address,
                "recipient_name": representative,
                "recipient_title": "法定代表人",
            }
        if step == "record_payment":
            return {
                "kind": "fine",
                "amount": str(case.fine_outstanding),
                "paid_on": today.isoformat(),
                "receipt_number": f"JS{today:%Y%m%d}{self.rng.randint(1000, 9999)}",
            }
        if step == "close":
            return {"opinion": "罚款已缴纳，案件执行完毕，同意结案。"}
        if step == "archive":
            return {"opinion": "案卷材料齐全，装订归档。"}
        if step == "revoke":
            return {"opinion": REVOKE_REASON}
        raise AssertionError(step)


def cases_present() -> bool:
    return Case.objects.filter(board__in=demo_boards()).exists()


def generate_cases(
    rng: random.Random, *, today: date | None = None, log: Callable[[str], None] | None = None
) -> CaseCounts:
    """The demo's penalty cases (see the module's docstring); nothing when demo boards have cases."""
    log = log or (lambda message: None)
    counts = CaseCounts()
    if cases_present():
        counts.existing = True
        return counts
    today = today or timezone.localdate()
    builder = CaseBuilder(rng, today, log)
    if not builder.violations:
        counts.skipped = "没有生效的裁量基准，请先运行 zhifa migrate"
        return counts
    users = builder.accounts()
    if users is None:
        counts.skipped = "没有演示账号或具备法律职业资格的法制审核员"
        return counts
    log("正在生成行政处罚案件（立案、调查、法制审核、告知、决定、送达、执行、结案、归档及文书）……")
    plans = builder.plan(users)
    builder.run(plans)
    return builder.counts
