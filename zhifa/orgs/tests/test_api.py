"""The API of regions, officers and certificates: fields, permissions, jurisdiction, validation, queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_board, make_officer, today, valid_id_number
from zhifa.orgs.choices import CertificateStatus, Employment, Post, RegionKind
from zhifa.orgs.models import Certificate, Officer

pytestmark = pytest.mark.django_db

REGIONS = "/api/v1/regions/"
OFFICERS = "/api/v1/officers/"
CERTIFICATES = "/api/v1/certificates/"


def detail(base, pk):
    return f"{base}{pk}/"


def list_queries(client, url):
    """(number of queries, number of rows) of one list request."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), len(response.json()["results"])


def officer_payload(unit, **overrides):
    data = {
        "name": "新同志",
        "unit": unit.pk,
        "post": Post.BOARD_OFFICER,
        "employment": Employment.STAFFED,
        "id_number": valid_id_number(),
        "phone": "13912345678",
    }
    data.update(overrides)
    return data


def audit_rows(obj_type, pk, action):
    return AuditEntry.objects.filter(object_type=obj_type, object_id=str(pk), action=action)


# --- Regions ---------------------------------------------------------------------------------------


def test_the_region_list_gives_code_name_kind_and_parent(world, api):
    response = api(world.alice).get(REGIONS)
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    board = rows[world.board_a.code]
    assert {"id", "code", "name", "kind", "parent", "short_name", "penalty_authority"} <= set(board)
    assert board["name"] == "湖塘镇"
    assert board["kind"] == RegionKind.TOWN
    assert board["parent"] == world.district.pk
    assert rows[world.district.code]["parent"] is None


def test_regions_can_be_filtered_by_kind(world, api):
    response = api(world.dan).get(REGIONS, {"kind": RegionKind.DISTRICT})
    assert [row["code"] for row in response.json()["results"]] == [world.district.code]


def test_regions_are_read_only_through_the_api_even_for_the_system_administrator(world, api):
    response = api(world.sam).patch(detail(REGIONS, world.board_a.pk), {"name": "新镇"}, format="json")
    assert response.status_code == 405


def test_the_audit_administrator_is_refused_the_region_list(world, api):
    assert api(world.audrey).get(REGIONS).status_code == 403


def test_an_anonymous_client_must_authenticate_for_regions(world, api):
    assert api().get(REGIONS).status_code == 401


def test_the_region_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.dan)
    few, rows = list_queries(client, REGIONS + "?limit=100")
    assert rows == 3
    for n in range(27):
        make_board(f"测试镇{n}", f"320412{300 + n}", short_name="测")
    many, rows = list_queries(client, REGIONS + "?limit=100")
    assert rows == 30
    assert many == few


# --- Officers --------------------------------------------------------------------------------------


def test_the_officer_list_gives_name_unit_post_and_certified(world, api):
    response = api(world.dan).get(OFFICERS)
    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["id"] == world.alice.officer_id)
    expected = {
        "id",
        "name",
        "unit",
        "unit_name",
        "post",
        "certified",
        "employment",
        "phone",
        "id_number",
        "active",
    }
    assert expected <= set(row)
    assert row["name"] == "艾丽"
    assert row["unit"] == world.board_a.pk
    assert row["post"] == Post.BOARD_OFFICER
    assert row["certified"] is True


def test_an_anonymous_client_must_authenticate_to_list_officers(world, api):
    response = api().get(OFFICERS)
    assert response.status_code == 401


def test_the_system_administrator_has_no_access_to_officers(world, api):
    assert api(world.sam).get(OFFICERS).status_code == 403


def test_a_board_officer_may_not_create_officers(world, api):
    response = api(world.alice).post(OFFICERS, officer_payload(world.board_a), format="json")
    assert response.status_code == 403


def test_a_board_officer_gets_404_for_another_boards_officer(world, api):
    response = api(world.alice).get(detail(OFFICERS, world.bob.officer_id))
    assert response.status_code == 404
    assert "管辖范围" in response.json()["detail"]


