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
                "table": {                                  # optional
                    "columns": ["序号", …],
                    "rows": [["1", …], …],
                    "widths": [8, 40, …],                   # optional relative column widths
                },
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
is searched first, to adjust a form without touching code. Templates run in Jinja's immutable sandbox with
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
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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


def _widths(given, columns: list[str], rows: list[list[str]]) -> list[float]:
    """Column widths in percent. Tables are laid out with fixed widths (a third faster in WeasyPrint
    than automatic layout); without given weights a "序号" column is narrow and the rest share."""
    n = max([len(columns)] + [len(r) for r in rows] + [0])
    if not n:
        return []
    try:
        weights = [float(w) for w in (given or [])][:n]
    except (TypeError, ValueError):
        weights = []
    if len(weights) != n or any(w <= 0 for w in weights):
        first = 8.0 if columns and columns[0] == "序号" and n > 1 else None
        rest = (100.0 - (first or 0)) / (n - (1 if first else 0))
        weights = ([first] if first else []) + [rest] * (n - (1 if first else 0))
    total = sum(weights)
    return [round(w * 100 / total, 2) for w in weights]


def normalize(content: dict) -> dict:
    """Every key present with its expected type, values as text (templates run with StrictUndefined)."""
    sections = []
    for section in content.get("sections") or []:
        table = section.get("table") or None
        if table:
            columns = [_text(c) for c in table.get("columns") or []]
            rows = [[_text(c) for c in row] for row in table.get("rows") or []]
            table = {"columns": columns, "rows": rows, "widths": _widths(table.get("widths"), columns, rows)}
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
def environment(override: str) -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja environment for one override directory (cached; templates reload on change)."""
    return ImmutableSandboxedEnvironment(
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


def _fonts(element, name: str) -> None:
    """Name the font for every script (Word picks eastAsia for CJK text) on an rPr element."""
    fonts = element.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


#: Paragraph styles of the DOCX: (style id and name, size in pt, font, alignment, first-line indent, line spacing).
DOCX_STYLES = {
    "title": ("ZhifaTitle", 22, DOCX_TITLE_FONT, WD_ALIGN_PARAGRAPH.CENTER, False, 36),
    "center": ("ZhifaCenter", 16, DOCX_BODY_FONT, WD_ALIGN_PARAGRAPH.CENTER, False, None),
    "body": ("ZhifaBody", 16, DOCX_BODY_FONT, None, True, None),
    "heading": ("ZhifaHeading", 16, DOCX_BODY_FONT, None, False, None),
    "right": ("ZhifaRight", 16, DOCX_BODY_FONT, WD_ALIGN_PARAGRAPH.RIGHT, False, None),
    "small": ("ZhifaSmall", 12, DOCX_BODY_FONT, None, False, 20),
    "cell": ("ZhifaCell", 12, DOCX_BODY_FONT, None, False, 18),
    "footer": ("ZhifaFooter", 14, DOCX_BODY_FONT, WD_ALIGN_PARAGRAPH.CENTER, False, None),
}


@lru_cache(maxsize=1)
def _docx_template() -> bytes:
    """An empty form: A4 with the GB/T 9704 margins, the paragraph styles, page numbers in the footer.

    Built once per process; each document starts from these bytes, so the styles are defined once and
    runs carry no formatting of their own (fast to build, and easy to restyle in Word or WPS).
    """
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(16)
    _fonts(normal.element.get_or_add_rPr(), DOCX_BODY_FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), Pt(28)
    for name, size, font, align, indent, spacing in DOCX_STYLES.values():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        if font != DOCX_BODY_FONT:
            _fonts(style.element.get_or_add_rPr(), font)
        if align is not None:
            style.paragraph_format.alignment = align
        if indent:
            style.paragraph_format.first_line_indent = Pt(size * 2)
        if spacing is not None:
            style.paragraph_format.line_spacing = Pt(spacing)
    footer = section.footer.paragraphs[0]
    footer.style = styles[DOCX_STYLES["footer"][0]]
    footer.add_run("第 ")
    _page_number_field(footer, "PAGE")
    footer.add_run(" 页 共 ")
    _page_number_field(footer, "NUMPAGES")
    footer.add_run(" 页")
    _trim_template(document)
    # The body starts empty (the default template holds no paragraphs, but be sure).
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


#: Styles kept from python-docx's default template; the other ~160 (and Word 2010's stylesWithEffects
#: copy of them, ~800 KB of XML together) are dropped, which makes opening and saving each DOCX cheap.
KEEP_STYLES = {
    "Normal",
    "DefaultParagraphFont",
    "TableNormal",
    "NoList",
    "TableGrid",
    "Header",
    "HeaderChar",
    "Footer",
    "FooterChar",
}


def _trim_template(document) -> None:
    styles = document.styles.element
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in KEEP_STYLES and not style.get(qn("w:styleId")).startswith(
            "Zhifa"
        ):
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rel_id)
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rel_id)


def _styled(paragraph, key: str):
    # Set the style id directly: python-docx's ``paragraph.style = ...`` scans every style each time.
    paragraph._p.get_or_add_pPr().style = DOCX_STYLES[key][0]
    return paragraph


def _table(document, columns: list[str], rows: list[list[str]], *, header=True):
    ncols = max([len(columns)] + [len(r) for r in rows]) or 1
    table = document.add_table(rows=0, cols=ncols)
    table._tbl.tblPr.style = "TableGrid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header and columns:
        cells = table.add_row().cells
        for i, text in enumerate(columns):
            paragraph = _styled(cells[i].paragraphs[0], "cell")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, text in enumerate(row):
            _styled(cells[i].paragraphs[0], "cell").add_run(text)
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
    """The same content as an editable DOCX (Word, WPS): title, number, field table, sections, notice,
    signatures, date, page numbers in the footer."""
    data = normalize(content)
    document = Document(io.BytesIO(_docx_template()))

    def add(text: str, key: str):
        return _styled(document.add_paragraph(text), key)

    if data["agency_name"]:
        add(data["agency_name"], "title")
    add(data["title"], "title")
    if data["number"]:
        add(data["number"] + (f"（第 {data['version']} 版）" if data["version"] > 1 else ""), "center")
    if data["correction"]:
        add(data["correction"], "small").alignment = WD_ALIGN_PARAGRAPH.CENTER
    add("", "body")
    if data["fields"]:
        table = _table(document, [], [[f["label"], f["value"]] for f in data["fields"]], header=False)
        for row in table.rows:
            row.cells[0].width = Mm(40)
            row.cells[1].width = Mm(116)
    for part in data["sections"]:
        if part["heading"]:
            add(part["heading"], "heading")
        for text in part["paragraphs"]:
            add(text, "body")
        if part["table"]:
            _table(document, part["table"]["columns"], part["table"]["rows"])
    if data["notice"]:
        add("", "body")
        for text in data["notice"]:
            add(text, "body")
    if data["signatures"]:
        add("", "body")
        rows = [
            [
                s["label"] + "：",
                s["name"],
                (_("执法证号：") + s["certificate"]) if s["certificate"] else "",
                s["date"] or "    年  月  日",
            ]
            for s in data["signatures"]
        ]
        _table(document, [], rows, header=False)
    if data["date"]:
        add("", "body")
        add(data["date"], "right")
    if data["footer"]:
        add(data["footer"], "small")

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
