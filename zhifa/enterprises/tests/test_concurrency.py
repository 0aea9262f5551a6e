"""Concurrent edits of one enterprise on PostgreSQL: one wins, the others are told, nothing is lost.

Each of 20 threads stands for a user who opened the edit page (read version N) and saves a change of
their own at the same moment. Optimistic locking (``services.save_enterprise`` takes the row lock and
compares versions) must let exactly one change through and answer the other 19 with the conflict
message users see; the row then holds the winner's change, its version went up once, and the change is
in the audit chain.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhifa.core import audit
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.testing import build_world, make_enterprise
from zhifa.enterprises import services
from zhifa.enterprises.models import Enterprise

pytestmark = pytest.mark.postgres

THREADS = 20


def conflict_message(current: int, yours: int) -> str:
    return f"该企业已被他人修改（当前版本 {current}，您编辑的是版本 {yours}），请刷新后重新填写。"


def at_once(prepare, act):
    """``prepare(n)`` runs in each thread before the start line, ``act(n, prepared)`` right after it."""
    barrier = threading.Barrier(THREADS)
    results: dict[int, object] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            prepared = prepare(n)
            barrier.wait(timeout=30)
            outcome = act(n, prepared)
            with lock:
                results[n] = outcome
        except BaseException as exc:  # reported by the caller
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert len(results) == THREADS
    return results


def audited_updates(enterprise: Enterprise, since: int) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            pk__gt=since,
            action=AuditAction.UPDATE,
            object_type="enterprises.enterprise",
            object_id=str(enterprise.pk),
        )
    )


def save_through_service(user, with_version: bool):
    def act(n: int, mine: Enterprise):
        try:
            with audit.audit_context(user=user, source="web"):  # as the request middleware sets it
                services.save_enterprise(
                    mine, user=user, expected_version=mine.version if with_version else None
                )
        except services.ConcurrentEditError as exc:
            return ("conflict", exc.messages[0])
        return ("saved", mine.address)

    return act


@pytest.mark.parametrize("with_version", [True, False], ids=["version-sent", "version-as-loaded"])
def test_twenty_concurrent_edits_through_the_service_keep_exactly_one(
    with_version, audit_triggers_lifted, transactional_db, django_db_serialized_rollback, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    world = build_world()
    enterprise = make_enterprise(world.board_a)
    start = enterprise.version
    mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def prepare(n: int) -> Enterprise:
        mine = Enterprise.objects.get(pk=enterprise.pk)  # each user read the same version
        mine.address = f"湖塘镇并发路 {n + 1} 号"
        return mine

    results = at_once(prepare, save_through_service(world.alice, with_version))

    saved = [address for kind, address in results.values() if kind == "saved"]
    conflicts = [message for kind, message in results.values() if kind == "conflict"]
    assert (len(saved), len(conflicts)) == (1, THREADS - 1)
    assert set(conflicts) == {conflict_message(start + 1, start)}
    row = Enterprise.objects.get(pk=enterprise.pk)
    assert (row.address, row.version) == (saved[0], start + 1)
    updates = audited_updates(enterprise, mark)
    assert [(u.after["address"], u.after["version"], u.username) for u in updates] == [
        (saved[0], start + 1, "alice")
    ]
    assert audit.verify().ok


def test_twenty_concurrent_edits_through_the_api_answer_one_200_and_nineteen_409(
    api, audit_triggers_lifted, transactional_db, django_db_serialized_rollback, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    world = build_world()
    enterprise = make_enterprise(world.board_a)
    url = f"/api/v1/enterprises/{enterprise.pk}/"
    read = api(world.alice).get(url)
    assert read.status_code == 200, read.content
    version = read.json()["version"]
    mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def act(n: int, client):
        address = f"湖塘镇接口路 {n + 1} 号"
        response = client.patch(url, {"address": address, "version": version}, format="json")
        return response.status_code, address, response.json()

    results = at_once(lambda n: api(world.alice), act)

    by_status: dict[int, list] = {}
    for status, address, body in results.values():
        by_status.setdefault(status, []).append((address, body))
    assert sorted((status, len(v)) for status, v in by_status.items()) == [(200, 1), (409, THREADS - 1)]
    [(winner, body)] = by_status[200]
    assert (body["address"], body["version"]) == (winner, version + 1)
    assert {b["detail"] for _, b in by_status[409]} == {conflict_message(version + 1, version)}
    row = Enterprise.objects.get(pk=enterprise.pk)
    assert (row.address, row.version) == (winner, version + 1)
    updates = audited_updates(enterprise, mark)
    assert [(u.after["address"], u.username, u.source) for u in updates] == [(winner, "alice", "api")]
    assert audit.verify().ok
