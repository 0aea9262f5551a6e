"""A fictitious year of training up to yesterday: district-wide 集中培训 and 案卷评比 with exams, the
brigade's own drills, and in every demo board 轮流授课 (officers lecturing in turn), 岗位练兵 and
交叉执法 exercises; attendance with hours and exam scores. Hours vary by officer (attendance rates
differ), so the hours page shows some officers short of the requirement and the readiness page
some certificate holders not ready to renew. One district session next month is planned, without
attendance yet.

The year's requirement (40 hours, pass mark 60) is created when missing. Sessions and attendance are
bulk-created (like the rest of the demo's registry data; the demo's summary row records the run), with
the pass decided by ``Attendance.grade`` as the services do. Idempotent: nothing is done when the year
already has sessions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from zhifa.demo.accidents import demo_boards
from zhifa.orgs.choices import Employment, Post, RegionKind
from zhifa.orgs.models import Officer, Region
from zhifa.training.choices import TrainingKind
from zhifa.training.models import Attendance, TrainingRequirement, TrainingSession

DEMO_HOURS_REQUIRED = Decimal("40")
DEMO_PASS_MARK = Decimal("60")

DISTRICT_TOPICS = (
    "《安全生产法》重点条款解读",
    "行政处罚法与执法程序规范",
    "重大事故隐患判定标准解读",
    "危险化学品企业安全检查要点",
    "工贸企业有限空间作业检查",
    "执法文书制作与证据固定",
    "粉尘涉爆企业检查要点",
    "执法记录仪使用与全过程记录",
)
BOARD_TOPICS = (
    "冶金企业煤气区域检查实务",
    "消防与应急疏散检查",
    "涉氨制冷企业检查要点",
    "现场检查记录填写规范",
    "责令整改指令书的适用",
    "企业安全生产标准化评审要点",
    "电气安全检查实务",
    "起重机械安全检查",
    "安全生产违法行为行政处罚办法",
)
DRILL_TOPICS = ("现场检查模拟演练", "执法文书制作练兵", "隐患排查实操练兵", "案例研讨与现场取证")


@dataclass
class TrainingCounts:
    sessions: int = 0
    attendances: int = 0
    exams: int = 0
    existing: bool = False

    def summary(self) -> str:
        if self.existing:
            return "本年度培训数据已存在，未重复生成"
        return f"执法培训 {self.sessions} 次，出勤登记 {self.attendances} 人次（考试 {self.exams} 人次）"


def _dates(rng: random.Random, first: date, last: date, n: int) -> list[date]:
    """``n`` working-week days spread over [first, last]."""
    span = (last - first).days
    if span < 0:
        return []
    days = []
    for k in range(n):
        day = first + timedelta(days=int(span * (k + rng.uniform(0.1, 0.9)) / n))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        days.append(max(day, first))
    return days


def _score(rng: random.Random) -> Decimal:
    return Decimal(str(round(min(100.0, max(30.0, rng.gauss(77, 11))) * 2) / 2))


def generate_training(rng: random.Random, year: int, *, today: date | None = None) -> TrainingCounts:
    counts = TrainingCounts()
    today = today or timezone.localdate()
    if TrainingSession.objects.in_year(year).exists():
        counts.existing = True
        return counts
    requirement, _ = TrainingRequirement.objects.get_or_create(
        year=year,
        defaults={
            "hours_required": DEMO_HOURS_REQUIRED,
            "exam_pass_mark": DEMO_PASS_MARK,
            "source": "演示值：每名执法人员每年参训不少于 40 学时，考试 60 分合格",
        },
    )
    pass_mark = requirement.exam_pass_mark
    first = date(year, 1, 5)
    last = min(date(year, 12, 31), today - timedelta(days=1))
    boards = demo_boards()
    district = Region.objects.filter(kind=RegionKind.DISTRICT).order_by("pk").first()
    staff = list(
        Officer.objects.filter(active=True, employment=Employment.STAFFED, unit__in=[*boards, district])
        .select_related("unit")
        .order_by("unit__sort_order", "pk")
    )
    by_unit: dict[int, list[Officer]] = {}
    for officer in staff:
        by_unit.setdefault(officer.unit_id, []).append(officer)
    # How keen each officer is: the chance of attending a session they are expected at.
    keenness = {o.pk: rng.uniform(0.55, 0.98) for o in staff}
    plan: list[tuple[TrainingSession, list[Officer], bool]] = []  # session, expected, with exam

    def add(board, kind, title, day, hours, expected, exam=False, lecturer=None, place=""):
        session = TrainingSession(
            board=board,
            kind=kind,
            title=title,
            date=day,
            hours=Decimal(hours),
            lecturer=lecturer,
            place=place,
            note="演示数据",
        )
        plan.append((session, expected, exam))

    district_place = "区应急管理局三楼会议室"
    for n, day in enumerate(_dates(rng, first, last, 6)):
        add(
            None,
            TrainingKind.CENTRALIZED,
            DISTRICT_TOPICS[n % len(DISTRICT_TOPICS)],
            day,
            "4",
            staff,
            exam=n % 3 == 2,
            place=district_place,
        )
    legal = [o for o in staff if o.post in (Post.LEGAL_REVIEWER, Post.BOARD_LEADER, Post.BRIGADE_CAPTAIN)]
    for day in _dates(rng, first, last, 2):
        sample = legal + rng.sample(staff, min(len(staff), 30))
        add(
            None,
            TrainingKind.CASE_REVIEW,
            f"{day.year} 年度执法案卷评比",
            day,
            "4",
            list({o.pk: o for o in sample}.values()),
            exam=True,
            place=district_place,
        )
    brigade = (
        [
            o
            for o in by_unit.get(district.pk, [])
            if o.post in (Post.BRIGADE_OFFICER, Post.BRIGADE_VICE_CAPTAIN, Post.BRIGADE_CAPTAIN)
        ]
        if district
        else []
    )
    for n, day in enumerate(_dates(rng, first, last, 9)):
        add(
            None,
            TrainingKind.DRILL,
            f"执法大队{DRILL_TOPICS[n % len(DRILL_TOPICS)]}",
            day,
            "3",
            brigade,
            place="执法大队训练室",
        )
    for board in boards:
        people = by_unit.get(board.pk, [])
        if not people:
            continue
        place = f"{board.name}安监办会议室"
        for n, day in enumerate(_dates(rng, first, last, rng.randint(7, 9))):
            lecturer = people[n % len(people)]
            add(
                board,
                TrainingKind.ROTATING,
                BOARD_TOPICS[(n + board.pk) % len(BOARD_TOPICS)],
                day,
                "2",
                people,
                lecturer=lecturer,
                place=place,
            )
        for n, day in enumerate(_dates(rng, first, last, rng.randint(2, 4))):
            add(board, TrainingKind.DRILL, DRILL_TOPICS[n % len(DRILL_TOPICS)], day, "3", people, place=place)
        for day in _dates(rng, first, last, 1):
            add(board, TrainingKind.CROSS, "交叉执法检查实训", day, "6", people, place="交叉检查企业现场")
    upcoming = today + timedelta(days=rng.randint(10, 25))
    if upcoming.year == year:
        add(
            None,
            TrainingKind.CENTRALIZED,
            "年度执法资格考试考前培训",
            upcoming,
            "4",
            [],
            place=district_place,
        )

    sessions = TrainingSession.objects.bulk_create([session for session, _, _ in plan])
    rows = []
    for session, (_, expected, exam) in zip(sessions, plan, strict=True):
        if session.date >= today:
            continue
        for officer in expected:
            if rng.random() > keenness[officer.pk]:
                continue
            attendance = Attendance(
                session=session,
                officer=officer,
                attended=True,
                hours=session.hours if rng.random() < 0.93 else session.hours / 2,
                exam_score=_score(rng) if exam else None,
            )
            attendance.grade(pass_mark)
            rows.append(attendance)
            counts.exams += exam
    Attendance.objects.bulk_create(rows, batch_size=1000)
    counts.sessions, counts.attendances = len(sessions), len(rows)
    return counts
