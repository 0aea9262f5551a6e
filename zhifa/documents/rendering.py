"""The unified document engine (统一文书): one content dict → a PDF (WeasyPrint) and a DOCX (python-docx).

Content shape (the builders in ``zhifa.inspections.documents`` produce it; ``services.issue`` fills in
``title``, ``agency_name``, ``number`` and ``version``)::

    {
        "title": "责令限期整改指令书",
        "agency_name": "常州市武进区应急管理局",
        "number": "（武）应急责改〔2026〕12号",      # "" for unnumbered forms (送达回执)
        "version": 1,
        "fields": [{"label": "被检查单位", "value": "…"}, …],   # the header as a two-column table
        "sections": [
            {
                "heading": "检查情况",                      # may be ""
                "paragraphs": ["…", …],
                "table": {"columns": ["序号", …], "rows": [["1", …], …]},   # optional
            },
            …
        ],
        "notice": ["如不服本指令，可以依法在六十日内申请行政复议，…"],  # remedies and other notices
        "signatures": [
            {"label": "执法人员", "name": "张三", "certificate": "3204120001", "date": "2026年11月29日"},
            {"label": "被检查单位现场负责人", "name": "", "certificate": "", "date": ""},   # a line to sign
        ],
        "date": "2026年11月29日",
        "footer": "本文书一式两份，一份交被检查单位，一份存档。",       # optional
        "correction": "本文书更正（武）应急检〔2026〕1号第 1 版：…",    # optional, set on corrections
    }

Every value is plain text; templates escape it. The PDF is laid out after GB/T 9704-2012 (A4, margins
37/26/35/28 mm top/right/bottom/left, title in 2号 Song, body in 3号 FangSong — Noto Serif CJK SC where
the official fonts are absent, page numbers "第 x 页 共 y 页").

Templates are Jinja2 files in ``zhifa/documents/forms/`` (``base.html`` and one per form kind, named by
``FormKind.template``). An administrator may put a file of the same name in ``DATA_DIR/forms/``, which
is searched first, to adjust a form without touching code. Templates run in Jinja's sandbox with
autoescaping and strict undefined values: an unsafe attribute (``''.__class__``), a missing variable or
a syntax error raises ``FormTemplateError`` (a ``ValidationError``), so nothing is issued and the user
is told the template is at fault. WeasyPrint may read ``data:`` URIs and files inside the two template
directories only; it never fetches over the network.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from jinja2.sandbox import SandboxedEnvironment, SecurityError

BUILTIN_DIR = Path(__file__).resolve().parent / "forms"

#: Font chains: the official fonts first where installed, Noto Serif CJK SC (Debian fonts-noto-cjk) after.
BODY_FONTS = ["FangSong", "FangSong_GB2312", "仿宋", "仿宋_GB2312", "Noto Serif CJK SC"]
TITLE_FONTS = ["FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体", "Noto Serif CJK SC"]
DOCX_BODY_FONT = "仿宋"
DOCX_TITLE_FONT = "宋体"


class FormTemplateError(ValidationError):
    """A form template could not be rendered (unsafe, broken or missing); nothing was issued."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    docx: bytes


def override_dir() -> Path:
    return Path(settings.DATA_DIR) / "forms"


# --- Content ------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def normalize(content: dict) -> dict:
    """Every key present with its expected type, values as text (templates run with StrictUndefined)."""
    sections = []
    for section in content.get("sections") or []:
        table = section.get("table") or None
        if table:
            table = {
                "columns": [_text(c) for c in table.get("columns") or []],
                "rows": [[_text(c) for c in row] for row in table.get("rows") or []],
            }
        sections.append(
            {
                "heading": _text(section.get("heading")),
                "paragraphs": [_text(p) for p in section.get("paragraphs") or []],
                "table": table,
            }
        )
    return {
        "title": _text(content.get("title")),
        "agency_name": _text(content.get("agency_name")),
        "number": _text(content.get("number")),
        "version": int(content.get("version") or 1),
        "fields": [
            {"label": _text(f.get("label")), "value": _text(f.get("value"))}
            for f in content.get("fields") or []
        ],
        "sections": sections,
        "notice": [_text(n) for n in content.get("notice") or []],
        "signatures": [
            {
                "label": _text(s.get("label")),
                "name": _text(s.get("name")),
                "certificate": _text(s.get("certificate")),
                "date": _text(s.get("date")),
            }
            for s in content.get("signatures") or []
        ],
        "date": _text(content.get("date")),
        "footer": _text(content.get("footer")),
        "correction": _text(content.get("correction")),
    }


# --- Templates ------------------------------------------------------------------------------------------


class OverrideFirstLoader(jinja2.BaseLoader):
    """The administrator's directory first, then the built-in forms.

    Unlike a plain ``ChoiceLoader``, a cached template also goes stale when an override of the same
    name appears or disappears, so an administrator's new file takes effect without a restart.
    """

    def __init__(self, override: str, builtin: str):
        self.override_dir = Path(override)
        self.override = jinja2.FileSystemLoader(override)
        self.builtin = jinja2.FileSystemLoader(builtin)

    def get_source(self, environment, template):
        path = self.override_dir.joinpath(*jinja2.loaders.split_template_path(template))
        overridden = path.is_file()
        loader = self.override if overridden else self.builtin
        source, filename, uptodate = loader.get_source(environment, template)

        def still_current() -> bool:
            return path.is_file() == overridden and (uptodate is None or uptodate())

        return source, filename, still_current

    def list_templates(self):
        names = set(self.builtin.list_templates())
        if self.override_dir.is_dir():
            names.update(self.override.list_templates())
        return sorted(names)


