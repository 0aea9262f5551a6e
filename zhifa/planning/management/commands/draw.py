"""``zhifa draw run|verify|show``: the verifiable double-random 2+1 draw."""

from __future__ import annotations

import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhifa.core.audit import audit_context
from zhifa.orgs.models import Region
from zhifa.planning import services
from zhifa.planning.management.commands._common import acting_user, messages_of, parse_month
from zhifa.planning.models import Draw


class Command(BaseCommand):
    help = (
        "双随机“2+1”抽取。run：公布种子承诺值、冻结候选池、抽取、公布种子，一次完成，"
        "打印承诺值、种子、候选池哈希、结果摘要与缺口说明；"
        "verify ID：用存储的种子和候选池重算并逐项比对，全部一致时以 0 退出，否则以 1 退出并指出不同之处；"
        "show ID：显示一次抽取。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="抽取")
        run.add_argument("--month", required=True, help="YYYY-MM")
        run.add_argument("--board", help="板块区划代码；不给出时全区各板块一并抽取")
        run.add_argument("--cross", action="store_true", help="交叉执法：执法人员只从其他板块抽取")
        run.add_argument(
            "--seed-source",
            default="",
            help="公开随机数（如彩票开奖号码原文），种子 = SHA-256(该文本)；不给出时用系统随机数",
        )
        run.add_argument("--reason", default="", help="抽取理由；重新抽取时必填")
        run.add_argument("--redraw", type=int, help="重新抽取：取代该编号的抽取（须 --reason）")
        run.add_argument("--quota", type=int, help="每个板块的配额（不给出时取已批准年度计划的双随机配额）")
        run.add_argument("--user", dest="username", help="以该账号的身份执行（必填）")
        verify = sub.add_parser("verify", help="复核")
        verify.add_argument("draw_id", type=int)
        show = sub.add_parser("show", help="显示")
        show.add_argument("draw_id", type=int)

    def handle(self, *args, action, **options):
        if action == "run":
            return self.run(**options)
        draw = Draw.objects.filter(pk=options["draw_id"]).first()
        if draw is None:
            raise CommandError(f"抽取 #{options['draw_id']} 不存在")
        if action == "verify":
            return self.verify(draw)
        self.summary(draw)

    def run(
        self,
        *,
        month,
        board=None,
        cross=False,
        seed_source="",
        reason="",
        redraw=None,
        quota=None,
        username=None,
        **_,
    ):
        user = acting_user(username)
        year, month_number = parse_month(month)
        region = None
        if board:
            region = Region.objects.boards().filter(code=board).first()
            if region is None:
                raise CommandError(f"--board：板块代码“{board}”不存在")
        old = None
        if redraw is not None:
            old = Draw.objects.filter(pk=redraw).first()
            if old is None:
                raise CommandError(f"--redraw：抽取 #{redraw} 不存在")
        quotas = None
        if quota is not None:
            from zhifa.planning.plan import the_district
            from zhifa.planning.pools import scope_boards

            district = region.parent if region else the_district()
            quotas = {b.pk: quota for b in scope_boards(district, region)}
        with audit_context(user=user, source="cli"):
            try:
                if old is not None:
                    if (old.year, old.month, old.board_id, old.cross_enforcement) != (
                        year,
                        month_number,
                        region.pk if region else None,
                        cross,
                    ):
                        raise CommandError("--redraw：重新抽取的月份、板块和交叉执法选项须与原抽取相同")
                    outcome = services.redraw(
                        old, user=user, reason=reason, seed_source=seed_source, quotas=quotas
                    )
                else:
                    outcome = services.run_draw(
                        user=user,
                        year=year,
                        month=month_number,
                        board=region,
                        cross=cross,
                        seed_source=seed_source,
                        reason=reason,
                        quotas=quotas,
                    )
            except PermissionDenied as exc:
                raise CommandError(f"--user：账号“{user.username}”{messages_of(exc)}") from exc
            except ValidationError as exc:
                raise CommandError(messages_of(exc)) from exc
        self.summary(outcome.draw)

    def summary(self, draw: Draw):
        w = self.stdout.write
        w(f"{draw}（{draw.get_status_display()}{'，交叉执法' if draw.cross_enforcement else ''}）")
        w(f"算法版本：{draw.algorithm_version}")
        w(f"种子来源：{draw.seed_source or '系统随机数（secrets，32 字节）'}")
        w(f"承诺值 SHA-256(种子)：{draw.commitment}")
        w(f"种子：{draw.seed_hex or '（尚未公开）'}")
        w(f"候选池 SHA-256：{draw.pool_hash}")
        w(f"结果 SHA-256：{draw.result_hash}")
        s = draw.summary or {}
        if s:
            share = f"{s['share']:.1%}" if s.get("share") is not None else "—"
            w(
                f"配额 {s.get('quota', 0)} 家，完成组队 {s.get('assigned', 0)} 家（{share}），未能组队 {s.get('unassigned', 0)} 家"
            )
        for row in draw.diagnoses or []:
            w(f"  · {row['message']}")

    def verify(self, draw: Draw):
        report = services.verify_draw(draw)
        for check in report.checks:
            mark = "一致" if check.ok else "不符"
            self.stdout.write(
                f"[{mark}] {check.name}" + ("" if check.ok or not check.detail else f"：{check.detail}")
            )
        for line in report.differences:
            self.stdout.write(f"  · {line}")
        if report.ok:
            self.stdout.write(f"抽取 #{draw.pk} 复核通过：种子与承诺值、候选池、参数和结果全部一致。")
            return
        self.stderr.write(f"抽取 #{draw.pk} 复核未通过。")
        sys.exit(1)
