"""Fictitious production-safety accidents in the demo's boards over two years, so that the 双下降 table
compares real figures: last year whole, this year up to yesterday.

Each board has its own rate (some boards improve, some do not); most accidents are 一般 with no or one
death, a few reach 较大. About two in three happen at a registered (fictitious) enterprise of the board,
the rest at units named with the demo mark. Some were reported late, some had a casualty update (an
injured worker who later died), older ones have their investigation report.

Everything is saved through ``zhifa.accidents.services`` (validation, level from the thresholds,
casualty updates), in the demo's audit context. Idempotent: nothing is done when accidents exist.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from zhifa.accidents import services
from zhifa.accidents.choices import AccidentCategory
from zhifa.accidents.models import Accident
from zhifa.demo import data
from zhifa.enterprises.choices import Sector
from zhifa.enterprises.models import Enterprise
from zhifa.orgs.models import Region

#: Accidents per board in a whole year: a board's rate is drawn from this range …
YEARLY_RATE = (0.6, 3.2)
#: … and this year's rate is last year's times a factor from this range (most boards improve).
TREND = (0.35, 1.35)
DEATHS = ((0, 52), (1, 38), (2, 6), (3, 4))
KINDS = (
    ("机械伤害", "设备防护装置缺失，操作人员违章进入危险区域"),
    ("物体打击", "物料堆放不稳，作业人员未佩戴安全帽"),
    ("高处坠落", "登高作业未系安全带，临边防护缺失"),
    ("触电", "临时用电线路破损，未设置漏电保护"),
    ("起重伤害", "吊索具磨损未及时更换，吊装区域未设警戒"),
    ("中毒和窒息", "有限空间作业未执行先通风、再检测、后作业"),
    ("火灾", "动火作业未清理可燃物，现场无监护人"),
    ("车辆伤害", "厂内叉车超速行驶，视线受阻"),
)
PLACES = ("生产车间", "仓库", "装卸区", "配电房", "污水处理池", "厂区道路", "车间屋面", "原料堆场")
#: Units not in the registry, with their GB/T 4754 industry.
UNREGISTERED_UNITS = (
    ("建筑工程队", "4790", AccidentCategory.OTHER),
    ("装饰工程部", "5011", AccidentCategory.OTHER),
    ("物流运输队", "5431", AccidentCategory.OTHER),
    ("五金加工厂", "3399", AccidentCategory.INDUSTRY_TRADE),
)
#: The accident category of a registered enterprise, from its sector.
CATEGORY_OF_SECTOR = {
    Sector.HAZARDOUS_CHEMICALS: AccidentCategory.CHEMICAL,
    Sector.FIREWORKS: AccidentCategory.FIREWORKS,
    Sector.MINING: AccidentCategory.MINE,
    Sector.INDUSTRY_TRADE: AccidentCategory.INDUSTRY_TRADE,
}
LATE_REPORT_SHARE = 0.08
#: Of fires and vehicle accidents, the share that are fires or road accidents in the regulation's sense.
FIRE_OR_ROAD_SHARE = 0.5
#: Of accidents with serious injuries, the share where an injured worker later died (a casualty update).
UPDATE_SHARE = 0.4
REGISTERED_SHARE = 0.65


@dataclass
class AccidentCounts:
    by_year: dict[int, int] = field(default_factory=dict)
    deaths: dict[int, int] = field(default_factory=dict)
    updates: int = 0
    existing: bool = False

    def summary(self) -> str:
        if self.existing:
            return "事故数据已存在，未重复生成"
        years = "、".join(
            f"{y} 年 {n} 起（死亡 {self.deaths.get(y, 0)} 人）" for y, n in sorted(self.by_year.items())
        )
        return f"生产安全事故 {years}，伤亡人数补报 {self.updates} 条"


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (small means only)."""
    n, total = 0, rng.expovariate(1.0)
    while total < mean:
        n += 1
        total += rng.expovariate(1.0)
    return n


def demo_boards() -> list[Region]:
    codes = [data.DISTRICT_CODE + b.suffix for b in data.BOARDS]
    return list(Region.objects.boards().filter(code__in=codes).order_by("sort_order", "code"))


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    hour = _weighted(rng, ((h, 3 if 8 <= h <= 17 else 1) for h in range(24)))
    return timezone.make_aware(datetime.combine(day, time(hour, rng.randint(0, 59))))


