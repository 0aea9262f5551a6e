"""``zhifa case list|show|step``: penalty cases from the command line.

    zhifa case list [--board 湖塘镇] [--status investigating] [--user USERNAME]
    zhifa case show ID [--user USERNAME]
    zhifa case step ID STEP --user USERNAME [--data '{"opinion": "同意"}']

``step`` takes a step of the procedure as the named account, exactly as the case page and the API do: the
body is validated by the step's form and ``services.perform`` runs it, so the same rules hold here — the
legal-review gate included. A refusal by a rule of the procedure or a form error prints the Chinese
message and exits with status 2; an unknown case, account or step, or an account without the step's
permission, exits with status 1. ``list`` and ``show`` read the whole district unless ``--user`` limits
them to that account's jurisdiction.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from zhifa.accounts.models import User
from zhifa.cases import forms as case_forms
from zhifa.cases import services, workflow
from zhifa.cases.casefile import missing_documents
from zhifa.cases.choices import CaseStatus
from zhifa.cases.gate import GateClosed
from zhifa.cases.models import Case
from zhifa.core.audit import audit_context
from zhifa.orgs.models import Region

#: Exit status when a rule of the procedure or the step's form refuses (1 is for lookup and usage errors).
REFUSED = 2


def _money(value) -> str:
    return f"{value:,.2f} 元" if value is not None else "—"


class Command(BaseCommand):
    help = (
        "行政处罚案件：list 列出案件，show 显示案件，step 以 --user 指定的账号办理一个办案环节"
        "（与页面、API 相同的表单校验和程序规则，含法制审核前置）。"
        "规则或表单拒绝时打印原因并以状态 2 退出；案件、账号或环节不存在时以状态 1 退出。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出案件（新登记的在前）")
        listing.add_argument("--board", default="", help="承办板块名称或编号")
        listing.add_argument("--status", default="", help="状态代码，如 investigating")
        listing.add_argument("--user", dest="username", default="", help="只列出该账号管辖范围内的案件")
        show = sub.add_parser("show", help="显示一件案件")
        show.add_argument("id", type=int, help="案件编号")
        show.add_argument(
            "--user", dest="username", default="", help="以该账号的身份查看，并列出其可办理的环节"
        )
        step = sub.add_parser("step", help="办理一个办案环节")
        step.add_argument("id", type=int, help="案件编号")
        step.add_argument("step", help="环节代码，如 submit_registration 或 submit-registration")
        step.add_argument("--user", dest="username", required=True, help="以该账号的身份办理（必填）")
        step.add_argument("--data", default="{}", help='表单内容（JSON 对象），如 \'{"opinion": "同意"}\'')

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    # --- lookups --------------------------------------------------------------------------------------------

    def _user(self, username: str) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--user：不存在名为“{username}”的账号")
        if not user.is_active:
            raise CommandError(f"--user：账号“{username}”已停用")
        return user

    def _cases(self, user: User | None):
        base = Case.objects.restrict(user, "view") if user is not None else Case.objects.all()
        return base.select_related("board", "agency", "violation_type")

    def _case(self, user: User | None, pk: int) -> Case:
        case = self._cases(user).filter(pk=pk).first()
        if case is None:
            raise CommandError(f"案件 {pk} 不存在或不在管辖范围内")
        return case

    # --- list -------------------------------------------------------------------------------------------------

    def do_list(self, *, board: str, status: str, username: str, **options):
        user = self._user(username)
        cases = self._cases(user).order_by("-created_at", "-pk")
        if board:
            match = Q(name=board) | Q(pk=int(board)) if board.isdigit() else Q(name=board)
            region = Region.objects.filter(match).first()
            if region is None:
                raise CommandError(f"--board：不存在名为“{board}”的板块")
            cases = cases.filter(board=region)
        if status:
            if status not in CaseStatus.values:
                known = "、".join(f"{value}（{label}）" for value, label in CaseStatus.choices)
                raise CommandError(f"--status：未知的状态“{status}”，可用：{known}")
            cases = cases.filter(status=status)
        rows = list(cases)
        for case in rows:
            self.stdout.write(
                f"{case.pk}\t{case.registration_number or '未立案'}\t{case.get_status_display()}\t"
                f"{case.board.name}\t{case.party_name}\t{case.cause}"
            )
        self.stdout.write(f"共 {len(rows)} 件")

    # --- show -------------------------------------------------------------------------------------------------

    def do_show(self, *, id: int, username: str, **options):
        user = self._user(username)
        case = self._case(user, id)
        write = self.stdout.write
        write(f"案件 {case.pk}：{case.registration_number or '未立案'}（{case.get_status_display()}）")
        write(f"  程序：{case.get_procedure_display()}")
        write(f"  承办板块：{case.board.name}　处罚机关：{case.agency.agency_name or case.agency.name}")
        write(f"  当事人：{case.party_name}（{case.get_party_kind_display()}）")
        write(f"  案由：{case.cause}")
        officers = case.case_officers.select_related("officer")
        write(f"  承办人：{'、'.join(co.officer.name for co in officers) or '—'}")
        if case.decision_kind:
            kinds = "、".join(case.penalty_kinds) or "—"
            write(
                f"  处理意见：{case.get_decision_kind_display()}（{kinds}），拟罚款 {_money(case.proposed_fine)}，"
                f"第 {case.proposal_version} 版"
            )
        if case.decided_on:
            write(f"  决定：{case.decision_number}（{case.decided_on}），罚款 {_money(case.fine_amount)}")
        for deadline in case.deadlines.running().order_by("due_on", "pk"):
            late = "（已逾期）" if deadline.is_overdue else ""
            write(f"  期限：{deadline.label} {deadline.due_on}{late}")
        missing = missing_documents(case)
        write(f"  卷宗尚缺：{'、'.join(str(m) for m in missing) or '无'}")
        for event in case.events.order_by("at", "pk"):
            at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
            opinion = f"：{event.opinion}" if event.opinion else ""
            write(f"  {at} {event.label}（{event.actor_name}）{opinion}")
        if user is not None:
            steps = workflow.available(case, user)
            names = "、".join(f"{st.name}（{st.label}）" for st in steps) or "无"
            write(f"  {user.get_username()} 可办理：{names}")

    # --- step -------------------------------------------------------------------------------------------------

    def _refuse(self, lines: list[str]):
        for line in lines:
            self.stderr.write(line)
        raise SystemExit(REFUSED)

    def do_step(self, *, id: int, step: str, username: str, data: str, **options):
        user = self._user(username)
        assert user is not None
        name = step.replace("-", "_")
        st = workflow.BY_NAME.get(name)
        if st is None:
            known = "、".join(s.name for s in workflow.STEPS)
            raise CommandError(f"未知的办案环节“{step}”，可用：{known}")
        try:
            values = json.loads(data)
        except json.JSONDecodeError as exc:
            raise CommandError(f"--data：不是有效的 JSON（{exc.msg}，第 {exc.pos + 1} 个字符）") from None
        if not isinstance(values, dict):
            raise CommandError('--data：应为 JSON 对象，如 \'{"opinion": "同意"}\'')
        if not user.has_perm(st.perm):
            raise CommandError(f"--user：账号“{username}”（{user.get_role_display()}）无权办理“{st.label}”")
        case = self._case(user, id)
        if case.status not in st.sources:
            self._refuse([f"{workflow.RULE_STATE}：案件当前为“{case.get_status_display()}”，不能{st.label}"])
        form = getattr(case_forms, st.form)(values, case=case, user=user)
        if not form.is_valid():
            lines = [f"“{st.label}”的表单有误："]
            for field, messages in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for message in messages:
                    lines.append(f"  {label}（{field}）：{message}" if label else f"  {message}")
            self._refuse(lines)
        try:
            with audit_context(user=user, source="cli"):
                case = services.perform(case, st.name, user, form.cleaned_data)
        except (workflow.Refused, GateClosed) as exc:
            self._refuse([str(m) for m in exc.messages])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except DjangoValidationError as exc:
            self._refuse([f"“{st.label}”未办理："] + [f"  {m}" for m in exc.messages])
        self.stdout.write(f"已办理“{st.label}”：案件 {case.pk} 现为“{case.get_status_display()}”")
