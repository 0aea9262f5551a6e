"""Load scenario: 50 simulated users against gunicorn and PostgreSQL on loopback, for a bounded time.

Builds a throw-away installation: a PostgreSQL cluster on 127.0.0.1 (``scripts/with-postgres.sh``,
stopped and removed at the end; or the database BENCH_DATABASE_URL names), a temporary data dir, the
migrations, the demo district (``zhifa demo --no-serve``) and the load accounts
(``benchmarks/load/prepare.py``: legal reviewers and district leaders with a TOTP device each, since
their role requires a second factor). Then it serves with gunicorn on loopback (one worker per core)
and runs locust headless (``benchmarks/load/locustfile.py``) with ``--users`` users in three kinds:
60 % board officers browsing lists and details and recording inspections through the pages, 20 % legal
reviewers working their review queue, 20 % district leaders opening the dashboard, the figures and the
bulletins, each waiting ``--think`` seconds between two actions. Every user signs in through the login
form (and the code page) as it starts; once the last one is in, everyone works for ``--time`` seconds.

Prints the sign-in phase on its own (fifty password hashes at once are costly by design), then per page
of the working phase: requests, errors, median (p50) and p95 in ms, and both as a ratio to ``/healthz``
(one ``SELECT 1``: the baseline, requested by the same users in the same run); then the totals:
requests, requests per second, errors. Exit status 1 when any request failed (an error is anything but
the page itself: a status other than 200, a redirect to the login or code page, a page lacking its
table or form, a user who could not sign in). Writes nothing into the tree. Not run in CI: it takes
several minutes of both cores (most of it building the demo data).

    .venv/bin/python benchmarks/load.py [--users 50] [--spawn-rate 10] [--time 60] [--think 3,10]
                                        [--workers CORES]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "load"
BIN = Path(sys.executable).parent
PASSWORD = "Bench-Zhifa-2026!"
INNER = "ZHIFA_LOAD_INNER"
#: Seconds allowed for every user to sign in before the working phase (locust's overall time limit).
SIGNIN_CAP = 600
BASELINE = "/healthz（基线）"
#: The share of each kind of user (the locustfile's class weights: 30, 10, 10).
SHARES = {"officer": 0.6, "reviewer": 0.2, "leader": 0.2}


def zhifa(env, *args) -> None:
    subprocess.run(
        [sys.executable, "-m", "zhifa", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def read_rows(path: str) -> list[dict[str, str]]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


HEADER = f"{'count':>7}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}"


def report_signin(signin: dict) -> int:
    """The sign-in phase (login page, password, code; every user at --spawn-rate); returns its errors."""
    print(f"\n== signing in: {signin['users']} users, all in after {signin['seconds']:.0f} s ==")
    name_w = max([width(r["name"]) for r in signin["requests"]] + [8]) + 2
    print(f"{pad('request', name_w)}{HEADER}")
    for r in signin["requests"]:
        print(f"{pad(r['name'], name_w)}{r['count']:7d}{r['failures']:7d}{r['p50']:9.0f}{r['p95']:9.0f}")
    for e in signin["errors"]:
        print(f"  error ×{e['count']}: {e['name']}: {e['error']}", file=sys.stderr)
    if signin["failed_users"]:
        print(f"  {signin['failed_users']} users could not sign in", file=sys.stderr)
    return sum(r["failures"] for r in signin["requests"]) + signin["failed_users"]


def report(prefix: Path, args, workers: int, build_s: float, signin: dict) -> int:
    kinds = ", ".join(f"{math.floor(args.users * s + 0.5)} {k}s" for k, s in SHARES.items())
    print(
        f"\n== load: {args.users} users ({kinds}) waiting {args.think.replace(',', '–')} s between actions, "
        f"gunicorn {workers} workers, PostgreSQL on loopback; "
        f"data built in {build_s:.0f} s =="
    )
    signin_errors = report_signin(signin)
    rows = read_stats(prefix)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: r["Name"] != BASELINE)
    base = next((r for r in pages if r["Name"] == BASELINE), None)
    if base is None or not int(base["Request Count"]):
        print("no baseline requests were made", file=sys.stderr)
        return 1
    base50, base95 = float(base["50%"]) or 1.0, float(base["95%"]) or 1.0
    print(f"\n== working: {args.time} s after the last user signed in ==")
    name_w = max(width(r["Name"]) for r in pages) + 2
    print(f"{pad('request', name_w)}{HEADER}{'p50 ×base':>11}{'p95 ×base':>11}")
    for r in pages:
        if not int(r["Request Count"]):
            continue
        p50, p95 = float(r["50%"]), float(r["95%"])
        print(
            f"{pad(r['Name'], name_w)}{int(r['Request Count']):7d}{int(r['Failure Count']):7d}"
            f"{p50:9.0f}{p95:9.0f}{p50 / base50:11.1f}{p95 / base95:11.1f}"
        )
    exceptions = read_rows(f"{prefix}_exceptions.csv")
    errors = int(total["Failure Count"]) + sum(int(e.get("Count") or 1) for e in exceptions) + signin_errors
    print(
        f"\ntotal: {int(total['Request Count'])} requests while working, "
        f"{float(total['Requests/s']):.1f} requests/s, p50 {float(total['50%']):.0f} ms, "
        f"p95 {float(total['95%']):.0f} ms; errors: {errors}"
        + (f" (signing in: {signin_errors})" if signin_errors else "")
    )
    for f in read_rows(f"{prefix}_failures.csv"):
        print(f"  error ×{f['Occurrences']}: {f['Method']} {f['Name']}: {f['Error']}", file=sys.stderr)
    for e in exceptions:
        print(f"  exception ×{e.get('Count')}: {e.get('Message')}", file=sys.stderr)
    if errors or not int(total["Request Count"]):
        print("FAILED: the load scenario must finish without errors", file=sys.stderr)
        return 1
    return 0


def run(args) -> int:
    database = os.environ.get("BENCH_DATABASE_URL") or (
        os.environ.get("ZHIFA_DATABASE_URL", "") if os.environ.get(INNER) else ""
    )
    if not database.startswith(("postgres://", "postgresql://")):
        print(
            "the load scenario needs PostgreSQL (BENCH_DATABASE_URL or the throw-away cluster)",
            file=sys.stderr,
        )
        return 2
    workers = args.workers or os.cpu_count() or 2
    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-load-"))
    env = {**os.environ, "ZHIFA_DATA_DIR": str(data_dir), "ZHIFA_DATABASE_URL": database}
    env.pop(INNER, None)
    server = None
    try:
        t0 = time.perf_counter()
        zhifa(env, "migrate", "--noinput")
        zhifa(env, "collectstatic", "--noinput")
        demo_accounts = data_dir / "demo-accounts.json"
        zhifa(env, "demo", "--no-serve", "--password", PASSWORD, "--accounts-out", str(demo_accounts))
        accounts = data_dir / "load-accounts.json"
        counts = {k: max(1, math.ceil(args.users * s)) for k, s in SHARES.items()}
        subprocess.run(
            [
                sys.executable,
                str(HERE / "prepare.py"),
                str(demo_accounts),
                str(accounts),
                "--password",
                PASSWORD,
                "--officers",
                str(counts["officer"]),
                "--reviewers",
                str(counts["reviewer"]),
                "--leaders",
                str(counts["leader"]),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        build_s = time.perf_counter() - t0
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "zhifa.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_up(base, server)
        prefix = data_dir / "locust"
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(HERE / "locustfile.py"),
                "--headless",
                "--host",
                base,
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",  # a cap: the users stop themselves --time seconds after the last one signed in
                f"{args.time + SIGNIN_CAP}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **env,
                "ZHIFA_LOAD_ACCOUNTS": str(accounts),
                "ZHIFA_LOAD_SIGNIN": str(data_dir / "signin.json"),
                "ZHIFA_LOAD_SECONDS": str(args.time),
                "ZHIFA_LOAD_THINK": args.think,
            },
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,  # its own summary repeats ours; shown when it fails
            text=True,
        )
        if not os.path.exists(f"{prefix}_stats.csv"):
            print(f"locust wrote no statistics (exit status {locust.returncode})", file=sys.stderr)
            print(locust.stderr[-4000:], file=sys.stderr)
            return 1
        signin = data_dir / "signin.json"
        if not signin.exists():
            print(f"the users were not all signed in within {SIGNIN_CAP} s", file=sys.stderr)
            return 1
        return report(prefix, args, workers, build_s, json.loads(signin.read_text(encoding="utf-8")))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    parser.add_argument("--time", type=int, default=60, help="seconds of load after the start (default 60)")
    parser.add_argument(
        "--think",
        default="3,10",
        help="seconds a user waits between two actions, MIN,MAX (default 3,10: reading a page)",
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: one per core)")
    args = parser.parse_args()
    if args.users < 3 or args.time < 5 or args.spawn_rate <= 0:
        parser.error("--users needs at least 3 (one of each kind), --time at least 5 s, --spawn-rate above 0")
    try:
        think = [float(x) for x in args.think.split(",")]
    except ValueError:
        think = []
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        parser.error(f"--think: two numbers of seconds MIN,MAX with 0 ≤ MIN ≤ MAX, not {args.think!r}")
    if not os.environ.get("BENCH_DATABASE_URL") and not os.environ.get(INNER):
        # A throw-away cluster for this run: with-postgres.sh starts it, runs us again, removes it.
        script = ROOT / "scripts" / "with-postgres.sh"
        os.execvpe(
            str(script),
            [str(script), sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]],
            {**os.environ, INNER: "1"},
        )
    sys.exit(run(args))


if __name__ == "__main__":
    main()
