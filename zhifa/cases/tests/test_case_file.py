"""The electronic case file (电子卷宗): binding, page numbers, integrity of the stored files, archiving."""

from __future__ import annotations

import importlib
import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from zhifa.cases import services
from zhifa.cases.binder import FILING_ORDER, RANK, CaseFileError, bind, build_case_file
from zhifa.cases.casefile import case_documents, case_file_for_download, missing_documents, required_documents
from zhifa.cases.choices import CaseStatus
from zhifa.cases.tests.helpers import new_case, walk
from zhifa.cases.workflow import RULE_COMPLETE_FILE, Refused
from zhifa.core import storage
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.documents.choices import DocumentStatus

#: The form kinds of the documents a general-procedure case walked to closing holds, in filing order.
WALKED_KINDS = [
    "case_registration",
    "inquiry_record",
    "investigation_report",
    "handling_approval",
    "legal_review_opinion",
    "penalty_notice",
    "penalty_decision",
    "service_receipt",
    "case_closing",
]


@pytest.fixture
def data_dir(settings, tmp_path):
    """A fresh blob store per test, so a tampered blob stays inside its test."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def flat(text: str) -> str:
    return "".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (180, 90, 40)).save(out, "PNG")
    return out.getvalue()


def letter_pdf(pages: int = 2) -> bytes:
    """A documentary evidence PDF in US Letter, not A4, so the page number must follow its corner."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamp_position(page) -> tuple[float, float]:
    """Where the last piece of text drawn on ``page`` (the page-number stamp) sits, in page coordinates."""
    spots = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            spots.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return spots[-1]


def tamper(sha256: str) -> None:
    path = storage.blob_path(sha256)
    os.chmod(path, 0o640)
    path.write_bytes(path.read_bytes() + b"% altered\n")


def add(case, world, title, name, content, content_type, kind, description=""):
    return services.add_evidence(
        case,
        user=world.alice,
        title=title,
        kind=kind,
        collected_on=timezone.localdate() - timedelta(days=1),
        upload=SimpleUploadedFile(name, content, content_type=content_type),
        description=description,
        collected_by="艾丽",
    )


@pytest.fixture
def closed(world, data_dir):
    """A case walked to closing, with a photo, a recording and a PDF among its evidence."""
    case = walk(world, new_case(world), until="decide")
    photo = add(
        case, world, "仓库通道现场照片", "通道.png", png_bytes(), "image/png", "photo", "疏散通道被货物堵塞"
    )
    audio = add(case, world, "询问王建国录音", "询问.mp3", b"ID3\x04" + b"\x00" * 4000, "audio/mpeg", "audio")
    paper = add(
        case, world, "安全培训记录复印件", "培训记录.pdf", letter_pdf(), "application/pdf", "document"
    )
    case = walk(world, case, until="close")
    assert case.status == CaseStatus.CLOSED
    return case, photo, audio, paper


def test_bound_file_holds_cover_contents_documents_and_evidence_with_every_page_numbered(closed):
    case, photo, audio, paper = closed
    bound = bind(case)
    texts = page_texts(bound.pdf)
    documents = list(case_documents(case))
    stored = {d.pk: PdfReader(io.BytesIO(storage.read_bytes(d.pdf_sha256))) for d in documents}

    # Cover and contents, then every document, the photo's page, the PDF's two pages and the list page.
    assert "案卷首页" in flat(texts[0]) and "卷内目录" in flat(texts[1])
    assert bound.front_pages == 2
    expected = 1 + 1 + sum(len(r.pages) for r in stored.values()) + 1 + 2 + 1
    assert bound.total_pages == len(texts) == expected

    cover = flat(texts[0])
    for text in (
        case.registration_number,
        case.cause,
        case.party_name,
        "艾丽、艾达",
        "永久",
        f"共{expected}页",
    ):
        assert flat(text) in cover, text
    assert "罚款人民币40,000.00元" in cover and flat(case.decision_number) in cover
    assert "尚未归档（预览件）" in cover

    # The contents: every document in filing order (which follows required_documents), then evidence.
    kinds = [getattr(e.source, "kind_id", None) for e in bound.entries]
    assert kinds == [*WALKED_KINDS, None, None, None]
    assert [e.source for e in bound.entries[-3:-1]] == [photo, paper]
    assert bound.entries[-1].title == "证据清单（音像资料等未装订证据）"
    required = required_documents(case)
    assert required == [k for k in kinds if k in required]  # the same order as required_documents
    toc = flat(texts[1])
    position = -1
    for i, entry in enumerate(bound.entries, 1):
        row = flat(f"{i}{entry.title}{entry.number}{entry.date}{entry.start}{entry.note}")
        found = toc.find(row)
        assert found > position, (row, toc)
        position = found

    # Each document starts exactly where the contents say: its own first page, then the stamp.
    for entry in bound.entries[: len(WALKED_KINDS)]:
        page = flat(texts[entry.start - 1])
        own_first = flat(stored[entry.source.pk].pages[0].extract_text())
        assert entry.title in page
        assert page.startswith(own_first), (entry.title, entry.start)
    starts = [e.start for e in bound.entries]
    assert starts == sorted(starts) and starts[0] == 3
    for before, after in zip(bound.entries, bound.entries[1:], strict=False):
        assert after.start == before.start + before.pages

    # Evidence: the photo on its own page with its description, the PDF's pages, the recording listed.
    photo_entry, paper_entry, list_entry = bound.entries[-3:]
    reader = PdfReader(io.BytesIO(bound.pdf))
    photo_page = reader.pages[photo_entry.start - 1]
    assert "仓库通道现场照片" in flat(texts[photo_entry.start - 1])
    assert "疏散通道被货物堵塞" in flat(texts[photo_entry.start - 1])
    assert len(photo_page.images) == 1
    assert paper_entry.pages == 2
    assert float(reader.pages[paper_entry.start - 1].mediabox.width) == 612
    listing = flat(texts[list_entry.start - 1])
    assert "询问王建国录音" in listing and audio.sha256 in listing
    assert photo.title not in listing

    # Bookmarks lead to the cover, the contents and every item's first page.
    marks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    expected_marks = [("案卷首页", 0), ("卷内目录", 1)]
    expected_marks += [(f"{e.title} {e.number}".strip(), e.start - 1) for e in bound.entries]
    assert marks == expected_marks

    # Every page carries its continuous number, stamped last on the page.
    for n, text in enumerate(texts, 1):
        assert flat(text).endswith(f"第{n}页"), (n, text[-40:])
    # ... in the top right corner, of an A4 page and of the Letter-sized evidence page alike.
    for index in (0, paper_entry.start - 1):
        page = reader.pages[index]
        x, y = stamp_position(page)
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width - 150 < x < width and height - 60 < y < height, (index, x, y, width, height)


