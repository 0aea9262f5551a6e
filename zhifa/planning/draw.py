"""The double-random 2+1 draw: a pure function of (seed, frozen pool, parameters, algorithm version).

Nothing here reads the database or the clock. ``zhifa.planning.pools`` freezes what the algorithm reads
into one canonical JSON document (the pool, parameters included); ``run(seed, pool)`` returns the
result; ``zhifa draw verify`` runs it again from the stored seed and pool and compares.

The algorithm (version ``ENGINE``; docs/planning.md states it for the public):

1. Candidates. Per board, the pool's enterprises that pass the rules: no open task, below their yearly
   cap (signed-off inspections of the year, complaints excepted), not inspected within the minimum gap,
   and due — behind the pro-rata schedule ceil(f × month / 12) of their yearly frequency f =
   min(class frequency, cap). Ordered by how far behind (most first), then by SHA-256(seed | "enterprise:" id):
   a uniformly random order within each tier.
2. Shortlist. Walking that order, each enterprise gets a planned date (the board's working days in turn,
   from a seeded offset) and its eligible members on that date: officers certified that day, on a valid
   footing for the board (own board, secondment, pairing, the brigade; in a cross draw only officers of
   other boards), without a declared conflict and not on the enterprise's previous team, under their
   monthly and daily caps; experts of a group covering its industry, available that day, not conflicted,
   not employed by it, not its previous expert, under their caps. An enterprise without two officers and
   one expert is skipped (and listed with the reason); the walk stops at quota + slack enterprises.
   Officers attached to the board are all kept; of the others, and of the experts, a seeded sample of
   fixed size is kept (bounding the model; the sample is part of the draw).
3. Selection. CP-SAT picks which shortlisted enterprises are drawn: hard constraints always hold (two
   distinct officers and one expert per drawn enterprise, the board's quota, monthly and daily caps);
   the objective, in strict priority: cover as many enterprises as the quotas allow, then prefer earlier
   enterprises of the random order. One worker, the seed's random_seed, a deterministic-time limit: the
   solver is deterministic. A seeded greedy assignment (lightest-loaded eligible members) is the hint,
   and the result if the solver finds nothing in its limit.
4. Teams. Two min-cost flows (officers, experts) give the drawn enterprises their members, minimising
   the sum of squared monthly loads exactly (workload balance); seeded random arc weights, dominated by
   the balance costs, choose among equally balanced teams.
5. Diagnoses say what is short, per board and per group, before and after the solve.
4. Diagnoses say what is short, per board and per group, before and after the solve.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

ENGINE = "zhifa-draw/1"
POOL_FORMAT = "zhifa-draw-pool/1"
FAR = "9999-12-31"

#: Defaults of the parameters that are the algorithm's, not the rule set's (stored with each draw).
ENGINE_DEFAULTS = {
    "officer_candidates": 12,
    "expert_candidates": 10,
    "slack_share": "0.25",
    "max_deterministic_time": 10.0,
}


def algorithm_version() -> str:
    """The engine and the solver release: a result is reproduced with the same pair."""
    from importlib.metadata import version

    return f"{ENGINE}+ortools-{version('ortools')}"


def canonical(document: Any) -> bytes:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Randomness: every random choice comes from the seed through SHA-256 -------------------------


def digest(seed: bytes, label: str) -> str:
    """SHA-256(seed | label) in hex: an order anyone can recompute."""
    return hashlib.sha256(seed + b"|" + label.encode("utf-8")).hexdigest()


class Stream:
    """A stream of 64-bit integers: SHA-256(seed | label | counter) in blocks of four.

    Written out (rather than Python's ``random``) so that it is specified exactly and stable across
    Python versions: a member of the public can reimplement it in a few lines.
    """

    def __init__(self, seed: bytes, label: str):
        self.key = seed + b"|" + label.encode("utf-8") + b"|"
        self.counter = 0
        self.buffer: list[int] = []

    def next_u64(self) -> int:
        if not self.buffer:
            block = hashlib.sha256(self.key + self.counter.to_bytes(8, "big")).digest()
            self.counter += 1
            self.buffer = [int.from_bytes(block[i : i + 8], "big") for i in (24, 16, 8, 0)]
        return self.buffer.pop()

    def below(self, n: int) -> int:
        """Uniform in [0, n) by rejection (no modulo bias)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - (1 << 64) % n
        while True:
            value = self.next_u64()
            if value < limit:
                return value % n

    def sample(self, items: list, k: int) -> list:
        """k items by a partial Fisher–Yates shuffle, in the order drawn."""
        pool = list(items)
        k = min(k, len(pool))
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


def solver_seed(seed: bytes) -> int:
    return int.from_bytes(hashlib.sha256(seed + b"|cp-sat").digest()[:4], "big") & 0x7FFFFFFF


# --- Reading the pool ------------------------------------------------------------------------------


def _in(periods, day: str) -> bool:
    return any(start <= day <= (end or FAR) for start, end in periods)


def basis(officer: dict, board: int, day: str, *, cross: bool) -> str | None:
    """The footing of an officer in a board on a day, as ``inspections.services.officer_basis`` decides
    it, except that a cross draw takes only officers of other boards (no tie to this one)."""
    own = officer["unit"] == board
    seconded = any(b == board and start <= day <= (end or FAR) for b, start, end in officer["secondments"])
    paired = any(b == board and start <= day <= (end or FAR) for b, start, end in officer["pairings"])
    if cross:
        if officer["unit_is_board"] and not (own or seconded or paired):
            return "cross"
        return None
    if own:
        return "own_board"
    if seconded:
        return "secondment"
    if paired:
        return "pairing"
    if not officer["unit_is_board"]:
        return "district"
    return None


def certified(officer: dict, day: str) -> bool:
    return _in(officer["certificates"], day)


def expert_available(expert: dict, day: str) -> bool:
    periods = expert["availability"]
    return periods is None or _in(periods, day)


def covers(group: dict, industry: str) -> bool:
    return bool(industry) and any(industry.startswith(p) for p in group["prefixes"])


@dataclass
class Rules:
    """The figures a draw applies, read from the pool's parameters."""

    month: str
    month_number: int
    gap_limit: str
    cross: bool
    quotas: dict[int, int]
    frequencies: dict[str, int]
    caps: dict[str, int | None]
    officer_cap: int
    expert_cap: int
    officer_daily: int
    expert_daily: int
    rotate_expert: bool
    officer_candidates: int
    expert_candidates: int
    slack_share: float
    max_time: float
    posts: frozenset[str]

    @classmethod
    def of(cls, pool: dict) -> Rules:
        p = pool["params"]
        first = date.fromisoformat(pool["month"] + "-01")
        return cls(
            month=pool["month"],
            month_number=first.month,
            gap_limit=(first - timedelta(days=int(p["min_gap_days"]))).isoformat(),
            cross=bool(p["cross"]),
            quotas={int(k): int(v) for k, v in p["quotas"].items()},
            frequencies={k: int(v) for k, v in p["frequencies"].items()},
            caps={k: (None if v is None else int(v)) for k, v in p["caps"].items()},
            officer_cap=int(p["officer_monthly_cap"]),
            expert_cap=int(p["expert_monthly_cap"]),
            officer_daily=int(p["officer_daily_cap"]),
            expert_daily=int(p["expert_daily_cap"]),
            rotate_expert=bool(p["rotate_expert"]),
            officer_candidates=int(p["officer_candidates"]),
            expert_candidates=int(p["expert_candidates"]),
            slack_share=float(p["slack_share"]),
            max_time=float(p["max_deterministic_time"]),
            posts=frozenset(p["posts"]),
        )

    def cap_of(self, enterprise: dict) -> int | None:
        return self.caps.get(f"{enterprise['sector']}/{enterprise['grade']}")

    def frequency_of(self, enterprise: dict) -> int:
        frequency = self.frequencies.get(enterprise["class"], 1)
        cap = self.cap_of(enterprise)
        return max(1, min(frequency, cap)) if cap is not None else max(1, frequency)

    def deficit(self, enterprise: dict) -> int:
        due_by = math.ceil(self.frequency_of(enterprise) * self.month_number / 12)
        return due_by - enterprise["done"]

    def candidate_problem(self, enterprise: dict) -> str | None:
        """Why an enterprise may not be drawn this month (None: it may)."""
        if enterprise["open_tasks"]:
            return "open"
        cap = self.cap_of(enterprise)
        if cap is not None and enterprise["done"] >= cap:
            return "cap"
        if enterprise["last"] is not None and enterprise["last"] >= self.gap_limit:
            return "recent"
        if self.deficit(enterprise) <= 0:
            return "not_due"
        return None


class Pool:
    """Indexes over the pool document, and the eligibility of members for an enterprise on a day."""

    def __init__(self, document: dict):
        if document.get("format") != POOL_FORMAT:
            raise ValueError(f"unknown pool format {document.get('format')!r}")
        self.doc = document
        self.rules = Rules.of(document)
        self.dates: list[str] = list(document["dates"])
        self.boards = {b["id"]: b for b in document["boards"]}
        self.groups = sorted(document["groups"], key=lambda g: g["id"])
        self.enterprises = {e["id"]: e for e in document["enterprises"]}
        self.officers = {o["id"]: o for o in document["officers"]}
        self.experts = {x["id"]: x for x in document["experts"]}
        self._groups_of_industry: dict[str, list[int]] = {}
        self._experts_of_group: dict[int, list[int]] = defaultdict(list)
        for expert_id in sorted(self.experts):
            for group_id in self.experts[expert_id]["groups"]:
                self._experts_of_group[group_id].append(expert_id)
        self._officers_on: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
        self._experts_on: dict[tuple[str, str], list[int]] = {}
        # Who can stand in a board at all: its own officers and the brigade; in a cross draw, the
        # officers of every board (each board's own are filtered out by ``basis``).
        self._by_unit: dict[int, list[int]] = defaultdict(list)
        self._brigade: list[int] = []
        self._board_officers: list[int] = []
        for officer_id in sorted(self.officers):
            officer = self.officers[officer_id]
            if officer["unit_is_board"]:
                self._by_unit[officer["unit"]].append(officer_id)
                self._board_officers.append(officer_id)
            else:
                self._brigade.append(officer_id)

    def label(self, board: int | None) -> str:
        name = self.boards[board]["name"] if board is not None else "全区"
        return f"{self.rules.month} {name}"

    def group_name(self, group_id: int) -> str:
        return next((g["name"] for g in self.groups if g["id"] == group_id), str(group_id))

    def groups_of(self, industry: str) -> list[int]:
        if industry not in self._groups_of_industry:
            self._groups_of_industry[industry] = [g["id"] for g in self.groups if covers(g, industry)]
        return self._groups_of_industry[industry]

    def officer_room(self, officer_id: int, day: str) -> bool:
        officer = self.officers[officer_id]
        return (
            officer["load"] < self.rules.officer_cap
            and officer["busy"].get(day, 0) < self.rules.officer_daily
        )

    def expert_room(self, expert_id: int, day: str) -> bool:
        expert = self.experts[expert_id]
        return expert["load"] < self.rules.expert_cap and expert["busy"].get(day, 0) < self.rules.expert_daily

    def officers_on(self, board: int, day: str) -> tuple[list[int], list[int]]:
        """(attached, others): officers certified on ``day`` with a footing in ``board`` and room left.
        Attached are the board's own, seconded and paired officers (none in a cross draw)."""
        key = (board, day)
        if key not in self._officers_on:
            attached: list[int] = []
            others: list[int] = []
            if self.rules.cross:
                possible = self._board_officers
            else:
                possible = sorted(self._by_unit.get(board, []) + self._brigade)
            for officer_id in possible:
                officer = self.officers[officer_id]
                footing = basis(officer, board, day, cross=self.rules.cross)
                if (
                    officer["post"] not in self.rules.posts
                    or footing is None
                    or not certified(officer, day)
                    or not self.officer_room(officer_id, day)
                ):
                    continue
                (others if footing in ("district", "cross") else attached).append(officer_id)
            self._officers_on[key] = (attached, others)
        return self._officers_on[key]

    def officer_excluded(self, enterprise: dict, officer_id: int) -> str | None:
        if officer_id in enterprise["officer_conflicts"]:
            return "conflict"
        if officer_id in enterprise["previous_officers"]:
            return "rotation"
        return None

    def expert_excluded(self, enterprise: dict, expert_id: int, day: str) -> str | None:
        expert = self.experts[expert_id]
        if expert_id in enterprise["expert_conflicts"]:
            return "conflict"
        if expert["employer_uscc"] == enterprise["uscc"]:
            return "employer"
        if self.rules.rotate_expert and expert_id == enterprise["previous_expert"]:
            return "rotation"
        if not expert_available(expert, day):
            return "unavailable"
        if not self.expert_room(expert_id, day):
            return "full"
        return None

    def eligible_officers(self, enterprise: dict, day: str) -> tuple[list[int], list[int]]:
        attached, others = self.officers_on(enterprise["board"], day)
        keep = [o for o in attached if self.officer_excluded(enterprise, o) is None]
        return keep, [o for o in others if self.officer_excluded(enterprise, o) is None]

    def experts_on(self, industry: str, day: str) -> list[int]:
        """Experts of the groups covering ``industry``, available on ``day``, with room left."""
        key = (industry, day)
        if key not in self._experts_on:
            ids = sorted({x for g in self.groups_of(industry) for x in self._experts_of_group[g]})
            self._experts_on[key] = [
                x for x in ids if expert_available(self.experts[x], day) and self.expert_room(x, day)
            ]
        return self._experts_on[key]

    def eligible_experts(self, enterprise: dict, day: str) -> list[int]:
        """Experts eligible for the enterprise on the day (ascending id)."""
        excluded = set(enterprise["expert_conflicts"])
        if self.rules.rotate_expert and enterprise["previous_expert"] is not None:
            excluded.add(enterprise["previous_expert"])
        uscc = enterprise["uscc"]
        return [
            x
            for x in self.experts_on(enterprise["industry"], day)
            if x not in excluded and self.experts[x]["employer_uscc"] != uscc
        ]

    def why_no_expert(self, enterprise: dict, day: str) -> dict[str, int]:
        """Why each expert of the enterprise's groups is not eligible (for the diagnosis)."""
        why: dict[str, int] = defaultdict(int)
        for expert_id in sorted(
            {x for g in self.groups_of(enterprise["industry"]) for x in self._experts_of_group[g]}
        ):
            problem = self.expert_excluded(enterprise, expert_id, day)
            if problem is not None:
                why[problem] += 1
        return dict(why)


# --- The result ------------------------------------------------------------------------------------


@dataclass
class Candidate:
    enterprise: dict
    board: int
    position: int  # in the board's shortlist
    day: str
    officers: list[int]
    experts: list[int]

    @property
    def id(self) -> int:
        return self.enterprise["id"]


@dataclass
class DrawResult:
    assignments: list[dict] = field(default_factory=list)
    unassigned: list[dict] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)
    solver: dict = field(default_factory=dict)
    quotas: dict[int, int] = field(default_factory=dict)

    def as_document(self) -> dict:
        return {
            "engine": ENGINE,
            "assignments": self.assignments,
            "unassigned": self.unassigned,
            "diagnoses": self.diagnoses,
            "solver": self.solver,
        }

    @property
    def assignments_hash(self) -> str:
        return sha256_hex(canonical(self.assignments))

    def summary(self) -> dict:
        assigned: dict[int, int] = defaultdict(int)
        for row in self.assignments:
            assigned[row["board"]] += 1
        quota = sum(self.quotas.values())
        return {
            "quota": quota,
            "assigned": len(self.assignments),
            "unassigned": len(self.unassigned),
            "share": round(len(self.assignments) / quota, 4) if quota else None,
            "by_board": {str(b): [q, assigned.get(b, 0)] for b, q in sorted(self.quotas.items())},
        }


