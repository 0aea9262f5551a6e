"""``zhifa synth --scale N``: an N-times larger region for benchmarks (N districts' worth of data)."""

from __future__ import annotations

import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from zhifa.demo.generate import (
    DEFAULT_SEED,
    ENTERPRISES_PER_DISTRICT,
    DemoError,
    build,
    max_scale,
)
from zhifa.demo.management.commands.demo import check_password


class Command(BaseCommand):
    help = (
        "生成 N 倍规模的虚构数据用于性能测试：14·N 个板块"
        "（第 2 份起名为“湖塘镇(2)”等，代码取未使用的虚构代码）、"
        "39·N 名大队执法人员（今日持证 95·N 名）、155·N 名专家、约 8,000·N 家企业，"
        "与 zhifa demo 使用同一生成器。可在空库（已迁移）或演示库上运行："
        "已存在的各份数据保留不动，只补齐缺少的份数（同一种子下第 1 份即 zhifa demo 的数据）；"
        "数据库含真实数据时拒绝运行。账号只有 zhifa demo 的那一套"
        "（第 1 份，即武进区 14 个板块），不为新增板块建账号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help=f"倍数 N（1–{max_scale()}）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--password",
            default=None,
            help="给出时建立或重置演示账号并设为此密码；不给出时不改动任何账号（不会改掉 zhifa demo 设定的密码）",
        )
        parser.add_argument(
            "--enterprises-per-district", type=int, default=ENTERPRISES_PER_DISTRICT, help=argparse.SUPPRESS
        )

    def handle(self, *args, scale, seed, password, enterprises_per_district, **options):
        if password is not None:
            check_password(password)
        started = time.monotonic()
        try:
            report = build(
                scale=scale,
                seed=seed,
                password=password,
                enterprises_per_district=enterprises_per_district,
                activity=False,  # benchmarks measure the registers; zhifa demo adds the month of inspections
                log=lambda message: self.stdout.write(message),
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        self.stdout.write(f"用时 {time.monotonic() - started:.1f} 秒。")
