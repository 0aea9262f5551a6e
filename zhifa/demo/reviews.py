"""Case-file reviews in the demo: a finished quarterly review (案卷评审), a finished annual contest
(案卷评比) with its prizes, and a monthly review still being scored, so that the review results, the
boards' ranking, the awards and the monthly bulletin's "案卷评查平均分" show real figures, and a demo
reviewer finds files waiting in "我的评查案卷".

The rounds draw from the closed and archived penalty cases the demo has: the few taken through the case
services (``zhifa.demo.cases``) and the two years of generated history (``zhifa.demo.history``), whose
bulk-created case files are empty, so the pre-check reports their missing documents; the reviewers'
scores stand for the paper files. With fewer cases (no history, a small district) the rounds draw what
there is, and a round without any closed file in its period is left out.

Everything goes through ``zhifa.reviews.services`` as the district leader (``leader``) and the drawn
reviewers would do it: the round is created, its files drawn with a committed seed (commit, draw,
reveal, each in the audit chain, verifiable with ``zhifa reviews verify``), scoring opened (the
automatic pre-check), one score sheet submitted per file by its reviewer, the round finished. The steps
are replayed on the days they would have happened (``zhifa.demo.inspections.replay_clock``): the draw a
few working days after the period, the scores over the following working days, the end of the round
before today.

Scores are drawn around realistic values: most files between 70 and 95 (each board with its own level,
so the ranking means something), points deducted item by item with the reviewer's note, and now and
then a veto with its reason.

Determinism: the draws' seeds come from the given ``random.Random`` instead of the system's generator
(still committed before they pick anything), and everything else is drawn from it in a fixed order, so
the same demo seed gives the same rounds. Idempotence: nothing is done when any round exists.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.core import calendar
from zhifa.demo.inspections import replay_clock
from zhifa.reviews import services
from zhifa.reviews.choices import RoundKind
from zhifa.reviews.models import ReviewRound, Rubric, RubricItem

#: The scoring standard seeded by the reviews' migration (used when published; else the latest published).
RUBRIC_NAME = "行政处罚案卷评查评分标准（示例）"
ORGANISER = "leader"
#: The monthly round still being scored is given to these reviewers; the first two leave theirs unscored.
MONTH_POOL = ("brigade1", "b100_officer", "brigade2", "brigade3")
QUEUE = ("brigade1", "b100_officer")
PER_BOARD = {"quarter": 3, "contest": 2, "month": 1}
#: A file's total as a share of the points (out of 100): the district's mean, a board's spread around it,
#: a file's spread around its board's level, and the range kept to.
MEAN, BOARD_SD, FILE_SD, LOWEST, HIGHEST = 84.0, 3.0, 5.0, 56.0, 98.5
VETO_SHARE = 0.04
#: Points deducted in steps of these sizes (the standard's points are given in halves).
STEPS = (Decimal("0.5"), Decimal("1"), Decimal("1"), Decimal("2"), Decimal("3"))
HALF = Decimal("0.5")

#: What reviewers write beside a deduction, by item code of the seeded standard.
NOTES = {
    "f_cover": ("卷内目录与文书页码不一致", "卷皮案由填写不规范", "卷内目录缺少文书名称"),
    "f_order": ("文书未按办案顺序排列", "送达回证装订在决定书之前"),
    "f_writing": ("询问笔录有涂改未经当事人确认", "文书用语不规范，违法事实表述口语化", "文书编号格式不统一"),
    "f_signatures": (
        "现场检查记录缺少执法人员签名日期",
        "送达回证缺少受送达人签名",
        "审批表缺少负责人签署日期",
    ),
    "f_binding": ("页码编写不连续", "备考表未填写", "装订不整齐，部分材料松散"),
    "c_registration": ("立案审批超过规定时限", "案件来源登记不完整"),
    "c_investigation": (
        "询问笔录未问明当事人单位基本情况",
        "现场照片未注明拍摄时间、地点和拍摄人",
        "证据之间未能相互印证，缺少书证",
        "未收集当事人营业执照复印件",
    ),
    "c_facts_law": ("违法事实表述不完整，缺少时间、地点要素", "引用法律条款未具体到项"),
    "c_discretion": ("裁量理由说明过于简单", "未说明适用从轻情节的依据"),
    "c_rights": ("陈述申辩复核意见不明确", "告知书未载明听证权利的申请期限"),
    "c_decision": ("决定书未载明履行方式", "送达方式记载不完整"),
    "c_execution": ("结案审批表内容填写不全", "罚没款票据复印件不清晰"),
}
GENERIC_NOTE = "材料不够完整"
#: The reasons reviewers give for a veto, by item code of the seeded standard.
VETO_REASONS = {
    "v_two_officers": "现场检查记录和询问笔录仅有一名执法人员签名，调查取证时执法人员少于两人。",
    "v_evidence": "认定违法事实的主要证据仅有现场照片，无检查记录或询问笔录印证，主要证据不足。",
    "v_procedure": "卷内无陈述申辩权利告知的送达记录，未告知当事人陈述、申辩权利即作出处罚决定。",
    "v_law": "处罚依据引用的条款与认定的违法行为不对应，适用法律错误。",
}
GENERIC_VETO = "经评查，案卷存在否决项所列情形，详见评查意见。"


@dataclass
class ReviewCounts:
    rounds: list[str] = field(default_factory=list)
    finished: int = 0
    files: int = 0
    scored: int = 0
    vetoed: int = 0
    pending: int = 0
    points: Decimal = Decimal("0")
    #: Rounds not organised: no closed file in the period / the draw refused (the reason is logged).
    left_out: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    existing: bool = False
    skipped: str = ""

    def summary(self) -> str:
        if self.existing:
            return "案卷评查已存在，未重复生成"
        if self.skipped:
            return f"未生成案卷评查（{self.skipped}）"
        if not self.rounds:
            return f"未生成案卷评查（{self.missing()}）"
        average = f"，平均 {self.points / self.scored:.1f} 分" if self.scored else ""
        text = (
            f"案卷评查 {len(self.rounds)} 轮（{'、'.join(self.rounds)}；已结束 {self.finished} 轮），"
            f"抽取案卷 {self.files} 份，已评分 {self.scored} 份（触及否决项 {self.vetoed} 份{average}），"
            f"待评分 {self.pending} 份"
        )
        return text + (f"；{self.missing()}" if self.left_out or self.refused else "")

    def missing(self) -> str:
        parts = []
        if self.left_out:
            parts.append(f"{'、'.join(self.left_out)}期间没有已结案的案件，未组织")
        if self.refused:
            parts.append(f"{'、'.join(self.refused)}无法抽取案卷，未组织")
        return "；".join(parts)


@dataclass(frozen=True)
class _Plan:
    key: str  # "quarter" | "contest" | "month"
    name: str
    kind: str
    start: date
    end: date
    draw: date
    finish: date | None  # None: left in scoring
    awards_text: str = ""


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _working_days_after(day: date, n: int) -> date:
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if calendar.is_workday(day):
            counted += 1
    return day


def _days(period_end: date, today: date, draw_after: int, finish_after: int) -> tuple[date, date] | None:
    """The day of the draw and of the round's end: working days after the period, both before today."""
    latest = today - timedelta(days=1)
    if period_end >= latest:
        return None
    draw = min(_working_days_after(period_end, draw_after), latest)
    return draw, min(_working_days_after(draw, finish_after), latest)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def plans(today: date) -> list[_Plan]:
    """The three rounds for a run on ``today``: the last full quarter (reviewed in the next one's first
    weeks), last year's contest (held early in the year), last month's review (drawn, being scored)."""
    out = []
    start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    while True:  # the latest quarter whose review could have ended before today
        end = start - timedelta(days=1)
        start = date(end.year, end.month - 2, 1)
        days = _days(end, today, 5, 10)
        if days:
            quarter = "一二三四"[(start.month - 1) // 3]
            name = f"{start.year}年第{quarter}季度行政处罚案卷评审"
            out.append(_Plan("quarter", name, RoundKind.REVIEW, start, end, *days))
            break
    year = today.year - 1
    while (days := _days(date(year, 12, 31), today, 10, 15)) is None:
        year -= 1
    out.append(
        _Plan(
            "contest",
            f"{year}年度行政处罚案卷评比",
            RoundKind.CONTEST,
            date(year, 1, 1),
            date(year, 12, 31),
            *days,
            awards_text="一等奖 1 件、二等奖 2 件、三等奖 3 件；获奖案卷在全区通报表扬，"
            "作为优秀案卷范本组织学习，并计入承办人员年度执法考核。",
        )
    )
    end = _month_start(today) - timedelta(days=1)
    while (days := _days(end, today, 3, 0)) is None:
        end = _month_start(end) - timedelta(days=1)
    start = _month_start(end)
    out.append(
        _Plan(
            "month",
            f"{start.year}年{start.month}月行政处罚案卷评查",
            RoundKind.REVIEW,
            start,
            end,
            days[0],
            None,
        )
    )
    return out


@contextmanager
def seeded_draws(rng: random.Random) -> Iterator[None]:
    """The draws' seeds from ``rng`` (32 bytes, committed by the service before use) while inside."""
    real = services.secrets

    def token_hex(n: int = 32) -> str:
        return rng.getrandbits(8 * n).to_bytes(n, "big").hex()

    setattr(services, "secrets", SimpleNamespace(token_hex=token_hex))  # noqa: B010
    try:
        yield
    finally:
        setattr(services, "secrets", real)  # noqa: B010


class ReviewBuilder:
    def __init__(self, rng: random.Random, today: date, log: Callable[[str], None]):
        self.rng = rng
        self.today = today
        self.log = log
        self.counts = ReviewCounts()
        self.levels: dict[int, float] = {}

    def rubric(self) -> Rubric | None:
        published = Rubric.objects.published()
        return (
            published.filter(name=RUBRIC_NAME).order_by("-version").first()
            or published.order_by("-published_at", "-pk").first()
        )

    def level(self, board_id: int) -> float:
        """A board's usual score: drawn once per board, in the order boards first come up."""
        if board_id not in self.levels:
            self.levels[board_id] = self.rng.gauss(MEAN, BOARD_SD)
        return self.levels[board_id]

    # --- one score sheet ------------------------------------------------------------------------------

    def entries(self, items: list[RubricItem], board_id: int) -> tuple[dict[str, services.Entry], str]:
        rng = self.rng
        scored = [i for i in items if not i.is_veto]
        full = sum((i.max_points for i in scored), Decimal("0"))
        share = min(max(rng.gauss(self.level(board_id), FILE_SD), LOWEST), HIGHEST)
        target = (full * Decimal(str(share)) / 100 / HALF).quantize(Decimal("1")) * HALF
        points = {i.code: i.max_points for i in scored}
        notes: dict[str, list[str]] = {}
        deduct = full - target
        while deduct > 0:
            room = [i for i in scored if points[i.code] > 0]
            if not room:
                break
            item = rng.choices(room, weights=[float(i.max_points) for i in room])[0]
            step = min(rng.choice(STEPS), deduct, points[item.code])
            points[item.code] -= step
            deduct -= step
            note = rng.choice(NOTES.get(item.code, (GENERIC_NOTE,)))
            if note not in notes.setdefault(item.code, []):
                notes[item.code].append(note)
        entries = {
            i.code: services.Entry(points=points[i.code], note="；".join(notes.get(i.code, [])))
            for i in scored
        }
        vetoes = [i for i in items if i.is_veto]
        veto = None
        if vetoes and rng.random() < VETO_SHARE:
            known = [i for i in vetoes if i.code in VETO_REASONS]
            veto = rng.choice(known or vetoes)
            entries[veto.code] = services.Entry(veto=True, note=VETO_REASONS.get(veto.code, GENERIC_VETO))
        for item in vetoes:
            entries.setdefault(item.code, services.Entry(veto=False))
        return entries, self.comment(scored, notes, target, veto)

    @staticmethod
    def comment(scored: list[RubricItem], notes: dict, total: Decimal, veto: RubricItem | None) -> str:
        if veto is not None:
            return f"触及否决项“{veto.title}”，案卷评为不合格。"
        lost = [i.title for i in scored if i.code in notes]
        if total >= 90:
            return "案卷材料齐全，文书规范，证据充分。" + (f"{lost[0]}稍有不足。" if lost else "")
        return f"案卷基本规范；主要扣分在{'、'.join(lost[:3])}。" if lost else "案卷基本规范。"

    # --- one round --------------------------------------------------------------------------------------

    def pool(self, plan: _Plan) -> list[User] | None:
        if plan.key != "month":
            return None  # everyone who may review (the service's default)
        users = {u.username: u for u in User.objects.filter(username__in=MONTH_POOL, is_active=True)}
        chosen = [users[name] for name in MONTH_POOL if name in users]
        return chosen if len(chosen) >= 2 else None

    def draw(self, plan: _Plan, rubric: Rubric, organiser: User, clock) -> ReviewRound | None:
        """The round created and its files drawn; None (and nothing kept) when it cannot be drawn."""
        clock.moment = _at(plan.draw, 9, 0)
        round_ = ReviewRound(
            name=plan.name,
            kind=plan.kind,
            period_start=plan.start,
            period_end=plan.end,
            per_board=PER_BOARD[plan.key],
            rubric=rubric,
            awards_text=plan.awards_text,
        )
        if not services.candidate_cases(round_).exists():
            self.counts.left_out.append(plan.name)
            return None
        pool = self.pool(plan)
        for attempt in (pool, None) if pool else (None,):
            try:
                with transaction.atomic():
                    saved = services.save_round(round_, user=organiser, pool=attempt or [])
                    clock.moment = _at(plan.draw, 9, 30)
                    return services.sample(saved, user=organiser)
            except services.ReviewError as exc:  # a file nobody of the named pool may review
                round_.pk = None
                round_._state.adding = True
                self.log(f"{plan.name}：{'；'.join(exc.messages)}")
        self.counts.refused.append(plan.name)
        return None

    def moments(self, plan: _Plan, n: int) -> list[datetime]:
        """When the files were scored: working hours from the draw to the round's end (or yesterday)."""
        last = plan.finish or self.today - timedelta(days=1)
        days = [plan.draw + timedelta(days=d) for d in range((last - plan.draw).days + 1)]
        days = [d for d in days if calendar.is_workday(d)] or [plan.draw]
        moments = []
        for _ in range(n):
            day = self.rng.choice(days)
            moments.append(_at(day, 10, 30) + timedelta(minutes=self.rng.randint(0, 390)))
        return sorted(moments)

    def run(self, plan: _Plan, rubric: Rubric, organiser: User, clock) -> None:
        round_ = self.draw(plan, rubric, organiser, clock)
        if round_ is None:
            return
        clock.moment = _at(plan.draw, 10, 0)
        round_ = services.start_scoring(round_, user=organiser)
        items = list(rubric.items.order_by("order", "pk"))
        files = list(round_.assignments.select_related("reviewer").order_by("position"))
        queue = set() if plan.finish else set(QUEUE)
        to_score = [a for a in files if a.reviewer.username not in queue]
        for assignment, moment in zip(to_score, self.moments(plan, len(to_score)), strict=True):
            entries, comment = self.entries(items, assignment.board_id)
            clock.moment = moment
            sheet = services.submit_score(
                assignment, user=assignment.reviewer, entries=entries, comment=comment
            )
            self.counts.scored += 1
            self.counts.vetoed += sheet.vetoed
            self.counts.points += sheet.total
        if plan.finish is not None:
            clock.moment = _at(plan.finish, 17, 30)
            services.finish(round_, user=organiser)
            self.counts.finished += 1
        self.counts.rounds.append(plan.name)
        self.counts.files += len(files)
        self.counts.pending += len(files) - len(to_score)


def generate_reviews(
    rng: random.Random, *, today: date | None = None, log: Callable[[str], None] | None = None
) -> ReviewCounts:
    """The demo's case-file reviews (see the module's docstring); nothing when any round exists."""
    log = log or (lambda message: None)
    if ReviewRound.objects.exists():
        return ReviewCounts(existing=True)
    today = today or timezone.localdate()
    builder = ReviewBuilder(rng, today, log)
    rubric = builder.rubric()
    organiser = User.objects.filter(username=ORGANISER, is_active=True).first()
    if rubric is None:
        builder.counts.skipped = "没有已发布的案卷评查标准，请先运行 zhifa migrate"
        return builder.counts
    if organiser is None or not organiser.has_perm(services.ORGANISE):
        builder.counts.skipped = f"没有可组织评查的演示账号 {ORGANISER}"
        return builder.counts
    log("正在生成案卷评查（抽取案卷、预检、评分、排名及评比奖项）……")
    with seeded_draws(rng), replay_clock() as clock:
        for plan in plans(today):
            builder.run(plan, rubric, organiser, clock)
    return builder.counts