def _diagnosis(
    kind: str, message: str, *, board=None, group=None, need=None, available=None, **extra
) -> dict:
    row = {
        "kind": kind,
        "board": board,
        "group": group,
        "need": need,
        "available": available,
        "message": message,
    }
    row.update(extra)
    return row


EXCLUDED_LABELS = {
    "cap": "已达年度检查上限 {n} 家",
    "recent": "{gap} 天内检查过 {n} 家",
    "open": "已有未完成任务 {n} 家",
    "not_due": "本月未到检查频次 {n} 家",
}


WHY_NOT = {
    "conflict": "回避",
    "employer": "受雇于该企业",
    "rotation": "上次已参加",
    "unavailable": "不在可用时段",
    "full": "工作量已满",
}


def run(seed: bytes, document: dict) -> DrawResult:
    """The draw. Same seed and same pool document: same result."""
    pool = Pool(document)
    rules = pool.rules
    result = DrawResult(quotas={b: rules.quotas.get(b, 0) for b in sorted(pool.boards)})
    shortlist, skipped = _shortlist(seed, pool, result)
    _prechecks(pool, shortlist, result)
    chosen, solver_info = _solve(seed, pool, shortlist)
    result.solver = solver_info
    by_id = {c.id: c for c in shortlist}
    rows = []
    for enterprise_id, (officer_ids, expert_id) in chosen.items():
        candidate = by_id[enterprise_id]
        rows.append(
            {
                "enterprise": enterprise_id,
                "board": candidate.board,
                "date": candidate.day,
                "officers": sorted(officer_ids),
                "expert": expert_id,
            }
        )
    result.assignments = sorted(rows, key=lambda r: (r["board"], r["date"], r["enterprise"]))
    _postchecks(pool, shortlist, skipped, chosen, result)
    return result


