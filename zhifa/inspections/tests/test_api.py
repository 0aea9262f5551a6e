"""The inspection API: records, the two-officers rule, results, sign-off, hazards, orders, re-inspections,
evidence; jurisdiction, Chinese errors, audit rows and constant list queries."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from zhifa.core import storage
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_officer, today
from zhifa.documents.models import IssuedDocument
from zhifa.inspections import services
from zhifa.inspections.choices import HazardLevel, HazardStatus, InspectionStatus, ItemResult
from zhifa.inspections.models import (
    CaseSource,
    ChecklistItem,
    ChecklistTemplate,
    Evidence,
    Hazard,
    Inspection,
    ReInspection,
)
from zhifa.orgs.choices import Post

pytestmark = pytest.mark.django_db

INSPECTIONS = "/api/v1/inspections/"
HAZARDS = "/api/v1/hazards/"
ORDERS = "/api/v1/rectifications/"
EXTENSIONS = "/api/v1/extensions/"
REINSPECTIONS = "/api/v1/reinspections/"
EVIDENCE = "/api/v1/evidence/"

RULE = str(services.TWO_OFFICERS_RULE)


# --- Builders ----------------------------------------------------------------------------------------


def make_checklist(code: str = "api-test") -> ChecklistTemplate:
    """A published three-item checklist; the third item cites the major-hazard standard."""
    template = ChecklistTemplate.objects.create(code=code, name="通用安全检查表")
    rows = [
        ("安全管理", "是否建立全员安全生产责任制", "《中华人民共和国安全生产法》第二十二条", ""),
        ("现场设备设施", "疏散通道、安全出口是否畅通", "《中华人民共和国安全生产法》第四十二条", ""),
        (
            "现场设备设施",
            "有限空间作业是否执行审批制度",
            "《中华人民共和国安全生产法》第四十三条",
            "《工贸企业重大事故隐患判定标准》第四条第（一）项",
        ),
    ]
    for order, (section, text, basis, major) in enumerate(rows, start=1):
        ChecklistItem.objects.create(
            template=template, order=order, section=section, text=text, legal_basis=basis, major_basis=major
        )
    return services.publish_checklist(template, user=None)


def morning(days_ago: int = 0):
    local = timezone.localtime() - timedelta(days=days_ago)
    return local.replace(hour=9, minute=30, second=0, microsecond=0)


def detail(base: str, pk: int, action: str = "") -> str:
    return f"{base}{pk}/" + (f"{action}/" if action else "")


def draft(world, checklist, *, enterprise=None, officers=None, complete=False, board=None, **fields):
    """A draft through the services; ``complete`` fills everything sign-off needs (and two hazards)."""
    enterprise = enterprise or make_enterprise(board or world.board_a)
    if officers is None:
        officers = [world.alice.officer, world.albert.officer]
    if complete:
        start = morning()
        fields = {
            "started_at": start,
            "ended_at": start + timedelta(minutes=90),
            "place": "生产车间、仓库",
            "onsite_person_name": "王五",
            "onsite_person_title": "安全科长",
            **fields,
        }
    inspection = services.start_inspection(
        enterprise=enterprise, checklist=checklist, user=world.alice, officers=officers, **fields
    )
    if complete:
        items = list(checklist.items.order_by("order"))
        services.save_results(
            inspection,
            {
                items[0].pk: (ItemResult.COMPLIANT, ""),
                items[1].pk: (ItemResult.NON_COMPLIANT, "二号仓库疏散通道堆放货物"),
                items[2].pk: (ItemResult.NON_COMPLIANT, "清洗池有限空间作业无审批记录"),
            },
        )
        services.add_hazard(
            inspection, description="二号仓库疏散通道堆放货物", item=items[1], user=world.alice
        )
        services.add_hazard(
            inspection, description="清洗池有限空间作业未执行审批制度", item=items[2], user=world.alice
        )
        inspection.refresh_from_db()
    return inspection


def signed(world, checklist, **kwargs) -> Inspection:
    return services.sign_off(draft(world, checklist, complete=True, **kwargs), user=world.alice)


def ordered(world, checklist, days: int = 10):
    inspection = signed(world, checklist)
    deadlines = {h.pk: today() + timedelta(days=days) for h in inspection.hazards.all()}
    return services.issue_rectification_order(inspection, deadlines, user=world.alice)


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def list_queries(client, url):
    """(number of queries, number of rows) of one list request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def audit_rows(obj, action=None):
    rows = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return rows.filter(action=action) if action else rows


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Blobs (documents, evidence) land in the test's own directory."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def checklist(db):
    return make_checklist()


def create_payload(enterprise, checklist, officers=(), started_at=None, **overrides):
    data = {"enterprise": enterprise.pk, "checklist": checklist.pk, "officers": [o.pk for o in officers]}
    if started_at is not None:
        data["started_at"] = started_at.isoformat()
    data.update(overrides)
    return data


