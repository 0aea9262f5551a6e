"""The discretion engine: from a violation and its circumstances to a proposed tier and fine, and the
check of a decided amount against the law and the benchmark.

The case workflow calls ``propose`` when the facts are known and ``check_decision`` when the officer
fills in the amount; the legal reviewer reads the proposal (``Proposal.as_dict`` is stored with the
case) and any written reason for departing from it. Neither function writes anything.

Rules (行政处罚法 2021):
- art. 33: a first violation, minor, corrected in time is not penalised — the 不予处罚 tier, where the
  benchmark lists the violation for it; otherwise the circumstance counts as a mitigating factor;
- art. 32: a statutory mitigating circumstance (主动消除或者减轻危害后果, 受他人胁迫或者诱骗, …) requires
  a lighter or reduced penalty — the 减轻 tier where the entry has one and no aggravating factor is
  present, else the 从轻 tier (never 从重);
- otherwise more aggravating than mitigating factors → 从重, more mitigating → 从轻, else 一般.
A tier the entry lacks falls back towards 一般, and without any tier the statutory range is proposed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhifa.discretion.choices import FactorKind, TierLevel
from zhifa.discretion.models import ZERO, Factor, Tier, ViolationType, yuan

#: The factor code that stands for art. 33's circumstances (初次违法且危害后果轻微并及时改正): choosing it
#: is the same as answering yes to first offence, minor and corrected in time.
FIRST_MINOR_CODE = "first_minor_corrected"
ART_32 = "《中华人民共和国行政处罚法》第三十二条"
ART_33 = "《中华人民共和国行政处罚法》第三十三条第一款"
MIN_REASON_CHARS = 10
DEVIATION_RULE = "偏离裁量基准须书面说明理由"
STATUTORY_RULE = "罚款须在法定幅度内"
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

#: Where to look when an entry lacks the tier the rules point to.
FALLBACK = {
    TierLevel.MITIGATED: (TierLevel.MITIGATED, TierLevel.LENIENT, TierLevel.ORDINARY),
    TierLevel.LENIENT: (TierLevel.LENIENT, TierLevel.ORDINARY),
    TierLevel.SEVERE: (TierLevel.SEVERE, TierLevel.ORDINARY),
    TierLevel.ORDINARY: (TierLevel.ORDINARY,),
    TierLevel.NO_PENALTY: (TierLevel.NO_PENALTY,),
}


class UnknownFactor(ValidationError):
    """A factor code or row that does not belong to the violation type's catalogue version."""


@dataclass(frozen=True)
class AppliedFactor:
    code: str
    text: str
    kind: str
    legal_basis: str = ""
    statutory: bool = False

    @classmethod
    def of(cls, factor: Factor) -> AppliedFactor:
        return cls(factor.code, factor.text, factor.kind, factor.legal_basis, factor.statutory)


@dataclass(frozen=True)
class Proposal:
    """What the benchmark proposes for one violation; plain data, stored with the case as a dict."""

    violation_type_id: int
    violation_type_code: str
    violation_type_name: str
    catalogue_id: int
    catalogue_name: str
    party: str
    level: str
    level_label: str
    min_fine: Decimal
    max_fine: Decimal
    suggested_fine: Decimal
    statutory_min: Decimal
    statutory_max: Decimal
    penalty_article: str
    articles: tuple[str, ...]
    conditions: str
    other_penalties: str
    explanation: str
    example_values: bool
    factors: tuple[AppliedFactor, ...] = ()
    first_offence: bool = False
    minor: bool = False
    corrected_in_time: bool = False
    circumstances: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def is_no_penalty(self) -> bool:
        return self.level == TierLevel.NO_PENALTY

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: amounts as strings (exact), tuples as lists."""
        data = asdict(self)
        for key in ("min_fine", "max_fine", "suggested_fine", "statutory_min", "statutory_max"):
            data[key] = str(data[key])
        data["articles"] = list(self.articles)
        data["notes"] = list(self.notes)
        data["factors"] = [asdict(f) for f in self.factors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proposal:
        """The inverse of ``as_dict``, for a proposal stored with a case.

        Tolerates what a record may have added or simplified: unknown keys are ignored and a factor
        stored as its bare code becomes a factor with only that code.
        """
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for key in ("min_fine", "max_fine", "suggested_fine", "statutory_min", "statutory_max"):
            values[key] = Decimal(str(values[key]))
        values["articles"] = tuple(values.get("articles", ()))
        values["notes"] = tuple(values.get("notes", ()))
        values["factors"] = tuple(
            AppliedFactor(code=f, text=f, kind="") if isinstance(f, str) else AppliedFactor(**f)
            for f in values.get("factors", ())
        )
        return cls(**values)


def applicable_factors(violation_type: ViolationType):
    """The factors of the entry's version that apply to it (its own and those for every entry)."""
    from django.db.models import Q

    return Factor.objects.filter(catalogue_id=violation_type.catalogue_id).filter(
        Q(violation_type__isnull=True) | Q(violation_type_id=violation_type.pk)
    )


