"""Build the demo district (and, for benchmarks, N copies of it) deterministically.

One *copy* is one district's worth of data: 14 boards, each staffed 1+3+6, a brigade of 39 certified
officers (so 14 × 4 + 39 = 95 certified), 155 experts in the seven groups, about 8,000 enterprises
classified by the rule in force, equipment, secondments and pairings. Copy 1 is 武进区's real boards
(REFERENCE §1); copies 2…N (``zhifa synth``) get boards named 湖塘镇(2) … with free fictitious codes,
all under the same district.

Determinism: copy ``k`` draws from ``random.Random("zhifa-demo:{seed}:{k}")`` and a Faker seeded the same
way, so the same seed gives the same data with the pinned Faker (requirements.lock). Dates are relative
to the day of the run, so that certificates are valid "today" whenever the demo is built.

Idempotence: a copy whose first board already has fictitious officers is skipped; everything is
written in one transaction, so a copy is either complete or absent. Accounts are reconciled on every
run (created or updated, password reset to the one given).

Auditing: rows are bulk-created, which bypasses the per-row audit signals; the regions and the accounts
are saved one by one (and so recorded), and the run ends with one summary row ``AuditAction.SYSTEM``.
The demo refuses to touch a database that holds real (non-fictitious) officers, experts or enterprises.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from itertools import accumulate
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from faker import Faker

from zhifa.core.audit import audit_context, record
from zhifa.core.choices import AuditAction
from zhifa.demo import data, identifiers
from zhifa.demo.accidents import AccidentCounts, generate_accidents
from zhifa.demo.cases import CaseCounts, generate_cases
from zhifa.demo.history import HistoryCounts, generate_history
from zhifa.demo.inspections import ActivityCounts, build_activity
from zhifa.demo.planning import build_planning
from zhifa.demo.reviews import ReviewCounts, generate_reviews
from zhifa.demo.training import TrainingCounts, generate_training
from zhifa.enterprises.choices import (
    ClassificationSource,
    MajorHazardLevel,
    OperatingStatus,
    Scale,
    Sector,
    StandardizationGrade,
)
from zhifa.enterprises.models import Classification, ClassRuleSet, Enterprise, Industry
from zhifa.enterprises.services import Classifier
from zhifa.experts.models import Expert, ExpertAvailability, ExpertConflict, ExpertGroup
from zhifa.orgs.choices import (
    CertificateLevel,
    Employment,
    EquipmentKind,
    EquipmentStatus,
    Post,
    RegionKind,
)
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Region, Secondment

DEFAULT_SEED = 2026
DEFAULT_PASSWORD = "Wujin-Demo-2026"
ENTERPRISES_PER_DISTRICT = 8000
BRIGADE_SIZE = 39
BATCH = 1000


class DemoError(Exception):
    """The demo cannot run on this database (real data present, reference data missing, …)."""


@dataclass
class CopyCounts:
    copy: int
    boards: int = 0
    officers: int = 0
    certified: int = 0
    certificates: int = 0
    experts: int = 0
    enterprises: int = 0
    classes: Counter = field(default_factory=Counter)
    equipment: int = 0
    secondments: int = 0
    pairings: int = 0
    conflicts: int = 0
    availability: int = 0


@dataclass
class BuildReport:
    seed: int
    scale: int
    built: list[CopyCounts]
    skipped: list[int]
    accounts: list = field(default_factory=list)
    #: The month of inspections (``zhifa.demo.inspections``); None when not built on this run.
    activity: ActivityCounts | None = None
    #: Penalty cases in every interesting state (``zhifa.demo.cases``).
    cases: CaseCounts | None = None
    #: Two years of accidents and this year's training (``zhifa.demo.accidents`` / ``training``).
    accidents: AccidentCounts | None = None
    training: TrainingCounts | None = None
    #: Two years of generated history before this month (``zhifa.demo.history``, bulk-created).
    history: HistoryCounts | None = None
    #: Case-file review rounds over the closed cases (``zhifa.demo.reviews``, through the services).
    reviews: ReviewCounts | None = None

    def summary(self) -> str:
        if not self.built:
            text = f"演示数据已存在（第 {_ranges(self.skipped)} 份），未重复生成"
        else:
            total = CopyCounts(0)
            numbers = [f.name for f in fields(CopyCounts) if f.name not in ("copy", "classes")]
            for c in self.built:
                for name in numbers:
                    setattr(total, name, getattr(total, name) + getattr(c, name))
                total.classes.update(c.classes)
            classes = "/".join(f"{k} {total.classes.get(k, 0):,}" for k in "ABCD")
            text = (
                f"演示数据已生成：第 {_ranges([c.copy for c in self.built])} 份（随机种子 {self.seed}），"
                f"板块 {total.boards} 个，人员 {total.officers} 名"
                f"（今日持证 {total.certified} 名，执法证 {total.certificates} 张），"
                f"派驻 {total.secondments} 人、挂钩 {total.pairings} 人，装备 {total.equipment} 件，"
                f"专家 {total.experts} 名（可用时段 {total.availability} 条、回避 {total.conflicts} 条），"
                f"企业 {total.enterprises:,} 家（{classes}），分类记录 {total.enterprises:,} 条"
            )
            if self.skipped:
                text += f"；第 {_ranges(self.skipped)} 份已存在，未重复生成"
        if self.accounts:
            text += f"；演示账号 {len(self.accounts)} 个已核对，密码已重置为指定密码"
        if self.activity is not None:
            text += f"；{self.activity.summary()}"
        for extra in (self.cases, self.accidents, self.training, self.history, self.reviews):
            if extra is not None:
                text += f"；{extra.summary()}"
        return text + "。"


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def max_scale() -> int:
    return 1 + len(data.synthetic_suffixes()) // len(data.BOARDS)


def build(
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    password: str | None = DEFAULT_PASSWORD,
    enterprises_per_district: int = ENTERPRISES_PER_DISTRICT,
    activity: bool = True,
    log=None,
) -> BuildReport:
    """Build copies 1…``scale`` that are missing, reconcile the demo accounts, add a month of
    enforcement activity in 武进区's boards (``activity``; once, and only with the demo accounts), and
    record one summary row.

    ``password=None`` leaves the accounts alone (and creates none).
    """
    if not 1 <= scale <= max_scale():
        raise DemoError(f"规模应在 1–{max_scale()} 之间（可用的虚构区划代码有限）")
    from zhifa.demo.accounts import reconcile_accounts

    log = log or (lambda message: None)
    today = timezone.localdate()
    report = BuildReport(seed=seed, scale=scale, built=[], skipped=[])
    with audit_context(source="cli"), transaction.atomic():
        groups, ruleset = _reference_data()
        _refuse_real_data()
        district = _district()
        context = _Shared.load(district, groups, ruleset, today)
        for copy in range(1, scale + 1):
            if _copy_present(copy):
                report.skipped.append(copy)
                log(f"第 {copy} 份演示数据已存在，跳过（以首次生成时的随机种子为准；换种子请用新数据库）。")
                continue
            log(f"正在生成第 {copy} 份演示数据……")
            report.built.append(CopyBuilder(copy, seed, context, enterprises_per_district).build())
        if password is not None:
            report.accounts = reconcile_accounts(password)
        if activity:
            report.activity = build_activity(seed=seed, today=today, log=log)
            build_planning(seed=seed, today=today, log=log)
            report.cases = generate_cases(random.Random(f"zhifa-demo-cases:{seed}"), today=today, log=log)
            log(report.cases.summary() + "。")
            report.accidents = generate_accidents(
                random.Random(f"zhifa-demo-accidents:{seed}"), years=(today.year - 1, today.year), today=today
            )
            log(report.accidents.summary() + "。")
            report.training = generate_training(
                random.Random(f"zhifa-demo-training:{seed}"), today.year, today=today
            )
            log(report.training.summary() + "。")
            # After the cases made through the services (they are skipped where a board has a case).
            report.history = generate_history(random.Random(f"zhifa-demo-history:{seed}"), today=today)
            log(report.history.summary() + "。")
            # After the cases and the history: the rounds draw from their closed files.
            report.reviews = generate_reviews(
                random.Random(f"zhifa-demo-reviews:{seed}"), today=today, log=log
            )
            log(report.reviews.summary() + "。")
        record(AuditAction.SYSTEM, object_type="demo.dataset", object_id=str(seed), message=report.summary())
    return report


def _reference_data():
    groups = {g.code: g for g in ExpertGroup.objects.filter(code__in=data.EXPERT_GROUP_SIZES)}
    missing = set(data.EXPERT_GROUP_SIZES) - set(groups)
    if missing:
        raise DemoError(f"缺少专家专业组 {sorted(missing)}：请先运行 zhifa migrate（迁移会写入七个专业组）")
    ruleset = ClassRuleSet.current()
    if ruleset is None:
        raise DemoError("没有生效的分类规则版本：请先运行 zhifa migrate，或在“分类规则”中新建一个版本")
    if not Industry.objects.filter(level=4).exists():
        raise DemoError("国民经济行业分类表为空：请先运行 zhifa migrate")
    return groups, ruleset


def _refuse_real_data() -> None:
    real = [
        label
        for label, model in (("执法人员", Officer), ("专家", Expert), ("企业", Enterprise))
        if model.objects.filter(is_fictitious=False).exists()
    ]
    if real:
        raise DemoError(
            f"数据库中已有真实（非演示）{'、'.join(real)}数据：演示数据只能写入空库或演示库，已停止，未做任何修改。"
        )


def _district() -> Region:
    district, _ = Region.objects.get_or_create(
        code=data.DISTRICT_CODE,
        defaults={
            "name": data.DISTRICT_NAME,
            "short_name": data.DISTRICT_SHORT,
            "kind": RegionKind.DISTRICT,
            "agency_name": data.DISTRICT_AGENCY,
        },
    )
    return district


def board_code(copy: int, index: int) -> str:
    if copy == 1:
        return data.DISTRICT_CODE + data.BOARDS[index].suffix
    return data.DISTRICT_CODE + data.synthetic_suffixes()[(copy - 2) * len(data.BOARDS) + index]


def _copy_present(copy: int) -> bool:
    return Officer.objects.filter(unit__code=board_code(copy, 0), is_fictitious=True).exists()


@dataclass
class _Shared:
    """What every copy reads: the district, groups, classifier, industries and the values in use."""

    district: Region
    groups: dict
    classifier: Classifier
    today: date
    class_codes: list[str]
    class_cum_weights: list[float]
    used_ids: set[str]
    used_usccs: set[str]
    used_names: set[str]

    @classmethod
    def load(cls, district, groups, ruleset, today):
        classes = sorted(
            code
            for code in Industry.objects.filter(level=4).values_list("code", flat=True)
            if code[:2] in data.DIVISION_WEIGHTS and code not in data.EXCLUDED_CLASSES
        )
        by_division: dict[str, list[str]] = {}
        for code in classes:
            by_division.setdefault(code[:2], []).append(code)
        weights = []
        for code in classes:
            siblings = by_division[code[:2]]
            share = data.CLASS_WEIGHTS.get(code, 1.0) / sum(data.CLASS_WEIGHTS.get(c, 1.0) for c in siblings)
            weights.append(data.DIVISION_WEIGHTS[code[:2]] * share)
        return cls(
            district=district,
            groups=groups,
            classifier=Classifier(ruleset),
            today=today,
            class_codes=classes,
            class_cum_weights=list(accumulate(weights)),
            used_ids=set(Officer.objects.values_list("id_number", flat=True)),
            used_usccs=set(Enterprise.objects.values_list("uscc", flat=True))
            | set(Expert.objects.values_list("employer_uscc", flat=True)),
            used_names=set(Enterprise.objects.values_list("name", flat=True)),
        )


_T = TypeVar("_T")
#: (value, weight) pairs for ``_weighted``.
_Weights = tuple[tuple[_T, float], ...]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class CopyBuilder:
    """One district's worth of fictitious data, drawn from its own seeded generators."""

    def __init__(self, copy: int, seed: int, shared: _Shared, enterprises: int):
        self.copy = copy
        self.shared = shared
        self.today = shared.today
        self.rng = random.Random(f"zhifa-demo:{seed}:{copy}")
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(f"zhifa-demo:{seed}:{copy}")
        self.target_enterprises = enterprises
        self.counts = CopyCounts(copy)
        self._serial = 0
        #: Each board's share of the enterprises (data.BOARDS' weight), by the board's pk.
        self.board_weights: dict[int, int] = {}

    def build(self) -> CopyCounts:
        boards = self.boards()
        board_staff, brigade = self.officers(boards)
        self.certificates([o for o in [*board_staff, *brigade] if o.post != Post.SAFETY_MANAGER])
        self.assignments(boards, brigade)
        self.equipment(boards, board_staff, brigade)
        enterprises = self.enterprises(boards)
        self.experts(enterprises)
        return self.counts

    # --- regions ------------------------------------------------------------------------------

    def boards(self) -> list[Region]:
        boards = []
        for index, spec in enumerate(data.BOARDS):
            suffix = "" if self.copy == 1 else f"({self.copy})"
            board, _ = Region.objects.get_or_create(
                code=board_code(self.copy, index),
                defaults={
                    "name": spec.name + suffix,
                    "short_name": (spec.short_name + suffix.strip("()"))[:8],
                    "kind": spec.kind,
                    "parent": self.shared.district,
                    "sort_order": (self.copy - 1) * 100 + index + 1,
                },
            )
            self.board_weights[board.pk] = spec.weight
            boards.append(board)
        self.counts.boards = len(boards)
        return boards

    # --- people -------------------------------------------------------------------------------

    def _person(
        self, unit, post, *, born: tuple[int, int], employment=Employment.STAFFED, male_share=0.75, **extra
    ):
        male = self.rng.random() < male_share
        return Officer(
            name=self.fake.name_male() if male else self.fake.name_female(),
            id_number=identifiers.id_number(
                self.rng, self.shared.used_ids, born_from=born[0], born_to=born[1], male=male
            ),
            phone=identifiers.phone(self.rng),
            unit=unit,
            post=post,
            employment=employment,
            is_fictitious=True,
            **extra,
        )

    def officers(self, boards):
        staff = []
        for board in boards:
            staff.append(self._person(board, Post.BOARD_LEADER, born=(1968, 1984)))
            staff += [self._person(board, Post.BOARD_OFFICER, born=(1976, 1998)) for _ in range(3)]
            staff += [
                self._person(
                    board,
                    Post.SAFETY_MANAGER,
                    born=(1970, 1999),
                    employment=Employment.AUXILIARY,
                    male_share=0.6,
                )
                for _ in range(6)
            ]
        district = self.shared.district
        brigade = [
            self._person(district, Post.BUREAU_LEADER, born=(1966, 1976)),
            self._person(district, Post.BRIGADE_CAPTAIN, born=(1970, 1980)),
            self._person(district, Post.BRIGADE_VICE_CAPTAIN, born=(1972, 1985)),
            self._person(district, Post.BRIGADE_VICE_CAPTAIN, born=(1972, 1985)),
        ]
        for n in range(3):
            year = self.rng.randint(2008, 2020)
            qualification = f"A{year}3204{self.copy:02d}{n + 1:03d}{self.rng.randrange(1000):03d}"
            brigade.append(
                self._person(
                    district,
                    Post.LEGAL_REVIEWER,
                    born=(1978, 1992),
                    male_share=0.5,
                    legal_qualification=True,
                    legal_qualification_number=qualification,
                )
            )
        brigade += [
            self._person(district, Post.BRIGADE_OFFICER, born=(1975, 1998))
            for _ in range(BRIGADE_SIZE - len(brigade))
        ]
        Officer.objects.bulk_create([*staff, *brigade], batch_size=BATCH)
        self.counts.officers = len(staff) + len(brigade)
        return staff, brigade

    def certificates(self, certified: list[Officer]) -> None:
        today, rng = self.today, self.rng
        expiring = {id(o) for o in rng.sample(certified, min(6, len(certified)))}
        rows, seq = [], 0

        def number():
            nonlocal seq
            seq += 1
            return f"{data.DISTRICT_CODE}{self.copy:02d}{seq:05d}"

        for officer in certified:
            valid_from = today - timedelta(days=rng.randint(30, 5 * 365))
            if id(officer) in expiring:
                valid_to = today + timedelta(days=rng.randint(5, 58))
                valid_from = min(valid_from, valid_to - timedelta(days=3 * 365))
            else:
                valid_to = max(valid_from + timedelta(days=6 * 365), today + timedelta(days=90)) - timedelta(
                    days=rng.randint(0, 60)
                )
                valid_to = max(valid_to, today + timedelta(days=61))
            if valid_from < today - timedelta(days=2 * 365) and rng.random() < 0.5:
                # The certificate held before this one, expired (kept as history).
                rows.append(
                    Certificate(
                        officer=officer,
                        number=number(),
                        level=CertificateLevel.DISTRICT,
                        issuer=data.CERTIFICATE_ISSUER,
                        valid_from=valid_from - timedelta(days=6 * 365),
                        valid_to=valid_from - timedelta(days=1),
                    )
                )
            rows.append(
                Certificate(
                    officer=officer,
                    number=number(),
                    level=CertificateLevel.DISTRICT,
                    issuer=data.CERTIFICATE_ISSUER,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
        Certificate.objects.bulk_create(rows, batch_size=BATCH)
        self.counts.certificates = len(rows)
        self.counts.certified = len(certified)

    def assignments(self, boards, brigade) -> None:
        """Two backbone brigade officers seconded (派驻) to one town each; the other boards paired (挂钩)."""
        rng, today = self.rng, self.today
        officers = [o for o in brigade if o.post == Post.BRIGADE_OFFICER]
        towns = [b for b in boards if b.kind == RegionKind.TOWN]
        seconded_to = rng.sample(towns, 2)
        chosen = rng.sample(officers, len(boards))  # 2 seconded + one per other board
        secondments = [
            Secondment(
                officer=officer,
                region=town,
                start=today - timedelta(days=rng.randint(90, 700)),
                note="骨干队员派驻（演示）",
            )
            for officer, town in zip(chosen[:2], seconded_to, strict=True)
        ]
        others = [b for b in boards if b not in seconded_to]
        pairings = [
            Pairing(
                officer=officer,
                region=board,
                start=today - timedelta(days=rng.randint(60, 900)),
                note="挂钩指导（演示）",
            )
            for officer, board in zip(chosen[2:], others, strict=True)
        ]
        Secondment.objects.bulk_create(secondments)
        Pairing.objects.bulk_create(pairings)
        self.counts.secondments, self.counts.pairings = len(secondments), len(pairings)

    def _serial_number(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}-{self.copy:02d}{self._serial:05d}"

    def equipment(self, boards, staff, brigade) -> None:
        rng, today = self.rng, self.today
        rows = []

        def item(kind, unit, officer=None, status=EquipmentStatus.IN_USE, **extra):
            prefix, model_name = {
                EquipmentKind.RECORDER: ("ZFJLY", "执法记录仪 ZF-R8（演示型号）"),
                EquipmentKind.VEHICLE: ("ZFCL", "轻型执法车（演示车型）"),
                EquipmentKind.DETECTOR: ("JCYQ", "便携式四合一气体检测仪（演示型号）"),
                EquipmentKind.TERMINAL: ("YDZD", "移动执法终端 ZF-T3（演示型号）"),
            }[kind]
            rows.append(
                Equipment(
                    kind=kind,
                    serial_number=self._serial_number(prefix),
                    model_name=model_name,
                    unit=unit,
                    officer=officer,
                    status=status,
                    acquired_on=today - timedelta(days=rng.randint(100, 1500)),
                    **extra,
                )
            )

        plates = iter(range(1, 10000))

        def vehicle(unit):
            item(EquipmentKind.VEHICLE, unit, plate_number=f"苏D·Y{self.copy:02d}{next(plates):03d}")

        certified_staff = [o for o in staff if o.post != Post.SAFETY_MANAGER]
        for board in boards:
            for officer in (o for o in certified_staff if o.unit_id == board.pk):
                item(EquipmentKind.RECORDER, board, officer)
            item(EquipmentKind.RECORDER, board, status=EquipmentStatus.SPARE)
            item(EquipmentKind.TERMINAL, board)
            vehicle(board)
        district = self.shared.district
        for officer in brigade:
            if officer.post in (Post.BRIGADE_CAPTAIN, Post.BRIGADE_VICE_CAPTAIN, Post.BRIGADE_OFFICER):
                item(EquipmentKind.RECORDER, district, officer)
        for status in (
            EquipmentStatus.SPARE,
            EquipmentStatus.SPARE,
            EquipmentStatus.REPAIR,
            EquipmentStatus.RETIRED,
        ):
            item(EquipmentKind.RECORDER, district, status=status)
        for _ in range(6):
            vehicle(district)
        for _ in range(4):
            item(EquipmentKind.DETECTOR, district)
        for _ in range(8):
            item(EquipmentKind.TERMINAL, district)
        Equipment.objects.bulk_create(rows, batch_size=BATCH)
        self.counts.equipment = len(rows)

    # --- enterprises --------------------------------------------------------------------------

    def _company_name(self, trade_key: str) -> str:
        rng = self.rng
        words = data.TRADE_WORDS.get(trade_key) or data.TRADE_WORDS[trade_key[:2]]
        while True:
            trade = rng.choice(words)
            form = "" if trade.endswith("部") else _weighted(rng, data.COMPANY_FORMS)
            brand = "".join(rng.sample(data.BRAND_CHARS, 2))
            name = f"{_weighted(rng, data.PLACE_PREFIXES)}{brand}{trade}{form}{data.MARK}"
            if name not in self.shared.used_names:
                self.shared.used_names.add(name)
                return name

    def _sector(self, code: str) -> str:
        division = code[:2]
        p = next(
            (
                data.HAZCHEM_PROBABILITY[k]
                for k in (code, code[:3], division)
                if k in data.HAZCHEM_PROBABILITY
            ),
            0.0,
        )
        if p and self.rng.random() < p:
            return Sector.HAZARDOUS_CHEMICALS
        if division in data.COMMERCE_DIVISIONS:
            return Sector.COMMERCE
        if division in data.UTILITY_DIVISIONS:
            return Sector.OTHER
        return Sector.INDUSTRY_TRADE

    def _profile(self, sector: str):
        """Scale, major hazard level and 标准化 grade, drawn by sector."""
        rng, S, M, G = self.rng, Scale, MajorHazardLevel, StandardizationGrade
        scales: dict[str, _Weights[Scale]] = {
            Sector.INDUSTRY_TRADE: ((S.LARGE, 1.2), (S.MEDIUM, 7), (S.SMALL, 45), (S.MICRO, 46.8)),
            Sector.HAZARDOUS_CHEMICALS: ((S.LARGE, 3), (S.MEDIUM, 15), (S.SMALL, 50), (S.MICRO, 32)),
            Sector.COMMERCE: ((S.LARGE, 0.5), (S.MEDIUM, 3), (S.SMALL, 35), (S.MICRO, 61.5)),
            Sector.FIREWORKS: ((S.SMALL, 20), (S.MICRO, 80)),
        }
        scale = _weighted(
            rng, scales.get(sector, ((S.LARGE, 10), (S.MEDIUM, 30), (S.SMALL, 40), (S.MICRO, 20)))
        )
        big = scale in (S.LARGE, S.MEDIUM)
        hazard = M.NONE
        if sector == Sector.HAZARDOUS_CHEMICALS and rng.random() < 0.12:
            hazard = _weighted(rng, ((M.LEVEL_1, 5), (M.LEVEL_2, 15), (M.LEVEL_3, 35), (M.LEVEL_4, 45)))
        elif sector == Sector.INDUSTRY_TRADE and rng.random() < (0.012 if big else 0.003):
            hazard = _weighted(rng, ((M.LEVEL_2, 10), (M.LEVEL_3, 40), (M.LEVEL_4, 50)))
        elif sector == Sector.OTHER and rng.random() < 0.1:
            hazard = _weighted(rng, ((M.LEVEL_2, 20), (M.LEVEL_3, 40), (M.LEVEL_4, 40)))
        grades: _Weights[StandardizationGrade]
        if sector == Sector.HAZARDOUS_CHEMICALS:
            grades = ((G.GRADE_1, 1), (G.GRADE_2, 12), (G.GRADE_3, 70), (G.UNRATED, 17))
        elif sector == Sector.INDUSTRY_TRADE:
            grades = (
                ((G.GRADE_1, 3), (G.GRADE_2, 30), (G.GRADE_3, 50), (G.UNRATED, 17))
                if big
                else ((G.GRADE_1, 0.1), (G.GRADE_2, 2), (G.GRADE_3, 20), (G.UNRATED, 77.9))
            )
        else:
            grades = ((G.GRADE_3, 5 if sector != Sector.FIREWORKS else 30), (G.UNRATED, 95))
        return scale, hazard, _weighted(rng, grades)

    def enterprises(self, boards) -> list[Enterprise]:
        rng, fake, shared = self.rng, self.fake, self.shared
        count = self.target_enterprises + round(self.target_enterprises * rng.uniform(-0.02, 0.02))
        fireworks = max(1, round(count * data.FIREWORKS_PER_MILLE / 1000))
        codes = rng.choices(shared.class_codes, cum_weights=shared.class_cum_weights, k=count - fireworks)
        codes += [rng.choice(data.FIREWORKS_CLASSES) for _ in range(fireworks)]
        board_of = rng.choices(boards, weights=[self.board_weights[b.pk] for b in boards], k=count)
        people = [fake.name() for _ in range(max(200, count // 4))]
        statuses = (
            (OperatingStatus.OPERATING, 95.5),
            (OperatingStatus.SUSPENDED, 2.5),
            (OperatingStatus.CLOSED, 1.5),
            (OperatingStatus.DEREGISTERED, 0.5),
        )
        classifier = shared.classifier
        rows, results = [], []
        for n, (code, board) in enumerate(zip(codes, board_of, strict=True)):
            sector = Sector.FIREWORKS if n >= count - fireworks else self._sector(code)
            scale, hazard, grade = self._profile(sector)
            enterprise = Enterprise(
                uscc=identifiers.uscc(rng, shared.used_usccs, prefix="91" if rng.random() < 0.97 else "92"),
                name=self._company_name(code),
                legal_representative=rng.choice(people),
                address=f"江苏省常州市武进区{board.name}{rng.choice(data.STREETS)}{rng.randint(1, 999)}号",
                board=board,
                industry_id=code,
                sector=sector,
                scale=scale,
                major_hazard_level=hazard,
                standardization_grade=grade,
                operating_status=_weighted(rng, statuses),
                contact_name=rng.choice(people),
                contact_phone=identifiers.phone(rng),
                is_fictitious=True,
            )
            result = classifier.evaluate(enterprise)
            enterprise.enforcement_class = result.enforcement_class
            enterprise.class_ruleset = result.ruleset
            rows.append(enterprise)
            results.append(result)
        Enterprise.objects.bulk_create(rows, batch_size=BATCH)
        now = timezone.now()
        Classification.objects.bulk_create(
            [
                Classification(
                    enterprise=e,
                    enforcement_class=e.enforcement_class,
                    previous_class="",
                    source=ClassificationSource.RULE,
                    ruleset=r.ruleset,
                    rule_description=r.description,
                    decided_at=now,
                )
                for e, r in zip(rows, results, strict=True)
            ],
            batch_size=BATCH,
        )
        self.counts.enterprises = len(rows)
        self.counts.classes = Counter(e.enforcement_class for e in rows)
        return rows

    # --- experts ------------------------------------------------------------------------------

    def _employers(self):
        rng, shared = self.rng, self.shared
        employers, brands = [], set()
        for kind, prefix, pattern, how_many in data.EMPLOYER_KINDS:
            for _ in range(how_many):
                brand = "".join(rng.sample(data.BRAND_CHARS, 2))
                while brand in brands:
                    brand = "".join(rng.sample(data.BRAND_CHARS, 2))
                brands.add(brand)
                trade = rng.choice(data.TRADE_WORDS[rng.choice(("26", "33", "34", "38", "17", "31"))])
                name = pattern.format(
                    place=rng.choice(("常州", "江苏", "常州市武进")), brand=brand, trade=trade
                )
                area = "320400" if prefix == "12" else rng.choice(data.EMPLOYER_AREAS)
                employers.append(
                    (
                        kind,
                        name + data.MARK,
                        identifiers.uscc(rng, shared.used_usccs, prefix=prefix, area=area),
                    )
                )
        return employers

    def experts(self, enterprises) -> None:
        rng, fake, shared, today = self.rng, self.fake, self.shared, self.today
        employers = self._employers()
        colleges = [e for e in employers if e[0] == "college"]
        others = [e for e in employers if e[0] != "college"]
        experts, first_groups = [], []
        for code, size in data.EXPERT_GROUP_SIZES.items():
            for _ in range(size):
                in_college = rng.random() < 0.1
                kind, employer, employer_uscc = rng.choice(colleges if in_college else others)
                title = (
                    _weighted(rng, (("教授", 40), ("副教授", 60)))
                    if in_college
                    else _weighted(rng, [t for t in data.EXPERT_TITLES if "教授" not in t[0]])
                )
                qualifications = rng.sample(data.GROUP_QUALIFICATIONS[code], rng.randint(1, 2))
                male = rng.random() < 0.8
                experts.append(
                    Expert(
                        name=fake.name_male() if male else fake.name_female(),
                        phone=identifiers.phone(rng),
                        employer=employer,
                        employer_uscc=employer_uscc,
                        title=title,
                        qualifications="\n".join(qualifications),
                        is_fictitious=True,
                    )
                )
                first_groups.append(code)
        Expert.objects.bulk_create(experts, batch_size=BATCH)
        Through = Expert.groups.through
        memberships = [
            Through(expert_id=e.pk, expertgroup_id=shared.groups[g].pk)
            for e, g in zip(experts, first_groups, strict=True)
        ]
        for index in rng.sample(range(len(experts)), data.EXPERTS_IN_TWO_GROUPS):
            second = rng.choice(data.SECOND_GROUPS[first_groups[index]])
            memberships.append(Through(expert_id=experts[index].pk, expertgroup_id=shared.groups[second].pk))
        Through.objects.bulk_create(memberships, batch_size=BATCH)

        periods = []
        for expert in rng.sample(experts, 12):
            start = today + timedelta(days=rng.randint(-30, 60))
            for _ in range(rng.randint(1, 2)):
                end = start + timedelta(days=rng.randint(30, 120))
                periods.append(
                    ExpertAvailability(expert=expert, start=start, end=end, note="本人申报（演示）")
                )
                start = end + timedelta(days=rng.randint(20, 60))
        ExpertAvailability.objects.bulk_create(periods)

        conflicts = []
        by_group = {}
        for index in rng.sample(range(len(experts)), 10):
            group = shared.groups[first_groups[index]]
            if group.code not in by_group:
                by_group[group.code] = [e for e in enterprises if group.covers(e.industry_id)]
            candidates = by_group[group.code]
            for enterprise in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
                conflicts.append(
                    ExpertConflict(
                        expert=experts[index], enterprise=enterprise, reason=rng.choice(data.CONFLICT_REASONS)
                    )
                )
        ExpertConflict.objects.bulk_create(conflicts)
        self.counts.experts = len(experts)
        self.counts.availability = len(periods)
        self.counts.conflicts = len(conflicts)