# --- Access ------------------------------------------------------------------------------------------


def test_an_anonymous_client_must_authenticate(world):
    from rest_framework.test import APIClient

    for url in (INSPECTIONS, HAZARDS, ORDERS, EXTENSIONS, REINSPECTIONS, EVIDENCE):
        assert APIClient().get(url).status_code == 401, url


def test_roles_without_inspection_permissions_get_403(world, api):
    for user in (world.eve, world.sam, world.audrey):
        assert api(user).get(INSPECTIONS).status_code == 403, user.username
        assert api(user).get(HAZARDS).status_code == 403, user.username


def test_another_boards_inspection_is_not_found(world, api, checklist):
    inspection = draft(world, checklist)
    client = api(world.bob)
    response = client.get(detail(INSPECTIONS, inspection.pk))
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]
    assert (
        client.patch(detail(INSPECTIONS, inspection.pk), {"place": "某处"}, format="json").status_code == 404
    )
    assert client.post(detail(INSPECTIONS, inspection.pk, "sign-off")).status_code == 404
    assert [row["id"] for row in client.get(INSPECTIONS).json()["results"]] == []
    assert [row["id"] for row in api(world.alice).get(INSPECTIONS).json()["results"]] == [inspection.pk]


def test_a_safety_manager_drafts_but_may_not_sign(world, api, checklist):
    inspection = draft(world, checklist, complete=True)
    client = api(world.amy)
    assert client.get(detail(INSPECTIONS, inspection.pk)).status_code == 200
    assert client.post(detail(INSPECTIONS, inspection.pk, "sign-off")).status_code == 403
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_the_legal_reviewer_reads_but_does_not_create(world, api, checklist):
    enterprise = make_enterprise(world.board_a)
    client = api(world.lily)
    assert client.get(INSPECTIONS).status_code == 200
    response = client.post(INSPECTIONS, create_payload(enterprise, checklist), format="json")
    assert response.status_code == 403


# --- Creating: the two-officers rule -------------------------------------------------------------------