def _shortlist(seed: bytes, pool: Pool, result: DrawResult) -> tuple[list[Candidate], list[dict]]:
    rules = pool.rules
    by_board: dict[int, list[dict]] = defaultdict(list)
    excluded: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for enterprise_id in sorted(pool.enterprises):
        enterprise = pool.enterprises[enterprise_id]
        if enterprise["board"] not in pool.boards:
            continue
        problem = rules.candidate_problem(enterprise)
        if problem:
            excluded[enterprise["board"]][problem] += 1
        else:
            by_board[enterprise["board"]].append(enterprise)
    shortlist: list[Candidate] = []
    skipped: list[dict] = []
    for board in sorted(pool.boards):
        quota = rules.quotas.get(board, 0)
        candidates = sorted(
            by_board[board], key=lambda e: (-rules.deficit(e), digest(seed, f"enterprise:{e['id']}"))
        )
        for reason, n in pool.doc.get("excluded", {}).get(str(board), {}).items():
            excluded[board][reason] += n
        if len(candidates) < quota:
            detail = "、".join(
                EXCLUDED_LABELS[k].format(n=n, gap=pool.doc["params"]["min_gap_days"])
                for k, n in sorted(excluded[board].items())
                if n and k in EXCLUDED_LABELS
            )
            result.diagnoses.append(
                _diagnosis(
                    "candidates",
                    f"{pool.label(board)}：符合抽取条件的企业 {len(candidates)} 家，少于双随机配额 {quota} 家"
                    + (f"（{detail}）" if detail else ""),
                    board=board,
                    need=quota,
                    available=len(candidates),
                )
            )
        if quota <= 0 or not pool.dates:
            continue
        limit = quota + max(1, math.ceil(quota * rules.slack_share))
        offset = Stream(seed, f"dates:{board}").below(len(pool.dates))
        taken = 0
        for enterprise in candidates:
            if taken >= limit:
                break
            day = pool.dates[(offset + taken) % len(pool.dates)]
            attached, others = pool.eligible_officers(enterprise, day)
            experts = pool.eligible_experts(enterprise, day)
            officer_count = len(attached) + len(others)
            if officer_count < 2 or not experts:
                skipped.append(
                    {
                        "enterprise": enterprise["id"],
                        "board": board,
                        "date": day,
                        "officers": officer_count,
                        "experts": len(experts),
                        "groups": pool.groups_of(enterprise["industry"]),
                        "why_not": pool.why_no_expert(enterprise, day) if not experts else {},
                    }
                )
                continue
            officers = attached + sorted(
                Stream(seed, f"officers:{enterprise['id']}").sample(others, rules.officer_candidates)
            )
            experts = sorted(
                Stream(seed, f"experts:{enterprise['id']}").sample(experts, rules.expert_candidates)
            )
            shortlist.append(Candidate(enterprise, board, taken, day, officers, experts))
            taken += 1
    return shortlist, skipped


