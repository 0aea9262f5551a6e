"""Benchmark: issuing documents (PDF + DOCX), as a ratio to WeasyPrint rendering a one-line page.

Builds a throw-away database in a temporary data dir (SQLite there, or BENCH_DATABASE_URL), a minimal
world (two boards, their officers, a published checklist, one signed inspection with two hazards), then
issues N rectification orders through ``zhifa.inspections.services.issue_rectification_order`` — the
real path: number under a row lock, render PDF and DOCX, store both blobs, write the row and the audit
entry, in one transaction per order. Reports:

  - documents per second, and the per-document time as a ratio to WeasyPrint rendering a one-line
    page with the same fonts in the same run (the floor any PDF costs);
  - where the time goes: template (Jinja), PDF layout (parse, style, layout, draw), PDF write (font
    subsetting and serialisation), DOCX, hashing + storage, and the rest (database: numbering, rows,
    audit chain);
  - one ZIP of all N documents through the batch download view (hash-verified), as a second figure,
    as the district leader (whose role requires a second factor: the session is signed in and marked
    verified with an authenticator device the way django-otp's code page does, so the request passes
    the same middleware as a real one).

Prints; writes nothing into the tree.

    .venv/bin/python benchmarks/documents.py [--documents 200]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIMES: dict[str, float] = defaultdict(float)


def wrap(owner, name: str, stage: str) -> None:
    """Accumulate the time spent in ``owner.name`` under ``stage`` (outermost call only)."""
    original = getattr(owner, name)
    depth = {"n": 0}

    def timed(*args, **kwargs):
        depth["n"] += 1
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            depth["n"] -= 1
            if depth["n"] == 0:
                TIMES[stage] += time.perf_counter() - start

    setattr(owner, name, timed)


@contextmanager
def stopwatch(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def setup_django(data_dir: Path) -> None:
    os.environ["ZHIFA_DATA_DIR"] = str(data_dir)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["ZHIFA_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        os.environ.pop("ZHIFA_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from django.conf import settings

    # Throw-away accounts: PBKDF2's deliberate slowness would only time the world's set-up.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def build(n_items: int = 2):
    from django.core.management import call_command

    from zhifa.core.testing import build_world, make_enterprise
    from zhifa.inspections import services
    from zhifa.inspections.choices import ItemResult
    from zhifa.inspections.models import ChecklistItem, ChecklistTemplate

    call_command("migrate", "--noinput", verbosity=0)
    world = build_world()
    template = ChecklistTemplate.objects.create(code="bench", name="通用安全检查表")
    items = [
        ChecklistItem.objects.create(
            template=template,
            order=i + 1,
            section="现场设备设施",
            text=f"检查项{i + 1}：疏散通道、安全出口是否畅通",
            legal_basis="《中华人民共和国安全生产法》第四十二条",
        )
        for i in range(n_items)
    ]
    checklist = services.publish_checklist(template, user=None)
    from django.utils import timezone

    start = timezone.now() - timedelta(hours=2)
    inspection = services.start_inspection(
        enterprise=make_enterprise(world.board_a, name="常州湖塘精密机械有限公司"),
        checklist=checklist,
        user=world.alice,
        officers=[world.alice.officer, world.albert.officer],
        started_at=start,
        ended_at=start + timedelta(minutes=90),
        place="生产车间",
        onsite_person_name="王五",
        onsite_person_title="安全科长",
        findings="现场发现疏散通道堵塞。",
    )
    services.save_results(inspection, {item.pk: (ItemResult.NON_COMPLIANT, "通道堆放货物") for item in items})
    for item in items:
        services.add_hazard(inspection, description=f"{item.text}：通道堆放货物", item=item, user=world.alice)
    inspection = services.sign_off(inspection, user=world.alice)
    return world, inspection


def signed_in_client(user):
    """A test client signed in as ``user``, second factor included when the account requires one.

    ``force_login`` stands for the password; the session is then marked verified through django-otp's
    own session key with a confirmed authenticator device, which is what the code page does after a
    correct code (``zhifa.accounts.mfa.mark_verified``)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from zhifa.accounts.mfa import mfa_required_for

    client = Client()
    client.force_login(user)
    if mfa_required_for(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="benchmark", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def baseline_page(n: int) -> float:
    """Median seconds for WeasyPrint to render a one-line page with the documents' fonts."""
    from zhifa.documents.rendering import BODY_FONTS, html_to_pdf

    fonts = ", ".join(f'"{f}"' for f in BODY_FONTS)
    html = f"<html><style>body {{ font-family: {fonts}, serif; font-size: 16pt }}</style><body>现场检查记录</body></html>"
    html_to_pdf(html)  # warm
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        html_to_pdf(html)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--baseline-runs", type=int, default=30)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-bench-docs-"))
    try:
        setup_django(data_dir)
        from django.db import connection
        from django.urls import reverse
        from django.utils import timezone

        from zhifa.core import storage
        from zhifa.documents import rendering
        from zhifa.inspections import services

        setup: dict[str, float] = {}
        with stopwatch("build", setup):
            world, inspection = build()
        print(f"database: {connection.vendor}; data dir {data_dir}; world built in {setup['build']:.1f} s")

        base = baseline_page(args.baseline_runs)

        import weasyprint.document

        wrap(rendering, "render_html", "template (Jinja, sandboxed)")
        wrap(weasyprint.document.Document, "write_pdf", "PDF write (font subsetting, serialisation)")
        wrap(rendering, "html_to_pdf", "_pdf_total")
        wrap(rendering, "render_docx", "DOCX (python-docx)")
        wrap(storage, "put_bytes", "hashing + storage (SHA-256, write, rename)")

        hazards = list(inspection.hazards.order_by("pk"))
        today = timezone.localdate()
        deadlines = {h.pk: today + timedelta(days=10 + i * 20) for i, h in enumerate(hazards)}
        services.issue_rectification_order(inspection, deadlines, user=world.alice)  # warm
        TIMES.clear()

        per_doc = []
        start_all = time.perf_counter()
        orders = []
        for _ in range(args.documents):
            start = time.perf_counter()
            orders.append(services.issue_rectification_order(inspection, deadlines, user=world.alice))
            per_doc.append(time.perf_counter() - start)
        total = time.perf_counter() - start_all

        numbers = [o.document.sequence for o in orders]
        assert numbers == list(range(numbers[0], numbers[0] + args.documents)), "numbers not consecutive"
        sizes = [(o.document.pdf_size, o.document.docx_size) for o in orders]

        stages = dict(TIMES)
        pdf_total = stages.pop("_pdf_total")
        pdf_write = stages.get("PDF write (font subsetting, serialisation)", 0.0)
        stages["PDF layout (parse, style, layout, draw)"] = pdf_total - pdf_write
        stages["database + rest (numbering, rows, audit chain)"] = total - sum(stages.values())

        median = statistics.median(per_doc)
        print()
        print(f"issued {args.documents} 责令限期整改指令书 (PDF + DOCX) in {total:.1f} s")
        print(
            f"  {args.documents / total:.2f} documents/s; per document median {median * 1000:.0f} ms, "
            f"p95 {sorted(per_doc)[int(0.95 * (len(per_doc) - 1))] * 1000:.0f} ms"
        )
        print(
            f"  PDF {statistics.mean(s[0] for s in sizes) / 1024:.0f} KiB, "
            f"DOCX {statistics.mean(s[1] for s in sizes) / 1024:.0f} KiB on average"
        )
        print(f"baseline: WeasyPrint one-line page, median {base * 1000:.0f} ms ({1 / base:.1f} pages/s)")
        print(
            f"  ratio: one issued document costs {median / base:.1f}x a one-line page "
            f"(documents/s ÷ pages/s = {(args.documents / total) * base:.2f})"
        )
        print()
        print("where the time goes (all documents):")
        for label, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(
                f"  {label:<48} {seconds:7.2f} s  {seconds / total * 100:5.1f} %  "
                f"{seconds / args.documents * 1000:6.1f} ms/doc"
            )

        # One ZIP of every order's PDF through the batch view (each blob re-hashed before it goes in).
        client = signed_in_client(world.dan)
        ids = [o.document_id for o in orders]
        warm = client.post(reverse("documents:document_batch"), {"ids": ids[:1]})  # URLconf, middleware
        # A session sent to the code page (or anything but the ZIP) would time the wrong thing.
        assert warm.status_code == 200 and warm.get("Content-Type") == "application/zip", (
            warm.status_code,
            warm.get("Location") or warm.get("Content-Type"),
        )
        b"".join(warm.streaming_content)
        start = time.perf_counter()
        response = client.post(reverse("documents:document_batch"), {"ids": ids})
        assert response.status_code == 200, response.status_code
        payload = b"".join(response.streaming_content)
        zip_seconds = time.perf_counter() - start
        print()
        print(
            f"batch ZIP of {len(ids)} PDFs via the download view: {zip_seconds * 1000:.0f} ms, "
            f"{len(payload) / 1024 / 1024:.1f} MiB"
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
