"""``zhifa inspection show|sign-off ID --user USERNAME``: an inspection record from the command line.

The command acts as the named account: its role must allow the action and the record must lie in its
jurisdiction (otherwise it is "not found", as in the UI and the API); the rules are the services' own,
and a refusal prints every problem and exits non-zero.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.core.audit import audit_context
from zhifa.inspections import services
from zhifa.inspections.models import Inspection, InspectionOfficer, InspectionResult

#: Exit status when a rule refuses the sign-off (CommandError exits with 1 for usage and lookup errors).
REFUSED = 2


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(BaseCommand):
    help = (
        "现场检查记录：show 显示记录，sign-off 签署并签发现场检查记录文书。"
        "以 --user 指定的账号身份操作，只能处理其管辖范围内的记录；签署被规则拒绝时列出全部问题并以非零状态退出。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="显示一条现场检查记录")
        show.add_argument("id", type=int, help="检查记录编号")
        show.add_argument("--user", dest="username", required=True, help="以该账号的身份查看（必填）")
        sign = sub.add_parser("sign-off", help="签署现场检查记录")
        sign.add_argument("id", type=int, help="检查记录编号")
        sign.add_argument("--user", dest="username", required=True, help="以该账号的身份签署（必填）")

    def handle(self, *args, action, id, username, **options):
        user = self._user(username)
        if action == "show":
            self._show(self._inspection(user, id, "view"))
            return
        if not user.has_perm("inspections.sign_off_inspection"):
            raise CommandError(f"--user：账号“{username}”（{user.get_role_display()}）无权签署现场检查记录")
        inspection = self._inspection(user, id, "change")
        if not inspection.is_draft:
            raise CommandError(f"现场检查记录 {id} 已签署（{local(inspection.signed_off_at)}），不能再次签署")
        with audit_context(user=user, source="cli"):
            try:
                signed = services.sign_off(inspection, user=user)
            except services.RuleViolation as exc:
                self.stderr.write(f"现场检查记录 {id} 未签署，存在以下问题：")
                for n, problem in enumerate(exc.messages, start=1):
                    self.stderr.write(f"  {n}. {problem}")
                raise SystemExit(REFUSED) from exc
        number = signed.document.number if signed.document is not None else ""
        self.stdout.write(f"已签署现场检查记录 {id}，文书编号 {number}".rstrip())

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--user：不存在名为“{username}”的账号")
        if not user.is_active:
            raise CommandError(f"--user：账号“{username}”已停用")
        return user

    def _inspection(self, user, pk: int, scope: str) -> Inspection:
        inspection = (
            Inspection.objects.restrict(user, scope)
            .select_related("enterprise", "board", "checklist", "document", "signed_off_by")
            .prefetch_related(
                Prefetch("team", InspectionOfficer.objects.select_related("officer")),
                Prefetch("results", InspectionResult.objects.select_related("item")),
                "hazards",
            )
            .filter(pk=pk)
            .first()
        )
        if inspection is None:
            raise CommandError(f"现场检查记录 {pk} 不存在或不在管辖范围内")
        return inspection

    def _show(self, inspection: Inspection) -> None:
        write = self.stdout.write
        write(f"现场检查记录 {inspection.pk}（{inspection.get_status_display()}）")
        write(f"  被检查单位：{inspection.enterprise.name}")
        write(f"  板块：{inspection.board.name}")
        write(
            f"  检查类型：{inspection.get_origin_display()}{'（交叉执法）' if inspection.cross_enforcement else ''}"
        )
        write(f"  检查表：{inspection.checklist}")
        write(f"  检查时间：{local(inspection.started_at)} 至 {local(inspection.ended_at)}")
        write(f"  检查场所：{inspection.place or '—'}")
        write(
            f"  现场负责人：{inspection.onsite_person_name or '—'} {inspection.onsite_person_title}".rstrip()
        )
        team = "、".join(m.officer.name for m in inspection.team.all()) or "—"
        write(f"  执法人员：{team}")
        results = list(inspection.results.all())
        blank = sum(1 for r in results if not r.result)
        write(f"  检查项：共 {len(results)} 项，未填写 {blank} 项")
        for result in results:
            if result.result:
                note = f"（{result.note}）" if result.note else ""
                write(f"    {result.item.order}. {result.item.text}：{result.get_result_display()}{note}")
        hazards = list(inspection.hazards.all())
        write(f"  隐患：{len(hazards)} 项")
        for hazard in hazards:
            write(f"    - [{hazard.get_level_display()}/{hazard.get_status_display()}] {hazard.description}")
        if inspection.signed_off_by is not None:
            write(f"  签署：{inspection.signed_off_by.get_full_name()} {local(inspection.signed_off_at)}")
        if inspection.document is not None:
            write(f"  文书：{inspection.document.number}（PDF SHA-256 {inspection.document.pdf_sha256}）")
