"""Binding the electronic case file (电子卷宗): one PDF of everything the case holds, in filing order.

The file reads, page after page:

1. the cover (案卷首页): agency, case number, 案由, party, outcome, dates, handling officers, archive date,
   retention period (保存期限) and the number of pages;
2. the table of contents (卷内目录): 序号, 文书名称, 文号, 日期, the page each item starts on, 备注;
3. every valid issued document of the case, in procedural order (``FILING_ORDER``), each exactly as
   stored: the bytes are read from content-addressed storage and must still hash to the SHA-256
   recorded when the document was issued, or nothing is bound (``CaseFileError``);
4. the evidence in the order collected: photos (JPEG, PNG) one per page with their title, 证明对象 and
   date; PDFs appended as they are; then one list of the evidence that cannot be bound (audio, video,
   other files) with each file's SHA-256, which identifies the file kept beside the case file.

Every page is stamped with its continuous number (第 N 页) in the top right corner, where archives number
the pages of a volume; each document keeps its own "第 x 页 共 y 页" at the foot. The cover, contents and
evidence pages are laid out with the forms' own layout and fonts (``zhifa/documents/forms/case_file.html``
on ``base.html``; an administrator may override it like any form). The contents need the page counts of
everything after them, so the stored documents and the evidence pages are counted first and the front
pages laid out last, again only if the contents turned out longer than assumed.

保存期限: the default is 永久 (``ZHIFA_CASE_FILE_RETENTION``). An electronic file costs little to keep and
its hash stays in the audit chain for good; where the local archive rules keep ordinary penalty files
for 定期30年 (the term that replaced 长期 in 国家档案局令第8号), set the variable to that text.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.cases.choices import CaseStatus, DecisionKind, PenaltyKind
from zhifa.core import storage
from zhifa.documents import rendering
from zhifa.inspections.documents import cn_date

TEMPLATE = "case_file.html"
DEFAULT_RETENTION = "永久"

#: Filing order of the form kinds: the procedure's order. Kinds in one group are filed together in the
#: order they were issued (an inquiry notice, the inquiry it announced and a scene record interleave by
#: date). ``required_documents`` lists its kinds in this same order. A kind not named here is filed just
#: before the closing form.
FILING_ORDER: tuple[tuple[str, ...], ...] = (
    ("case_registration",),
    ("inquiry_notice", "inquiry_record", "scene_record", "sampling_record"),
    ("preservation_notice", "preservation_decision"),
    ("investigation_report",),
    ("handling_approval",),
    ("legal_review_opinion",),
    ("collective_discussion",),
    ("penalty_notice", "hearing_notice"),
    ("statement_record", "hearing_record"),
    ("case_extension",),
    ("penalty_decision", "on_spot_decision", "no_penalty_decision"),
    ("service_receipt",),
    ("payment_demand", "instalment_approval", "enforcement_application"),
    ("case_transfer",),
    ("case_closing",),
)
RANK = {code: i for i, group in enumerate(FILING_ORDER) for code in group}
UNKNOWN_RANK = RANK["case_closing"] - 0.5

#: The overlay page's size (A4 in points); it is moved to each page's top right corner.
A4_WIDTH, A4_HEIGHT = 595.2756, 841.8898

JPEG, PNG, PDF = "jpeg", "png", "pdf"
#: Rows of the contents that fill a page (rows with a number wrap to two lines): the first guess of the
#: contents' length, corrected by laying it out.
TOC_ROWS_PER_PAGE = 18
#: Evidence files up to this size are read to see whether they can be bound (photos, PDFs); larger ones
#: are audio or video, checked against their hash by streaming and listed.
READ_LIMIT = 64 * 1024 * 1024


class CaseFileError(ValidationError):
    """The case file cannot be bound (a stored file is missing or no longer matches its hash)."""


# --- Stored bytes -------------------------------------------------------------------------------------


def read_verified(sha256: str, what: str, *, refused: str | None = None) -> bytes:
    """The stored bytes named ``sha256``, hashed again as read: the bytes bound are the bytes checked.

    ``what`` names the file in the error, ``refused`` says what cannot be done (by default: bind).
    """
    refused = refused or _("不能生成电子卷宗")
    try:
        data = storage.read_bytes(sha256)
    except (OSError, ValueError) as exc:
        raise CaseFileError(
            _("%(w)s的存储文件缺失（SHA-256 %(s)s），%(r)s。请系统管理员核查存储。")
            % {"w": what, "s": sha256 or "—", "r": refused}
        ) from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CaseFileError(
            _(
                "%(w)s的存储文件与登记的 SHA-256（%(s)s）不符，文件已被改动或损坏，%(r)s。请系统管理员核查存储。"
            )
            % {"w": what, "s": sha256, "r": refused}
        )
    return data


def _sniff(data: bytes) -> str:
    """What a file is, from its bytes (the uploader's content type is not evidence of it)."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if b"%PDF-" in data[:1024]:
        return PDF
    return ""


def _image_ok(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > (Image.MAX_IMAGE_PIXELS or 89_478_485):
                return False
            image.verify()
    except Exception:  # noqa: BLE001 - any decoding failure means "list it, do not embed it"
        return False
    return True


def _pdf_reader(data: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    return reader


# --- The parts ------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of the table of contents and the pages it stands for."""

    title: str
    number: str = ""
    date: str = ""
    note: str = ""
    pages: int = 0
    start: int = 0  # 1-based page of the bound file
    source: Any = None  # the IssuedDocument or CaseEvidence


@dataclass
class Bound:
    """A bound case file: the PDF and, for checking, where each item begins."""

    pdf: bytes
    entries: list[Entry]
    front_pages: int
    total_pages: int


@dataclass
class _Part:
    entry: Entry | None
    reader: Any
    first: int = 0  # page range of ``reader`` that belongs to this part
    count: int = 0
    extra: dict = field(default_factory=dict)


def _filing_key(document) -> tuple:
    return (RANK.get(document.kind_id, UNKNOWN_RANK), document.issued_at, document.pk)


def filed_documents(case) -> list:
    """The case's valid documents in filing order."""
    from zhifa.cases.casefile import case_documents

    return sorted(case_documents(case), key=_filing_key)


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} B"


def _kind_label(kind: str) -> str:
    from zhifa.inspections.choices import EvidenceKind

    return str(dict(EvidenceKind.choices).get(kind, kind))


def _outcome(case) -> str:
    """处理结果 as the cover states it."""
    if case.status == CaseStatus.TRANSFERRED:
        return _("移送%(t)s") % {"t": case.transferred_to}
    if case.status == CaseStatus.REVOKED:
        return _("撤销案件")
    if case.status == CaseStatus.NOT_REGISTERED:
        return _("不予立案")
    if case.decision_kind == DecisionKind.NO_PENALTY and case.decided_on:
        text = str(_("不予行政处罚"))
    elif case.decision_kind == DecisionKind.PENALTY and case.decided_on:
        labels = dict(PenaltyKind.choices)
        kinds = []
        for kind in case.penalty_kinds or []:
            if kind == PenaltyKind.FINE and case.fine_amount:
                kinds.append(_("罚款人民币%(a)s元") % {"a": f"{case.fine_amount:,.2f}"})
            else:
                kinds.append(str(labels.get(kind, kind)))
        text = "、".join(kinds) or str(_("给予行政处罚"))
    else:
        return _("尚未作出处理决定")
    if case.decision_number:
        text += f"（{case.decision_number}）"
    if case.fine_amount:
        text += _("；已缴纳罚款%(p)s元") % {"p": f"{case.paid_amount:,.2f}"}
        if case.surcharge_paid:
            text += _("、加处罚款%(s)s元") % {"s": f"{case.surcharge_paid:,.2f}"}
    return text


def _cover(case, *, total: int, retention: str, archived_on: date | None) -> list[dict]:
    officers = "、".join(co.officer.name for co in case.case_officers.select_related("officer"))
    party = case.party_name + (f"（{case.party_code}）" if case.party_code else "")
    rows = [
        (_("处罚机关"), case.agency.agency_name or case.agency.name),
        (_("案号"), case.registration_number or _("未立案")),
        (_("案由"), case.cause),
        (_("当事人"), party),
        (_("处理结果"), _outcome(case)),
        (_("立案日期"), cn_date(case.registered_on)),
        (_("结案日期"), cn_date(case.closed_on)),
        (_("承办人"), officers),
        (_("归档日期"), cn_date(archived_on) if archived_on else _("尚未归档（预览件）")),
        (_("保存期限"), retention),
        (_("本卷页数"), _("共 %(n)s 页") % {"n": total}),
    ]
    return [{"label": str(label), "value": str(value)} for label, value in rows]


#: URL scheme of the photos on the evidence pages, answered from memory by ``_fetcher``.
PHOTO_SCHEME = "zhifa-evidence"


def _fetcher(photos: dict[str, tuple[bytes, str]]):
    """The forms' local-only fetcher, answering ``zhifa-evidence:<sha256>`` with the checked photo bytes.

    Photos are handed over as bytes rather than inlined as data: URIs, which the HTML parser would
    read character by character (a second per few megabytes).
    """
    from weasyprint.urls import URLFetcherResponse

    class PhotoFetcher(rendering._url_fetcher_class()):  # type: ignore[misc]
        def fetch(self, url, headers=None):
            if url.startswith(PHOTO_SCHEME + ":") and url in photos:
                data, mime = photos[url]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            return super().fetch(url, headers)

    return PhotoFetcher(allowed_protocols={"data", "file"})


def _render(context: dict, photos: dict[str, tuple[bytes, str]] | None = None):
    """Lay out the binder's template; returns WeasyPrint's document (pages and anchors, not yet written)."""
    import jinja2
    from jinja2.sandbox import SecurityError
    from weasyprint import HTML

    env = rendering.environment(str(rendering.override_dir()))
    try:
        html = env.get_template(TEMPLATE).render(
            body_fonts=rendering.BODY_FONTS,
            title_fonts=rendering.TITLE_FONTS,
            title=_("电子卷宗"),
            number="",
            **context,
        )
    except (SecurityError, jinja2.TemplateError) as exc:
        raise rendering.FormTemplateError(
            _("卷宗模板“%(t)s”有误，未能生成电子卷宗（%(e)s）。请系统管理员检查模板。")
            % {"t": TEMPLATE, "e": exc}
        ) from exc
    font_config, fetcher = rendering._pdf_tools()
    if photos:
        fetcher = _fetcher(photos)
    # A fresh image cache per layout: the photos must not stay in memory after the binding.
    return HTML(string=html, base_url=rendering.BUILTIN_DIR.as_uri() + "/", url_fetcher=fetcher).render(
        font_config=font_config, cache={}
    )


def _anchor_pages(document) -> dict[str, int]:
    """0-based page of each element id on the laid-out pages."""
    found: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            found.setdefault(name, i)
    return found


def _evidence(case) -> tuple[list[_Part], _Part | None, Any]:
    """The evidence parts in the order collected, the list page part, and their laid-out document."""
    images, listed, parts = [], [], []
    photos: dict[str, tuple[bytes, str]] = {}
    for item in case.evidence.order_by("collected_on", "pk"):
        what = _("证据“%(t)s”") % {"t": item.title}
        meta = {
            "title": item.title,
            "kind": _kind_label(item.kind),
            "collected_on": cn_date(item.collected_on),
            "collected_by": item.collected_by,
            "description": item.description,
            "filename": item.filename,
            "sha256": item.sha256,
        }
        entry = Entry(title=item.title, date=item.collected_on.isoformat(), source=item)
        if not item.sha256:
            listed.append({**meta, "size": "—", "note": _("无电子文件")})
            continue
        data: bytes | None = None
        kind = ""
        if item.size <= READ_LIMIT:  # larger ones are recordings, neither photos nor paper: not read
            data = read_verified(item.sha256, what)
            kind = _sniff(data)
        if data is not None and kind in (JPEG, PNG) and _image_ok(data):
            anchor = f"evidence-{item.pk}"
            src = f"{PHOTO_SCHEME}:{item.sha256}"
            photos[src] = (data, f"image/{kind}")
            images.append({**meta, "anchor": anchor, "src": src})
            entry.note = _("证据照片")
            parts.append(_Part(entry, None, extra={"anchor": anchor}))
            continue
        if data is not None and kind == PDF:
            try:
                reader = _pdf_reader(data)
                count = len(reader.pages)
            except Exception:  # noqa: BLE001 - an unreadable PDF is listed, not bound
                listed.append({**meta, "size": _size(item.size), "note": _("PDF 无法读取，未装订")})
                continue
            entry.note = _("证据材料")
            entry.pages = count
            parts.append(_Part(entry, reader, 0, count))
            continue
        # Audio, video and anything else: listed by hash; the stored file must still match it.
        if data is None and not storage.verify(item.sha256):
            raise CaseFileError(
                _(
                    "%(w)s的存储文件与登记的 SHA-256（%(s)s）不符或缺失，不能生成电子卷宗。请系统管理员核查存储。"
                )
                % {"w": what, "s": item.sha256}
            )
        listed.append({**meta, "size": _size(item.size), "note": ""})
    if not images and not listed:
        return parts, None, None
    for i, row in enumerate(listed, 1):
        row["seq"] = i
    document = _render({"part": "evidence", "images": images, "listed": listed}, photos)
    anchors = _anchor_pages(document)
    starts = sorted(
        [(anchors[p.extra["anchor"]], p) for p in parts if "anchor" in p.extra], key=lambda x: x[0]
    )
    list_start = anchors["evidence-list"] if listed else len(document.pages)
    bounds = [s for s, _p in starts] + [list_start]
    for (start, part), end in zip(starts, bounds[1:], strict=True):
        part.first, part.count = start, end - start
        assert part.entry is not None
        part.entry.pages = part.count
    list_part = None
    if listed:
        entry = Entry(
            title=str(_("证据清单（音像资料等未装订证据）")),
            note=_("%(n)s 项") % {"n": len(listed)},
            pages=len(document.pages) - list_start,
        )
        list_part = _Part(entry, None, list_start, len(document.pages) - list_start)
    return parts, list_part, document


def _documents(case) -> list[_Part]:
    parts = []
    for document in filed_documents(case):
        what = _("文书“%(t)s”%(n)s") % {"t": document.title, "n": document.number}
        data = read_verified(document.pdf_sha256, what)
        reader = _pdf_reader(data)
        count = len(reader.pages)
        number = document.number + (f"（第{document.version}版）" if document.version > 1 else "")
        entry = Entry(
            title=document.title,
            number=number,
            date=timezone.localtime(document.issued_at).date().isoformat(),
            note=_("更正版本") if document.supersedes_id else "",
            pages=count,
            source=document,
        )
        parts.append(_Part(entry, reader, 0, count))
    return parts


def _overlay(total: int):
    """``total`` A4 pages, each carrying only its number 第 N 页 in the top right corner.

    One paragraph per page rather than a margin box: WeasyPrint lays these out a third faster.
    """
    from pypdf import PdfReader
    from weasyprint import HTML

    fonts = ", ".join(f'"{f}"' for f in rendering.BODY_FONTS)
    html = (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 0; }"
        f"body {{ margin: 0; font-family: {fonts}, serif; font-size: 12pt; }}"
        "p { margin: 0; padding: 9mm 16mm 0 0; line-height: 14pt; text-align: right; break-after: page; }"
        "p:last-child { break-after: auto; }"
        "</style></head><body>" + "".join(f"<p>第 {n} 页</p>" for n in range(1, total + 1)) + "</body></html>"
    )
    font_config, fetcher = rendering._pdf_tools()
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=font_config)
    reader = PdfReader(io.BytesIO(pdf))
    if len(reader.pages) != total:  # the layout is ours; a mismatch is a bug, not bad input
        raise AssertionError(f"page-number overlay has {len(reader.pages)} pages, expected {total}")
    return reader


