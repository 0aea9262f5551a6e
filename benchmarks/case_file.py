"""Benchmark: binding the electronic case file (电子卷宗), as a ratio to rendering one document.

Builds a throw-away database in a temporary data dir (SQLite there, or BENCH_DATABASE_URL) and a minimal
world, then walks one general-procedure case through the real services (``zhifa.cases.services.perform``)
to closing: registration, N − 8 inquiry records (each issues a 询问笔录) and the rest of the procedure,
so the case holds N valid documents; M photos (1600×1200 JPEG) are added as evidence on the way. Then it
binds the file R times with ``zhifa.cases.binder.build_case_file`` — read and hash-check every stored
PDF, lay out the photos, the cover and the contents, stamp every page with its number, write one PDF.
Reports:

  - the time to bind (median of R) and the file's pages and size;
  - the ratio to rendering one of the case's documents (its penalty decision: template and PDF) in the
    same run, the unit the other document benchmarks use, and per page of the file;
  - where the time goes: stored documents (read, SHA-256, parse), evidence (read, SHA-256, photo pages
    laid out), the page-number overlay, assembling the pages, stamping the numbers onto them, writing
    the file, and the rest (mostly the cover and contents, laid out and written).

Prints; writes nothing into the tree.

    .venv/bin/python benchmarks/case_file.py [--documents 40] [--images 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIMES: dict[str, float] = defaultdict(float)

#: Documents the walked case holds besides its inquiry records: registration, investigation report,
#: handling approval, legal review opinion, penalty notice, decision, service receipt, closing.
FIXED_DOCUMENTS = 8


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


def photo(i: int) -> bytes:
    """A 1600×1200 JPEG with enough texture to weigh what a phone photo of a site weighs."""
    from PIL import Image, ImageDraw

    image = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((1600, 1200)),
            Image.effect_noise((1600, 1200), 40 + i % 20),
            Image.linear_gradient("L").rotate(90).resize((1600, 1200)),
        ),
    )
    ImageDraw.Draw(image).text((40, 40), f"site photo {i + 1}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def build(n_documents: int, n_images: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    from zhifa.cases import services
    from zhifa.cases.tests.helpers import new_case, record_data, walk
    from zhifa.core.testing import build_world

    call_command("migrate", "--noinput", verbosity=0)
    world = build_world()
    case = walk(world, new_case(world), until="approve_registration")
    for _ in range(max(1, n_documents - FIXED_DOCUMENTS)):
        case = services.perform(case, "record_inquiry", world.alice, record_data(world))
    today = timezone.localdate()
    for i in range(n_images):
        services.add_evidence(
            case,
            user=world.alice,
            title=f"现场照片{i + 1}",
            kind="photo",
            collected_on=today,
            upload=SimpleUploadedFile(f"site-{i + 1}.jpg", photo(i), content_type="image/jpeg"),
            description="生产车间疏散通道堆放货物",
            collected_by="艾丽",
        )
    return walk(world, case, until="close", skip=("record_inquiry",))


def one_document(case, runs: int) -> float:
    """Median seconds to render the case's penalty decision (template and PDF), as issuing does."""
    from zhifa.cases.casefile import case_documents
    from zhifa.documents import rendering

    document = case_documents(case).get(kind_id="penalty_decision")

    def render() -> bytes:
        return rendering.html_to_pdf(rendering.render_html(document.kind.template, document.content))

    render()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=40, help="valid documents the case holds (≥ 9)")
    parser.add_argument("--images", type=int, default=20, help="photos among the evidence")
    parser.add_argument("--runs", type=int, default=3, help="bindings to time")
    parser.add_argument("--baseline-runs", type=int, default=10)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-bench-casefile-"))
    try:
        setup_django(data_dir)
        from django.db import connection
        from pypdf import PageObject, PdfReader, PdfWriter

        from zhifa.cases import binder
        from zhifa.cases.casefile import case_documents

        start = time.perf_counter()
        case = build(args.documents, args.images)
        documents = case_documents(case).count()
        print(
            f"database: {connection.vendor}; data dir {data_dir}; case walked to closing with "
            f"{documents} documents and {args.images} photos in {time.perf_counter() - start:.1f} s"
        )

        base = one_document(case, args.baseline_runs)
        binder.build_case_file(case)  # warm: fonts, templates

        wrap(binder, "_documents", "stored documents (read, SHA-256, parse)")
        wrap(binder, "_evidence", "evidence (read, SHA-256, photo pages laid out)")
        wrap(binder, "_overlay", "page-number overlay (laid out)")
        wrap(PdfWriter, "add_page", "assembling the pages (pypdf)")
        wrap(PageObject, "merge_transformed_page", "stamping the numbers onto the pages (pypdf)")
        wrap(PdfWriter, "write", "writing the file (pypdf)")
        TIMES.clear()
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            pdf = binder.build_case_file(case)
            samples.append(time.perf_counter() - start)
        total = sum(samples)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        median = statistics.median(samples)

        stages = {k: v for k, v in TIMES.items()}
        stages["cover and contents (laid out, written), the rest"] = total - sum(stages.values())

        print()
        print(
            f"bound {documents} documents and {args.images} photos: {pages} pages, {len(pdf) / 1024 / 1024:.1f} MiB"
        )
        print(
            f"  binding median {median:.2f} s over {args.runs} runs ({median / pages * 1000:.0f} ms per page)"
        )
        print(
            f"baseline: rendering one document (penalty decision, template and PDF), median {base * 1000:.0f} ms"
        )
        print(
            f"  ratio: binding the file costs {median / base:.1f}x rendering one document "
            f"({median / pages / base:.2f}x per page of the file)"
        )
        print()
        print("where the time goes (all runs):")
        for label, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(
                f"  {label:<52} {seconds:7.2f} s  {seconds / total * 100:5.1f} %  "
                f"{seconds / args.runs * 1000:7.0f} ms/run"
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