def _slots(pool: Pool, member_ids, days, *, expert: bool) -> int:
    """How many more inspections these members can take on these days, by their caps."""
    rules = pool.rules
    total = 0
    for member_id in member_ids:
        member = (pool.experts if expert else pool.officers)[member_id]
        monthly = (rules.expert_cap if expert else rules.officer_cap) - member["load"]
        daily = rules.expert_daily if expert else rules.officer_daily
        total += max(0, min(monthly, sum(max(0, daily - member["busy"].get(d, 0)) for d in days)))
    return total


def _prechecks(pool: Pool, shortlist: list[Candidate], result: DrawResult) -> None:
    """Shortages visible before solving: per board (officers) and per group (experts)."""
    rules = pool.rules
    primaries = [c for c in shortlist if c.position < rules.quotas.get(c.board, 0)]
    scopes: list[tuple[int | None, list[Candidate]]]
    boards = sorted({c.board for c in primaries})
    scopes = [(b, [c for c in primaries if c.board == b]) for b in boards]
    if len(pool.boards) > 1:
        scopes.append((None, primaries))
    for board, items in scopes:
        officers = sorted({o for c in items for o in c.officers})
        days = sorted({c.day for c in items})
        need, slots = 2 * len(items), _slots(pool, officers, days, expert=False)
        if need > slots:
            result.diagnoses.append(
                _diagnosis(
                    "officer_capacity",
                    f"{pool.label(board)}：持证执法人员不足：{len(items)} 家企业需要 {need} 人次，"
                    f"可用 {len(officers)} 名最多承担 {slots} 人次",
                    board=board,
                    need=need,
                    available=slots,
                )
            )
        by_group: dict[int, list[Candidate]] = defaultdict(list)
        for c in items:
            groups = pool.groups_of(c.enterprise["industry"])
            if groups:
                by_group[groups[0]].append(c)
        for group_id, group_items in sorted(by_group.items()):
            experts = sorted({x for c in group_items for x in c.experts})
            slots = _slots(pool, experts, sorted({c.day for c in group_items}), expert=True)
            if len(group_items) > slots:
                result.diagnoses.append(
                    _diagnosis(
                        "expert_capacity",
                        f"{pool.label(board)}：{len(group_items)} 家企业需要{pool.group_name(group_id)}专家，"
                        f"可用 {len(experts)} 名（本月最多还可承担 {slots} 次）",
                        board=board,
                        group=group_id,
                        need=len(group_items),
                        available=len(experts),
                        slots=slots,
                    )
                )