def generate_accidents(
    rng: random.Random, years: Sequence[int] = (2025, 2026), *, today: date | None = None
) -> AccidentCounts:
    """Accidents in every demo board for ``years`` (a past year whole, the current one up to yesterday)."""
    counts = AccidentCounts()
    if Accident.objects.exists():
        counts.existing = True
        return counts
    today = today or timezone.localdate()
    fake = Faker("zh_CN")
    fake.seed_instance(rng.random())
    boards = demo_boards()
    enterprises = {
        board.pk: list(Enterprise.objects.filter(board=board, is_fictitious=True).order_by("pk")[:400])
        for board in boards
    }
    now = timezone.now()
    for board in boards:
        rate = rng.uniform(*YEARLY_RATE)
        factor = rng.uniform(*TREND)
        for year in sorted(years):
            if year > today.year:
                continue
            first = date(year, 1, 1)
            last = date(year, 12, 31) if year < today.year else today - timedelta(days=1)
            if last < first:
                continue
            share = ((last - first).days + 1) / 365
            mean = rate * share * (factor if year == max(years) else 1)
            for _ in range(_poisson(rng, mean)):
                accident = _accident(rng, fake, board, enterprises[board.pk], _moment(rng, first, last), now)
                services.save_accident(accident)
                counts.by_year[year] = counts.by_year.get(year, 0) + 1
                if accident.serious_injuries and rng.random() < UPDATE_SHARE:
                    at = accident.occurred_at + timedelta(days=rng.randint(1, accident.casualty_window_days))
                    if at < now:
                        services.add_casualty_update(
                            accident,
                            at=at,
                            deaths=accident.deaths + 1,
                            serious_injuries=accident.serious_injuries - 1,
                            acute_poisonings=min(accident.acute_poisonings, accident.serious_injuries - 1),
                            missing=accident.missing,
                            note="重伤人员经抢救无效死亡（演示）",
                        )
                        counts.updates += 1
                counts.deaths[year] = counts.deaths.get(year, 0) + accident.deaths
    return counts


def _accident(rng, fake, board, enterprises, occurred: datetime, now: datetime) -> Accident:
    kind, cause = rng.choice(KINDS)
    deaths = _weighted(rng, DEATHS)
    injured = _weighted(rng, ((0, 50), (1, 30), (2, 12), (3, 6), (11, 2)))
    poisoned = min(injured, rng.randint(1, 2)) if kind == "中毒和窒息" and injured else 0
    loss = Decimal(rng.randint(30, 1800) * 1000) + Decimal(deaths * rng.randint(80, 160) * 10000)
    delay = (
        timedelta(minutes=rng.randint(70, 240))
        if rng.random() < LATE_REPORT_SHARE
        else timedelta(minutes=rng.randint(8, 55))
    )
    enterprise = rng.choice(enterprises) if enterprises and rng.random() < REGISTERED_SHARE else None
    if enterprise is not None:
        unit_name, industry = enterprise.name, enterprise.industry_id
        category = CATEGORY_OF_SECTOR.get(enterprise.sector, AccidentCategory.OTHER)
    else:
        trade, industry, category = rng.choice(UNREGISTERED_UNITS)
        unit_name = f"{fake.last_name()}某{trade}{data.MARK}"
    accident = Accident(
        board=board,
        enterprise=enterprise,
        unit_name=unit_name,
        industry_id=industry,
        occurred_at=occurred,
        reported_at=min(occurred + delay, now),
        place=f"{board.name}{fake.street_name()}{rng.randint(1, 300)}号{rng.choice(PLACES)}",
        category=category,
        deaths=deaths,
        serious_injuries=injured,
        acute_poisonings=poisoned,
        missing=0,
        direct_loss=loss,
        is_fire_or_road=kind in ("火灾", "车辆伤害") and rng.random() < FIRE_OR_ROAD_SHARE,
        cause=f"{kind}：{cause}（演示）",
        summary=(
            f"{timezone.localtime(occurred):%Y年%m月%d日%H时%M分}，{fake.name()}在{rng.choice(PLACES)}作业时发生{kind}事故"
            f"，造成{deaths}人死亡、{injured}人重伤。（演示数据，虚构）"
        ),
    )
    age = (now - occurred).days
    if age > 45:
        accident.investigation_extended = deaths >= 3 and rng.random() < 0.5
        limit = 110 if accident.investigation_extended else 58
        done = rng.randint(25, limit)
        if done < age:
            accident.investigation_report_on = timezone.localtime(occurred).date() + timedelta(days=done)
    return accident
