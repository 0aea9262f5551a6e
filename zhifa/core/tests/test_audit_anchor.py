"""Signed anchors of the chain's head, kept outside the database, catch what the chain alone cannot.

The chain finds a changed or deleted row by its successor; it cannot see the newest rows deleted, nor
a chain rewritten and re-hashed by someone with the database in hand. An anchor signed with a key the
database does not hold can: `zhifa audit verify` checks every anchor against the rows.
"""

import json
import socket

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from zhifa.core import audit, crypto
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import make_enterprise
from zhifa.core.tests.test_audit_chain import _tamper

pytestmark = pytest.mark.django_db

SEED = "11" * 32  # a fixed Ed25519 seed: the tests never touch a real key file


@pytest.fixture(autouse=True)
def _keys_and_anchor_file(settings, tmp_path):
    settings.ZHIFA_AUDIT_SIGNING_KEY = SEED
    settings.ZHIFA_AUDIT_ANCHOR_FILE = tmp_path / "anchors.jsonl"
    return settings.ZHIFA_AUDIT_ANCHOR_FILE


def _verify(capsys, *args):
    """Run `zhifa audit verify`; return (exit status, stdout, stderr)."""
    try:
        call_command("audit", "verify", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def _anchor_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _other_public_key(tmp_path):
    pem = (
        Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    path = tmp_path / "other.pem"
    path.write_bytes(pem)
    return path


def test_anchor_writes_the_signed_head_and_records_itself(world, _keys_and_anchor_file, capsys, tmp_path):
    head = AuditEntry.objects.order_by("-id").first()
    call_command("audit", "anchor")
    assert f"#{head.pk}" in capsys.readouterr().out
    (anchor,) = _anchor_lines(_keys_and_anchor_file)
    assert (anchor["last_id"], anchor["last_hash"]) == (head.pk, head.hash)
    assert anchor["count"] == AuditEntry.objects.filter(id__lte=head.pk).count()
    assert anchor["chain_algorithm"] == head.algorithm and anchor["signature_algorithm"] == "ed25519"
    assert anchor["anchored_at"].endswith("+00:00") and anchor["anchored_local"][:4].isdigit()
    # The signature holds for the public key a verifier keeps, over everything but itself.
    call_command("audit", "public-key")
    public = crypto.load_public_key(capsys.readouterr().out)
    body = {k: v for k, v in anchor.items() if k != "signature"}
    assert crypto.verify_signature(audit._canonical_json(body), anchor["signature"], "ed25519", public)
    body["count"] += 1
    assert not crypto.verify_signature(audit._canonical_json(body), anchor["signature"], "ed25519", public)
    # Anchoring is itself in the chain, after the head it anchored.
    row = AuditEntry.objects.order_by("-id").first()
    assert row.action == AuditAction.ANCHOR and row.pk > head.pk and f"#{head.pk}" in row.message

    key_file = tmp_path / "audit.pem"
    key_file.write_text(crypto.public_key_pem())
    code, out, err = _verify(capsys, "--public-key", str(key_file))
    assert code == 0 and "与 1 个锚定一致" in out and not err


def test_the_generated_signing_key_is_kept_private_and_reused(settings, tmp_path):
    settings.ZHIFA_AUDIT_SIGNING_KEY = ""
    settings.DATA_DIR = tmp_path
    first = crypto.public_key_pem()
    path = tmp_path / "keys" / "audit-signing.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert crypto.public_key_pem() == first


def test_a_malformed_signing_key_is_refused_by_name(settings, capsys):
    settings.ZHIFA_AUDIT_SIGNING_KEY = "not a key"
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "anchor")
    assert exc.value.code == 2
    assert "ZHIFA_AUDIT_SIGNING_KEY" in capsys.readouterr().err


def test_deleting_the_newest_rows_passes_the_chain_but_not_the_anchor(world, capsys):
    call_command("audit", "anchor")
    anchored = _anchor_lines(audit.settings.ZHIFA_AUDIT_ANCHOR_FILE)[0]["last_id"]
    _tamper("DELETE FROM core_auditentry WHERE id >= %s", [anchored - 2])
    assert audit.verify().ok  # what is left still links: the chain alone cannot tell
    code, _, err = _verify(capsys)
    assert code == 1
    assert "第 1 行" in err and f"#{anchored}" in err and "截断" in err


def test_rewriting_a_row_and_rehashing_the_chain_is_caught_by_the_anchor(world, capsys):
    make_enterprise(world.board_a)
    call_command("audit", "anchor")
    rows = list(AuditEntry.objects.order_by("id"))
    target = rows[len(rows) // 2]
    # An attacker with the database in hand changes a row and recomputes every hash after it.
    prev = target.prev_hash
    for row in rows[rows.index(target) :]:
        row.prev_hash = prev
        if row.pk == target.pk:
            row.message = "改写过的说明"
        row.hash = audit.compute_hash(row)
        _tamper(
            "UPDATE core_auditentry SET message = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [row.message, row.prev_hash, row.hash, row.pk],
        )
        prev = row.hash
    assert audit.verify().ok
    code, _, err = _verify(capsys)
    assert code == 1 and "第 1 行" in err and "重新计算" in err


def test_altering_a_row_is_named_at_that_row(world, capsys):
    call_command("audit", "anchor")
    target = AuditEntry.objects.order_by("id")[2]
    _tamper("UPDATE core_auditentry SET username = %s WHERE id = %s", ["mallory", target.pk])
    code, _, err = _verify(capsys)
    assert code == 1 and f"记录 #{target.pk}" in err and "篡改" in err


def test_a_forged_anchor_line_is_an_error_naming_the_line(world, _keys_and_anchor_file, capsys):
    call_command("audit", "anchor")
    make_enterprise(world.board_a)
    call_command("audit", "anchor")
    lines = _keys_and_anchor_file.read_text(encoding="utf-8").splitlines()
    forged = json.loads(lines[1])
    forged["count"] -= 3  # to hide three deleted rows, say
    _keys_and_anchor_file.write_text(lines[0] + "\n" + json.dumps(forged) + "\n", encoding="utf-8")
    code, _, err = _verify(capsys)
    assert code == 1 and "锚定文件第 2 行" in err and "签名无效" in err

    _keys_and_anchor_file.write_text(lines[0] + "\n" + lines[1][:40] + "\n", encoding="utf-8")
    code, _, err = _verify(capsys)
    assert code == 1 and "第 2 行不是有效的 JSON" in err


def test_anchors_do_not_verify_under_another_public_key(world, capsys, tmp_path):
    call_command("audit", "anchor")
    code, _, err = _verify(capsys, "--public-key", str(_other_public_key(tmp_path)))
    assert code == 1 and "第 1 行" in err and "公钥" in err

    (tmp_path / "junk.pem").write_text("-----BEGIN PUBLIC KEY-----\nxyz\n")
    code, _, err = _verify(capsys, "--public-key", str(tmp_path / "junk.pem"))
    assert code == 2 and "--public-key" in err and "PEM" in err


def test_a_missing_anchor_file_is_only_a_warning(world, capsys, tmp_path):
    code, out, err = _verify(capsys, "--anchors", str(tmp_path / "nowhere.jsonl"))
    assert code == 0 and "通过" in out
    assert "警告" in err and "nowhere.jsonl" in err and "不存在" in err


def test_anchor_to_syslog_and_verify_from_the_syslog_lines(world, settings, capsys, tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
        server.bind(("127.0.0.1", 0))
        server.settimeout(5)
        settings.ZHIFA_AUDIT_SYSLOG = f"127.0.0.1:{server.getsockname()[1]}"
        call_command("audit", "anchor", "--syslog")
        message = server.recv(4096).decode("utf-8").rstrip("\x00")
    assert "syslog" in capsys.readouterr().out
    assert not settings.ZHIFA_AUDIT_ANCHOR_FILE.exists()  # only where asked
    assert message.startswith("<") and "zhifa-audit-anchor: {" in message
    # What the syslog server keeps, a date and host in front, is read back as it stands.
    kept = tmp_path / "messages"
    kept.write_text(f"Dec  6 22:00:01 zhifa-host {message[message.index('>') + 1 :]}\nDec  6 other stuff\n")
    code, out, err = _verify(capsys, "--anchors", str(kept))
    assert code == 0 and "与 1 个锚定一致" in out
    assert "第 2 行不是锚定记录" in err


def test_a_bad_syslog_address_is_refused_by_name(settings, world, capsys):
    settings.ZHIFA_AUDIT_SYSLOG = "no-port-here"
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "anchor", "--syslog")
    assert exc.value.code == 2 and "ZHIFA_AUDIT_SYSLOG" in capsys.readouterr().err


def test_an_unwritable_anchor_file_is_refused_by_name(world, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "anchor", "--file", str(tmp_path / "missing-dir" / "a.jsonl"))
    assert exc.value.code == 2 and "missing-dir" in capsys.readouterr().err


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_truncation_is_found_exactly_when_it_reaches_an_anchor(world, data):
    """Anchors taken at random moments; the newest k rows deleted: detected iff an anchored row went."""
    anchor_file = audit.settings.ZHIFA_AUDIT_ANCHOR_FILE
    with transaction.atomic():
        anchor_file.write_text("")
        anchored = []
        for _ in range(data.draw(st.integers(1, 3), label="anchors")):
            for _ in range(data.draw(st.integers(0, 3), label="rows between")):
                audit.record(AuditAction.SYSTEM, object_type="test", message="工作")
            anchor = audit.make_anchor()
            audit.append_anchor_file(anchor_file, anchor)
            anchored.append(anchor["last_id"])
        ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
        k = data.draw(st.integers(0, min(8, len(ids) - 1)), label="deleted newest rows")
        if k:
            _tamper("DELETE FROM core_auditentry WHERE id >= %s", [ids[-k]])
        result = audit.verify(anchor_file=anchor_file)
        assert result.ok == (k == 0 or max(anchored) < ids[-k])
        transaction.set_rollback(True)


def test_verify_never_makes_a_key_of_its_own(world, settings, capsys, tmp_path):
    call_command("audit", "anchor")
    settings.ZHIFA_AUDIT_SIGNING_KEY = ""
    settings.DATA_DIR = tmp_path / "lost"
    code, _, err = _verify(capsys)
    assert code == 2 and "不存在" in err and "--public-key" in err
    assert not (tmp_path / "lost" / "keys" / "audit-signing.key").exists()