def _postchecks(pool, shortlist, skipped, chosen, result) -> None:
    rules = pool.rules
    # Enterprises passed over for want of eligible members, grouped by what is short.
    officers_short: dict[tuple[int, int], list[int]] = defaultdict(list)
    experts_short: dict[tuple[int, int | None, int], list[int]] = defaultdict(list)
    for row in skipped:
        if row["officers"] < 2:
            officers_short[(row["board"], row["officers"])].append(row["enterprise"])
            reason = f"持证执法人员不足：需要 2 名，可用 {row['officers']} 名"
        else:
            group = row["groups"][0] if row["groups"] else None
            experts_short[(row["board"], group, row["experts"])].append(row["enterprise"])
            name = pool.group_name(group) if group is not None else "（无对应专业组的）"
            why = "、".join(f"{WHY_NOT[k]} {n} 名" for k, n in sorted(row["why_not"].items()))
            reason = f"需要{name}专家，可用 0 名" + (f"（{why}）" if why else "")
        result.unassigned.append(
            {"enterprise": row["enterprise"], "board": row["board"], "date": row["date"], "reason": reason}
        )
    for (board, available), ids in sorted(officers_short.items()):
        result.diagnoses.append(
            _diagnosis(
                "officers",
                f"{pool.label(board)}：{len(ids)} 家企业持证执法人员不足：需要 2 名，可用 {available} 名",
                board=board,
                need=2,
                available=available,
                enterprises=ids,
            )
        )
    for (board, group, available), ids in sorted(
        experts_short.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)
    ):
        name = pool.group_name(group) if group is not None else "（无对应专业组的）"
        result.diagnoses.append(
            _diagnosis(
                "experts",
                f"{pool.label(board)}：{len(ids)} 家企业需要{name}专家，可用 {available} 名",
                board=board,
                group=group,
                need=len(ids),
                available=available,
                enterprises=ids,
            )
        )
    # Shortlisted enterprises inside the quota that the solver could not staff within the caps.
    board_of = {c.id: c.board for c in shortlist}
    drawn_per_board: dict[int, int] = defaultdict(int)
    for enterprise_id in chosen:
        drawn_per_board[board_of[enterprise_id]] += 1
    for c in shortlist:
        if c.id not in chosen and c.position < rules.quotas.get(c.board, 0):
            result.unassigned.append(
                {
                    "enterprise": c.id,
                    "board": c.board,
                    "date": c.day,
                    "reason": "在每月、每日工作量上限内无法组成“2+1”检查组",
                }
            )
    for board in sorted(pool.boards):
        quota = rules.quotas.get(board, 0)
        if drawn_per_board[board] < quota:
            result.diagnoses.append(
                _diagnosis(
                    "quota",
                    f"{pool.label(board)}：双随机配额 {quota} 家，完成组队 {drawn_per_board[board]} 家，"
                    f"缺 {quota - drawn_per_board[board]} 家",
                    board=board,
                    need=quota,
                    available=drawn_per_board[board],
                )
            )
    result.unassigned.sort(key=lambda r: (r["board"], r["date"], r["enterprise"]))


# --- Teams: greedy hint and CP-SAT -----------------------------------------------------------------