def test_a_stored_document_that_no_longer_matches_its_hash_stops_the_binding(world, data_dir):
    case = walk(world, new_case(world), until="approve_registration")
    registration = case_documents(case).get(kind_id="case_registration")
    assert build_case_file(case)  # binds while intact
    tamper(registration.pdf_sha256)
    with pytest.raises(CaseFileError) as refused:
        build_case_file(case)
    message = " ".join(refused.value.messages)
    assert "立案审批表" in message and registration.number in message and "不符" in message

    storage.blob_path(registration.pdf_sha256).unlink()
    with pytest.raises(CaseFileError, match="缺失"):
        build_case_file(case)


def test_altered_evidence_stops_the_binding(world, data_dir):
    case = walk(world, new_case(world), until="approve_registration")
    photo = add(case, world, "配电箱现场照片", "p.png", png_bytes(), "image/png", "photo")
    tamper(photo.sha256)
    with pytest.raises(CaseFileError, match="配电箱现场照片"):
        build_case_file(case)


def test_retention_on_the_cover_is_configurable(world, data_dir, settings):
    case = walk(world, new_case(world), until="approve_registration")
    settings.ZHIFA_CASE_FILE_RETENTION = "定期30年"
    cover = flat(page_texts(build_case_file(case))[0])
    assert "定期30年" in cover and "永久" not in cover
    assert "长期" in flat(page_texts(build_case_file(case, retention="长期"))[0])


def test_open_case_downloads_a_preview_that_is_not_stored(world, data_dir):
    case = walk(world, new_case(world), until="approve_registration")
    pdf, sha = case_file_for_download(case)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == sha
    assert not storage.blob_path(sha).exists()
    assert "尚未归档（预览件）" in flat(page_texts(pdf)[0])


def test_archiving_stores_the_file_records_its_hash_and_hands_out_exactly_that_file(closed, world):
    case, *_ = closed
    case = services.perform(case, "archive", world.alice, {})
    assert case.status == CaseStatus.ARCHIVED and case.archived_on == timezone.localdate()
    sha = case.case_file_sha256
    assert storage.verify(sha)
    entries = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.pk), action=AuditAction.DOCUMENT_ISSUE
    )
    stored = [e for e in entries if (e.after or {}).get("case_file_sha256") == sha]
    assert len(stored) == 1 and "生成电子卷宗" in stored[0].message
    assert stored[0].after["size"] == storage.blob_path(sha).stat().st_size

    pdf, download_sha = case_file_for_download(case)
    assert download_sha == sha and pdf == storage.read_bytes(sha)
    cover = flat(page_texts(pdf)[0])
    assert f"归档日期{timezone.localdate().year}年" in cover and "预览件" not in cover

    tamper(sha)
    with pytest.raises(CaseFileError, match="归档的电子卷宗"):
        case_file_for_download(case)


def test_archiving_is_refused_naming_the_missing_documents(closed, world):
    from zhifa.documents.models import IssuedDocument

    case, *_ = closed
    approval = case_documents(case).get(kind_id="handling_approval")
    # A file that lacks its handling approval (e.g. set aside without a replacement).
    IssuedDocument.objects.filter(pk=approval.pk).update(status=DocumentStatus.SUPERSEDED)
    assert missing_documents(case) == ["案件处理呈批表"]
    with pytest.raises(Refused) as refused:
        services.perform(case, "archive", world.alice, {})
    assert refused.value.rule == RULE_COMPLETE_FILE
    assert "案件处理呈批表" in str(refused.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and not case.case_file_sha256
    assert not AuditEntry.objects.filter(message__startswith="生成电子卷宗").exists()


def test_filing_order_follows_the_procedure_and_knows_every_case_form():
    kinds = importlib.import_module("zhifa.documents.migrations.0003_case_form_kinds").KINDS
    assert {code for code, *_ in kinds} <= set(RANK)
    assert "service_receipt" in RANK
    # Every order required_documents can produce is non-decreasing in the filing order.
    spine = [
        "case_registration",
        "inquiry_record",
        "scene_record",
        "preservation_notice",
        "preservation_decision",
        "investigation_report",
        "handling_approval",
        "legal_review_opinion",
        "collective_discussion",
        "penalty_notice",
        "hearing_record",
        "penalty_decision",
        "service_receipt",
        "case_closing",
    ]
    ranks = [RANK[k] for k in spine]
    assert ranks == sorted(ranks)
    assert RANK["no_penalty_decision"] > RANK["collective_discussion"]
    assert RANK["no_penalty_decision"] < RANK["service_receipt"]
    assert RANK["legal_review_opinion"] < RANK["on_spot_decision"]
    assert len({k for group in FILING_ORDER for k in group}) == sum(len(g) for g in FILING_ORDER)