def test_a_board_officer_sees_only_officers_of_the_own_board(world, api):
    response = api(world.alice).get(OFFICERS)
    units = {row["unit"] for row in response.json()["results"]}
    assert units == {world.board_a.pk}


def test_a_board_leader_gets_404_updating_another_boards_officer(world, api):
    response = api(world.albert).patch(
        detail(OFFICERS, world.bob.officer_id), {"name": "改名"}, format="json"
    )
    assert response.status_code == 404


def test_a_board_leader_cannot_create_an_officer_in_another_board(world, api):
    response = api(world.albert).post(OFFICERS, officer_payload(world.board_b), format="json")
    assert response.status_code == 400
    assert "只能在您管辖的板块" in response.json()["unit"][0]


def test_a_board_leader_adds_an_officer_to_the_own_board_and_the_audit_log_names_him(world, api):
    response = api(world.albert).post(OFFICERS, officer_payload(world.board_a, name="新队员"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "新队员"
    assert body["certified"] is False  # no certificate yet
    row = audit_rows("orgs.officer", body["id"], AuditAction.CREATE).get()
    assert row.username == "albert"
    assert row.source == "api"


def test_an_officer_update_is_audited_with_the_api_users_name(world, api):
    response = api(world.albert).patch(
        detail(OFFICERS, world.alice.officer_id), {"phone": "13800001111"}, format="json"
    )
    assert response.status_code == 200, response.content
    row = audit_rows("orgs.officer", world.alice.officer_id, AuditAction.UPDATE).latest("id")
    assert row.username == "albert"
    # The chain records that the phone changed (its keyed hash), never the number itself.
    assert list(row.after) == ["phone_hash"]
    assert "13800001111" not in str(row.before) + str(row.after) + row.message


def test_an_invalid_id_number_is_refused_with_a_chinese_message_on_id_number(world, api):
    good = valid_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = api(world.dan).post(OFFICERS, officer_payload(world.board_a, id_number=bad), format="json")
    assert response.status_code == 400
    assert "身份证号码" in response.json()["id_number"][0]


def test_an_id_number_of_the_wrong_length_is_refused_on_id_number(world, api):
    response = api(world.dan).post(
        OFFICERS, officer_payload(world.board_a, id_number="3204121985"), format="json"
    )
    assert response.status_code == 400
    assert "18 位" in response.json()["id_number"][0]


def test_an_invalid_phone_is_refused_with_a_chinese_message_on_phone(world, api):
    response = api(world.dan).post(OFFICERS, officer_payload(world.board_a, phone="12345"), format="json")
    assert response.status_code == 400
    assert "电话号码格式错误" in response.json()["phone"][0]


def test_a_duplicate_id_number_is_refused_on_id_number(world, api):
    existing = world.alice.officer.id_number
    response = api(world.dan).post(
        OFFICERS, officer_payload(world.board_a, id_number=existing), format="json"
    )
    assert response.status_code == 400
    assert "id_number" in response.json()


def test_a_board_post_in_the_district_is_refused_by_the_models_rule_as_400(world, api):
    payload = officer_payload(world.district, post=Post.BOARD_OFFICER)
    response = api(world.dan).post(OFFICERS, payload, format="json")
    assert response.status_code == 400
    assert "只能设在板块" in response.json()["post"][0]


def test_an_id_number_with_a_lowercase_x_is_stored_in_capitals(world, api):
    number = next(n for n in (valid_id_number(i) for i in range(1, 1000)) if n.endswith("X"))
    response = api(world.dan).post(
        OFFICERS, officer_payload(world.board_a, id_number=number.lower()), format="json"
    )
    assert response.status_code == 201, response.content
    assert Officer.objects.get(pk=response.json()["id"]).id_number == number


def test_a_board_officer_sees_id_numbers_and_phones_masked(world, api):
    response = api(world.alice).get(detail(OFFICERS, world.alice.officer_id))
    body = response.json()
    officer = world.alice.officer
    assert body["id_number"] == officer.masked_id_number != officer.id_number
    assert "*" in body["id_number"]
    assert body["phone"] == officer.masked_phone != officer.phone


def test_the_district_leader_sees_full_id_numbers_only_when_asking_and_it_is_audited(world, api):
    officer = world.alice.officer
    masked = api(world.dan).get(detail(OFFICERS, officer.pk)).json()
    assert masked["id_number"] == officer.masked_id_number
    assert not audit_rows("orgs.officer", officer.pk, AuditAction.UNMASK).exists()
    body = api(world.dan).get(detail(OFFICERS, officer.pk) + "?unmask=1").json()
    assert body["id_number"] == officer.id_number
    assert body["phone"] == officer.phone
    row = audit_rows("orgs.officer", officer.pk, AuditAction.UNMASK).get()
    assert row.username == "dan" and row.after["fields"] == ["id_number", "phone"]
    assert officer.id_number not in row.message + str(row.after)


def test_certified_is_false_for_an_officer_whose_only_certificate_expired(world, api):
    officer = make_officer(
        world.board_a, valid_from=today() - timedelta(days=3 * 365), valid_to=today() - timedelta(days=1)
    )
    response = api(world.dan).get(detail(OFFICERS, officer.pk))
    assert response.json()["certified"] is False


def test_certified_is_false_for_an_officer_whose_only_certificate_is_suspended(world, api):
    officer = make_officer(world.board_a)
    certificate = officer.certificates.get()
    certificate.status = CertificateStatus.SUSPENDED
    certificate.status_reason = "违规执法，暂扣三个月"
    certificate.save()
    response = api(world.dan).get(detail(OFFICERS, officer.pk))
    assert response.json()["certified"] is False


def test_officers_can_be_filtered_by_certified(world, api):
    expired = make_officer(
        world.board_a, valid_from=today() - timedelta(days=400), valid_to=today() - timedelta(days=1)
    )
    client = api(world.dan)
    uncertified = {row["id"] for row in client.get(OFFICERS, {"certified": "false"}).json()["results"]}
    certified = {row["id"] for row in client.get(OFFICERS, {"certified": "true"}).json()["results"]}
    assert expired.pk in uncertified and world.amy.officer_id in uncertified
    assert world.alice.officer_id in certified and expired.pk not in certified


def test_officers_can_be_filtered_by_unit_and_post(world, api):
    response = api(world.dan).get(OFFICERS, {"unit": world.board_a.pk, "post": Post.BOARD_LEADER})
    assert [row["id"] for row in response.json()["results"]] == [world.albert.officer_id]


def test_officers_are_never_deleted_through_the_api(world, api):
    response = api(world.dan).delete(detail(OFFICERS, world.alice.officer_id))
    assert response.status_code in (403, 405)  # no role holds a delete permission, and no route allows it
    assert Officer.objects.filter(pk=world.alice.officer_id).exists()


def test_the_officer_list_runs_a_constant_number_of_queries(world, api):
    board = make_board("测试镇", "320412300", short_name="测")
    client = api(world.dan)
    url = f"{OFFICERS}?limit=100&unit={board.pk}"
    for _ in range(3):
        make_officer(board)
    few, rows = list_queries(client, url)
    assert rows == 3
    for n in range(27):
        make_officer(board, certified=n % 2 == 0)
    many, rows = list_queries(client, url)
    assert rows == 30
    assert many == few


def test_a_board_officers_list_also_runs_a_constant_number_of_queries(world, api):
    client = api(world.alice)
    few, rows = list_queries(client, OFFICERS + "?limit=100")
    for _ in range(20):
        make_officer(world.board_a)
    many, more_rows = list_queries(client, OFFICERS + "?limit=100")
    assert more_rows == rows + 20
    assert many == few


# --- Certificates ----------------------------------------------------------------------------------


def certificate_payload(officer, **overrides):
    data = {
        "officer": officer.pk,
        "number": "3204129900001",
        "level": "district",
        "issuer": "常州市武进区人民政府",
        "valid_from": str(today()),
        "valid_to": str(today() + timedelta(days=3 * 365)),
    }
    data.update(overrides)
    return data


def test_the_certificate_fields_are_listed(world, api):
    response = api(world.dan).get(CERTIFICATES, {"officer": world.alice.officer_id})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert {
        "officer",
        "number",
        "level",
        "issuer",
        "valid_from",
        "valid_to",
        "status",
        "status_reason",
    } <= set(row)
    assert row["status"] == CertificateStatus.VALID


def test_the_district_leader_adds_a_certificate(world, api):
    officer = make_officer(world.board_a, certified=False)
    response = api(world.dan).post(CERTIFICATES, certificate_payload(officer), format="json")
    assert response.status_code == 201, response.content
    assert api(world.dan).get(detail(OFFICERS, officer.pk)).json()["certified"] is True


def test_a_board_leader_may_not_add_certificates(world, api):
    officer = make_officer(world.board_a, certified=False)
    response = api(world.albert).post(CERTIFICATES, certificate_payload(officer), format="json")
    assert response.status_code == 403


def test_a_certificate_ending_before_it_starts_is_refused_on_valid_to(world, api):
    officer = make_officer(world.board_a, certified=False)
    payload = certificate_payload(officer, valid_from=str(today()), valid_to=str(today() - timedelta(days=1)))
    response = api(world.dan).post(CERTIFICATES, payload, format="json")
    assert response.status_code == 400
    assert response.json()["valid_to"] == ["有效期至不能早于有效期起"]


def test_a_safety_manager_cannot_hold_a_certificate(world, api):
    response = api(world.dan).post(CERTIFICATES, certificate_payload(world.amy.officer), format="json")
    assert response.status_code == 400
    assert "不能持有执法证" in response.json()["officer"][0]


def test_suspending_a_certificate_needs_a_reason(world, api):
    certificate = Certificate.objects.get(officer=world.alice.officer)
    response = api(world.dan).patch(
        detail(CERTIFICATES, certificate.pk), {"status": CertificateStatus.SUSPENDED}, format="json"
    )
    assert response.status_code == 400
    assert "必须填写原因" in response.json()["status_reason"][0]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_suspending_a_certificate_is_audited_with_the_api_users_name(world, api):
    certificate = Certificate.objects.get(officer=world.alice.officer)
    response = api(world.dan).patch(
        detail(CERTIFICATES, certificate.pk),
        {"status": CertificateStatus.SUSPENDED, "status_reason": "涉嫌违规执法，暂扣"},
        format="json",
    )
    assert response.status_code == 200, response.content
    row = audit_rows("orgs.certificate", certificate.pk, AuditAction.UPDATE).latest("id")
    assert row.username == "dan"
    assert row.after["status"] == CertificateStatus.SUSPENDED
    assert api(world.dan).get(detail(OFFICERS, world.alice.officer_id)).json()["certified"] is False


def test_a_board_officer_gets_404_for_another_boards_certificate(world, api):
    certificate = Certificate.objects.get(officer=world.bob.officer)
    assert api(world.alice).get(detail(CERTIFICATES, certificate.pk)).status_code == 404


def test_certificates_are_never_deleted_through_the_api(world, api):
    certificate = Certificate.objects.get(officer=world.alice.officer)
    assert api(world.dan).delete(detail(CERTIFICATES, certificate.pk)).status_code in (403, 405)
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_the_certificate_list_runs_a_constant_number_of_queries(world, api):
    client = api(world.dan)
    few, rows = list_queries(client, CERTIFICATES + "?limit=100")
    for _ in range(27):
        make_officer(world.board_b)
    many, more_rows = list_queries(client, CERTIFICATES + "?limit=100")
    assert more_rows == rows + 27
    assert many == few