def _greedy(seed: bytes, pool: Pool, shortlist: list[Candidate]) -> dict[int, tuple[list[int], int]]:
    """Lightest-loaded eligible members first (seeded tie-break), in shortlist order, within the caps."""
    rules = pool.rules
    officer_load = {o: pool.officers[o]["load"] for o in pool.officers}
    expert_load = {x: pool.experts[x]["load"] for x in pool.experts}
    officer_day: dict[tuple[int, str], int] = defaultdict(int)
    expert_day: dict[tuple[int, str], int] = defaultdict(int)
    per_board: dict[int, int] = defaultdict(int)
    chosen: dict[int, tuple[list[int], int]] = {}
    order = sorted(shortlist, key=lambda c: (c.position, c.board))
    for c in order:
        if per_board[c.board] >= rules.quotas.get(c.board, 0):
            continue

        def officer_ok(o, c=c):
            busy = pool.officers[o]["busy"].get(c.day, 0) + officer_day[(o, c.day)]
            return officer_load[o] < rules.officer_cap and busy < rules.officer_daily

        def expert_ok(x, c=c):
            busy = pool.experts[x]["busy"].get(c.day, 0) + expert_day[(x, c.day)]
            return expert_load[x] < rules.expert_cap and busy < rules.expert_daily

        def officer_key(o: int, c=c) -> tuple[int, str]:
            return officer_load[o], digest(seed, f"greedy-officer:{c.id}:{o}")

        def expert_key(x: int, c=c) -> tuple[int, str]:
            return expert_load[x], digest(seed, f"greedy-expert:{c.id}:{x}")

        officers = sorted((o for o in c.officers if officer_ok(o)), key=officer_key)[:2]
        experts = sorted((x for x in c.experts if expert_ok(x)), key=expert_key)[:1]
        if len(officers) < 2 or not experts:
            continue
        for o in officers:
            officer_load[o] += 1
            officer_day[(o, c.day)] += 1
        expert_load[experts[0]] += 1
        expert_day[(experts[0], c.day)] += 1
        per_board[c.board] += 1
        chosen[c.id] = (officers, experts[0])
    return chosen


def _solve(seed: bytes, pool: Pool, shortlist: list[Candidate]):
    """Which enterprises are drawn (CP-SAT), then their teams (two min-cost flows)."""
    if not shortlist:
        return {}, {"status": "EMPTY", "used": "none"}
    hint = _greedy(seed, pool, shortlist)
    selected, info = _select(seed, pool, shortlist, hint)
    by_id = {c.id: c for c in shortlist}
    drawn = [
        by_id[enterprise_id]
        for enterprise_id in sorted(selected, key=lambda e: (by_id[e].board, by_id[e].position))
    ]
    officers = _flow(
        seed,
        "officer-weights",
        drawn,
        pool.officers,
        [c.officers for c in drawn],
        2,
        pool.rules.officer_cap,
        pool.rules.officer_daily,
    )
    experts = _flow(
        seed,
        "expert-weights",
        drawn,
        pool.experts,
        [c.experts for c in drawn],
        1,
        pool.rules.expert_cap,
        pool.rules.expert_daily,
    )
    if officers is None or experts is None:  # cannot happen: the selection has a feasible assignment
        info["teams"] = "selection"
        return selected, info
    info["teams"] = "min-cost-flow"
    return {c.id: (officers[c.id], experts[c.id][0]) for c in drawn}, info


def _select(seed: bytes, pool: Pool, shortlist: list[Candidate], hint):
    """CP-SAT: draw as many shortlisted enterprises as the quotas allow, earlier ones of the random
    order first, such that every drawn one has two officers and one expert within all the caps."""
    from ortools.sat.python import cp_model

    rules = pool.rules
    model = cp_model.CpModel()
    longest = max(c.position for c in shortlist) + 1
    w_rank = 1
    w_cover = w_rank * (longest + 1)
    z: dict[int, Any] = {}
    x: dict[tuple[int, int], Any] = {}
    y: dict[tuple[int, int], Any] = {}
    terms: dict[tuple[str, int], list] = defaultdict(list)
    day_terms: dict[tuple[str, int, str], list] = defaultdict(list)
    board_terms: dict[int, list] = defaultdict(list)
    objective = []
    for c in shortlist:
        zc = model.new_bool_var("")
        z[c.id] = zc
        board_terms[c.board].append(zc)
        objective.append((zc, w_cover + w_rank * (longest - c.position)))
        officer_vars = []
        for o in c.officers:
            v = x[(c.id, o)] = model.new_bool_var("")
            officer_vars.append(v)
            terms[("o", o)].append(v)
            day_terms[("o", o, c.day)].append(v)
        model.add(sum(officer_vars) == 2 * zc)
        expert_vars = []
        for e in c.experts:
            v = y[(c.id, e)] = model.new_bool_var("")
            expert_vars.append(v)
            terms[("x", e)].append(v)
            day_terms[("x", e, c.day)].append(v)
        model.add(sum(expert_vars) == zc)
    for board, board_vars in sorted(board_terms.items()):
        model.add(sum(board_vars) <= rules.quotas.get(board, 0))
    for (kind, member_id), vs in sorted(terms.items()):
        member = (pool.officers if kind == "o" else pool.experts)[member_id]
        room = (rules.officer_cap if kind == "o" else rules.expert_cap) - member["load"]
        if len(vs) > room:
            model.add(sum(vs) <= room)
    for (kind, member_id, day), vs in sorted(day_terms.items()):
        member = (pool.officers if kind == "o" else pool.experts)[member_id]
        room = (rules.officer_daily if kind == "o" else rules.expert_daily) - member["busy"].get(day, 0)
        if len(vs) > room:
            model.add(sum(vs) <= room)
    model.maximize(cp_model.LinearExpr.weighted_sum([v for v, _ in objective], [w for _, w in objective]))
    for c in shortlist:
        team = hint.get(c.id)
        model.add_hint(z[c.id], team is not None)
        for o in c.officers:
            model.add_hint(x[(c.id, o)], team is not None and o in team[0])
        for e in c.experts:
            model.add_hint(y[(c.id, e)], team is not None and e == team[1])

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = solver_seed(seed)
    solver.parameters.max_deterministic_time = rules.max_time
    # The complete hint is taken as the first solution during presolve; following it again branch by
    # branch only costs time.
    solver.parameters.hint_conflict_limit = 0
    solver.parameters.log_search_progress = False
    status = solver.solve(model)
    info = {
        "status": solver.status_name(status),
        "variables": len(x) + len(y) + len(z),
        "max_deterministic_time": rules.max_time,
    }
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        info["used"] = "greedy"
        return hint, info
    info["used"] = "cp-sat"
    info["objective"] = int(solver.objective_value)
    info["bound"] = int(solver.best_objective_bound)
    chosen: dict[int, tuple[list[int], int]] = {}
    for c in shortlist:
        if solver.boolean_value(z[c.id]):
            officers = [o for o in c.officers if solver.boolean_value(x[(c.id, o)])]
            expert = next(e for e in c.experts if solver.boolean_value(y[(c.id, e)]))
            chosen[c.id] = (officers, expert)
    return chosen, info


