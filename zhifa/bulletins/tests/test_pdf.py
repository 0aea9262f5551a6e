"""The bulletin's PDF carries the boards, their figures and the ranking; the command writes it and prints
where; the workbook holds the same numbers."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook
from pypdf import PdfReader

from zhifa.bulletins import services
from zhifa.bulletins.models import Bulletin
from zhifa.bulletins.tests import helpers as h
from zhifa.bulletins.xlsx import workbook
from zhifa.core import storage

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def month(world):
    m = h.last_complete_month()
    for n in range(7):
        h.inspection(world.board_a, m + timedelta(days=n), expert=n < 3)
    for n in range(2):
        h.inspection(world.board_b, m + timedelta(days=n))
    h.accident(world.board_b, m + timedelta(days=3), deaths=1)
    return m


def test_the_pdf_names_the_boards_their_figures_and_the_ranking(world, month):
    bulletin = services.generate(month, user=world.dan)
    data = services.pdf_bytes(bulletin)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    compact = "".join(text.split())
    assert "安全生产执法工作通报" in compact
    assert f"{month.year}年{month.month}月" in compact
    assert "湖塘镇" in text and "牛塘镇" in text
    assert "全区共开展现场检查9次" in compact  # the summary's district figure
    assert "其中“2+1”检查3次" in compact
    assert "综合排名" in compact and "近12个月趋势" in compact
    # The ranking table: rank, board, score, in the order of the snapshot
    rows = bulletin.figures["ranking"]["rows"]
    assert [r["name"] for r in rows] == ["湖塘镇", "牛塘镇"]
    first, second = (f"{r['rank']}{r['name']}{r['score']:.2f}" for r in rows)
    assert first in compact and second in compact
    assert compact.index(first) < compact.index(second)
    # The board table row of 湖塘镇 starts with its inspections and "2+1" inspections
    assert "湖塘镇73" in compact


def test_the_pdf_is_stored_by_its_hash_and_regenerating_a_draft_makes_a_new_version(world, month):
    bulletin = services.generate(month, user=world.dan)
    assert storage.verify(bulletin.pdf_sha256) and bulletin.pdf_size == len(services.pdf_bytes(bulletin))
    h.inspection(world.board_b, month + timedelta(days=9))
    again = services.generate(month, user=world.bruce)
    assert again.pk == bulletin.pk and again.version == 2
    assert again.figures["district"]["values"]["month"]["inspections"] == 10
    assert [e.action for e in again.events.order_by("pk")] == ["generate", "regenerate"]


def test_the_command_writes_the_pdf_and_prints_its_path(world, month, tmp_path, capsys):
    out = tmp_path / "通报.pdf"
    sheet = tmp_path / "通报.xlsx"
    call_command("bulletin", f"{month:%Y-%m}", "--output", str(out), "--xlsx", str(sheet))
    printed = capsys.readouterr().out.strip()
    assert printed == str(out.resolve())
    assert out.read_bytes().startswith(b"%PDF")
    bulletin = Bulletin.objects.get(month=month)
    assert bulletin.generated_by is None and bulletin.status == "draft"
    assert "湖塘镇" in pdf_text(out.read_bytes())
    assert load_workbook(sheet).sheetnames[0] == "全区"


def test_the_command_writes_to_the_data_directory_by_default(world, month, settings, capsys):
    call_command("bulletin", f"{month:%Y-%m}")
    path = settings.DATA_DIR / "bulletins" / f"bulletin-{month:%Y-%m}.pdf"
    assert capsys.readouterr().out.strip() == str(path.resolve())
    assert path.read_bytes().startswith(b"%PDF")


def test_the_command_refuses_a_bad_month_and_a_published_bulletin_with_exit_code_2(world, month):
    with pytest.raises(CommandError) as bad:
        call_command("bulletin", "2026-13")
    assert bad.value.returncode == 2 and "月份" in str(bad.value)
    h.make_bulletin(month, "published")
    with pytest.raises(CommandError) as published:
        call_command("bulletin", f"{month:%Y-%m}")
    assert published.value.returncode == 2 and "已发布" in str(published.value)
    with pytest.raises(CommandError) as nobody:
        call_command("bulletin", f"{month:%Y-%m}", "--user", "nobody")
    assert "--user" in str(nobody.value)


def test_a_board_user_may_not_generate_from_the_command_line(world, month):
    with pytest.raises(CommandError) as refused:
        call_command("bulletin", f"{month:%Y-%m}", "--user", "alice")
    assert refused.value.returncode == 2 and "无权" in str(refused.value)
    assert not Bulletin.objects.exists()


def test_the_workbook_holds_the_figures_as_numbers(world, month):
    from zhifa.bulletins import figures as F

    figures = F.compute(month)
    book = load_workbook(io.BytesIO(workbook(figures)))
    assert book.sheetnames == [
        "全区",
        "各板块（本月）",
        "各板块（本年累计）",
        "排名",
        "近12个月趋势",
        "排名权重",
    ]
    boards = {row[0]: row for row in book["各板块（本月）"].iter_rows(min_row=2, values_only=True)}
    header = next(book["各板块（本月）"].iter_rows(max_row=1, values_only=True))
    assert boards["湖塘镇"][header.index("现场检查（次）")] == 7
    assert boards["全区合计"][header.index("现场检查（次）")] == 9
    ranking = list(book["排名"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in ranking] == [(1, "湖塘镇"), (2, "牛塘镇")]
