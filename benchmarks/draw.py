"""Benchmark: the month's double-random 2+1 draw for the whole district, against a greedy baseline.

For each scale it builds a throw-away region in a temporary data dir (`zhifa demo --no-serve`, then
`zhifa synth --scale N`), makes sure the year's plan is approved, and then, in one process:
  - runs the district-wide draw of the month with the plan's full random quotas (commit, freeze pools,
    CP-SAT selection and min-cost-flow teams, reveal), timing each step — superseding the demo's own
    draw of the month if there is one;
  - runs a greedy random baseline on the same frozen pool: enterprises shuffled (Python's random,
    seeded), each given the first feasible officers and expert in pool order, within the same hard rules;
  - checks both results against every hard rule (zhifa.planning.draw.violations);
  - prints time, share of the quota assigned and the workload spread (max / min / stddev of tasks per
    officer and per expert of the pool) of both.
Writes nothing into the tree.

    .venv/bin/python benchmarks/draw.py [--scales 10] [--month 2026-12]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Zhifa-2026!"


def zhifa(env, *args):
    subprocess.run(
        [sys.executable, "-m", "zhifa", *args], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT
    )


def next_month() -> str:
    first = (date.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    return f"{first.year}-{first.month:02d}"


def build(scale: int, month: str) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"zhifa-bench-draw-{scale}-"))
    env = {**os.environ, "ZHIFA_DATA_DIR": str(data_dir)}
    env.pop("ZHIFA_DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        env["ZHIFA_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    try:
        t0 = time.perf_counter()
        zhifa(env, "migrate", "--noinput")
        zhifa(env, "demo", "--no-serve", "--password", PASSWORD)
        if scale > 1:
            zhifa(env, "synth", "--scale", str(scale))
        built = time.perf_counter() - t0
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                "--month",
                month,
                "--label",
                f"scale {scale} (data built in {built:.0f} s)",
            ],
            env=env,
            check=True,
            cwd=ROOT,
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# --- In the child process, with Django set up on the throw-away database --------------------------


def baseline(document: dict, seed: int) -> list[dict]:
    """Shuffled enterprises, first feasible officers and expert (pool order), same hard rules."""
    import random

    from zhifa.planning.draw import Pool

    pool = Pool(document)
    rules = pool.rules
    rng = random.Random(seed)
    officer_load = Counter({o: pool.officers[o]["load"] for o in pool.officers})
    expert_load = Counter({x: pool.experts[x]["load"] for x in pool.experts})
    officer_day, expert_day = Counter(), Counter()
    rows = []
    for board in sorted(pool.boards):
        quota = rules.quotas.get(board, 0)
        candidates = [
            e for e in pool.enterprises.values() if e["board"] == board and not rules.candidate_problem(e)
        ]
        candidates.sort(key=lambda e: e["id"])
        rng.shuffle(candidates)
        taken = 0
        for i, enterprise in enumerate(candidates):
            if taken >= quota:
                break
            day = pool.dates[i % len(pool.dates)]
            attached, others = pool.eligible_officers(enterprise, day)
            officers = [
                o
                for o in attached + others
                if officer_load[o] < rules.officer_cap
                and pool.officers[o]["busy"].get(day, 0) + officer_day[(o, day)] < rules.officer_daily
            ][:2]
            experts = pool.eligible_experts(enterprise, day)
            experts = [
                x
                for x in experts
                if expert_load[x] < rules.expert_cap
                and pool.experts[x]["busy"].get(day, 0) + expert_day[(x, day)] < rules.expert_daily
            ][:1]
            if len(officers) < 2 or not experts:
                continue
            for o in officers:
                officer_load[o] += 1
                officer_day[(o, day)] += 1
            expert_load[experts[0]] += 1
            expert_day[(experts[0], day)] += 1
            rows.append(
                {
                    "enterprise": enterprise["id"],
                    "board": board,
                    "date": day,
                    "officers": sorted(officers),
                    "expert": experts[0],
                }
            )
            taken += 1
    return rows


def spread(rows: list[dict], document: dict) -> tuple[str, str]:
    officers, experts = Counter(), Counter()
    for row in rows:
        officers.update(row["officers"])
        experts[row["expert"]] += 1

    def line(counts, members):
        loads = [counts.get(m["id"], 0) for m in members]
        return f"max {max(loads):>3}  min {min(loads):>3}  stddev {statistics.pstdev(loads):5.2f}  (of {len(loads)})"

    return line(officers, document["officers"]), line(experts, document["experts"])


def measure(month: str, label: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from zhifa.accounts.models import User
    from zhifa.core.audit import audit_context
    from zhifa.orgs.models import Region
    from zhifa.planning import draw as engine
    from zhifa.planning import plan as plans
    from zhifa.planning import services

    user = User.objects.get(username="leader")
    year, month_number = int(month[:4]), int(month[5:])
    timings = {}
    with audit_context(user=user, source="cli"):
        district = plans.the_district()
        plan = plans.plan_in_force(district, year)
        boards = Region.objects.boards().filter(parent=district).count()
        if plan is None or plan.board_months.filter(month=1).count() < boards + 1:
            # No plan yet, or one built before `zhifa synth` added boards: (re)build it for every board.
            latest = plans.latest_plan(district, year)
            plan = plans.build_plan(
                user=user, year=year, reason="基准测试：按合成后的全部板块编制" if latest else ""
            )
            plans.approve_plan(plans.submit_plan(plan, user=user), user=user)
        # The demo may have drawn the month already (with part of the quotas): draw it again in full.
        existing = services.active_overlap(year, month_number, None)
        t0 = time.perf_counter()
        draw, seed = services.commit_draw(
            user=user,
            year=year,
            month=month_number,
            supersede=existing,
            reason="基准测试：按年度计划的全部双随机配额重新抽取" if existing else "",
        )
        timings["commit"] = time.perf_counter() - t0
        original_run = engine.run

        def timed_run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original_run(*args, **kwargs)
            finally:
                timings["engine (shortlist + CP-SAT)"] = time.perf_counter() - start

        engine.run = timed_run
        t1 = time.perf_counter()
        outcome = services.perform_draw(draw, seed, user=user)
        engine.run = original_run
        timings["freeze + draw + store + reveal"] = time.perf_counter() - t1
    draw = outcome.draw
    document = json.loads(draw.pool_json)
    result = outcome.result
    quota = draw.summary["quota"]
    t2 = time.perf_counter()
    greedy = baseline(document, seed=int.from_bytes(seed[:8], "big"))
    greedy_time = time.perf_counter() - t2
    t3 = time.perf_counter()
    verify_ok = services.verify_draw(draw).ok
    verify_time = time.perf_counter() - t3

    print(f"\n== {label}: district-wide draw for {month} ==")
    print(
        f"pool: {len(document['enterprises']):,} candidate enterprises, {len(document['officers'])} officers, "
        f"{len(document['experts'])} experts, {len(draw.pool_json) / 1e6:.1f} MB; quota {quota:,}"
    )
    print(f"solver: {result.solver}")
    for step, seconds in timings.items():
        print(f"  {step:34} {seconds:8.1f} s")
    print(f"  {'verify (recompute + compare)':34} {verify_time:8.1f} s  -> {'ok' if verify_ok else 'FAILED'}")
    print(f"{'':14}{'assigned':>16}  {'officers: tasks per officer':52}experts: tasks per expert")
    for name, rows, seconds in (
        ("CP-SAT draw", result.assignments, timings["engine (shortlist + CP-SAT)"]),
        ("greedy", greedy, greedy_time),
    ):
        officers, experts = spread(rows, document)
        share = len(rows) / quota if quota else 0
        broken = engine.violations(document, rows)
        print(
            f"{name:14}{len(rows):>7,} ({share:6.1%})  {officers:52}{experts}"
            f"  [{seconds:.1f} s, {'all hard rules hold' if not broken else f'{len(broken)} violations'}]"
        )
    for row in draw.diagnoses[:8]:
        print(f"  · {row['message']}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="10")
    parser.add_argument("--month", default=next_month())
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.month, args.label)
        return
    for scale in (int(s) for s in args.scales.split(",")):
        build(scale, args.month)


if __name__ == "__main__":
    main()
