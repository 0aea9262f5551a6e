"""The organisation pages: boards, officers, certificates, equipment, secondments and pairings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core.testing import make_board, make_officer, today, valid_id_number
from zhifa.orgs.choices import CertificateStatus, EquipmentKind, Post
from zhifa.orgs.models import Certificate, Equipment, Officer, Pairing, Secondment

pytestmark = pytest.mark.django_db


def make_equipment(unit, kind=EquipmentKind.RECORDER, *, serial=None, plate="", officer=None):
    n = Equipment.objects.count() + 1
    return Equipment.objects.create(
        kind=kind,
        serial_number=serial or f"DSJ-{unit.pk}-{n:04d}",
        plate_number=plate,
        unit=unit,
        officer=officer,
    )


def officer_post(unit, **overrides):
    data = {
        "name": "新同事",
        "id_number": valid_id_number(901),
        "phone": "13912345678",
        "unit": unit.pk,
        "post": Post.BOARD_OFFICER,
        "employment": "staffed",
        "legal_qualification_number": "",
        "active": "on",
        "note": "",
    }
    data.update(overrides)
    return data


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def assert_constant_queries(client, url, add_rows):
    """The page costs as many queries with 3 rows as with 20 (no query per row)."""
    client.get(url)  # warm per-process caches (content types, sessions)
    add_rows(3)
    few = count_queries(client, url)
    add_rows(17)
    many = count_queries(client, url)
    assert few == many, f"{url}: {few} queries with 3 rows, {many} with 20"


# ------------------------------------------------------------------------------------------ access


@pytest.mark.parametrize(
    "name",
    [
        "orgs:region_list",
        "orgs:officer_list",
        "orgs:officer_add",
        "orgs:certificate_list",
        "orgs:certificate_add",
        "orgs:equipment_list",
        "orgs:equipment_add",
        "orgs:assignment_list",
        "orgs:secondment_add",
        "orgs:pairing_add",
        "orgs:staffing",
    ],
)
def test_every_page_of_the_organisation_opens_for_the_district_leader(world, web, name):
    response = web(world.dan).get(reverse(name))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_every_detail_page_opens_for_the_district_leader(world, web):
    equipment = make_equipment(world.board_a)
    secondment = Secondment.objects.create(officer=world.bruce.officer, region=world.board_a, start=today())
    pairing = Pairing.objects.create(officer=world.bruce.officer, region=world.board_b, start=today())
    client = web(world.dan)
    for url in [
        reverse("orgs:region_detail", args=[world.board_a.pk]),
        reverse("orgs:region_detail", args=[world.district.pk]),
        reverse("orgs:officer_detail", args=[world.alice.officer_id]),
        reverse("orgs:officer_edit", args=[world.alice.officer_id]),
        reverse("orgs:certificate_edit", args=[world.alice.officer.certificates.get().pk]),
        reverse("orgs:equipment_detail", args=[equipment.pk]),
        reverse("orgs:equipment_edit", args=[equipment.pk]),
        reverse("orgs:secondment_edit", args=[secondment.pk]),
        reverse("orgs:pairing_edit", args=[pairing.pk]),
        reverse("orgs:staffing_board", args=[world.board_a.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_a_board_officer_reads_the_lists_of_her_board(world, web):
    client = web(world.alice)
    for name in ("orgs:officer_list", "orgs:certificate_list", "orgs:equipment_list", "orgs:assignment_list"):
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("orgs:officer_list")).content.decode()
    assert "艾伯特" in page and "鲍勃" not in page


def test_only_the_system_administrator_edits_a_board(world, web):
    url = reverse("orgs:region_edit", args=[world.board_a.pk])
    assert web(world.dan).get(url).status_code == 403
    assert web(world.sam).get(url).status_code == 200
    data = {
        "name": "湖塘镇",
        "short_name": "湖",
        "agency_name": "",
        "penalty_authority": "district",
        "delegated_powers": "",
        "sort_order": 3,
    }
    response = web(world.sam).post(url, data)
    assert response.status_code == 302
    world.board_a.refresh_from_db()
    assert world.board_a.sort_order == 3


def test_a_board_cannot_be_given_its_own_penalty_authority_without_a_list_of_powers(world, web):
    url = reverse("orgs:region_edit", args=[world.board_a.pk])
    data = {
        "name": "湖塘镇",
        "short_name": "湖",
        "penalty_authority": "own",
        "delegated_powers": "",
        "sort_order": 0,
    }
    response = web(world.sam).post(url, data)
    assert response.status_code == 200
    assert "以本板块名义作出处罚必须有赋权清单" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("sam", "orgs:officer_list"),  # administrators handle no enforcement records
        ("audrey", "orgs:certificate_list"),
        ("eve", "orgs:equipment_list"),
        ("alice", "orgs:officer_add"),  # a board officer does not staff the board
        ("albert", "orgs:certificate_add"),  # certificates are the district's
        ("albert", "orgs:secondment_add"),
        ("bruce", "orgs:pairing_add"),
        ("sue", "orgs:assignment_list"),
    ],
)
def test_a_page_without_the_permission_answers_403(world, web, persona, name):
    assert web(world.users[persona]).get(reverse(name)).status_code == 403


def test_the_login_page_is_shown_to_an_anonymous_visitor(world, web):
    response = web(None).get(reverse("orgs:officer_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_officer_of_another_board_is_not_found(world, web):
    client = web(world.albert)
    assert client.get(reverse("orgs:officer_detail", args=[world.bob.officer_id])).status_code == 404
    assert client.get(reverse("orgs:officer_edit", args=[world.bob.officer_id])).status_code == 404
    assert client.get(reverse("orgs:officer_detail", args=[world.alice.officer_id])).status_code == 200


def test_equipment_of_another_board_is_not_found(world, web):
    theirs = make_equipment(world.board_b)
    ours = make_equipment(world.board_a)
    client = web(world.albert)
    assert client.get(reverse("orgs:equipment_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("orgs:equipment_edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("orgs:equipment_detail", args=[ours.pk])).status_code == 200
    assert theirs.serial_number not in client.get(reverse("orgs:equipment_list")).content.decode()


def test_a_brigade_officer_seconded_to_the_board_is_seen_but_not_edited_by_its_leader(world, web):
    Secondment.objects.create(
        officer=world.bruce.officer, region=world.board_a, start=today() - timedelta(days=1)
    )
    client = web(world.albert)
    assert client.get(reverse("orgs:officer_detail", args=[world.bruce.officer_id])).status_code == 200
    assert client.get(reverse("orgs:officer_edit", args=[world.bruce.officer_id])).status_code == 404


# ------------------------------------------------------------------------------------ personal data


def test_the_district_leader_sees_the_full_id_number_and_phone_on_asking(world, web):
    officer = world.alice.officer
    client = web(world.dan)
    page = client.get(officer.get_absolute_url()).content.decode()
    assert officer.id_number not in page and officer.masked_id_number in page
    url = reverse("orgs:officer_unmask", args=[officer.pk, "id_number"])
    assert url in page  # the "显示完整" button
    fragment = client.post(url).content.decode()
    assert officer.id_number in fragment


def test_a_board_officer_sees_a_colleagues_id_number_and_phone_masked(world, web):
    colleague = world.albert.officer
    page = web(world.alice).get(colleague.get_absolute_url()).content.decode()
    assert colleague.id_number not in page and colleague.phone not in page
    assert colleague.masked_id_number in page and colleague.masked_phone in page


def test_the_officer_list_never_shows_a_full_phone_number(world, web):
    page = web(world.dan).get(reverse("orgs:officer_list")).content.decode()
    assert world.alice.officer.phone not in page
    assert world.alice.officer.masked_phone in page


# ------------------------------------------------------------------------------------------ officers


def test_a_board_leader_adds_an_officer_to_the_board(world, web):
    response = web(world.albert).post(reverse("orgs:officer_add"), officer_post(world.board_a))
    officer = Officer.objects.get(name="新同事")
    assert response.status_code == 302 and response["Location"] == officer.get_absolute_url()
    assert officer.unit == world.board_a and officer.post == Post.BOARD_OFFICER


def test_a_board_leader_cannot_add_an_officer_to_another_board(world, web):
    response = web(world.albert).post(reverse("orgs:officer_add"), officer_post(world.board_b))
    assert response.status_code == 200
    page = response.content.decode()
    assert "所在单位" in page and "所选项不存在或不在您的管辖范围内" in page
    assert not Officer.objects.filter(name="新同事").exists()


def test_a_board_leader_is_offered_only_the_own_board_as_unit(world, web):
    form = web(world.albert).get(reverse("orgs:officer_add")).context["form"]
    assert list(form.fields["unit"].queryset) == [world.board_a]


def test_an_invalid_id_number_is_refused_with_a_chinese_message(world, web):
    bad = valid_id_number(902)[:-1] + ("0" if valid_id_number(902)[-1] != "0" else "1")
    response = web(world.albert).post(reverse("orgs:officer_add"), officer_post(world.board_a, id_number=bad))
    assert response.status_code == 200
    page = response.content.decode()
    assert "身份证号码" in page and "身份证号码校验位错误" in page
    assert not Officer.objects.filter(name="新同事").exists()


def test_a_board_post_cannot_be_set_in_the_district_bureau(world, web):
    response = web(world.dan).post(reverse("orgs:officer_add"), officer_post(world.district))
    assert response.status_code == 200
    assert "只能设在板块" in response.content.decode()
    assert not Officer.objects.filter(name="新同事").exists()


def test_an_officer_is_deactivated_not_deleted(world, web):
    officer = world.alice.officer
    data = officer_post(world.board_a, name=officer.name, id_number=officer.id_number, phone=officer.phone)
    data.pop("active")
    response = web(world.albert).post(reverse("orgs:officer_edit", args=[officer.pk]), data)
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.active is False
    page = web(world.dan).get(officer.get_absolute_url()).content.decode()
    assert "已停用" in page and "删除" not in page


def test_the_officer_list_filters_by_name_unit_and_todays_certificate(world, web):
    lapsed = make_officer(
        world.board_a,
        name="证已过期",
        valid_from=today() - timedelta(days=800),
        valid_to=today() - timedelta(days=1),
    )
    client = web(world.dan)
    page = client.get(reverse("orgs:officer_list"), {"certified": "false"}).content.decode()
    assert lapsed.name in page and "艾丽" not in page
    page = client.get(
        reverse("orgs:officer_list"), {"certified": "true", "unit": world.board_a.pk}
    ).content.decode()
    assert "艾丽" in page and lapsed.name not in page and "鲍勃" not in page
    page = client.get(reverse("orgs:officer_list"), {"q": "鲍"}).content.decode()
    assert "鲍勃" in page and "艾丽" not in page


def test_the_officer_filters_work_on_a_plain_queryset_as_the_excel_export_uses_them(world):
    from zhifa.orgs.filtersets import OfficerFilterSet

    yesterday = today() - timedelta(days=1)
    lapsed = make_officer(world.board_a, valid_from=yesterday - timedelta(days=9), valid_to=yesterday)
    params = {"certified": "false", "unit": world.board_a.pk}
    filtered = OfficerFilterSet(params, queryset=Officer.objects.all()).qs
    assert lapsed in filtered and world.alice.officer not in filtered


def test_the_filter_form_answers_htmx_with_the_table_alone(world, web):
    response = web(world.dan).get(reverse("orgs:officer_list"), {"q": "艾"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and "艾丽" in page


# -------------------------------------------------------------------------------------- certificates


def test_the_officer_detail_says_whether_the_officer_may_enforce_today(world, web):
    lapsed = make_officer(
        world.board_a, valid_from=today() - timedelta(days=800), valid_to=today() - timedelta(days=1)
    )
    client = web(world.dan)
    assert "今日持有效执法证" in client.get(world.alice.officer.get_absolute_url()).content.decode()
    page = client.get(lapsed.get_absolute_url()).content.decode()
    assert "今日无有效执法证" in page


def test_a_revoked_certificate_does_not_make_an_enforcement_officer(world, web):
    certificate = world.alice.officer.certificates.get()
    certificate.status, certificate.status_reason = CertificateStatus.REVOKED, "调离执法岗位"
    certificate.save()
    page = web(world.dan).get(world.alice.officer.get_absolute_url()).content.decode()
    assert "今日无有效执法证" in page and "调离执法岗位" in page


def certificate_post(officer, **overrides):
    data = {
        "officer": officer.pk,
        "number": "3204120099001",
        "level": "district",
        "issuer": "常州市武进区人民政府",
        "valid_from": (today() - timedelta(days=10)).isoformat(),
        "valid_to": (today() + timedelta(days=1000)).isoformat(),
        "status": "valid",
        "status_reason": "",
    }
    data.update(overrides)
    return data


def test_the_district_leader_registers_a_certificate(world, web):
    officer = make_officer(world.board_a, certified=False)
    response = web(world.dan).post(reverse("orgs:certificate_add"), certificate_post(officer))
    assert response.status_code == 302
    assert officer.is_certified_on(today())


def test_the_add_certificate_page_preselects_the_officer_it_came_from(world, web):
    officer = make_officer(world.board_a, certified=False)
    form = web(world.dan).get(reverse("orgs:certificate_add"), {"officer": officer.pk}).context["form"]
    assert form["officer"].value() == officer.pk


def test_a_certificate_cannot_expire_before_it_becomes_valid(world, web):
    officer = make_officer(world.board_a, certified=False)
    data = certificate_post(
        officer, valid_from=today().isoformat(), valid_to=(today() - timedelta(days=1)).isoformat()
    )
    response = web(world.dan).post(reverse("orgs:certificate_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "有效期至不能早于有效期起" in page and 'id="id_valid_to-error"' in page
    assert not Certificate.objects.filter(officer=officer).exists()


def test_a_certificate_is_revoked_only_with_a_reason(world, web):
    certificate = world.alice.officer.certificates.get()
    url = reverse("orgs:certificate_edit", args=[certificate.pk])
    data = certificate_post(
        world.alice.officer,
        number=certificate.number,
        valid_from=certificate.valid_from.isoformat(),
        valid_to=certificate.valid_to.isoformat(),
        status="revoked",
    )
    response = web(world.dan).post(url, data)
    assert response.status_code == 200 and "暂扣或吊销执法证必须填写原因" in response.content.decode()
    response = web(world.dan).post(url, {**data, "status_reason": "违规执法"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


def test_the_certificate_list_filters_those_expiring_within_60_days(world, web):
    soon = make_officer(world.board_a, name="快到期", valid_to=today() + timedelta(days=30))
    client = web(world.dan)
    page = client.get(reverse("orgs:certificate_list"), {"expiring": "true"}).content.decode()
    assert soon.certificates.get().number in page
    assert world.alice.officer.certificates.get().number not in page
    page = client.get(reverse("orgs:certificate_list"), {"level": "province"}).content.decode()
    assert soon.certificates.get().number not in page


# ----------------------------------------------------------------------------------------- equipment


def equipment_post(unit, **overrides):
    data = {
        "kind": EquipmentKind.VEHICLE,
        "serial_number": "CAR-0001",
        "plate_number": "苏D·A1234",
        "model_name": "",
        "unit": unit.pk,
        "officer": "",
        "status": "in_use",
        "acquired_on": "",
    }
    data.update(overrides)
    return data


def test_a_board_leader_registers_a_vehicle_of_the_board(world, web):
    response = web(world.albert).post(reverse("orgs:equipment_add"), equipment_post(world.board_a))
    vehicle = Equipment.objects.get(serial_number="CAR-0001")
    assert response.status_code == 302 and response["Location"] == vehicle.get_absolute_url()


def test_a_vehicle_without_a_plate_is_refused(world, web):
    response = web(world.albert).post(
        reverse("orgs:equipment_add"), equipment_post(world.board_a, plate_number="")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "车牌号" in page and "执法车辆必须填写车牌号" in page
    assert not Equipment.objects.exists()


def test_equipment_cannot_be_issued_to_another_board(world, web):
    response = web(world.albert).post(reverse("orgs:equipment_add"), equipment_post(world.board_b))
    assert response.status_code == 200
    assert "所选项不存在或不在您的管辖范围内" in response.content.decode()
    assert not Equipment.objects.exists()


def test_the_equipment_list_filters_by_kind(world, web):
    make_equipment(world.board_a, serial="DSJ-777")
    make_equipment(world.board_a, EquipmentKind.VEHICLE, serial="CAR-888", plate="苏D·88888")
    page = web(world.dan).get(reverse("orgs:equipment_list"), {"kind": "vehicle"}).content.decode()
    assert "CAR-888" in page and "DSJ-777" not in page


# --------------------------------------------------------------------------------------- assignments


def test_the_assignment_page_shows_secondments_and_pairings_in_two_tables(world, web):
    Secondment.objects.create(officer=world.bruce.officer, region=world.board_a, start=today())
    Pairing.objects.create(officer=world.lily.officer, region=world.board_b, start=today(), note="挂钩备注")
    response = web(world.dan).get(reverse("orgs:assignment_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="secondment"' in page and 'id="pairing"' in page
    assert "布鲁斯" in page and "挂钩备注" in page
    assert reverse("orgs:secondment_add") in page and reverse("orgs:pairing_add") in page


def test_a_board_user_sees_only_the_assignments_to_the_own_board(world, web):
    Secondment.objects.create(officer=world.bruce.officer, region=world.board_a, start=today())
    Pairing.objects.create(officer=world.lily.officer, region=world.board_b, start=today(), note="牛塘挂钩")
    page = web(world.alice).get(reverse("orgs:assignment_list")).content.decode()
    assert "布鲁斯" in page and "牛塘挂钩" not in page
    assert reverse("orgs:secondment_add") not in page


def test_the_district_leader_seconds_a_brigade_officer_to_a_board(world, web):
    data = {
        "officer": world.bruce.officer_id,
        "region": world.board_a.pk,
        "start": today().isoformat(),
        "end": "",
    }
    response = web(world.dan).post(reverse("orgs:secondment_add"), data)
    assert response.status_code == 302
    assert (
        Secondment.objects.active_on(today())
        .filter(officer=world.bruce.officer, region=world.board_a)
        .exists()
    )


def test_a_secondment_cannot_end_before_it_starts(world, web):
    data = {
        "officer": world.bruce.officer_id,
        "region": world.board_a.pk,
        "start": today().isoformat(),
        "end": (today() - timedelta(days=3)).isoformat(),
    }
    response = web(world.dan).post(reverse("orgs:secondment_add"), data)
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not Secondment.objects.exists()


def test_a_board_officer_cannot_be_paired_with_a_board(world, web):
    data = {"officer": world.alice.officer_id, "region": world.board_b.pk, "start": today().isoformat()}
    response = web(world.dan).post(reverse("orgs:pairing_add"), data)
    assert response.status_code == 200
    assert "所选项不存在或不在您的管辖范围内" in response.content.decode()
    assert not Pairing.objects.exists()


# ------------------------------------------------------------------------------------------ regions


def test_the_board_page_lists_its_officers_enterprises_and_assigned_officers(world, web):
    from zhifa.core.testing import make_enterprise

    make_enterprise(world.board_a)
    Secondment.objects.create(officer=world.bruce.officer, region=world.board_a, start=today())
    Pairing.objects.create(officer=world.lily.officer, region=world.board_a, start=today())
    response = web(world.dan).get(world.board_a.get_absolute_url())
    page = response.content.decode()
    assert "艾丽" in page and "艾伯特" in page and "鲍勃" not in page
    assert response.context["enterprise_count"] == 1
    assert [s.officer for s in response.context["secondments"]] == [world.bruce.officer]
    assert [p.officer for p in response.context["pairings"]] == [world.lily.officer]


def test_the_board_list_counts_officers_per_board(world, web):
    response = web(world.dan).get(reverse("orgs:region_list"))
    counts = {r.name: r.officer_count for r in response.context["table"].data}
    assert counts["湖塘镇"] == 3 and counts["牛塘镇"] == 1


# ------------------------------------------------------------------------------------ query counts


def test_the_board_list_runs_a_constant_number_of_queries(world, web):
    made = iter(range(200, 300))

    def add(n):
        for _ in range(n):
            i = next(made)
            board = make_board(f"测试镇{i}", f"320412{i:03d}", short_name="测")
            make_officer(board, name=f"板块人员{i}")

    assert_constant_queries(web(world.dan), reverse("orgs:region_list"), add)


def test_the_officer_list_runs_a_constant_number_of_queries(world, web):
    assert_constant_queries(
        web(world.dan),
        reverse("orgs:officer_list"),
        lambda n: [make_officer(world.board_a) for _ in range(n)],
    )


def test_the_officer_list_of_a_board_user_runs_a_constant_number_of_queries(world, web):
    assert_constant_queries(
        web(world.albert),
        reverse("orgs:officer_list"),
        lambda n: [make_officer(world.board_a) for _ in range(n)],
    )


def test_the_certificate_list_runs_a_constant_number_of_queries(world, web):
    assert_constant_queries(
        web(world.dan),
        reverse("orgs:certificate_list"),
        lambda n: [make_officer(world.board_b) for _ in range(n)],
    )


def test_the_equipment_list_runs_a_constant_number_of_queries(world, web):
    def add(n):
        for _ in range(n):
            make_equipment(world.board_a, officer=world.alice.officer)

    assert_constant_queries(web(world.dan), reverse("orgs:equipment_list"), add)


def test_the_assignment_page_runs_a_constant_number_of_queries(world, web):
    made = iter(range(1, 100))

    def add(n):
        for _ in range(n):
            officer = make_officer(world.district, Post.BRIGADE_OFFICER)
            i = next(made)
            Secondment.objects.create(
                officer=officer, region=world.board_a, start=today() - timedelta(days=i)
            )
            Pairing.objects.create(officer=officer, region=world.board_b, start=today() - timedelta(days=i))

    assert_constant_queries(web(world.dan), reverse("orgs:assignment_list"), add)
