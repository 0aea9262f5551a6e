"""``zhifa case list|show|step``: the same forms and rules as the pages and the API — the legal-review gate
holds on the command line too — acting as the named account, with exit codes 0 done, 1 unknown case,
account or step, 2 refused by a rule or the form."""

from __future__ import annotations

import json

import pytest
from django.core.management import execute_from_command_line

from zhifa.cases import workflow
from zhifa.cases.choices import CaseStatus, Procedure
from zhifa.cases.models import Case
from zhifa.cases.tests.helpers import new_case, walk
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def zhifa(monkeypatch, capsys):
    """Run ``zhifa ARGS`` as the console script does; returns (exit status, stdout, stderr)."""
    # Commands close the database connections when they finish; inside a test's transaction that
    # would poison the connection for the assertions that follow.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)

    def run(*argv: str):
        capsys.readouterr()
        try:
            execute_from_command_line(["zhifa", *argv])
            status = 0
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_the_gate_holds_on_the_command_line(world, zhifa):
    case = walk(world, new_case(world), until="approve_handling")
    # A case put at "notified" by a path that skipped the review (data repaired by hand, say).
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.NOTIFIED)

    status, out, err = zhifa(
        "case", "step", str(case.pk), "decide", "--user", "dan", "--data", json.dumps({"party_waived": True})
    )

    assert status == 2, (out, err)
    assert str(workflow.RULE_LEGAL_REVIEW) in err
    assert "尚无对当前处理意见的审核同意意见" in err
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED and case.decided_on is None


def test_an_on_the_spot_decision_before_the_review_is_refused_on_the_command_line(world, zhifa):
    from zhifa.cases.tests.helpers import violation_type

    case = new_case(world, procedure=Procedure.SIMPLE)
    proposal = {
        "violation_type": violation_type().pk,
        "decision_kind": "penalty",
        "penalty_kinds": ["fine"],
        "proposed_fine": "2000",
        "deviation_reason": "当事人系初次违法，及时改正，按简易程序从轻处罚",
    }
    status, out, err = zhifa(
        "case", "step", str(case.pk), "set-proposal", "--user", "alice", "--data", json.dumps(proposal)
    )
    assert status == 0, err

    status, out, err = zhifa(
        "case", "step", str(case.pk), "decide_on_spot", "--user", "alice",
        "--data", json.dumps({"served_to": "王建国", "place": "该公司"}),
    )  # fmt: skip

    assert status == 2
    assert str(workflow.RULE_LEGAL_REVIEW) in err
    case.refresh_from_db()
    assert case.decided_on is None


def test_a_valid_step_runs_as_the_user_and_is_recorded_as_from_the_cli(world, zhifa):
    case = new_case(world)

    status, out, err = zhifa(
        "case",
        "step",
        str(case.pk),
        "submit-registration",
        "--user",
        "alice",
        "--data",
        '{"opinion": "建议立案"}',
    )

    assert status == 0, err
    assert f"已办理“提交立案审批”：案件 {case.pk} 现为“立案审核中”" in out
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTRATION_REVIEW
    event = case.events.get(transition="submit_registration")
    assert (event.actor, event.opinion) == (world.alice, "建议立案")
    row = AuditEntry.objects.get(
        object_type="cases.case", object_id=str(case.pk), action=AuditAction.TRANSITION
    )
    assert (row.username, row.source) == ("alice", "cli")


def test_form_errors_name_the_field_and_exit_2(world, zhifa):
    case = walk(world, new_case(world), until="submit_registration")

    status, out, err = zhifa(
        "case",
        "step",
        str(case.pk),
        "review_registration",
        "--user",
        "albert",
        "--data",
        '{"outcome": "maybe"}',
    )

    assert status == 2
    assert "“立案审核”的表单有误" in err
    assert "意见（opinion）：该字段是必填项。" in err
    assert "结论（outcome）：" in err
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTRATION_REVIEW


def test_a_step_in_the_wrong_state_exits_2_naming_the_rule(world, zhifa):
    case = new_case(world)
    status, out, err = zhifa("case", "step", str(case.pk), "notify", "--user", "alice")
    assert status == 2
    assert f"{workflow.RULE_STATE}：案件当前为“待提交立案”，不能告知拟处罚" in err


def test_unknown_case_user_or_step_and_missing_permission_exit_1(world, zhifa):
    case = new_case(world)
    pk = str(case.pk)

    status, _, err = zhifa("case", "step", "999999", "submit_registration", "--user", "alice")
    assert status == 1 and "案件 999999 不存在或不在管辖范围内" in err
    status, _, err = zhifa("case", "step", pk, "submit_registration", "--user", "bob")
    assert status == 1 and f"案件 {pk} 不存在或不在管辖范围内" in err  # board B's officer
    status, _, err = zhifa("case", "step", pk, "submit_registration", "--user", "nobody")
    assert status == 1 and "不存在名为“nobody”的账号" in err
    status, _, err = zhifa("case", "step", pk, "fly", "--user", "alice")
    assert status == 1 and "未知的办案环节“fly”" in err
    status, _, err = zhifa("case", "step", pk, "approve_registration", "--user", "lily")
    assert status == 1 and "无权办理“立案审批”" in err
    status, _, err = zhifa("case", "step", pk, "submit_registration", "--user", "alice", "--data", "{oops")
    assert status == 1 and "--data：不是有效的 JSON" in err
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_list_filters_by_board_and_status(world, zhifa):
    draft = new_case(world)
    registered = walk(
        world, new_case(world, cause="未如实记录安全生产教育和培训情况"), until="approve_registration"
    )
    in_b = new_case(
        world,
        user=world.bob,
        enterprise=make_enterprise(world.board_b, name="牛塘某某厂"),
        officers=[world.bob.officer, make_officer(world.board_b)],
    )

    status, out, _ = zhifa("case", "list")
    assert status == 0
    assert "共 3 件" in out

    status, out, _ = zhifa("case", "list", "--board", "牛塘镇")
    lines = out.splitlines()
    assert lines[0].startswith(f"{in_b.pk}\t") and lines[-1] == "共 1 件"

    status, out, _ = zhifa("case", "list", "--status", "investigating")
    assert out.splitlines()[0].startswith(f"{registered.pk}\t{registered.registration_number}\t调查取证")
    assert "共 1 件" in out

    status, out, _ = zhifa("case", "list", "--user", "bob")
    assert "共 1 件" in out and f"{draft.pk}\t" not in out

    status, _, err = zhifa("case", "list", "--status", "flying")
    assert status == 1 and "未知的状态“flying”" in err
    status, _, err = zhifa("case", "list", "--board", "火星镇")
    assert status == 1 and "不存在名为“火星镇”的板块" in err


def test_show_prints_the_case_and_the_users_steps(world, zhifa):
    case = walk(world, new_case(world), until="approve_registration")

    status, out, _ = zhifa("case", "show", str(case.pk), "--user", "alice")

    assert status == 0
    assert f"案件 {case.pk}：{case.registration_number}（调查取证）" in out
    assert "承办人：" in out and "艾达" in out
    assert "期限：" in out
    assert "立案审批" in out  # the approval in the timeline
    assert "alice 可办理：" in out and "record_inquiry（制作询问笔录）" in out

    status, _, err = zhifa("case", "show", str(case.pk), "--user", "bob")
    assert status == 1 and "不存在或不在管辖范围内" in err