def test_creating_with_one_certified_officer_is_refused_naming_the_rule(world, api, checklist):
    enterprise = make_enterprise(world.board_a)
    data = create_payload(enterprise, checklist, [world.alice.officer], morning())
    response = api(world.alice).post(INSPECTIONS, data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["rule"] == RULE
    assert body["officers"][0].startswith(RULE)
    assert "只有 1 名" in body["officers"][0]
    assert not Inspection.objects.exists()


def test_a_certificate_that_expired_the_day_before_does_not_count(world, api, checklist):
    start = morning()
    lapsed = make_officer(
        world.board_a,
        name="过期证",
        valid_from=start.date() - timedelta(days=800),
        valid_to=start.date() - timedelta(days=1),
    )
    enterprise = make_enterprise(world.board_a)
    data = create_payload(enterprise, checklist, [world.alice.officer, lapsed], start)
    response = api(world.alice).post(INSPECTIONS, data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["rule"] == RULE
    assert any("过期证" in m and "没有有效的执法证" in m for m in body["officers"])
    assert not Inspection.objects.exists()


def test_creating_with_two_certified_officers_succeeds_and_is_audited(world, api, checklist):
    enterprise = make_enterprise(world.board_a)
    start = morning()
    data = create_payload(
        enterprise,
        checklist,
        [world.albert.officer, world.alice.officer],
        start,
        place="生产车间",
        assistants=[world.amy.officer.pk],
    )
    response = api(world.alice).post(INSPECTIONS, data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["officers"] == [world.albert.officer.pk, world.alice.officer.pk]  # signing order kept
    assert [m["name"] for m in body["team"]] == ["艾伯特", "艾丽"]
    assert body["assistants"] == [world.amy.officer.pk]
    assert body["board"] == world.board_a.pk and body["board_name"] == "湖塘镇"
    assert body["status"] == InspectionStatus.DRAFT
    assert body["version"] == 1
    assert body["document"] is None
    assert [r["item"] for r in body["results"]] == list(
        checklist.items.order_by("order").values_list("pk", flat=True)
    )
    assert all(r["result"] == "" for r in body["results"])
    inspection = Inspection.objects.get(pk=body["id"])
    assert inspection.created_by == world.alice
    row = audit_rows(inspection, AuditAction.CREATE).get()
    assert (row.username, row.source) == ("alice", "api")


def test_a_draft_may_be_saved_without_team_or_time(world, api, checklist):
    enterprise = make_enterprise(world.board_a)
    response = api(world.amy).post(INSPECTIONS, create_payload(enterprise, checklist), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["officers"] == []
    one = create_payload(make_enterprise(world.board_a), checklist, [world.alice.officer])
    assert api(world.amy).post(INSPECTIONS, one, format="json").status_code == 201  # no date yet


def test_only_district_roles_arrange_cross_enforcement(world, api, checklist):
    enterprise = make_enterprise(world.board_a)
    data = create_payload(enterprise, checklist, cross_enforcement=True)
    response = api(world.alice).post(INSPECTIONS, data, format="json")
    assert response.status_code == 400
    assert "区级" in response.json()["cross_enforcement"][0]
    response = api(world.bruce).post(INSPECTIONS, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["cross_enforcement"] is True


def test_an_officer_of_another_board_needs_a_footing(world, api, checklist):
    enterprise = make_enterprise(world.board_a)
    data = create_payload(enterprise, checklist, [world.alice.officer, world.bob.officer], morning())
    response = api(world.dan).post(INSPECTIONS, data, format="json")
    assert response.status_code == 400
    assert any("鲍勃" in m and "交叉执法" in m for m in response.json()["officers"])
    data["cross_enforcement"] = True
    response = api(world.dan).post(INSPECTIONS, data, format="json")
    assert response.status_code == 201, response.content


def test_a_draft_checklist_and_an_enterprise_out_of_reach_are_refused(world, api, checklist):
    unpublished = ChecklistTemplate.objects.create(code="draft-only", name="未发布检查表")
    mine, theirs = make_enterprise(world.board_a), make_enterprise(world.board_b)
    client = api(world.alice)
    response = client.post(INSPECTIONS, create_payload(mine, unpublished), format="json")
    assert response.status_code == 400
    assert response.json()["checklist"] == ["只能使用已发布的检查表"]
    response = client.post(INSPECTIONS, create_payload(theirs, checklist), format="json")
    assert response.status_code == 400
    assert "管辖范围" in response.json()["enterprise"][0]


def test_missing_fields_and_bad_times_answer_400_in_chinese(world, api, checklist):
    client = api(world.alice)
    response = client.post(INSPECTIONS, {}, format="json")
    assert response.status_code == 400
    assert response.json()["enterprise"] == ["该字段是必填项。"]
    start = morning()
    data = create_payload(
        make_enterprise(world.board_a),
        checklist,
        started_at=start,
        ended_at=(start - timedelta(hours=1)).isoformat(),
    )
    response = client.post(INSPECTIONS, data, format="json")
    assert response.status_code == 400
    assert "不能早于开始时间" in response.json()["ended_at"][0]


# --- Updating drafts ------------------------------------------------------------------------------------


def test_a_draft_is_updated_with_its_version_and_audited(world, api, checklist):
    inspection = draft(world, checklist)
    client = api(world.alice)
    response = client.patch(
        detail(INSPECTIONS, inspection.pk), {"place": "三号车间", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["place"], response.json()["version"]) == ("三号车间", 2)
    row = audit_rows(inspection, AuditAction.UPDATE).latest("id")
    assert row.username == "alice" and row.after["place"] == "三号车间"
    stale = client.patch(
        detail(INSPECTIONS, inspection.pk), {"place": "四号车间", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert "其他设备" in stale.json()["detail"]


def test_updating_the_team_applies_the_rule(world, api, checklist):
    inspection = draft(world, checklist, officers=[], started_at=morning())
    response = api(world.alice).patch(
        detail(INSPECTIONS, inspection.pk), {"officers": [world.alice.officer.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["rule"] == RULE
    response = api(world.alice).patch(
        detail(INSPECTIONS, inspection.pk),
        {"officers": [world.alice.officer.pk, world.albert.officer.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["officers"] == [world.alice.officer.pk, world.albert.officer.pk]


def test_a_signed_inspection_is_read_only(world, api, checklist):
    inspection = signed(world, checklist)
    client = api(world.alice)
    response = client.patch(detail(INSPECTIONS, inspection.pk), {"place": "别处"}, format="json")
    assert response.status_code == 409
    assert "已签署" in response.json()["detail"]
    item = checklist.items.first()
    response = client.post(
        detail(INSPECTIONS, inspection.pk, "results"),
        {"version": inspection.version, "results": [{"item": item.pk, "result": "na"}]},
        format="json",
    )
    assert response.status_code == 409
    assert client.post(detail(INSPECTIONS, inspection.pk, "sign-off")).status_code == 409
    inspection.refresh_from_db()
    assert inspection.place == "生产车间、仓库"


def test_inspections_are_never_deleted(world, api, checklist):
    inspection = draft(world, checklist)
    assert api(world.dan).delete(detail(INSPECTIONS, inspection.pk)).status_code in (403, 405)
    assert Inspection.objects.filter(pk=inspection.pk).exists()


# --- Results ----------------------------------------------------------------------------------------------


def test_results_are_saved_with_the_version_and_a_stale_one_answers_409(world, api, checklist):
    inspection = draft(world, checklist)
    items = list(checklist.items.order_by("order"))
    client = api(world.amy)
    url = detail(INSPECTIONS, inspection.pk, "results")
    response = client.post(
        url,
        {"version": 1, "results": [{"item": items[0].pk, "result": "compliant", "note": "制度齐全"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["results"][0] == {
        "item": items[0].pk,
        "order": 1,
        "section": "安全管理",
        "text": items[0].text,
        "result": "compliant",
        "note": "制度齐全",
    }
    stale = client.post(
        url, {"version": 1, "results": [{"item": items[1].pk, "result": "na"}]}, format="json"
    )
    assert stale.status_code == 409
    assert "其他设备" in stale.json()["detail"]
    assert inspection.results.get(item=items[1]).result == ""
    assert audit_rows(inspection, AuditAction.UPDATE).filter(username="amy").exists()


def test_results_for_an_item_of_another_checklist_are_refused(world, api, checklist):
    other = make_checklist("other")
    inspection = draft(world, checklist)
    response = api(world.alice).post(
        detail(INSPECTIONS, inspection.pk, "results"),
        {"version": 1, "results": [{"item": other.items.first().pk, "result": "na"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "不属于本检查表" in response.json()["results"][0]
    response = api(world.alice).post(
        detail(INSPECTIONS, inspection.pk, "results"),
        {"version": 1, "results": [{"item": checklist.items.first().pk, "result": "maybe"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "results" in response.json()


# --- Sign-off --------------------------------------------------------------------------------------------


def test_signing_an_incomplete_draft_lists_every_problem(world, api, checklist):
    inspection = draft(world, checklist, officers=[world.alice.officer], started_at=morning())
    response = api(world.alice).post(detail(INSPECTIONS, inspection.pk, "sign-off"))
    assert response.status_code == 400, response.content
    body = response.json()
    problems = body["non_field_errors"]
    assert body["rule"] == RULE
    assert problems[0].startswith(RULE)
    assert "请填写检查开始和结束时间" in problems
    assert "请填写检查场所" in problems
    assert "请填写被检查单位现场负责人" in problems
    assert "还有 3 个检查项未填写结果" in problems
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT and inspection.document is None


def test_an_incomplete_draft_with_a_full_team_is_refused_without_the_rule_key(world, api, checklist):
    inspection = draft(world, checklist, started_at=morning())
    response = api(world.alice).post(detail(INSPECTIONS, inspection.pk, "sign-off"))
    assert response.status_code == 400
    assert "rule" not in response.json()
    assert "请填写检查场所" in response.json()["non_field_errors"]


def test_signing_off_issues_the_record_with_its_number(world, api, checklist):
    inspection = draft(world, checklist, complete=True)
    response = api(world.albert).post(detail(INSPECTIONS, inspection.pk, "sign-off"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == InspectionStatus.SIGNED_OFF
    assert body["signed_off_by"] == world.albert.pk
    document = IssuedDocument.objects.get(pk=body["document"]["id"])
    assert body["document"]["number"] == document.number
    assert document.number.startswith("（武）应急检〔")
    assert body["document"]["pdf_url"].endswith(f"/api/v1/documents/{document.pk}/pdf/")
    assert body["document"]["docx_url"].endswith(f"/api/v1/documents/{document.pk}/docx/")
    assert {m["basis"] for m in body["team"]} == {"own_board"}
    row = audit_rows(inspection, AuditAction.TRANSITION).get()
    assert (row.username, row.source) == ("albert", "api")


# --- Hazards ----------------------------------------------------------------------------------------------


def test_a_hazard_is_recorded_from_an_inspection_with_its_level(world, api, checklist):
    inspection = draft(world, checklist)
    major_item = checklist.items.get(order=3)
    response = api(world.amy).post(
        HAZARDS,
        {
            "inspection": inspection.pk,
            "item": major_item.pk,
            "description": "清洗池有限空间作业未审批",
            "deadline": str(today() + timedelta(days=7)),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == HazardLevel.MAJOR
    assert body["legal_basis"] == major_item.major_basis
    assert (body["status"], body["overdue"]) == (HazardStatus.PENDING, False)
    assert (body["enterprise"], body["board"]) == (inspection.enterprise_id, world.board_a.pk)
    assert [e["to_status"] for e in body["events"]] == [HazardStatus.PENDING]
    hazard = Hazard.objects.get(pk=body["id"])
    assert audit_rows(hazard, AuditAction.CREATE).get().username == "amy"


def test_a_hazard_needs_a_description_and_an_item_of_the_checklist(world, api, checklist):
    inspection = draft(world, checklist)
    other = make_checklist("other")
    client = api(world.alice)
    response = client.post(HAZARDS, {"inspection": inspection.pk, "description": "  "}, format="json")
    assert response.status_code == 400
    assert "description" in response.json()
    response = client.post(
        HAZARDS,
        {"inspection": inspection.pk, "description": "某隐患", "item": other.items.first().pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["item"] == ["检查项不属于本次检查使用的检查表"]
    theirs = draft(world, checklist, board=world.board_b, officers=[])
    response = client.post(HAZARDS, {"inspection": theirs.pk, "description": "某隐患"}, format="json")
    assert response.status_code == 400
    assert "管辖范围" in response.json()["inspection"][0]


def test_a_hazard_moves_along_its_workflow(world, api, checklist):
    hazard = signed(world, checklist).hazards.first()
    response = api(world.alice).post(
        detail(HAZARDS, hazard.pk, "transition"),
        {"to_status": "rectifying", "note": "企业已开始整改"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == HazardStatus.RECTIFYING
    assert body["events"][-1]["note"] == "企业已开始整改"
    assert body["events"][-1]["actor"] == world.alice.pk
    row = audit_rows(hazard, AuditAction.UPDATE).latest("id")
    assert row.after == {"status": HazardStatus.RECTIFYING} and row.username == "alice"


def test_a_transition_the_workflow_forbids_answers_409(world, api, checklist):
    hazard = signed(world, checklist).hazards.first()
    services.move_hazard(hazard, HazardStatus.RECTIFYING, user=world.alice)
    response = api(world.alice).post(
        detail(HAZARDS, hazard.pk, "transition"), {"to_status": "pending"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "隐患不能从“整改中”变为“待整改”"
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFYING


def test_closing_a_hazard_by_transition_is_refused(world, api, checklist):
    hazard = signed(world, checklist).hazards.first()
    response = api(world.dan).post(
        detail(HAZARDS, hazard.pk, "transition"), {"to_status": "closed"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "隐患只能经整改复查合格后销号"
    hazard.refresh_from_db()
    assert (hazard.status, hazard.closed_at) == (HazardStatus.PENDING, None)


def test_a_transition_needs_a_valid_status(world, api, checklist):
    hazard = signed(world, checklist).hazards.first()
    response = api(world.alice).post(
        detail(HAZARDS, hazard.pk, "transition"), {"to_status": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "to_status" in response.json()
    other = api(world.bob).post(
        detail(HAZARDS, hazard.pk, "transition"), {"to_status": "rectifying"}, format="json"
    )
    assert other.status_code == 404


def test_hazards_are_filtered_by_overdue_level_status_board_and_enterprise(world, api, checklist):
    inspection = draft(world, checklist)
    late = services.add_hazard(
        inspection, description="逾期未改", deadline=today() - timedelta(days=1), user=world.alice
    )
    on_time = services.add_hazard(
        inspection, description="尚在期限内", deadline=today() + timedelta(days=5), user=world.alice
    )
    major = services.add_hazard(inspection, description="重大隐患", level=HazardLevel.MAJOR, user=world.alice)
    elsewhere = services.add_hazard(
        draft(world, checklist, board=world.board_b, officers=[]), description="牛塘镇隐患", user=world.bob
    )
    client = api(world.dan)

    def ids(**params):
        return {row["id"] for row in client.get(HAZARDS, params).json()["results"]}

    assert ids(overdue="true") == {late.pk}
    assert ids(overdue="false") == {on_time.pk, major.pk, elsewhere.pk}
    assert ids(level="major") == {major.pk}
    assert ids(board=world.board_b.pk) == {elsewhere.pk}
    assert ids(enterprise=inspection.enterprise_id) == {late.pk, on_time.pk, major.pk}
    assert ids(status="pending") == {late.pk, on_time.pk, major.pk, elsewhere.pk}
    assert client.get(HAZARDS, {"overdue": "true"}).json()["results"][0]["overdue"] is True
    assert {row["id"] for row in api(world.alice).get(HAZARDS).json()["results"]} == {
        late.pk,
        on_time.pk,
        major.pk,
    }


def test_a_hazard_is_referred_to_a_case_once(world, api, checklist):
    hazard = signed(world, checklist).hazards.first()
    url = detail(HAZARDS, hazard.pk, "refer-to-case")
    response = api(world.alice).post(url, {"description": "疏散通道堵塞，拒不整改"}, format="json")
    assert response.status_code == 201, response.content
    source = CaseSource.objects.get(pk=response.json()["id"])
    assert (source.hazard, source.board, source.created_by) == (hazard, world.board_a, world.alice)
    assert source.inspection == hazard.inspection
    assert api(world.amy).post(url, {"description": "安管员不能移送"}, format="json").status_code == 403
    assert api(world.alice).post(url, {"description": " "}, format="json").status_code == 400


def test_a_hazard_already_queued_is_not_referred_again(world, api, checklist):
    hazard = signed(world, checklist).hazards.first()
    url = detail(HAZARDS, hazard.pk, "refer-to-case")
    assert api(world.alice).post(url, {"description": "疏散通道堵塞"}, format="json").status_code == 201
    again = api(world.alice).post(url, {"description": "再次移送"}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"] == "该线索已在立案审查队列中"


# --- Rectification orders, extensions, re-inspections -----------------------------------------------------


def test_an_order_is_issued_for_the_hazards_of_a_signed_inspection(world, api, checklist):
    inspection = signed(world, checklist)
    hazards = list(inspection.hazards.order_by("pk"))
    deadline = today() + timedelta(days=15)
    response = api(world.alice).post(
        ORDERS,
        {
            "inspection": inspection.pk,
            "items": [{"hazard": h.pk, "deadline": str(deadline)} for h in hazards],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(i["hazard"] for i in body["items"]) == [h.pk for h in hazards]
    assert {i["deadline"] for i in body["items"]} == {str(deadline)}
    assert body["document"]["number"].startswith("（武）应急责改〔")
    assert body["extensions"] == [] and body["reinspections"] == []
    assert Hazard.objects.get(pk=hazards[0].pk).deadline == deadline


def test_an_order_with_a_past_deadline_or_for_a_draft_is_refused(world, api, checklist):
    inspection = signed(world, checklist)
    hazard = inspection.hazards.first()
    client = api(world.alice)
    past = {
        "inspection": inspection.pk,
        "items": [{"hazard": hazard.pk, "deadline": str(today() - timedelta(days=1))}],
    }
    response = client.post(ORDERS, past, format="json")
    assert response.status_code == 400
    assert "整改期限不能早于今天" in response.json()["items"][0]
    unsigned = draft(world, checklist, complete=True)
    response = client.post(
        ORDERS,
        {
            "inspection": unsigned.pk,
            "items": [{"hazard": unsigned.hazards.first().pk, "deadline": str(today() + timedelta(days=3))}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["inspection"] == ["现场检查记录签署后才能下达整改指令"]
    stranger = signed(world, checklist).hazards.first()
    response = client.post(
        ORDERS,
        {"inspection": inspection.pk, "items": [{"hazard": stranger.pk, "deadline": str(today())}]},
        format="json",
    )
    assert response.status_code == 400
    assert "不属于本次检查" in response.json()["items"][0]
    assert client.post(ORDERS, {"inspection": inspection.pk, "items": []}, format="json").status_code == 400
    assert api(world.amy).post(ORDERS, past, format="json").status_code == 403


def test_an_extension_is_requested_and_decided(world, api, checklist):
    order = ordered(world, checklist)
    hazard = order.hazards.order_by("pk").first()
    new_deadline = today() + timedelta(days=40)
    response = api(world.amy).post(
        detail(ORDERS, order.pk, "extensions"),
        {
            "hazards": [hazard.pk],
            "requested_deadline": str(new_deadline),
            "reason": "设备采购周期长",
            "applicant": "王五",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    extension_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert (
        api(world.alice)
        .post(detail(EXTENSIONS, extension_id, "decide"), {"approve": True, "opinion": "同意"}, format="json")
        .status_code
        == 403
    )
    response = api(world.albert).post(
        detail(EXTENSIONS, extension_id, "decide"), {"approve": True, "opinion": "同意延期"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["document"]["number"]
    hazard.refresh_from_db()
    assert hazard.deadline == new_deadline
    again = api(world.albert).post(
        detail(EXTENSIONS, extension_id, "decide"), {"approve": False, "opinion": "不同意"}, format="json"
    )
    assert again.status_code == 409
    assert api(world.dan).get(detail(ORDERS, order.pk)).json()["extensions"][0]["id"] == extension_id


def test_an_extension_must_be_later_than_the_deadline(world, api, checklist):
    order = ordered(world, checklist, days=10)
    hazard = order.hazards.first()
    response = api(world.alice).post(
        detail(ORDERS, order.pk, "extensions"),
        {
            "hazards": [hazard.pk],
            "requested_deadline": str(today() + timedelta(days=5)),
            "reason": "x",
            "applicant": "王五",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "应晚于原整改期限" in response.json()["requested_deadline"][0]


def test_a_reinspection_closes_the_rectified_hazards(world, api, checklist):
    order = ordered(world, checklist)
    fixed, kept = order.hazards.order_by("pk")
    client = api(world.alice)
    response = client.post(
        detail(ORDERS, order.pk, "reinspections"),
        {"officers": [world.alice.officer.pk, world.albert.officer.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    assert {o["hazard"] for o in response.json()["outcomes"]} == {fixed.pk, kept.pk}

    incomplete = client.post(detail(REINSPECTIONS, review_id, "sign-off"))
    assert incomplete.status_code == 400
    assert "请填写复查时间" in incomplete.json()["non_field_errors"]

    later = today() + timedelta(days=20)
    response = client.patch(
        detail(REINSPECTIONS, review_id),
        {
            "inspected_at": morning().isoformat(),
            "opinion": "经复查，疏散通道已清理；有限空间审批制度尚未建立。",
            "outcomes": [
                {"hazard": fixed.pk, "outcome": "closed", "note": "已清理"},
                {"hazard": kept.pk, "outcome": "kept", "new_deadline": str(later), "note": "未建立"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    review = ReInspection.objects.get(pk=review_id)
    assert audit_rows(review, AuditAction.UPDATE).filter(message="保存复查结论").exists()

    response = client.post(detail(REINSPECTIONS, review_id, "sign-off"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == InspectionStatus.SIGNED_OFF
    assert response.json()["document"]["number"].startswith("（武）应急复查〔")
    fixed.refresh_from_db()
    kept.refresh_from_db()
    assert fixed.status == HazardStatus.CLOSED
    assert (kept.status, kept.deadline) == (HazardStatus.RECTIFYING, later)
    assert client.patch(detail(REINSPECTIONS, review_id), {"opinion": "改"}, format="json").status_code == 409


def test_a_reinspection_signed_by_one_officer_names_the_rule(world, api, checklist):
    order = ordered(world, checklist)
    review = services.start_reinspection(order, user=world.alice, officers=[world.alice.officer])
    client = api(world.alice)
    client.patch(
        detail(REINSPECTIONS, review.pk),
        {
            "inspected_at": morning().isoformat(),
            "opinion": "已复查",
            "outcomes": [{"hazard": h.pk, "outcome": "closed"} for h in order.hazards.all()],
        },
        format="json",
    )
    response = client.post(detail(REINSPECTIONS, review.pk, "sign-off"))
    assert response.status_code == 400
    assert response.json()["rule"] == RULE
    outsider = signed(world, checklist).hazards.first()
    response = client.patch(
        detail(REINSPECTIONS, review.pk),
        {"outcomes": [{"hazard": outsider.pk, "outcome": "closed"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "不在本次复查范围内" in response.json()["outcomes"][0]


def test_no_reinspection_when_every_hazard_is_closed(world, api, checklist):
    order = ordered(world, checklist)
    review = services.start_reinspection(
        order, user=world.alice, officers=[world.alice.officer, world.albert.officer]
    )
    review.inspected_at, review.opinion = morning(), "全部整改到位"
    review.save()
    review.outcomes.update(outcome="closed")
    services.sign_off_reinspection(review, user=world.alice)
    response = api(world.alice).post(detail(ORDERS, order.pk, "reinspections"), {}, format="json")
    assert response.status_code == 409
    assert "均已销号" in response.json()["detail"]


# --- Evidence ---------------------------------------------------------------------------------------------


def test_a_png_upload_is_stored_by_its_hash_and_downloaded_verified(world, api, checklist):
    inspection = draft(world, checklist)
    data = png_bytes()
    client = api(world.amy)
    response = client.post(
        EVIDENCE,
        {
            "file": upload("现场照片.png", data),
            "kind": "photo",
            "inspection": inspection.pk,
            "description": "仓库通道",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["size"], body["content_type"], body["original_name"]) == (
        len(data),
        "image/png",
        "现场照片.png",
    )
    assert (body["board"], body["uploaded_by"], body["uploaded_by_name"]) == (
        world.board_a.pk,
        world.amy.pk,
        "amy",
    )
    assert body["has_thumbnail"] is True and body["thumbnail_url"]
    download = client.get(body["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == body["sha256"]
    evidence = Evidence.objects.get(pk=body["id"])
    assert audit_rows(evidence, AuditAction.EXPORT).get().username == "amy"
    assert audit_rows(evidence, AuditAction.CREATE).filter(source="api").exists()
    thumb = client.get(body["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_a_text_file_named_png_is_refused_in_chinese(world, api, checklist):
    inspection = draft(world, checklist)
    response = api(world.alice).post(
        EVIDENCE,
        {"file": upload("伪装.png", "这不是图片".encode()), "kind": "photo", "inspection": inspection.pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert "不是允许的格式" in response.json()["file"][0]
    assert not Evidence.objects.exists()


def test_a_photo_uploaded_as_a_recording_is_refused(world, api, checklist):
    inspection = draft(world, checklist)
    response = api(world.alice).post(
        EVIDENCE,
        {"file": upload("a.png", png_bytes()), "kind": "audio", "inspection": inspection.pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert "与所选类别" in response.json()["file"][0]


def test_evidence_needs_a_record_in_reach(world, api, checklist):
    theirs = draft(world, checklist, board=world.board_b, officers=[])
    client = api(world.alice)
    response = client.post(
        EVIDENCE,
        {"file": upload("a.png", png_bytes()), "kind": "photo", "inspection": theirs.pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert "管辖范围" in response.json()["inspection"][0]
    response = client.post(
        EVIDENCE, {"file": upload("a.png", png_bytes()), "kind": "photo"}, format="multipart"
    )
    assert response.status_code == 400
    assert "证据必须归属于" in response.json()["non_field_errors"][0]


def test_a_tampered_evidence_file_is_not_served(world, api, checklist):
    from zhifa.inspections.evidence import add_evidence

    inspection = draft(world, checklist)
    evidence = add_evidence(io.BytesIO(png_bytes()), kind="photo", user=world.alice, inspection=inspection)
    path = storage.blob_path(evidence.sha256)
    path.chmod(0o640)
    path.write_bytes(png_bytes((0, 0, 0)))
    response = api(world.alice).get(detail(EVIDENCE, evidence.pk, "download"))
    assert response.status_code == 409
    assert "完整性校验失败" in response.json()["detail"]
    assert audit_rows(evidence, AuditAction.SYSTEM).exists()
    assert not audit_rows(evidence, AuditAction.EXPORT).exists()
    assert api(world.bob).get(detail(EVIDENCE, evidence.pk, "download")).status_code == 404


# --- Constant queries per list ----------------------------------------------------------------------------


def _grow(build, count):
    for _ in range(count):
        build()


@pytest.mark.parametrize("persona", ["dan", "alice"])
def test_the_inspection_list_runs_a_constant_number_of_queries(world, api, checklist, persona):
    def build():
        inspection = draft(world, checklist, started_at=morning())
        services.add_hazard(inspection, description="隐患", user=world.alice)
        inspection.assistants.set([world.amy.officer])

    client = api(getattr(world, persona))
    signed(world, checklist)  # one with its document
    _grow(build, 2)
    few, rows = list_queries(client, INSPECTIONS + "?limit=100")
    assert rows == 3
    _grow(build, 17)
    many, rows = list_queries(client, INSPECTIONS + "?limit=100")
    assert rows == 20
    assert many == few


def test_the_hazard_list_runs_a_constant_number_of_queries(world, api, checklist):
    inspection = draft(world, checklist)

    def build():
        hazard = services.add_hazard(inspection, description="隐患", user=world.alice)
        services.move_hazard(hazard, HazardStatus.RECTIFYING, user=world.albert)

    client = api(world.alice)
    _grow(build, 3)
    few, rows = list_queries(client, HAZARDS + "?limit=100")
    assert rows == 3
    _grow(build, 17)
    many, rows = list_queries(client, HAZARDS + "?limit=100&overdue=false")
    assert rows == 20
    assert many == few


def test_the_order_extension_and_reinspection_lists_run_constant_queries(world, api, checklist):
    inspection = signed(world, checklist)
    hazard = inspection.hazards.first()

    def build():
        order = services.issue_rectification_order(
            inspection, {hazard.pk: today() + timedelta(days=10)}, user=world.alice
        )
        services.request_extension(
            order,
            [hazard],
            today() + timedelta(days=400),
            reason="设备采购",
            applicant="王五",
            user=world.amy,
        )
        services.start_reinspection(
            order, user=world.alice, officers=[world.alice.officer, world.albert.officer]
        )

    client = api(world.dan)
    _grow(build, 3)
    counts = {url: list_queries(client, url + "?limit=100") for url in (ORDERS, EXTENSIONS, REINSPECTIONS)}
    assert {rows for _, rows in counts.values()} == {3}
    _grow(build, 17)
    for url, (few, _) in counts.items():
        many, rows = list_queries(client, url + "?limit=100")
        assert rows == 20, url
        assert many == few, url


def test_the_evidence_list_runs_a_constant_number_of_queries(world, api, checklist):
    from zhifa.inspections.evidence import add_evidence
    from zhifa.orgs.choices import EquipmentKind
    from zhifa.orgs.models import Equipment

    inspection = draft(world, checklist)
    recorder = Equipment.objects.create(
        kind=EquipmentKind.RECORDER, serial_number="DSJ-T-1", unit=world.board_a
    )
    counter = iter(range(1, 100))

    def build():
        n = next(counter)
        add_evidence(
            io.BytesIO(png_bytes((n, n, n))),
            kind="photo",
            user=world.amy,
            inspection=inspection,
            recorder=recorder,
        )

    client = api(world.alice)
    _grow(build, 3)
    few, rows = list_queries(client, EVIDENCE + "?limit=100")
    assert rows == 3
    assert client.get(EVIDENCE).json()["results"][0]["recorder_serial"] == "DSJ-T-1"
    _grow(build, 17)
    many, rows = list_queries(client, EVIDENCE + "?limit=100")
    assert rows == 20
    assert many == few


# --- Schema --------------------------------------------------------------------------------------------------


def test_the_schema_lists_the_inspection_endpoints(world, api):
    response = api(world.dan).get("/api/v1/schema/")
    assert response.status_code == 200
    for path in (
        b"/api/v1/inspections/{id}/sign-off/",
        b"/api/v1/inspections/{id}/results/",
        b"/api/v1/hazards/{id}/transition/",
        b"/api/v1/rectifications/{id}/reinspections/",
        b"/api/v1/evidence/{id}/download/",
    ):
        assert path in response.content, path


def test_board_officers_of_a_post_without_certificate_cannot_be_made_signers(world, api, checklist):
    """A safety manager (no certificate) never counts toward the two officers."""
    helper = make_officer(world.board_a, Post.SAFETY_MANAGER, name="安管员")
    data = create_payload(make_enterprise(world.board_a), checklist, [world.alice.officer, helper], morning())
    response = api(world.alice).post(INSPECTIONS, data, format="json")
    assert response.status_code == 400
    assert response.json()["rule"] == RULE