@lru_cache(maxsize=4)
def environment(override: str) -> SandboxedEnvironment:
    """The sandboxed Jinja environment for one override directory (cached; templates reload on change)."""
    return SandboxedEnvironment(
        loader=OverrideFirstLoader(override, str(BUILTIN_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(template_name: str, content: dict) -> str:
    env = environment(str(override_dir()))
    data = normalize(content)
    try:
        template = env.get_template(template_name)
        return template.render(
            content=data, body_fonts=BODY_FONTS, title_fonts=TITLE_FONTS, **{k: v for k, v in data.items()}
        )
    except SecurityError as exc:
        raise FormTemplateError(
            _("文书模板“%(t)s”试图访问不安全的内容，已拒绝生成文书（%(e)s）。请系统管理员检查模板。")
            % {"t": template_name, "e": exc}
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise FormTemplateError(
            _("找不到文书模板“%(t)s”，请系统管理员检查文书种类设置。") % {"t": exc.name or template_name}
        ) from exc
    except jinja2.TemplateError as exc:
        raise FormTemplateError(
            _("文书模板“%(t)s”有误，未能生成文书（%(e)s）。请系统管理员检查模板。")
            % {"t": template_name, "e": exc}
        ) from exc


# --- PDF --------------------------------------------------------------------------------------------------


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """data: URIs and files inside the template directories; nothing else, never the network."""

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                roots = (BUILTIN_DIR, override_dir().resolve())
                if any(path.is_relative_to(r) for r in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"document rendering fetches no external resources: {url[:80]}")

    return LocalOnlyFetcher


_local = threading.local()


def _pdf_tools():
    """Per-thread WeasyPrint font configuration and fetcher (font configs are not thread-safe)."""
    tools = getattr(_local, "tools", None)
    if tools is None:
        from weasyprint.text.fonts import FontConfiguration

        tools = _local.tools = (FontConfiguration(), _url_fetcher_class()(allowed_protocols={"data", "file"}))
    return tools


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    font_config, fetcher = _pdf_tools()
    return HTML(string=html, base_url=BUILTIN_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        font_config=font_config, cache=_image_cache()
    )


@lru_cache(maxsize=1)
def _image_cache() -> dict:
    return {}


# --- DOCX -------------------------------------------------------------------------------------------------


def _set_run_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _paragraph(container, text: str, *, size=16, font=DOCX_BODY_FONT, bold=False, align=None, indent=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _set_run_font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _cell_text(cell, text: str, *, size=14, bold=False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    _set_run_font(paragraph.add_run(text), DOCX_BODY_FONT, size, bold)


def _table(document, columns: list[str], rows: list[list[str]], *, header=True):
    ncols = max([len(columns)] + [len(r) for r in rows]) or 1
    table = document.add_table(rows=0, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header and columns:
        cells = table.add_row().cells
        for i, text in enumerate(columns):
            _cell_text(cells[i], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            _cell_text(cells[i], text)
    return table


def _page_number_field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        if kind == "separate":
            placeholder = OxmlElement("w:t")
            placeholder.text = "1"
            run._r.append(placeholder)


def render_docx(content: dict) -> bytes:
    data = normalize(content)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = document.styles["Normal"]
    style.font.name = DOCX_BODY_FONT
    style.font.size = Pt(16)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_BODY_FONT)

    if data["agency_name"]:
        _paragraph(
            document, data["agency_name"], size=22, font=DOCX_TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER
        )
    _paragraph(
        document, data["title"], size=22, font=DOCX_TITLE_FONT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    if data["number"]:
        number = data["number"] + (f"（第 {data['version']} 版）" if data["version"] > 1 else "")
        _paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER)
    if data["correction"]:
        _paragraph(document, data["correction"], size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    if data["fields"]:
        table = _table(document, [], [[f["label"], f["value"]] for f in data["fields"]], header=False)
        for row in table.rows:
            row.cells[0].width = Mm(40)
            row.cells[1].width = Mm(116)
    for part in data["sections"]:
        if part["heading"]:
            _paragraph(document, part["heading"], bold=True)
        for text in part["paragraphs"]:
            _paragraph(document, text, indent=True)
        if part["table"]:
            _table(document, part["table"]["columns"], part["table"]["rows"])
    if data["notice"]:
        _paragraph(document, "")
        for text in data["notice"]:
            _paragraph(document, text, indent=True)
    if data["signatures"]:
        _paragraph(document, "")
        rows = [
            [
                s["label"] + "：",
                s["name"] or "",
                (_("执法证号：") + s["certificate"]) if s["certificate"] else "",
                s["date"] or "    年  月  日",
            ]
            for s in data["signatures"]
        ]
        _table(document, [], rows, header=False)
    if data["date"]:
        _paragraph(document, "")
        _paragraph(document, data["date"], align=WD_ALIGN_PARAGRAPH.RIGHT)
    if data["footer"]:
        _paragraph(document, data["footer"], size=12)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_run_font(footer.add_run("第 "), DOCX_BODY_FONT, 14)
    _page_number_field(footer, "PAGE")
    _set_run_font(footer.add_run(" 页 共 "), DOCX_BODY_FONT, 14)
    _page_number_field(footer, "NUMPAGES")
    _set_run_font(footer.add_run(" 页"), DOCX_BODY_FONT, 14)

    core = document.core_properties
    core.title = data["title"]
    core.subject = data["number"]
    core.author = data["agency_name"]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- Both -------------------------------------------------------------------------------------------------


def render(kind, content: dict) -> Rendered:
    """Render ``content`` with ``kind``'s template to PDF, and to an editable DOCX."""
    html = render_html(kind.template, copy.deepcopy(content))
    return Rendered(pdf=html_to_pdf(html), docx=render_docx(content))
