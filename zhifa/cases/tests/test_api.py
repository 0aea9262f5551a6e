"""The case API: a case walked from registration to decision through the endpoints only, one endpoint per
step of the table, the legal-review gate and state refusals as 409 naming the rule, bad bodies as 400 with
the fields' Chinese names, 403 without the step's permission, 404 outside the jurisdiction, no edits or
deletes, the review queue and the deadlines, constant queries per list, and a valid schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.cases import services, workflow
from zhifa.cases.choices import CaseStatus, Procedure, ReviewItem
from zhifa.cases.models import Case, CaseDeadline, LegalReview
from zhifa.cases.tests.helpers import new_case, partner, violation_type, walk
from zhifa.core.testing import make_enterprise, make_officer
from zhifa.orgs.choices import CertificateStatus

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
REVIEWS = "/api/v1/legal-reviews/"
DEADLINES = "/api/v1/case-deadlines/"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    """Issued documents land in the test's own directory."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def step_url(case_or_id, step: str) -> str:
    pk = getattr(case_or_id, "pk", case_or_id)
    return f"{CASES}{pk}/{step.replace('_', '-')}/"


def post(client, url, body=None):
    return client.post(url, body or {}, format="json")


def create_body(world, **extra) -> dict:
    enterprise = make_enterprise(world.board_a, name="常州湖塘精密机械有限公司")
    body = {
        "procedure": "general",
        "source_kind": "inspection",
        "enterprise": enterprise.pk,
        "party_kind": "unit",
        "party_representative": "王建国",
        "party_address": "常州市武进区湖塘镇长虹路88号",
        "cause": "未按规定对从业人员进行安全生产教育和培训",
        "facts": "2026年11月检查发现，该公司3名新入职员工未经安全生产教育和培训即上岗作业。",
        "officers": [world.alice.officer.pk, partner(world).pk],
    }
    body.update(extra)
    return body


def review_body(outcome="approve", opinion="") -> dict:
    return {"outcome": outcome, "opinion": opinion, **{f"check_{item.value}": "pass" for item in ReviewItem}}


def list_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


# --- The whole procedure, through the API only ----------------------------------------------------------


