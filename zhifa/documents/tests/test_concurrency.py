"""Concurrent issuers on PostgreSQL: the row lock on the sequence hands out each number exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhifa.core import audit
from zhifa.core.testing import build_world

pytestmark = pytest.mark.postgres

THREADS = 20


def test_twenty_concurrent_issuers_take_numbers_one_to_twenty(
    audit_triggers_lifted, transactional_db, django_db_serialized_rollback, settings, tmp_path
):
    from zhifa.documents.models import DocumentSequence, IssuedDocument
    from zhifa.documents.services import issue

    settings.DATA_DIR = tmp_path
    world = build_world()
    board, user = world.board_a, world.alice
    barrier = threading.Barrier(THREADS)
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issuer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            content = {"fields": [{"label": "线程", "value": str(n)}], "date": "2026年11月29日"}
            document = issue("inspection_record", board, board, content, user=user)
            with lock:
                numbers.append(document.sequence)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issuer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert sorted(numbers) == list(range(1, THREADS + 1))
    documents = IssuedDocument.objects.filter(kind="inspection_record")
    assert documents.count() == THREADS
    assert len(set(documents.values_list("number", flat=True))) == THREADS
    assert DocumentSequence.objects.get(kind="inspection_record").last_number == THREADS
    assert audit.verify().ok
