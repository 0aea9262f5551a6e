"""Concurrent transitions on PostgreSQL: the row lock on the case lets exactly one of them through."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhifa.cases import services
from zhifa.cases.choices import CaseStatus
from zhifa.cases.models import Case, CaseEvent, LegalReview
from zhifa.cases.tests.helpers import new_case, review_data, walk
from zhifa.cases.workflow import Refused
from zhifa.core import audit
from zhifa.core.choices import AuditAction
from zhifa.core.models import AuditEntry
from zhifa.core.roles import Role
from zhifa.core.testing import build_world, make_officer, make_user
from zhifa.orgs.choices import Post

pytestmark = pytest.mark.postgres


def run_at_once(workers, target):
    barrier = threading.Barrier(len(workers))
    done: list[object] = []
    refused: list[BaseException] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(worker):
        try:
            barrier.wait(timeout=30)
            result = target(worker)
            with lock:
                done.append(result)
        except Refused as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return done, refused, errors


def test_two_reviewers_approving_at_once_give_exactly_one_transition(
    audit_triggers_lifted, transactional_db, django_db_serialized_rollback, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    world = build_world()
    officer = make_officer(world.district, Post.LEGAL_REVIEWER, name="莉萨")
    officer.legal_qualification, officer.legal_qualification_number = True, "A20193204120021"
    officer.save()
    lisa = make_user("lisa", Role.LEGAL_REVIEWER, officer=officer)
    case = walk(world, new_case(world), until="approve_handling")
    assert case.status == CaseStatus.LEGAL_REVIEW

    done, refused, errors = run_at_once(
        [world.lily, lisa], lambda reviewer: services.perform(case, "legal_review", reviewer, review_data())
    )

    assert not errors, errors
    assert (len(done), len(refused)) == (1, 1)
    assert "办案程序顺序" in refused[0].rule
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.REVIEWED
    assert CaseEvent.objects.filter(case=case, transition="legal_review").count() == 1
    assert LegalReview.objects.get(case=case).outcome == "approve"
    assert audit.verify().ok


def test_fifty_concurrent_attempts_at_one_transition_give_exactly_one(
    audit_triggers_lifted, transactional_db, django_db_serialized_rollback, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    world = build_world()
    case = walk(world, new_case(world), until="submit_registration")

    done, refused, errors = run_at_once(
        list(range(50)),
        lambda n: services.perform(
            case, "review_registration", world.albert, {"outcome": "agree", "opinion": f"同意{n}"}
        ),
    )

    assert not errors, errors
    assert (len(done), len(refused)) == (1, 49)
    assert all("办案程序顺序" in exc.rule for exc in refused)
    assert CaseEvent.objects.filter(case_id=case.pk, transition="review_registration").count() == 1
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTRATION_APPROVAL
    transitions = AuditEntry.objects.filter(
        action=AuditAction.TRANSITION, object_type="cases.case", object_id=str(case.pk)
    )
    assert [e.after["step"] for e in transitions.order_by("pk")].count("review_registration") == 1
    assert audit.verify().ok