def retention_period() -> str:
    return getattr(settings, "ZHIFA_CASE_FILE_RETENTION", "") or DEFAULT_RETENTION


def bind(case, *, retention: str | None = None, archived_on: date | None = None) -> Bound:
    """Bind ``case``'s file; see the module's docstring for what goes in and in which order."""
    from pypdf import PdfReader, PdfWriter, Transformation

    retention = retention or retention_period()
    archived_on = archived_on or case.archived_on
    documents = _documents(case)
    evidence, list_part, evidence_doc = _evidence(case)
    body = documents + evidence + ([list_part] if list_part else [])
    body_pages = sum(p.count for p in body)
    entries = [p.entry for p in body if p.entry is not None]

    # The front pages (cover and contents) come first but are laid out last: assume their length,
    # number everything after them, lay them out, and again if they came out longer or shorter.
    front_pages = 1 + -(-max(1, len(entries)) // TOC_ROWS_PER_PAGE)
    for _attempt in range(6):
        page = front_pages + 1
        for part in body:
            assert part.entry is not None
            part.entry.start = page
            page += part.count
        total = front_pages + body_pages
        front = _render(
            {
                "part": "front",
                "agency_name": case.agency.agency_name or case.agency.name,
                "cover": _cover(case, total=total, retention=retention, archived_on=archived_on),
                "entries": [
                    {
                        "seq": i,
                        "title": e.title,
                        "number": e.number,
                        "date": e.date,
                        "page": e.start,
                        "note": e.note,
                    }
                    for i, e in enumerate(entries, 1)
                ],
            }
        )
        if len(front.pages) == front_pages:
            toc_page = _anchor_pages(front).get("toc", 1)
            break
        front_pages = len(front.pages)
    else:  # pragma: no cover - the contents grow by whole rows; six layouts always settle
        raise AssertionError("the case file's front pages did not settle")

    writer = PdfWriter()
    for front_page in PdfReader(io.BytesIO(front.write_pdf())).pages:  # pages only: outline set below
        writer.add_page(front_page)
    evidence_reader = PdfReader(io.BytesIO(evidence_doc.write_pdf())) if evidence_doc is not None else None
    for part in body:
        reader = part.reader if part.reader is not None else evidence_reader
        assert reader is not None  # a part without a reader of its own lies in the evidence pages
        for i in range(part.first, part.first + part.count):
            writer.add_page(reader.pages[i])
    if len(writer.pages) != total:
        raise AssertionError(f"bound {len(writer.pages)} pages, expected {total}")

    overlay = _overlay(total)
    for i, target in enumerate(writer.pages):
        if target.rotation:
            target.transfer_rotation_to_content()
        box = target.cropbox
        move = Transformation().translate(float(box.right) - A4_WIDTH, float(box.top) - A4_HEIGHT)
        target.merge_transformed_page(overlay.pages[i], move)

    writer.add_outline_item(title=str(_("案卷首页")), page_number=0)
    writer.add_outline_item(title=str(_("卷内目录")), page_number=toc_page)
    for entry in entries:
        label = f"{entry.title} {entry.number}".strip()
        writer.add_outline_item(title=label, page_number=entry.start - 1)
    writer.add_metadata(
        {
            "/Title": f"电子卷宗 {case.registration_number or case.pk} {case.party_name}",
            "/Subject": case.cause,
            "/Author": case.agency.agency_name or case.agency.name,
            "/Creator": "zhifa",
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return Bound(pdf=out.getvalue(), entries=entries, front_pages=front_pages, total_pages=total)


def build_case_file(case, *, retention: str | None = None, archived_on: date | None = None) -> bytes:
    """The bound case file of ``case`` as one PDF (raises ``CaseFileError`` if a stored file is off)."""
    return bind(case, retention=retention, archived_on=archived_on).pdf
