"""``zhifa calendar due|import|show|rules``: the working-day calendar and statutory periods.

    zhifa calendar due 2026-02-13 5 --working      # or --natural, --months, or --rule CODE (no N)
    zhifa calendar import 2027 安排.csv --source "国办发明电〔2026〕X号" [--user USERNAME]
    zhifa calendar show 2026-02
    zhifa calendar rules [--on 2026-03-01]

Bad input exits with status 2 and a Chinese message naming the argument.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zhifa.core import calendar
from zhifa.core.audit import audit_context
from zhifa.core.choices import PeriodUnit

BAD_INPUT = 2


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{what}：“{value}”不是有效日期，应为 YYYY-MM-DD", returncode=BAD_INPUT) from None


class Command(BaseCommand):
    help = (
        "工作日历与法定期限（行政处罚法第八十五条：二日、三日、五日、七日为工作日，其余为自然日，"
        "期限末日为节假日的顺延至下一工作日）：due 计算到期日；import 导入某年国务院办公厅公布的节假日安排；"
        "show 列出某月的工作日与节假日；rules 列出法定期限规则。输入有误时以状态 2 退出。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="计算到期日：起算日（不计入）后 N 个单位")
        due.add_argument("start", help="起算日 YYYY-MM-DD（当日不计入，次日为第1日）")
        due.add_argument("n", nargs="?", help="期限长度（用 --rule 时省略）")
        unit = due.add_mutually_exclusive_group()
        unit.add_argument("--working", dest="unit", action="store_const", const=PeriodUnit.WORKING.value)
        unit.add_argument("--natural", dest="unit", action="store_const", const=PeriodUnit.NATURAL.value)
        unit.add_argument("--months", dest="unit", action="store_const", const=PeriodUnit.MONTHS.value)
        unit.add_argument("--rule", dest="rule", help="按法定期限规则代码计算，如 payment")
        imp = sub.add_parser("import", help="导入某年的节假日安排（CSV：日期,类型,名称）")
        imp.add_argument("year", help="年份，如 2027")
        imp.add_argument("file", help="UTF-8 文本文件：每行 日期,holiday|workday,名称")
        imp.add_argument("--source", default="", help="依据，如 国务院办公厅通知的文号")
        imp.add_argument("--user", dest="username", help="记为导入人的账号（可选）")
        show = sub.add_parser("show", help="列出某月每天是否上班")
        show.add_argument("month", help="月份 YYYY-MM")
        rules = sub.add_parser("rules", help="列出某日施行中的法定期限规则")
        rules.add_argument("--on", default="", help="日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    # due ---------------------------------------------------------------------------------------------

    def do_due(self, *, start, n=None, unit=None, rule=None, **_):
        start_day = _date(start, "起算日")
        try:
            if rule:
                if n is not None:
                    raise CommandError("用 --rule 时不写期限长度 N（长度取自规则）", returncode=BAD_INPUT)
                result = calendar.rule_due(rule, start_day)
            else:
                if unit is None:
                    raise CommandError(
                        "请指定 --working（工作日）、--natural（自然日）、--months（月）或 --rule 规则代码",
                        returncode=BAD_INPUT,
                    )
                if n is None or not re.fullmatch(r"\d{1,4}", n):
                    raise CommandError(f"期限长度 N：“{n or ''}”应为非负整数", returncode=BAD_INPUT)
                result = calendar.due(start_day, int(n), unit)
        except (calendar.CalendarError, calendar.UnknownPeriodRule) as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        self.stdout.write(str(result))
        what = f"{result.n} 个{result.unit_label}" if result.unit != PeriodUnit.MONTHS else f"{result.n} 个月"
        self.stdout.write(
            f"起算日 {start_day.isoformat()}（{calendar.WEEKDAY_NAMES[start_day.weekday()]}，不计入）后 {what}"
        )
        if result.rule:
            self.stdout.write(f"规则：{result.rule_name}（{result.rule}）；依据：{result.source}")
        for warning in result.warnings:
            self.stdout.write(f"警告：{warning}")

    # import ------------------------------------------------------------------------------------------

    def do_import(self, *, year, file, source="", username=None, **_):
        if not re.fullmatch(r"\d{4}", year):
            raise CommandError(f"年份：“{year}”应为四位数字，如 2027", returncode=BAD_INPUT)
        user = None
        if username:
            from zhifa.accounts.models import User

            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"--user：账号“{username}”不存在或已停用", returncode=BAD_INPUT)
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError:
            raise CommandError(f"FILE：无法读取文件“{file}”", returncode=BAD_INPUT) from None
        with audit_context(user=user, source="cli"):
            try:
                result = calendar.import_year(
                    int(year), data, source=source or f"命令行导入：{file}", user=user
                )
            except calendar.CalendarImportError as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(
                    f"{year}年节假日安排有 {len(exc.errors)} 处错误，未导入任何数据", returncode=BAD_INPUT
                ) from exc
        self.stdout.write(str(result))

    # show --------------------------------------------------------------------------------------------

    def do_show(self, *, month, **_):
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", month)
        if not found or not 1 <= int(found[2]) <= 12:
            raise CommandError(f"月份：“{month}”应为 YYYY-MM，如 2026-02", returncode=BAD_INPUT)
        year, number = int(found[1]), int(found[2])
        days = calendar.month_days(year, number)
        for day in days:
            mark = "上班" if day.is_workday else "休息"
            extra = f"  {day.name}" if day.name else ""
            self.stdout.write(f"{day.date.isoformat()} {day.weekday} {mark}（{day.label}）{extra}")
        working = sum(1 for d in days if d.is_workday)
        self.stdout.write(f"{year}年{number}月：工作日 {working} 天，休息日 {len(days) - working} 天")
        if not calendar.is_year_known(year):
            self.stdout.write(f"警告：{calendar.unknown_year_warning(year)}")

    # rules -------------------------------------------------------------------------------------------

    def do_rules(self, *, on="", **_):
        day = _date(on, "--on") if on else None
        for rule in calendar.rules_in_force(day):
            unit = PeriodUnit(rule.unit).label
            local = "（本地/可配置）" if rule.local else ""
            self.stdout.write(f"{rule.code}\t{rule.name}\t{rule.length}{unit}\t{rule.source}{local}")