def test_a_case_walks_from_registration_to_decision_through_the_api(world, api):
    alice, albert, dan, lily = api(world.alice), api(world.albert), api(world.dan), api(world.lily)

    response = post(alice, CASES, create_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["status"] == CaseStatus.DRAFT and body["status_label"] == "待提交立案"
    assert body["party_name"] == "常州湖塘精密机械有限公司"
    assert [o["name"] for o in body["officers"]] == [world.alice.officer.name, "艾达"]
    assert all(len(o["certificates"]) == 1 for o in body["officers"])
    assert "submit_registration" in {s["name"] for s in body["steps"]}

    def step(client, name, data=None, expect=200):
        response = post(client, step_url(pk, name), data)
        assert response.status_code == expect, (name, response.status_code, response.content)
        return response.json()

    assert step(alice, "submit_registration", {"opinion": "建议立案"})["status"] == "registration_review"
    step(albert, "review_registration", {"outcome": "agree", "opinion": "同意立案"})
    body = step(dan, "approve_registration", {"outcome": "agree", "opinion": "同意立案调查"})
    assert body["status"] == CaseStatus.INVESTIGATING
    assert body["registration_number"]
    assert body["next_deadline"]["rule_code"] == "decision"

    officers = [world.alice.officer.pk, partner(world).pk]
    step(
        alice,
        "record_inquiry",
        {
            "on": timezone.localdate().isoformat(),
            "place": "该公司办公室",
            "person": "王建国",
            "person_title": "法定代表人",
            "content": "问：新入职员工是否经过安全生产教育和培训？答：还没有来得及培训。",
            "officers": officers,
        },
    )
    body = step(
        alice,
        "set_proposal",
        {
            "violation_type": violation_type().pk,
            "decision_kind": "penalty",
            "penalty_kinds": ["fine"],
            "proposed_fine": "40000",
        },
    )
    assert body["proposal_version"] == 1 and body["proposed_fine"] == "40000.00"
    step(
        alice,
        "submit_handling",
        {"investigation_report": "经调查，当事人未对3名新入职员工进行安全生产教育和培训，建议罚款四万元。"},
    )
    body = step(dan, "approve_handling", {"outcome": "agree", "opinion": "同意，报法制审核"})
    assert body["status"] == CaseStatus.LEGAL_REVIEW
    assert body["legal_review"] == {"required": True, "approved": False}
    assert "decide" not in {s["name"] for s in body["steps"]}

    # Deciding now is refused: the case is under legal review.
    refused = step(dan, "decide", {"party_waived": True}, expect=409)
    assert refused["rule"] == str(workflow.RULE_STATE)

    queue = lily.get(REVIEWS).json()["results"]
    assert [(r["case"]["id"], r["pending"]) for r in queue] == [(pk, True)]
    body = step(lily, "legal_review", review_body(opinion="事实清楚，证据确凿"))
    assert body["status"] == CaseStatus.REVIEWED
    assert body["legal_review"] == {"required": True, "approved": True}

    step(alice, "notify", {})
    body = step(dan, "decide", {"party_waived": True, "opinion": "同意处罚"})
    assert body["status"] == CaseStatus.DECIDED
    assert body["decision_number"]
    assert body["fine_amount"] == "40000.00"

    events = alice.get(f"{CASES}{pk}/events/").json()
    assert [e["transition"] for e in events] == [
        "create",
        "submit_registration",
        "review_registration",
        "approve_registration",
        "record_inquiry",
        "set_proposal",
        "submit_handling",
        "approve_handling",
        "legal_review",
        "notify",
        "decide",
    ]
    assert events[-1]["actor_name"] and events[-1]["to_status_label"] == "已作出决定，待送达"
    kinds = [d["form"]["code"] for d in alice.get(f"{CASES}{pk}/documents/").json()]
    assert "legal_review_opinion" in kinds and kinds[-1] == "penalty_decision"
    reviews = alice.get(f"{CASES}{pk}/reviews/").json()
    assert [(r["round"], r["outcome"], r["reviewer_name"]) for r in reviews] == [
        (1, "approve", world.lily.get_full_name() or "lily")
    ]
    deadlines = alice.get(f"{CASES}{pk}/deadlines/").json()
    decision = [d for d in deadlines if d["rule_code"] == "decision"]
    assert decision and decision[0]["met_at"] is not None


# --- The legal-review gate and the state --------------------------------------------------------------------


def test_deciding_a_case_that_skipped_the_review_answers_409_naming_the_legal_review_rule(world, api):
    case = walk(world, new_case(world), until="approve_handling")
    # A case put at "notified" by a path that skipped the review (data repaired by hand, say).
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.NOTIFIED)

    response = post(api(world.dan), step_url(case, "decide"), {"party_waived": True, "opinion": "同意"})

    assert response.status_code == 409, response.content
    body = response.json()
    assert "法制审核" in body["rule"]
    assert body["rule"] == str(workflow.RULE_LEGAL_REVIEW)
    assert body["detail"] and not body["detail"].startswith(body["rule"])
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED and case.decided_on is None and not case.decision_number


def test_an_on_the_spot_decision_of_a_board_case_before_the_review_answers_409(world, api):
    """Simple procedure: the handler may decide on the spot — but a board's case only after review."""
    case = new_case(world, procedure=Procedure.SIMPLE)
    alice = api(world.alice)
    proposal = {
        "violation_type": violation_type().pk,
        "decision_kind": "penalty",
        "penalty_kinds": ["fine"],
        "proposed_fine": "2000",
        "deviation_reason": "当事人系初次违法，及时改正，按简易程序从轻处罚",
    }
    response = post(alice, step_url(case, "set_proposal"), proposal)
    assert response.status_code == 200, response.content

    response = post(alice, step_url(case, "decide_on_spot"), {"served_to": "王建国", "place": "该公司"})

    assert response.status_code == 409, response.content
    assert response.json()["rule"] == str(workflow.RULE_LEGAL_REVIEW)
    case.refresh_from_db()
    assert case.decided_on is None


