"""``zhifa demo``: build the fictitious 武进区 demo (idempotent), print the accounts, then serve."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from zhifa.demo import data, second_factor
from zhifa.demo.generate import DEFAULT_PASSWORD, DEFAULT_SEED, ENTERPRISES_PER_DISTRICT, DemoError, build
from zhifa.demo.report import accounts_table

DEFAULT_BIND = "127.0.0.1:8000"


def check_password(password: str) -> None:
    try:
        validate_password(password)
    except ValidationError as exc:
        raise CommandError("演示密码不符合密码规则：" + "；".join(exc.messages)) from exc


def write_accounts(path: str, accounts) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps([a.as_json() for a in accounts], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


class Command(BaseCommand):
    help = (
        "生成虚构的武进区演示数据（14 个板块、95 名持证执法人员、155 名专家、约 8,000 家企业及各角色账号），"
        "可重复运行（已有数据不会重复生成，账号密码重置为指定密码），随后启动服务 http://127.0.0.1:8000/ 。"
        f"默认密码 {DEFAULT_PASSWORD}，默认随机种子 {DEFAULT_SEED}。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"所有演示账号的密码（默认 {DEFAULT_PASSWORD}）"
        )
        parser.add_argument(
            "--accounts-out", metavar="FILE.json", help="把账号清单写成 JSON：[{username, role, board_code}]"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"随机种子（默认 {DEFAULT_SEED}）；同一种子生成相同数据",
        )
        parser.add_argument("--bind", default=DEFAULT_BIND, help=f"服务监听地址（默认 {DEFAULT_BIND}）")
        parser.add_argument(
            "--enterprises-per-district", type=int, default=ENTERPRISES_PER_DISTRICT, help=argparse.SUPPRESS
        )

    def handle(
        self, *args, no_serve, password, accounts_out, seed, bind, enterprises_per_district, **options
    ):
        check_password(password)
        started = time.monotonic()
        try:
            report = build(
                scale=1,
                seed=seed,
                password=password,
                enterprises_per_district=enterprises_per_district,
                log=lambda message: self.stdout.write(message),
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(report.summary())
        self.stdout.write(f"用时 {elapsed:.1f} 秒。")
        self.stdout.write(
            "说明：所有人员、企业、专家均为虚构（is_fictitious），企业与单位名称带“（演示）”标记；"
            "南夏墅街道、西湖街道没有单独的统计区划代码，演示使用虚构代码 "
            + "、".join(data.DISTRICT_CODE + b.suffix for b in data.BOARDS if b.fictitious_code)
            + "。"
        )
        self.stdout.write("")
        self.stdout.write(accounts_table(report.accounts))
        self.stdout.write("")
        self.stdout.write(f"以上账号的密码均为：{password}")
        self.stdout.write(second_factor.explanation(second_factor.needing_a_code(report.accounts)))
        if accounts_out:
            write_accounts(accounts_out, report.accounts)
            self.stdout.write(f"账号清单已写入 {accounts_out}")
        url = f"http://{bind}/"
        self.stdout.write(f"访问地址：{url}")
        if not no_serve:
            self.serve(bind)

    def serve(self, bind: str) -> None:
        """Collect static files (whitenoise serves them), then hand the process to gunicorn."""
        call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()
        self.stdout.write("正在启动服务，按 Ctrl+C 停止。")
        self.stdout.flush()
        if importlib.util.find_spec("gunicorn") is not None:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
            argv = [sys.executable, "-m", "gunicorn", "zhifa.wsgi", "--bind", bind, "--access-logfile", "-"]
            sys.stdout.flush()
            sys.stderr.flush()
            os.execv(sys.executable, argv)
        call_command("runserver", bind, use_reloader=False)
