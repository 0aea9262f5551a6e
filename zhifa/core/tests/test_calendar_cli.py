"""``zhifa calendar``: due dates with the weekday and warnings, importing a year, a month's days; bad
input exits with status 2 and a Chinese message."""

from __future__ import annotations

from datetime import date
from io import StringIO

import chinese_calendar
import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from zhifa.core import calendar
from zhifa.core.models import CalendarYear

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_due_prints_the_date_and_weekday():
    lines = run("due", "2026-02-13", "5", "--working").splitlines()
    assert lines[0] == "2026-02-27（星期五）"
    assert "5 个工作日" in lines[1]
    assert not any(line.startswith("警告") for line in lines)
    assert run("due", "2026-02-01", "15", "--natural").splitlines()[0] == "2026-02-24（星期二）"
    assert run("due", "2025-08-31", "6", "--months").splitlines()[0] == "2026-02-28（星期六）"


def test_due_by_rule_names_the_basis():
    out = run("due", "2026-02-01", "--rule", "payment")
    assert out.splitlines()[0] == "2026-02-24（星期二）"
    assert "第六十七条" in out


def test_due_in_an_unknown_year_prints_the_warning():
    out = run("due", "2026-12-30", "3", "--working")
    assert out.splitlines()[0] == "2027-01-04（星期一）"
    assert "警告：2027年的节假日安排尚未导入" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (("due", "2026-02-30", "5", "--working"), "起算日"),
        (("due", "2026-02-13", "五", "--working"), "期限长度 N"),
        (("due", "2026-02-13", "5"), "--working"),
        (("due", "2026-02-13", "--rule", "no_such_rule"), "未知的期限规则代码"),
        (("due", "2026-02-13", "5", "--rule", "payment"), "--rule"),
        (("show", "2026-13"), "月份"),
        (("import", "27", "x.csv"), "年份"),
        (("import", "2027", "/no/such/file.csv"), "FILE"),
    ],
)
def test_bad_input_exits_with_status_2_and_a_chinese_message(args, message):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert caught.value.returncode == 2
    assert message in str(caught.value)


def test_the_command_line_exits_with_status_2(capsys, monkeypatch):
    # run_from_argv closes the connections when done; the test's transaction needs its own kept open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as caught:
        ManagementUtility(["zhifa", "calendar", "due", "2026-02-30", "5", "--working"]).execute()
    assert caught.value.code == 2
    assert "起算日" in capsys.readouterr().err


def test_import_stores_the_year_and_changes_the_results(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("日期,类型,名称\n2027-01-01,holiday,元旦\n2027-01-04,holiday,元旦\n", encoding="utf-8")
    out = run("import", "2027", str(path), "--source", "测试安排")
    assert "已导入2027年节假日安排：放假 2 天、调休上班 0 天" in out
    assert CalendarYear.objects.get(year=2027).source == "测试安排"
    due = run("due", "2026-12-30", "3", "--working")
    assert due.splitlines()[0] == "2027-01-06（星期三）" and "警告" not in due


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_stored(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text("2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("calendar", "import", "2027", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 2 and "未导入任何数据" in str(caught.value)
    assert "第2行 日期：" in err.getvalue()
    assert not CalendarYear.objects.exists() and not calendar.is_known(date(2027, 1, 1))


def test_show_lists_the_months_days():
    lines = run("show", "2026-02").splitlines()
    assert "2026-02-14 星期六 上班（调休上班）  春节调休上班" in lines
    assert "2026-02-16 星期一 休息（放假）  春节" in lines
    official = len(chinese_calendar.get_workdays(date(2026, 2, 1), date(2026, 2, 28)))
    assert official == 16  # 20 weekdays, 6 of them in the holiday, 2 调休 Saturdays
    assert lines[-1] == "2026年2月：工作日 16 天，休息日 12 天"
    assert "警告" in run("show", "2027-01")


def test_rules_lists_the_rules_in_force():
    out = run("rules", "--on", "2026-03-01")
    assert "payment\t缴纳罚款\t15自然日" in out
    assert "（本地/可配置）" in out
