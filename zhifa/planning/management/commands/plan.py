"""``zhifa plan build|submit|approve|show YEAR --user USERNAME``: the annual inspection plan."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhifa.core.audit import audit_context
from zhifa.planning import plan as plans
from zhifa.planning.management.commands._common import acting_user, messages_of


class Command(BaseCommand):
    help = (
        "年度监督检查计划（安全生产法第62条）：build 按分类分级和检查频次编制（已有计划时生成新版本，须 --reason）；"
        "submit 报批；approve 由区局领导批准；show 显示各板块各月应检查数、检查能力与缺口。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (
            ("build", "编制或修订"),
            ("submit", "报批最新版本"),
            ("approve", "批准已报批的版本"),
            ("show", "显示最新版本"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("year", type=int)
            p.add_argument("--user", dest="username", help="以该账号的身份执行（show 以外必填）")
            if name == "build":
                p.add_argument("--reason", default="", help="修订理由（已有计划时必填）")
            if name == "approve":
                p.add_argument("--opinion", default="", help="批准意见")

    def handle(self, *args, action, year, username=None, **options):
        plan = None
        if action != "show":
            user = acting_user(username)
            with audit_context(user=user, source="cli"):
                try:
                    if action == "build":
                        plan = plans.build_plan(user=user, year=year, reason=options.get("reason", ""))
                    else:
                        latest = plans.latest_plan(plans.the_district(), year)
                        if latest is None:
                            raise CommandError(f"{year} 年尚无计划：请先 zhifa plan build {year}")
                        if action == "submit":
                            plan = plans.submit_plan(latest, user=user)
                        else:
                            plan = plans.approve_plan(latest, user=user, opinion=options.get("opinion", ""))
                except PermissionDenied as exc:
                    raise CommandError(f"--user：账号“{user.username}”{messages_of(exc)}") from exc
                except ValidationError as exc:
                    raise CommandError(messages_of(exc)) from exc
        else:
            plan = plans.latest_plan(plans.the_district(), year)
            if plan is None:
                raise CommandError(f"{year} 年尚无计划")
        self.show(plan)

    def show(self, plan):
        self.stdout.write(f"{plan}；频次与上限版本 {plan.ruleset}；工作日：{plan.calendar_note}")
        rows = list(
            plan.board_months.select_related("board").order_by("board__sort_order", "board_id", "month")
        )
        by_board: dict = {}
        for row in rows:
            by_board.setdefault(row.board, []).append(row)
        self.stdout.write(f"{'板块':<14}{'应检查':>8}{'双随机':>8}{'能力':>8}  能力不足的月份")
        total_required = total_capacity = 0
        for board, months in by_board.items():
            required = sum(r.required for r in months)
            capacity = sum(r.capacity for r in months)
            total_required += required
            total_capacity += capacity
            short = ",".join(f"{r.month}月(缺{r.gap})" for r in months if r.shortfall)
            name = board.name if board.is_board else f"{board.name}大队机动"
            self.stdout.write(
                f"{name:<14}{required:>8}{sum(r.random_quota for r in months):>8}{capacity:>8}  {short or '—'}"
            )
        self.stdout.write(f"{'合计':<14}{total_required:>8}{'':>8}{total_capacity:>8}")