def test_a_step_from_the_wrong_state_answers_409_before_reading_the_body(world, api):
    case = new_case(world)
    response = post(api(world.alice), step_url(case, "notify"), {})
    assert response.status_code == 409
    body = response.json()
    assert body["rule"] == str(workflow.RULE_STATE)
    assert "待提交立案" in body["detail"] and "告知拟处罚" in body["detail"]

    # dan holds the permission, but a draft is not yet awaiting approval: 409 even with an empty body.
    response = post(api(world.dan), step_url(case, "approve_registration"), {})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT and case.version == 1


def test_a_guard_refusal_names_its_rule(world, api):
    """The two-officers rule: a case whose partner lost the certificate cannot be submitted."""
    case = new_case(world)
    partner(world).certificates.update(status=CertificateStatus.REVOKED)
    response = post(api(world.alice), step_url(case, "submit_registration"), {"opinion": "建议立案"})
    assert response.status_code == 409
    assert response.json()["rule"] == str(workflow.RULE_TWO_OFFICERS)


# --- Bad input, permissions, jurisdiction --------------------------------------------------------------------


def test_a_bad_body_answers_400_with_the_fields_chinese_names(world, api):
    case = walk(world, new_case(world), until="submit_registration")
    response = post(api(world.albert), step_url(case, "review_registration"), {"outcome": "maybe"})
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"outcome", "opinion"}
    assert errors["outcome"][0].startswith("结论：")
    assert errors["opinion"] == ["意见：该字段是必填项。"]

    # A rule of the form across fields names the field it concerns.
    response = post(
        api(world.albert), step_url(case, "review_registration"), {"outcome": "disagree", "opinion": "否"}
    )
    assert response.status_code == 400
    assert response.json() == {"opinion": ["意见：不同意时须写明理由"]}
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTRATION_REVIEW


def test_a_body_that_is_not_an_object_is_refused_with_400(world, api):
    case = new_case(world)
    response = api(world.alice).post(step_url(case, "submit_registration"), [1, 2], format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["请求体须为 JSON 对象"]}


