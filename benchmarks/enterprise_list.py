"""Benchmark: the enterprise list endpoint and page, as ratios to a bare endpoint of the same server.

For each data set (the demo; `zhifa synth --scale 10`) it builds a throw-away database in a temporary
data dir, starts gunicorn on loopback, and times sequential requests of:
  /healthz                       the bare endpoint (one `SELECT 1`): the baseline
  /api/v1/enterprises/?limit=50  the list endpoint, first page
  /api/v1/enterprises/?limit=50&offset=N  a deep page
  /api/v1/enterprises/?q=机械&enforcement_class=A  a filtered search
  /enterprises/                  the list page (HTML), first page
  /enterprises/?q=机械           the list page searched
as a district user (the whole district: the largest scope). That role requires a second factor, so
the benchmark gives the account an authenticator (a TOTP device with a random key): the pages sign in
through the password form and then the code page, and the API uses a token issued as if from a session
that had passed the second factor — the same paths a district leader takes. Prints medians, p95 and
ratios to the baseline median measured in the same run. Writes nothing into the tree.

    .venv/bin/python benchmarks/enterprise_list.py [--requests 60] [--scales 1,10]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Bench-Zhifa-2026!"


def zhifa(env, *args, capture=False):
    cmd = [sys.executable, "-m", "zhifa", *args]
    if capture:
        return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def prepare_account(env, username: str) -> tuple[str, str]:
    """Give ``username`` an authenticator and an API token; return (token, the device's hex key).

    The token is issued with ``mfa_verified=True``, as the 我的 API 令牌 page issues it to a session
    that passed the second factor (``zhifa token`` refuses accounts that need one)."""
    key = secrets.token_hex(20)
    code = "\n".join(
        [
            "from django_otp.plugins.otp_totp.models import TOTPDevice",
            "from zhifa.accounts import tokens",
            "from zhifa.accounts.models import User",
            f"user = User.objects.get(username={username!r})",
            "TOTPDevice.objects.filter(user=user).delete()",
            f"TOTPDevice.objects.create(user=user, name='benchmark', key={key!r}, confirmed=True)",
            "print(tokens.issue(user, name='benchmark', days=1, mfa_verified=True)[1])",
        ]
    )
    token = zhifa(env, "shell", "-c", code, capture=True).strip().splitlines()[-1]
    return token, key


def totp(key_hex: str) -> str:
    """The code an authenticator app shows now (django-otp's defaults: 30 s steps, 6 digits)."""
    from django_otp.oath import totp as oath_totp

    return f"{oath_totp(bytes.fromhex(key_hex), step=30, t0=0, digits=6):06d}"


def csrf_post(opener, url: str, page: str, fields: dict):
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
    response = opener.open(urllib.request.Request(url, data=data.encode(), headers={"Referer": url}))
    return response, response.read().decode()


def login_opener(base: str, username: str, otp_key: str | None):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    response, page = csrf_post(
        opener, base + "/accounts/login/", page, {"username": username, "password": PASSWORD}
    )
    if "/accounts/otp/" in response.geturl():
        if not otp_key:
            raise RuntimeError(f"{username} asks a second factor but has no device key")
        response, page = csrf_post(opener, response.geturl(), page, {"code": totp(otp_key)})
    if "/accounts/login/" in response.geturl() or "/accounts/otp/" in response.geturl():
        raise RuntimeError(f"login as {username} failed (ended at {response.geturl()})")
    return opener


def timed(fetch, n: int) -> list[float]:
    fetch()  # warm
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fetch()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run(scale: int, n: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"zhifa-bench-{scale}-"))
    env = {
        **os.environ,
        "ZHIFA_DATA_DIR": str(data_dir),
        "ZHIFA_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", ""),
    }
    if not env["ZHIFA_DATABASE_URL"]:
        env.pop("ZHIFA_DATABASE_URL")
    server = None
    try:
        t0 = time.perf_counter()
        zhifa(env, "migrate", "--noinput")
        zhifa(env, "collectstatic", "--noinput")
        zhifa(env, "demo", "--no-serve", "--password", PASSWORD)
        if scale > 1:
            zhifa(env, "synth", "--scale", str(scale))
        build = time.perf_counter() - t0
        count = (
            zhifa(
                env,
                "shell",
                "-c",
                "from zhifa.enterprises.models import Enterprise; print(Enterprise.objects.count())",
                capture=True,
            )
            .strip()
            .splitlines()[-1]
        )
        token, otp_key = prepare_account(env, "leader")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "zhifa.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=str(ROOT),
        )
        wait_up(base)
        api_headers = {"Authorization": f"Token {token}"}

        def api(path):
            return lambda: urllib.request.urlopen(
                urllib.request.Request(base + path, headers=api_headers)
            ).read()

        page_opener = login_opener(base, "leader", otp_key)

        def page(path):
            def fetch():
                response = page_opener.open(base + path)
                body = response.read()
                # A lost session would be redirected to the login page and time the wrong thing.
                if not response.geturl().startswith(base + "/enterprises/") or b"<table" not in body:
                    raise RuntimeError(f"{path} did not render the list (ended at {response.geturl()})")
                return body

            return fetch

        deep = max(0, int(count) - 100)
        cases = [
            ("bare /healthz (baseline)", lambda: urllib.request.urlopen(base + "/healthz").read()),
            ("API list, first page", api("/api/v1/enterprises/?limit=50")),
            (f"API list, offset {deep}", api(f"/api/v1/enterprises/?limit=50&offset={deep}")),
            (
                "API filtered search",
                api("/api/v1/enterprises/?limit=50&q=" + urllib.parse.quote("机械") + "&enforcement_class=A"),
            ),
            ("page, first page", page("/enterprises/")),
            ("page, searched", page("/enterprises/?q=" + urllib.parse.quote("机械"))),
        ]
        results = [(label, timed(fetch, n)) for label, fetch in cases]
        baseline = statistics.median(results[0][1])
        print(
            f"\n== scale {scale}: {count} enterprises (data built in {build:.0f} s), {n} requests each, sequential =="
        )
        print(f"{'request':34} {'median ms':>10} {'p95 ms':>8} {'x baseline':>11}")
        for label, samples in results:
            median = statistics.median(samples)
            print(f"{label:34} {median:10.1f} {p95(samples):8.1f} {median / baseline:11.1f}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--scales", default="1,10")
    args = parser.parse_args()
    for scale in (int(s) for s in args.scales.split(",")):
        run(scale, args.requests)


if __name__ == "__main__":
    main()