def _flow(seed: bytes, label: str, drawn, members: dict, candidates, need: int, cap: int, daily: int):
    """Members for the drawn enterprises minimising Σ load² exactly, random among equal ones.

    A min-cost flow: each enterprise supplies ``need`` units; an arc of capacity 1 to each candidate's
    (member, date) node (so no member twice), costing a seeded random weight 0–7; (member, date) to the
    member within the daily room; the member's k-th inspection of the month to the sink at cost
    (2k + 1) × M, M larger than all random weights together, so balance strictly comes first.
    Returns {enterprise: [members]} or None when no such assignment exists."""
    from ortools.graph.python import min_cost_flow

    if not drawn:
        return {}
    weights = Stream(seed, label)
    big = 8 * need * len(drawn) + 1
    tails, heads, capacities, costs = [], [], [], []
    day_nodes: dict[tuple[int, str], int] = {}
    member_nodes: dict[int, int] = {}
    next_node = len(drawn)
    choice_arcs: list[tuple[int, int]] = []  # (enterprise index, member) per candidate arc
    for index, (c, members_of_c) in enumerate(zip(drawn, candidates, strict=True)):
        for member_id in members_of_c:
            key = (member_id, c.day)
            if key not in day_nodes:
                day_nodes[key] = next_node
                next_node += 1
            tails.append(index)
            heads.append(day_nodes[key])
            capacities.append(1)
            costs.append(weights.below(8))
            choice_arcs.append((index, member_id))
    for (member_id, day), node in day_nodes.items():
        if member_id not in member_nodes:
            member_nodes[member_id] = next_node
            next_node += 1
        room = daily - members[member_id]["busy"].get(day, 0)
        tails.append(node)
        heads.append(member_nodes[member_id])
        capacities.append(max(0, room))
        costs.append(0)
    sink = next_node
    for member_id, node in member_nodes.items():
        for k in range(members[member_id]["load"], cap):
            tails.append(node)
            heads.append(sink)
            capacities.append(1)
            costs.append((2 * k + 1) * big)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    for index in range(len(drawn)):
        flow.set_node_supply(index, need)
    flow.set_node_supply(sink, -need * len(drawn))
    if flow.solve() != flow.OPTIMAL:
        return None
    chosen: dict[int, list[int]] = defaultdict(list)
    for arc, (index, member_id) in enumerate(choice_arcs):
        if flow.flow(arc):
            chosen[drawn[index].id].append(member_id)
    return chosen


# --- An independent check of every hard constraint -------------------------------------------------