def resolve_factors(violation_type: ViolationType, factors: Iterable[Factor | str]) -> list[Factor]:
    """Factor rows from rows or codes, each checked to apply to the entry; duplicates dropped."""
    items = list(factors or ())
    codes = [f for f in items if isinstance(f, str)]
    by_code: dict[str, Factor] = {}
    if codes:
        by_code = {f.code: f for f in applicable_factors(violation_type).filter(code__in=codes)}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise UnknownFactor(
                _("不适用于该违法行为的裁量情节：%(codes)s") % {"codes": "、".join(unknown)},
                code="unknown_factor",
            )
    resolved: list[Factor] = []
    seen: set[int] = set()
    for item in items:
        factor = by_code[item] if isinstance(item, str) else item
        if not isinstance(factor, Factor) or not factor.applies_to(violation_type):
            raise UnknownFactor(
                _("裁量情节“%(f)s”不属于该违法行为所在的裁量基准版本") % {"f": factor}, code="unknown_factor"
            )
        if factor.pk not in seen:
            seen.add(factor.pk)
            resolved.append(factor)
    return resolved


def round_to_hundred(value: Decimal) -> Decimal:
    return ((value / HUNDRED).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * HUNDRED).quantize(CENT)


def suggest(low: Decimal, high: Decimal) -> Decimal:
    """The tier's midpoint rounded to 100 元, kept inside the tier."""
    mid = round_to_hundred((low + high) / 2)
    return min(max(mid, low), high)


def _pick_tier(tiers: dict[str, Tier], target: str) -> Tier | None:
    for level in FALLBACK[TierLevel(target)]:
        if level in tiers:
            return tiers[level]
    return None


def _names(factors: list[Factor]) -> str:
    return "、".join(f.text for f in factors)


