"""Personal data at rest and on screen: SM4 ciphertext in the tables, search and uniqueness by keyed
hash, masked everywhere by default, full only on an explicit, audited action; exports audited."""

from __future__ import annotations

from io import BytesIO, StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook

from zhifa.cases import services as case_services
from zhifa.cases.choices import PartyKind, Procedure, SourceKind
from zhifa.cases.tests.helpers import partner
from zhifa.core import crypto, importing, personal
from zhifa.core.choices import AuditAction
from zhifa.core.fields import check_data_key, encrypt_columns
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise, make_officer, valid_id_number
from zhifa.enterprises.io import ENTERPRISES
from zhifa.orgs.io import OFFICERS
from zhifa.orgs.models import Officer

OTHER_KEY = "00112233445566778899aabbccddeeff"


def raw(model, pk, *columns):
    names = ", ".join(model._meta.get_field(c).column for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {names} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def person_case(world, **fields):
    return case_services.create_case(
        user=world.alice,
        board=world.board_a,
        officers=[world.alice.officer, partner(world)],
        procedure=Procedure.GENERAL,
        source_kind=SourceKind.COMPLAINT,
        party_kind=PartyKind.PERSON,
        party_name="王小明",
        party_code=fields.pop("party_code", valid_id_number(777, birth="19900315")),
        party_phone=fields.pop("party_phone", "13912345678"),
        cause="未取得特种作业操作证上岗作业",
        facts="擅自从事电焊作业。",
        **fields,
    )


# --- At rest --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_table_holds_ciphertext_and_a_hash_never_the_plaintext(world):
    officer = make_officer(world.board_a)
    id_number, phone, id_hash = raw(Officer, officer.pk, "id_number", "phone", "id_number_hash")
    assert officer.id_number not in id_number and officer.phone not in phone
    assert id_number.startswith("sm4gcm:" + crypto.data_key_id() + ":")
    assert id_hash == crypto.search_hash(crypto.HASH_ID_NUMBER, officer.id_number)
    assert Officer.objects.get(pk=officer.pk).id_number == officer.id_number  # read back decrypted

    case = person_case(world)
    code, party_phone = raw(type(case), case.pk, "party_code", "party_phone")
    assert case.party_code not in code and "13912345678" not in party_phone


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_error_not_garbage(world):
    officer = make_officer(world.board_a)
    with override_settings(ZHIFA_DATA_KEY=OTHER_KEY, ZHIFA_DATA_KEY_RETIRED=[]):
        with pytest.raises(crypto.DataKeyError, match="ZHIFA_DATA_KEY"):
            Officer.objects.get(pk=officer.pk)
    stored = raw(Officer, officer.pk, "id_number")[0]
    tampered = stored[:-3] + ("AAA" if not stored.endswith("AAA") else "BBB")
    with pytest.raises(crypto.DataKeyError, match="校验失败|损坏"):
        crypto.decrypt(tampered)


@pytest.mark.django_db
def test_a_retired_key_still_reads_and_rekey_moves_values_to_the_new_key(world, settings):
    officer = make_officer(world.board_a)
    old = settings.ZHIFA_DATA_KEY
    settings.ZHIFA_DATA_KEY, settings.ZHIFA_DATA_KEY_RETIRED = OTHER_KEY, [old]
    assert Officer.objects.get(pk=officer.pk).id_number == officer.id_number
    call_command("personal_data", "rekey", stdout=StringIO())
    assert raw(Officer, officer.pk, "id_number")[0].split(":")[1] == crypto.data_key_id()
    found = Officer.objects.filter(id_number_hash=crypto.search_hash("id_number", officer.id_number))
    assert list(found) == [officer]  # the hashes follow the new key
    settings.ZHIFA_DATA_KEY_RETIRED = []
    assert Officer.objects.get(pk=officer.pk).id_number == officer.id_number


def test_a_malformed_key_is_refused_at_start(tmp_path):
    with pytest.raises(crypto.DataKeyError, match="32 位十六进制"):
        crypto.load_data_key(tmp_path, "not-hex")
    key, source = crypto.load_data_key(tmp_path, None)
    assert len(key) == 32 and source == str(tmp_path / "keys" / "data.key")
    assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "keys" / "data.key").stat().st_mode & 0o777 == 0o600
    assert crypto.load_data_key(tmp_path, None)[0] == key  # created once