def violations(document: dict, rows: list[dict]) -> list[str]:
    """Every broken hard constraint in ``rows`` against the pool (empty: all hold).

    Written separately from the engine's own filtering, so that verification does not rest on the code
    it verifies alone."""
    pool = Pool(document)
    rules = pool.rules
    problems: list[str] = []
    officer_month: dict[int, int] = defaultdict(int)
    officer_day: dict[tuple[int, str], int] = defaultdict(int)
    expert_month: dict[int, int] = defaultdict(int)
    expert_day: dict[tuple[int, str], int] = defaultdict(int)
    per_board: dict[int, int] = defaultdict(int)
    seen: set[int] = set()
    for row in rows:
        eid, day = row["enterprise"], row["date"]
        where = f"企业 {eid}（{day}）"
        enterprise = pool.enterprises.get(eid)
        if enterprise is None:
            problems.append(f"{where}：不在冻结的候选池中")
            continue
        if eid in seen:
            problems.append(f"{where}：同一企业被抽取两次")
        seen.add(eid)
        if row["board"] != enterprise["board"] or row["board"] not in pool.boards:
            problems.append(f"{where}：板块不符")
        if day not in pool.dates:
            problems.append(f"{where}：日期不是本月工作日")
        problem = rules.candidate_problem(enterprise)
        if problem:
            problems.append(f"{where}：不符合抽取条件（{problem}）")
        per_board[row["board"]] += 1
        officers = row["officers"]
        if len(officers) != 2 or len(set(officers)) != 2:
            problems.append(f"{where}：须为两名不同的执法人员")
        for officer_id in officers:
            officer = pool.officers.get(officer_id)
            if officer is None:
                problems.append(f"{where}：执法人员 {officer_id} 不在候选池中")
                continue
            if officer["post"] not in rules.posts:
                problems.append(f"{where}：执法人员 {officer_id} 的岗位不参加抽取")
            if not certified(officer, day):
                problems.append(f"{where}：执法人员 {officer_id} 当日无有效执法证")
            if basis(officer, enterprise["board"], day, cross=rules.cross) is None:
                problems.append(f"{where}：执法人员 {officer_id} 在该板块无执法依据")
            if officer_id in enterprise["officer_conflicts"]:
                problems.append(f"{where}：执法人员 {officer_id} 应回避")
            if officer_id in enterprise["previous_officers"]:
                problems.append(f"{where}：执法人员 {officer_id} 参加了该企业上次检查（未轮换）")
            officer_month[officer_id] += 1
            officer_day[(officer_id, day)] += 1
        expert = pool.experts.get(row["expert"])
        if expert is None:
            problems.append(f"{where}：专家 {row['expert']} 不在候选池中")
            continue
        if not any(covers(g, enterprise["industry"]) for g in pool.groups if g["id"] in expert["groups"]):
            problems.append(f"{where}：专家 {expert['id']} 的专业组不覆盖该企业行业")
        if not expert_available(expert, day):
            problems.append(f"{where}：专家 {expert['id']} 当日不可用")
        if expert["id"] in enterprise["expert_conflicts"]:
            problems.append(f"{where}：专家 {expert['id']} 应回避")
        if expert["employer_uscc"] == enterprise["uscc"]:
            problems.append(f"{where}：专家 {expert['id']} 受雇于该企业")
        if rules.rotate_expert and expert["id"] == enterprise["previous_expert"]:
            problems.append(f"{where}：专家 {expert['id']} 参加了该企业上次检查（未轮换）")
        expert_month[expert["id"]] += 1
        expert_day[(expert["id"], day)] += 1
    for board, n in sorted(per_board.items()):
        if n > rules.quotas.get(board, 0):
            problems.append(f"板块 {board}：抽取 {n} 家，超过配额 {rules.quotas.get(board, 0)} 家")
    for officer_id, n in sorted(officer_month.items()):
        if officer_id in pool.officers and pool.officers[officer_id]["load"] + n > rules.officer_cap:
            problems.append(f"执法人员 {officer_id}：本月检查超过上限 {rules.officer_cap}")
    for (officer_id, day), n in sorted(officer_day.items()):
        if (
            officer_id in pool.officers
            and pool.officers[officer_id]["busy"].get(day, 0) + n > rules.officer_daily
        ):
            problems.append(f"执法人员 {officer_id}：{day} 检查超过每日上限 {rules.officer_daily}")
    for expert_id, n in sorted(expert_month.items()):
        if pool.experts[expert_id]["load"] + n > rules.expert_cap:
            problems.append(f"专家 {expert_id}：本月检查超过上限 {rules.expert_cap}")
    for (expert_id, day), n in sorted(expert_day.items()):
        if pool.experts[expert_id]["busy"].get(day, 0) + n > rules.expert_daily:
            problems.append(f"专家 {expert_id}：{day} 检查超过每日上限 {rules.expert_daily}")
    return problems


# --- Member swaps ----------------------------------------------------------------------------------


def swap_seed(seed: bytes, counter: int) -> bytes:
    return hashlib.sha256(seed + b"|swap|" + str(counter).encode()).digest()


def pick_replacement(seed: bytes, counter: int, document: dict) -> int | None:
    """The replacement for one member of a task, from a frozen candidate document.

    ``document`` holds the task (enterprise record, date, the members not to pick: the one leaving and
    those staying), the role, and
    candidate records in the pool format with their current loads. The eligible candidate with the
    lightest monthly load wins; ties go to the smallest SHA-256(swap seed | id)."""
    derived = swap_seed(seed, counter)
    rules = Rules.of({"month": document["month"], "params": document["params"]})
    enterprise = document["enterprise"]
    day = document["date"]
    excluded = set(document["exclude"])
    eligible = []
    if document["role"] == "officer":
        for officer in document["candidates"]:
            oid = officer["id"]
            if (
                oid in excluded
                or oid in enterprise["officer_conflicts"]
                or oid in enterprise["previous_officers"]
            ):
                continue
            if officer["post"] not in rules.posts or not certified(officer, day):
                continue
            if basis(officer, enterprise["board"], day, cross=rules.cross) is None:
                continue
            if officer["load"] >= rules.officer_cap or officer["busy"].get(day, 0) >= rules.officer_daily:
                continue
            eligible.append((officer["load"], digest(derived, f"officer:{oid}"), oid))
    else:
        groups = document["groups"]
        for expert in document["candidates"]:
            xid = expert["id"]
            if (
                xid in excluded
                or xid in enterprise["expert_conflicts"]
                or expert["employer_uscc"] == enterprise["uscc"]
            ):
                continue
            if rules.rotate_expert and xid == enterprise["previous_expert"]:
                continue
            if not any(covers(g, enterprise["industry"]) for g in groups if g["id"] in expert["groups"]):
                continue
            if not expert_available(expert, day):
                continue
            if expert["load"] >= rules.expert_cap or expert["busy"].get(day, 0) >= rules.expert_daily:
                continue
            eligible.append((expert["load"], digest(derived, f"expert:{xid}"), xid))
    return min(eligible)[2] if eligible else None