def propose(
    violation_type: ViolationType,
    *,
    first_offence: bool = False,
    minor: bool = False,
    corrected_in_time: bool = False,
    factors: Iterable[Factor | str] = (),
    circumstances: str = "",
) -> Proposal:
    """The proposed tier, range and fine for ``violation_type`` under the given circumstances."""
    chosen = resolve_factors(violation_type, factors)
    if any(f.code == FIRST_MINOR_CODE for f in chosen):
        first_offence = minor = corrected_in_time = True
    tiers = {t.level: t for t in violation_type.tiers.all()}
    aggravating = [f for f in chosen if f.kind == FactorKind.AGGRAVATING]
    mitigating = [f for f in chosen if f.kind == FactorKind.MITIGATING]
    art33 = first_offence and minor and corrected_in_time
    notes: list[str] = []
    lines: list[str] = []

    target: str
    if art33 and not aggravating and TierLevel.NO_PENALTY in tiers:
        target = TierLevel.NO_PENALTY
        reason = _("初次违法且危害后果轻微并及时改正，依照行政处罚法第三十三条不予行政处罚")
    else:
        if art33:
            if aggravating:
                notes.append(_("虽初次违法且危害后果轻微并及时改正，但有从重情节，不适用不予处罚"))
            else:
                notes.append(_("该违法行为未列入本基准不予处罚的情形，按从轻情节考虑"))
            if not any(f.code == FIRST_MINOR_CODE for f in mitigating):
                mitigating.append(
                    Factor(
                        code=FIRST_MINOR_CODE,
                        text=_("初次违法且危害后果轻微并及时改正"),
                        kind=FactorKind.MITIGATING,
                        legal_basis=ART_33,
                    )
                )
        statutory = [f for f in mitigating if f.statutory]
        if statutory and not aggravating:
            target = TierLevel.MITIGATED
            reason = _("具有法定从轻、减轻情节（%(f)s），依照行政处罚法第三十二条应当从轻或者减轻处罚") % {
                "f": _names(statutory)
            }
        elif statutory:
            target = TierLevel.LENIENT
            reason = _(
                "具有法定从轻、减轻情节（%(f)s），依照行政处罚法第三十二条应当从轻或者减轻处罚；"
                "同时有从重情节，不予减轻，从轻处罚"
            ) % {"f": _names(statutory)}
        elif len(aggravating) > len(mitigating):
            target = TierLevel.SEVERE
            reason = _("从重情节（%(a)d 项）多于从轻情节（%(m)d 项）") % {
                "a": len(aggravating),
                "m": len(mitigating),
            }
        elif len(mitigating) > len(aggravating):
            target = TierLevel.LENIENT
            reason = _("从轻情节（%(m)d 项）多于从重情节（%(a)d 项）") % {
                "a": len(aggravating),
                "m": len(mitigating),
            }
        elif chosen or art33:
            target = TierLevel.ORDINARY
            reason = _("从轻与从重情节相当")
        else:
            target = TierLevel.ORDINARY
            reason = _("无从轻、从重情节")

    tier = _pick_tier(tiers, target)
    if tier is None:
        level = TierLevel.ORDINARY
        low, high = violation_type.min_fine, violation_type.max_fine
        conditions = ""
        notes.append(_("本基准未设该违法行为的裁量阶次，按法定幅度裁量"))
    else:
        level = TierLevel(tier.level)
        low, high, conditions = tier.min_fine, tier.max_fine, tier.conditions
        if tier.level != target:
            notes.append(
                _("本基准未设“%(want)s”阶次，适用“%(got)s”阶次")
                % {"want": TierLevel(target).label, "got": level.label}
            )
    suggested = ZERO.quantize(CENT) if level == TierLevel.NO_PENALTY else suggest(low, high)

    articles = [violation_type.article_violated, violation_type.penalty_article]
    if level == TierLevel.NO_PENALTY:
        articles.append(ART_33)
    elif any(f.statutory for f in mitigating) and level in (TierLevel.MITIGATED, TierLevel.LENIENT):
        articles.append(ART_32)

    lines.append(
        _("违法行为：%(name)s（违反%(violated)s，依据%(penalty)s，法定罚款 %(range)s）。")
        % {
            "name": violation_type.name,
            "violated": violation_type.article_violated,
            "penalty": violation_type.penalty_article,
            "range": violation_type.statutory_range,
        }
    )
    if circumstances.strip():
        lines.append(_("案情：%(c)s") % {"c": circumstances.strip()})
    lines.append(
        _("从重情节：%(a)s；从轻、减轻情节：%(m)s。")
        % {"a": _names(aggravating) or _("无"), "m": _names(mitigating) or _("无")}
    )
    if level == TierLevel.NO_PENALTY:
        lines.append(_("%(reason)s，适用“%(level)s”阶次。") % {"reason": reason, "level": level.label})
    else:
        lines.append(
            _(
                "%(reason)s，适用“%(level)s”阶次：%(low)s–%(high)s 元，建议罚款 %(fine)s 元（阶次中点，取整到百元）。"
            )
            % {
                "reason": reason,
                "level": level.label,
                "low": yuan(low),
                "high": yuan(high),
                "fine": yuan(suggested),
            }
        )
    lines.extend(f"{note}。" for note in notes)
    if violation_type.other_penalties.strip():
        lines.append(_("另：%(o)s。") % {"o": violation_type.other_penalties.strip().rstrip("。")})
    if violation_type.example_values:
        lines.append(_("注意：本违法行为的裁量阶次为示例值，以本地正式发布的裁量基准为准。"))

    catalogue = violation_type.catalogue
    return Proposal(
        violation_type_id=violation_type.pk,
        violation_type_code=violation_type.code,
        violation_type_name=violation_type.name,
        catalogue_id=catalogue.pk,
        catalogue_name=str(catalogue),
        party=violation_type.party,
        level=str(level.value),
        level_label=str(level.label),
        min_fine=low,
        max_fine=high,
        suggested_fine=suggested,
        statutory_min=violation_type.min_fine,
        statutory_max=violation_type.max_fine,
        penalty_article=violation_type.penalty_article,
        articles=tuple(articles),
        conditions=conditions,
        other_penalties=violation_type.other_penalties,
        explanation="\n".join(str(line) for line in lines),
        example_values=violation_type.example_values,
        factors=tuple(AppliedFactor.of(f) for f in aggravating + mitigating),
        first_offence=first_offence,
        minor=minor,
        corrected_in_time=corrected_in_time,
        circumstances=circumstances.strip(),
        notes=tuple(str(n) for n in notes),
    )


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def check_decision(
    violation_type: ViolationType, amount: Decimal | int | str, proposal: Proposal, reason: str = ""
) -> list[str]:
    """Problems with deciding ``amount`` (元) for ``violation_type`` given ``proposal``; [] when none.

    Outside the statutory range is refused whatever the reason (the 不予处罚 tier's 0 and the 减轻
    tier's range below the statutory minimum excepted); outside the proposed tier needs a written
    reason of at least ``MIN_REASON_CHARS`` characters, which the legal reviewer then reads.
    """
    problems: list[str] = []
    if proposal.violation_type_id != violation_type.pk:
        problems.append(_("裁量建议不是针对该违法行为作出的，请重新试算"))
    value = _amount(amount)
    if value is None:
        return [*problems, _("罚款金额无效：请填写数字（元）")]
    if value < ZERO:
        return [*problems, _("罚款金额不能为负数")]
    if value != value.quantize(CENT):
        problems.append(_("罚款金额最多保留两位小数"))

    statutory_min, statutory_max = violation_type.min_fine, violation_type.max_fine
    floor = statutory_min
    if proposal.level == TierLevel.NO_PENALTY and value == ZERO:
        floor = ZERO
    elif proposal.level == TierLevel.MITIGATED:
        floor = min(proposal.min_fine, statutory_min)
    if value > statutory_max or value < floor:
        rule = _("%(rule)s（%(article)s：%(min)s–%(max)s元）") % {
            "rule": STATUTORY_RULE,
            "article": violation_type.penalty_article,
            "min": yuan(statutory_min),
            "max": yuan(statutory_max),
        }
        if proposal.level == TierLevel.MITIGATED and value < floor:
            rule += _("；减轻处罚不低于裁量基准减轻阶次下限 %(floor)s 元") % {"floor": yuan(floor)}
        problems.append(rule)

    in_tier = proposal.min_fine <= value <= proposal.max_fine and (
        value > ZERO or proposal.level == TierLevel.NO_PENALTY
    )
    written = "".join((reason or "").split())
    if not in_tier and len(written) < MIN_REASON_CHARS:
        problems.append(
            _("%(rule)s：拟罚款 %(amount)s 元不在“%(level)s”阶次（%(range)s）内，理由不少于 %(n)d 个字")
            % {
                "rule": DEVIATION_RULE,
                "amount": yuan(value),
                "level": proposal.level_label,
                "range": _("不予罚款")
                if proposal.level == TierLevel.NO_PENALTY
                else f"{yuan(proposal.min_fine)}–{yuan(proposal.max_fine)} 元",
                "n": MIN_REASON_CHARS,
            }
        )
    return problems


def deviates(proposal: Proposal, amount: Decimal | int | str) -> bool:
    """Whether ``amount`` departs from the proposed tier (the reviewer is shown the reason then)."""
    value = _amount(amount)
    if value is None:
        return True
    return not (
        proposal.min_fine <= value <= proposal.max_fine
        and (value > ZERO or proposal.level == TierLevel.NO_PENALTY)
    )
