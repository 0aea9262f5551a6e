"""``zhifa inspection show|sign-off ID --user USERNAME``: acting as the user, jurisdiction, the rule's
problems in Chinese, and exit codes (0 signed, 1 not found / not allowed, 2 refused by a rule)."""

from __future__ import annotations

import pytest
from django.core.management import execute_from_command_line

from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.inspections.choices import InspectionStatus
from zhifa.inspections.tests.test_api import RULE, draft, make_checklist, morning, signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def checklist(db):
    return make_checklist()


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


def test_signing_off_as_a_user_issues_the_record_and_records_the_cli(world, checklist, zhifa):
    inspection = draft(world, checklist, complete=True)
    status, out, err = zhifa("inspection", "sign-off", str(inspection.pk), "--user", "alice")
    assert status == 0, err
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SIGNED_OFF
    assert inspection.signed_off_by == world.alice
    assert f"已签署现场检查记录 {inspection.pk}，文书编号 {inspection.document.number}" in out
    row = AuditEntry.objects.get(
        object_type="inspections.inspection", object_id=str(inspection.pk), action=AuditAction.TRANSITION
    )
    assert (row.username, row.source) == ("alice", "cli")
    issue = AuditEntry.objects.get(action=AuditAction.DOCUMENT_ISSUE, object_id=str(inspection.document_id))
    assert (issue.username, issue.source) == ("alice", "cli")


def test_a_refused_sign_off_prints_every_problem_and_exits_2(world, checklist, zhifa):
    inspection = draft(world, checklist, officers=[world.alice.officer], started_at=morning())
    status, out, err = zhifa("inspection", "sign-off", str(inspection.pk), "--user", "alice")
    assert status == 2
    assert f"现场检查记录 {inspection.pk} 未签署" in err
    assert f"1. {RULE}" in err
    assert "请填写检查场所" in err
    assert "还有 3 个检查项未填写结果" in err
    assert out == ""
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT
    assert not AuditEntry.objects.filter(action=AuditAction.TRANSITION).exists()


def test_an_inspection_out_of_the_users_jurisdiction_is_not_found(world, checklist, zhifa):
    inspection = draft(world, checklist, complete=True)
    status, _, err = zhifa("inspection", "sign-off", str(inspection.pk), "--user", "bob")
    assert status == 1
    assert f"现场检查记录 {inspection.pk} 不存在或不在管辖范围内" in err
    status, _, err = zhifa("inspection", "show", str(inspection.pk), "--user", "bob")
    assert status == 1
    assert "不存在或不在管辖范围内" in err
    status, _, err = zhifa("inspection", "show", "999999", "--user", "dan")
    assert status == 1
    assert "现场检查记录 999999 不存在或不在管辖范围内" in err
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_a_role_that_may_not_sign_is_refused(world, checklist, zhifa):
    inspection = draft(world, checklist, complete=True)
    status, _, err = zhifa("inspection", "sign-off", str(inspection.pk), "--user", "amy")
    assert status == 1
    assert "无权签署现场检查记录" in err
    status, _, err = zhifa("inspection", "sign-off", str(inspection.pk), "--user", "nobody")
    assert status == 1
    assert "不存在名为“nobody”的账号" in err
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_a_signed_inspection_is_not_signed_again(world, checklist, zhifa):
    inspection = signed(world, checklist)
    status, _, err = zhifa("inspection", "sign-off", str(inspection.pk), "--user", "albert")
    assert status == 1
    assert "已签署" in err


def test_show_prints_the_record(world, checklist, zhifa):
    inspection = signed(world, checklist)
    status, out, err = zhifa("inspection", "show", str(inspection.pk), "--user", "lily")
    assert status == 0, err
    assert f"现场检查记录 {inspection.pk}（已签署）" in out
    assert inspection.enterprise.name in out
    assert "执法人员：艾丽、艾伯特" in out
    assert "检查项：共 3 项，未填写 0 项" in out
    assert "隐患：2 项" in out
    assert inspection.document.number in out
    assert inspection.document.pdf_sha256 in out


def test_the_user_option_is_required(world, checklist, zhifa):
    inspection = draft(world, checklist)
    status, _, err = zhifa("inspection", "sign-off", str(inspection.pk))
    assert status != 0
    assert "--user" in err