def test_the_deploy_check_warns_when_the_key_sits_in_the_data_directory(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.ZHIFA_DATA_KEY_SOURCE = str(tmp_path / "keys" / "data.key")
    assert [w.id for w in check_data_key()] == ["zhifa.W101"]
    settings.ZHIFA_DATA_KEY_SOURCE = "/run/secrets/zhifa-data-key"
    assert check_data_key() == []
    settings.ZHIFA_DATA_KEY_SOURCE = "env"
    assert check_data_key() == []


@hsettings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_encrypt_then_decrypt_gives_the_text_back_and_never_shows_it(text):
    stored = crypto.encrypt(text)
    assert crypto.decrypt(stored) == text
    assert crypto.is_ciphertext(stored)
    assert len(stored) <= crypto.ciphertext_length(max(len(text), 1))
    if len(text) >= 4:
        assert text not in stored.split(":", 2)[2] or len(set(text)) == 1


# --- Search and uniqueness -------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_an_exact_id_number_or_phone_through_the_hash_only(world, web):
    officer = make_officer(world.board_a)
    client = web(world.dan)
    url = reverse("orgs:officer_list")
    assert officer.name in client.get(url, {"q": officer.id_number.lower()}).content.decode()
    assert (
        officer.name in client.get(url, {"q": officer.phone[:3] + " " + officer.phone[3:]}).content.decode()
    )
    assert officer.name not in client.get(url, {"q": officer.id_number[:10]}).content.decode()
    with pytest.raises(FieldError, match="已加密存储"):
        list(Officer.objects.filter(id_number=officer.id_number))


@pytest.mark.django_db
def test_the_case_api_search_finds_the_partys_id_number_exactly(world, api):
    case = person_case(world)
    found = api(world.alice).get("/api/v1/cases/", {"search": case.party_code}).json()["results"]
    assert [c["id"] for c in found] == [case.pk]


@pytest.mark.django_db
def test_an_id_number_is_unique_through_its_hash_with_the_error_on_the_field(world):
    existing = world.alice.officer
    twin = Officer(name="重复", id_number=existing.id_number.lower(), unit=world.board_a, post=existing.post)
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "身份证号码已登记" in caught.value.message_dict["id_number"][0]
    twin.id_number = existing.id_number
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


# --- Masking and unmasking -------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_may_unmask_a_partys_number_and_every_unmasking_is_audited(world, web):
    case = person_case(world)
    url = reverse("cases:case_unmask", args=[case.pk, "party_code"])
    for persona in ("alice", "lily", "amy"):
        page = web(getattr(world, persona)).get(case.get_absolute_url()).content.decode()
        assert case.party_code not in page and personal.mask(crypto.HASH_ID_NUMBER, case.party_code) in page
        assert (url in page) == (persona != "amy"), persona  # the safety manager gets no button
    assert web(world.amy).post(url).status_code == 403
    assert web(world.bob).post(url).status_code in (403, 404)  # another board's officer
    response = web(world.lily).post(url)
    assert case.party_code in response.content.decode()
    row = AuditEntry.objects.filter(action=AuditAction.UNMASK, object_id=str(case.pk)).get()
    assert row.username == "lily" and row.after == {"fields": ["party_code"], "via": "web"}
    assert case.party_code not in row.message + str(row.after) + row.object_repr


@pytest.mark.django_db
def test_a_units_credit_code_is_shown_as_is_and_its_contacts_phone_masked(world, web):
    enterprise = make_enterprise(world.board_a, contact_phone="13912340000")
    case = case_services.create_case(
        user=world.alice,
        enterprise=enterprise,
        officers=[world.alice.officer, partner(world)],
        procedure=Procedure.GENERAL,
        source_kind=SourceKind.INSPECTION,
        cause="未按规定培训",
        facts="查实。",
    )
    assert case.party_phone == "13912340000"  # taken from the enterprise's safety contact
    page = web(world.amy).get(case.get_absolute_url()).content.decode()
    assert enterprise.uscc in page
    assert "13912340000" not in page and "139****0000" in page


@pytest.mark.django_db
def test_an_edit_form_shows_masked_values_and_keeps_them_when_unchanged(world, web):
    officer = make_officer(world.board_a)
    client = web(world.albert)
    url = reverse("orgs:officer_edit", args=[officer.pk])
    page = client.get(url).content.decode()
    assert officer.id_number not in page and officer.masked_id_number in page
    form = {
        "name": "改名",
        "id_number": officer.masked_id_number,
        "phone": officer.masked_phone,
        "unit": officer.unit_id,
        "post": officer.post,
        "employment": officer.employment,
        "active": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    saved = Officer.objects.get(pk=officer.pk)
    assert (saved.name, saved.id_number, saved.phone) == ("改名", officer.id_number, officer.phone)


ID_NUMBERS = st.builds(
    lambda n, b: valid_id_number(n, birth=b), st.integers(0, 999), st.sampled_from(["19700101", "19991231"])
)
PHONES = st.from_regex(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}", fullmatch=True)


@hsettings(max_examples=80, deadline=None)
@given(ID_NUMBERS, PHONES)
def test_masks_never_reveal_more_than_the_kept_digits(id_number, phone):
    masked_id = personal.mask(crypto.HASH_ID_NUMBER, id_number)
    assert len(masked_id) == len(id_number)
    assert masked_id[:6] == id_number[:6] and masked_id[-4:] == id_number[-4:]
    assert set(masked_id[6:-4]) == {"*"}
    masked_phone = personal.mask(crypto.HASH_PHONE, phone)
    shown = [ch for ch in masked_phone if ch != "*"]
    assert len(shown) <= 7 and "*" in masked_phone
    assert masked_phone != phone


# --- Exports ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_exports_are_full_or_masked_by_permission_and_the_audit_says_which(world):
    enterprise = make_enterprise(world.board_a, contact_name="张三", contact_phone="13912340000")
    for user, expect in ((world.alice, "13912340000"), (world.lily, "139****0000")):
        data, _count = importing.export_xlsx(ENTERPRISES, user, {})
        sheet = load_workbook(BytesIO(data)).active
        column = ENTERPRISES.titles.index("联系电话")
        values = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert expect in values, (user, values)
        row = AuditEntry.objects.filter(action=AuditAction.EXPORT, username=user.username).latest("id")
        state = "full" if user is world.alice else "masked"
        assert row.after["personal"] == {"contact_phone": state}
        assert ("完整" if state == "full" else "打码") in row.message
    assert enterprise.contact_phone == "13912340000"
    _data, _count = importing.export_xlsx(OFFICERS, world.albert, {})
    row = AuditEntry.objects.filter(action=AuditAction.EXPORT, username="albert").latest("id")
    assert row.after["personal"] == {"id_number": "full", "phone": "full"}


# --- Data migration -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_data_migration_encrypts_plaintext_rows_and_reverses(world):
    officer = make_officer(world.board_a)
    number, phone = officer.id_number, officer.phone
    with connection.cursor() as cursor:  # a row as it stood before encryption
        cursor.execute(
            "UPDATE orgs_officer SET id_number = %s, phone = %s, id_number_hash = NULL WHERE id = %s",
            [number, phone, officer.pk],
        )
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    operation = encrypt_columns("orgs", "officer", {"id_number": "id_number", "phone": "phone"})
    operation.code(apps, editor)
    stored, stored_phone, hashed = raw(Officer, officer.pk, "id_number", "phone", "id_number_hash")
    assert crypto.decrypt(stored) == number and crypto.decrypt(stored_phone) == phone
    assert hashed == crypto.search_hash("id_number", number)
    operation.code(apps, editor)  # twice changes nothing
    assert raw(Officer, officer.pk, "id_number")[0] == stored
    operation.reverse_code(apps, editor)
    assert raw(Officer, officer.pk, "id_number", "phone") == (number, phone)


@pytest.mark.django_db
def test_the_api_unmasks_one_record_on_request_for_permitted_roles_only(world, api):
    case = person_case(world)
    url = f"/api/v1/cases/{case.pk}/"
    masked = personal.mask(crypto.HASH_ID_NUMBER, case.party_code)
    assert api(world.alice).get(url).json()["party_code"] == masked  # not without asking
    assert api(world.amy).get(url + "?unmask=1").json()["party_code"] == masked  # no permission
    listed = api(world.dan).get("/api/v1/officers/?unmask=1").json()["results"]
    assert listed and all("*" in o["id_number"] for o in listed)  # lists are always masked
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()
    body = api(world.alice).get(url + "?unmask=1").json()
    assert (body["party_code"], body["party_phone"]) == (case.party_code, "13912345678")
    row = AuditEntry.objects.get(action=AuditAction.UNMASK)
    assert row.username == "alice" and row.after == {"fields": ["party_code", "party_phone"], "via": "api"}


@pytest.mark.django_db
def test_a_case_from_a_source_offers_the_contacts_phone_masked_and_keeps_it(world, web):
    from zhifa.cases.models import Case
    from zhifa.cases.tests.test_pages import queued_hazard_source

    source = queued_hazard_source(world)
    Enterprise = type(source.enterprise)
    Enterprise.objects.filter(pk=source.enterprise_id).update(contact_phone="13912340000")
    client = web(world.alice)
    url = reverse("cases:case_from_source", args=[source.pk])
    page = client.get(url).content.decode()
    assert "13912340000" not in page and "139****0000" in page
    response = client.post(
        url,
        {
            "procedure": "general",
            "party_kind": "unit",
            "party_phone": "139****0000",
            "cause": "未按规定对从业人员进行安全生产教育和培训",
            "facts": "3名新员工未经安全生产教育和培训即上岗作业。",
            "officers": [world.alice.officer.pk, partner(world).pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert Case.objects.get(source=source).party_phone == "13912340000"


def test_a_generated_key_file_is_private_and_never_overwritten(tmp_path):
    """Workers starting together each try to create the key: the first file stays, the others read it."""
    path = tmp_path / "keys" / "data.key"
    crypto.create_private_file(path, b"first\n")
    crypto.create_private_file(path, b"second\n")
    assert path.read_bytes() == b"first\n"
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    key, origin = crypto.load_data_key(tmp_path / "other", None)
    assert origin.endswith("data.key") and crypto.load_data_key(tmp_path / "other", None) == (key, origin)
