"""``zhifa reviews verify|show ROUND``: case-file review rounds, their draw checked from the revealed seed."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from zhifa.reviews import services
from zhifa.reviews.models import ReviewRound


class Command(BaseCommand):
    help = (
        "案卷评审。verify ID：用公开的种子和冻结的候选案卷重算抽取的案卷和评查人，核对承诺值、各哈希及审计记录，"
        "全部一致时以 0 退出，否则以 1 退出并指出不同之处；show ID：显示一轮评审的抽取。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="复核")
        verify.add_argument("round_id", type=int)
        show = sub.add_parser("show", help="显示")
        show.add_argument("round_id", type=int)

    def handle(self, *args, action, round_id, **options):
        round_ = ReviewRound.objects.select_related("rubric").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"评审 #{round_id} 不存在")
        if action == "verify":
            return self.verify(round_)
        self.summary(round_)

    def summary(self, round_: ReviewRound):
        w = self.stdout.write
        w(f"{round_}（{round_.get_status_display()}）")
        w(f"结案期间：{round_.period_start} 至 {round_.period_end}，每个板块 {round_.per_board} 件")
        w(f"评查标准：{round_.rubric}")
        w(f"算法版本：{round_.algorithm or '—'}")
        w(f"承诺值 SHA-256(种子)：{round_.commitment or '—'}")
        w(f"候选案卷 SHA-256：{round_.candidates_hash or '—'}")
        w(f"结果 SHA-256：{round_.result_hash or '—'}")
        w(f"种子：{round_.seed_hex or '（尚未公开）'}")
        for a in round_.assignments.select_related("board", "case", "reviewer").order_by("position"):
            number = a.case.registration_number or f"#{a.case_id}"
            w(
                f"  {a.position + 1}. {a.board.name} {number} → {a.reviewer.username}（{a.get_status_display()}）"
            )

    def verify(self, round_: ReviewRound):
        report = services.verify_round(round_)
        for check in report.checks:
            mark = "一致" if check.ok else "不符"
            self.stdout.write(
                f"[{mark}] {check.name}" + ("" if check.ok or not check.detail else f"：{check.detail}")
            )
        for line in report.differences:
            self.stdout.write(f"  · {line}")
        if report.ok:
            self.stdout.write(
                f"评审 #{round_.pk} 复核通过：种子与承诺值、候选案卷、抽取结果和审计记录全部一致。"
            )
            return
        self.stderr.write(f"评审 #{round_.pk} 复核未通过。")
        sys.exit(1)