def test_creating_a_case_validates_with_the_case_form(world, api):
    client = api(world.alice)
    response = post(
        client,
        CASES,
        {"source_kind": "inspection", "party_kind": "unit", "officers": [world.alice.officer.pk]},
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["cause"] == ["案由：该字段是必填项。"]
    assert errors["officers"] == ["承办人（两名以上持证执法人员）：承办人不得少于两名"]
    assert errors["party_name"] == ["当事人：请选择企业或填写当事人名称"]

    # An enterprise of another board is not offered to alice.
    other = make_enterprise(world.board_b)
    response = post(client, CASES, create_body(world, enterprise=other.pk))
    assert response.status_code == 400
    assert response.json()["enterprise"] == ["企业：所选项不存在或不在您的管辖范围内"]
    assert not Case.objects.exists()


def test_the_legal_reviewer_may_not_approve_a_registration(world, api):
    case = walk(world, new_case(world), until="review_registration")
    assert case.status == CaseStatus.REGISTRATION_APPROVAL
    response = post(
        api(world.lily), step_url(case, "approve_registration"), {"outcome": "agree", "opinion": "同意"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTRATION_APPROVAL


def test_another_boards_officer_finds_no_case_of_board_a(world, api):
    case = new_case(world)
    bob = api(world.bob)
    assert bob.get(f"{CASES}{case.pk}/").status_code == 404
    for nested in ("events", "deadlines", "documents", "reviews"):
        assert bob.get(f"{CASES}{case.pk}/{nested}/").status_code == 404, nested
    assert post(bob, step_url(case, "submit_registration"), {"opinion": "立案"}).status_code == 404
    assert bob.get(CASES).json()["count"] == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.DRAFT


def test_a_case_is_neither_edited_nor_deleted_through_the_api(world, api):
    case = new_case(world)
    client = api(world.dan)
    assert client.delete(f"{CASES}{case.pk}/").status_code == 405
    assert client.put(f"{CASES}{case.pk}/", {"cause": "改"}, format="json").status_code == 405
    assert client.patch(f"{CASES}{case.pk}/", {"cause": "改"}, format="json").status_code == 405
    assert api().delete(f"{CASES}{case.pk}/").status_code == 401
    assert Case.objects.get(pk=case.pk).cause == "未按规定对从业人员进行安全生产教育和培训"


# --- Reading ---------------------------------------------------------------------------------------------------


def test_the_detail_lists_the_steps_the_requesting_user_may_take(world, api):
    case = walk(world, new_case(world), until="approve_registration")
    alice = api(world.alice).get(f"{CASES}{case.pk}/").json()
    steps = {s["name"]: s for s in alice["steps"]}
    assert {"record_inquiry", "set_proposal", "submit_handling"} <= set(steps)
    assert "preserve_evidence" not in steps  # the agency head's
    assert steps["record_inquiry"]["label"] == "制作询问笔录"
    assert steps["record_inquiry"]["url"].endswith(step_url(case, "record_inquiry"))
    assert steps["record_inquiry"]["method"] == "POST"
    assert "调查报告" in alice["missing_documents"]
    assert "立案审批表" not in alice["missing_documents"]  # issued on approval
    assert alice["deadlines"][0]["rule_code"] == "decision"

    dan = {s["name"] for s in api(world.dan).get(f"{CASES}{case.pk}/").json()["steps"]}
    assert {"preserve_evidence", "extend", "revoke", "transfer"} <= dan
    lily = api(world.lily).get(f"{CASES}{case.pk}/").json()["steps"]
    assert lily == []


def test_every_step_of_the_table_has_its_endpoint(world, api):
    case = new_case(world)
    schema = api(world.dan).get("/api/v1/schema/").content.decode()
    for st in workflow.STEPS:
        assert f"/api/v1/cases/{{id}}/{st.url_name}/" in schema, st.name
    # and each answers: a draft is the wrong state for all but a few, so 409 (or 400/200 for those)
    response = post(api(world.dan), step_url(case, "archive"), {})
    assert response.status_code == 409


def test_the_case_list_filters_and_searches(world, api):
    first = new_case(world, cause="未按规定对从业人员进行安全生产教育和培训")
    second = walk(
        world, new_case(world, cause="未如实记录安全生产教育和培训情况"), until="approve_registration"
    )
    simple = new_case(world, procedure=Procedure.SIMPLE, cause="未在有较大危险因素的场所设置安全警示标志")
    in_b = new_case(
        world,
        user=world.bob,
        enterprise=make_enterprise(world.board_b),
        officers=[world.bob.officer, make_officer(world.board_b)],
    )
    client = api(world.dan)

    def ids(query: str) -> set[int]:
        response = client.get(f"{CASES}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {first.pk, second.pk, simple.pk, in_b.pk}
    assert ids("status=draft") == {first.pk, simple.pk, in_b.pk}
    assert ids("status=investigating") == {second.pk}
    assert ids(f"board={world.board_b.pk}") == {in_b.pk}
    assert ids("procedure=simple") == {simple.pk}
    assert ids("search=如实记录") == {second.pk}
    assert ids("overdue=true") == set()
    CaseDeadline.objects.filter(case=second).update(due_on=timezone.localdate() - timedelta(days=1))
    assert ids("overdue=true") == {second.pk}
    assert second.pk not in ids("overdue=false")
    row = next(r for r in client.get(f"{CASES}?status=investigating").json()["results"])
    assert row["overdue"] is True and row["next_deadline"]["overdue"] is True
    assert client.get(f"{CASES}?status=nonsense").status_code == 400
    assert api(world.alice).get(CASES).json()["count"] == 3


def test_the_case_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.dan)

    def grow(n):
        for _ in range(n):
            case = new_case(world)
            services.open_deadline(case, "decision", timezone.localdate())

    grow(2)
    few, rows = list_queries(client, CASES)
    assert rows == 2
    grow(6)
    many, rows = list_queries(client, CASES)
    assert rows == 8
    assert many == few


def test_the_review_queue_puts_pending_reviews_first_and_keeps_to_the_jurisdiction(world, api):
    reviewed = walk(world, new_case(world), until="legal_review")
    pending = walk(world, new_case(world), until="approve_handling")
    LegalReview.objects.filter(case=pending).update(due_on=timezone.localdate() + timedelta(days=30))

    rows = api(world.lily).get(REVIEWS).json()["results"]
    assert [(r["case"]["id"], r["pending"]) for r in rows] == [(pending.pk, True), (reviewed.pk, False)]
    assert rows[1]["outcome_label"] == "同意" and rows[1]["document"]["name"]
    assert [r["case"]["id"] for r in api(world.lily).get(f"{REVIEWS}?pending=true").json()["results"]] == [
        pending.pk
    ]
    detail = api(world.alice).get(f"{REVIEWS}{rows[1]['id']}/").json()
    assert detail["checklist"][ReviewItem.FACTS.value]["result"] == "pass"
    assert api(world.bob).get(REVIEWS).json()["count"] == 0
    assert api(world.bob).get(f"{REVIEWS}{rows[1]['id']}/").status_code == 404
    assert api(world.eve).get(REVIEWS).status_code == 403


def test_the_review_queue_runs_a_constant_number_of_queries(world, api):
    def grow(n):
        for _ in range(n):
            case = new_case(world)
            LegalReview.objects.create(
                case=case,
                round=1,
                submitted_by=world.alice,
                due_on=timezone.localdate(),
                proposal_version=0,
            )

    client = api(world.lily)
    grow(2)
    few, rows = list_queries(client, REVIEWS)
    grow(5)
    many, more = list_queries(client, REVIEWS)
    assert (rows, more) == (2, 7)
    assert many == few


def test_running_deadlines_due_soon_or_overdue(world, api):
    case = walk(world, new_case(world), until="approve_registration")
    today = timezone.localdate()
    soon = services.open_deadline(case, "legal_review", today)
    CaseDeadline.objects.filter(pk=soon.pk).update(due_on=today + timedelta(days=3))
    late = services.open_deadline(case, "legal_review", today)
    CaseDeadline.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=2))
    met = services.open_deadline(case, "legal_review", today)
    CaseDeadline.objects.filter(pk=met.pk).update(met_at=timezone.now(), due_on=today + timedelta(days=1))
    client = api(world.alice)

    def ids(query=""):
        response = client.get(f"{DEADLINES}?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    decision = CaseDeadline.objects.get(case=case, rule_code="decision")
    assert ids() == [late.pk, soon.pk, decision.pk]
    assert ids("due_within=7") == [soon.pk]
    assert ids("overdue=true") == [late.pk]
    assert client.get(f"{DEADLINES}?due_within=abc").status_code == 400
    row = client.get(f"{DEADLINES}?overdue=true").json()["results"][0]
    assert row["overdue"] is True and row["case"]["id"] == case.pk
    assert api(world.bob).get(DEADLINES).json()["count"] == 0

    few, _ = list_queries(client, DEADLINES)
    for _ in range(4):
        services.open_deadline(new_case(world), "decision", today)
    many, rows = list_queries(client, DEADLINES)
    assert rows == 7 and many == few


# --- The schema ------------------------------------------------------------------------------------------------


def test_the_schema_validates_without_warnings(world, tmp_path):
    """``zhifa spectacular --validate --fail-on-warn``: the step endpoints' request bodies included."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    assert "/api/v1/cases/{id}/legal-review/" in text
    assert "CaseLegalReviewFormRequest" in text and "check_facts" in text
    assert "/api/v1/legal-reviews/" in text and "/api/v1/case-deadlines/" in text
