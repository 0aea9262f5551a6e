"""Sessions and attendance: a lecturer for 轮流授课, board scoping (district sessions read by all, changed
by the district only), the attendance register, and a constant number of queries per list."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhifa.core.testing import make_officer
from zhifa.training import services
from zhifa.training.models import Attendance, TrainingSession
from zhifa.training.tests.helpers import attend, make_session

pytestmark = pytest.mark.django_db


def session_form(board, **overrides):
    data = {
        "board": board.pk if board else "",
        "kind": "centralized",
        "title": "危险化学品检查要点",
        "date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "hours": "3",
        "lecturer": "",
        "place": "镇政府三楼会议室",
        "note": "",
    }
    data.update(overrides)
    return data


def test_rotating_lectures_need_a_lecturer(world, web, api):
    session = TrainingSession(
        board=world.board_a, kind="rotating", title="轮讲", date=date(2026, 3, 1), hours=2
    )
    with pytest.raises(ValidationError) as caught:
        services.save_session(session)
    assert "轮流授课必须填写授课人" in caught.value.message_dict["lecturer"][0]
    response = web(world.albert).post(
        reverse("training:session_add"), session_form(world.board_a, kind="rotating")
    )
    assert response.status_code == 200 and "轮流授课必须填写授课人" in response.content.decode()
    response = web(world.albert).post(
        reverse("training:session_add"),
        session_form(world.board_a, kind="rotating", lecturer=world.alice.officer.pk),
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().lecturer == world.alice.officer
    bad = api(world.albert).post(
        "/api/v1/trainings/",
        {"board": world.board_a.pk, "kind": "rotating", "title": "轮讲", "date": "2026-03-01", "hours": "2"},
        format="json",
    )
    assert bad.status_code == 400 and "授课人" in bad.json()["lecturer"][0]


def test_a_board_leader_organises_for_the_own_board_only(world, web, api):
    response = web(world.albert).post(reverse("training:session_add"), session_form(world.board_b))
    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    response = web(world.albert).post(reverse("training:session_add"), session_form(None))
    assert response.status_code == 200
    assert not TrainingSession.objects.exists()
    refused = api(world.albert).post(
        "/api/v1/trainings/",
        {"board": None, "kind": "drill", "title": "练兵", "date": "2026-03-01", "hours": "2"},
        format="json",
    )
    assert refused.status_code == 400 and "本板块" in refused.json()["board"][0]
    district = web(world.dan).post(reverse("training:session_add"), session_form(None))
    assert district.status_code == 302
    assert TrainingSession.objects.get().board is None


def test_boards_read_their_own_and_the_districts_sessions(world, web, api):
    own = make_session(world.board_a, title="湖塘练兵")
    theirs = make_session(world.board_b, title="牛塘练兵")
    district = make_session(None, title="全区集中培训")
    page = web(world.albert).get(reverse("training:session_list")).content.decode()
    assert "湖塘练兵" in page and "全区集中培训" in page and "牛塘练兵" not in page
    assert web(world.albert).get(reverse("training:session_detail", args=[theirs.pk])).status_code == 404
    assert api(world.albert).get(f"/api/v1/trainings/{theirs.pk}/").status_code == 404
    assert web(world.albert).get(reverse("training:session_detail", args=[district.pk])).status_code == 200
    # The district's session is the district's to change and to record.
    assert web(world.albert).get(reverse("training:session_edit", args=[district.pk])).status_code == 404
    assert web(world.albert).get(reverse("training:attendance", args=[district.pk])).status_code == 404
    assert web(world.albert).get(reverse("training:attendance", args=[own.pk])).status_code == 200
    assert web(world.dan).get(reverse("training:attendance", args=[district.pk])).status_code == 200
    assert web(world.alice).get(reverse("training:attendance", args=[own.pk])).status_code == 403


def test_the_register_records_attendance_hours_and_scores(world, web):
    session = make_session(world.board_a, hours="4")
    url = reverse("training:attendance", args=[session.pk])
    page = web(world.albert).get(url).content.decode()
    assert "艾丽" in page and "艾伯特" in page
    assert "艾米" not in page  # auxiliary staff are not on the register
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2"}
    for i, (officer, attended, hours, score) in enumerate(
        [(world.alice.officer, "on", "", "88"), (world.albert.officer, "", "", "")]
    ):
        data.update(
            {f"form-{i}-officer": officer.pk, f"form-{i}-hours": hours, f"form-{i}-exam_score": score}
        )
        if attended:
            data[f"form-{i}-attended"] = attended
    response = web(world.albert).post(url, data)
    assert response.status_code == 302
    row = Attendance.objects.get()
    assert (row.officer, row.hours, row.exam_score, row.passed) == (
        world.alice.officer,
        Decimal("4"),
        88,
        True,
    )
    # Correcting the row, with too many hours for a bad value: refused naming the officer.
    data["form-0-hours"] = "5"
    response = web(world.albert).post(url, data)
    assert "艾丽：计入学时不能超过本次培训学时（4）" in response.content.decode()
    assert Attendance.objects.get().hours == Decimal("4")


def test_the_register_refuses_an_officer_not_on_the_list(world, web):
    session = make_session(world.board_a)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-officer": world.bob.officer.pk,
        "form-0-attended": "on",
    }
    response = web(world.albert).post(reverse("training:attendance", args=[session.pk]), data)
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_absence_counts_no_hours_and_carries_no_score(world):
    session = make_session(world.board_a, hours="4")
    row = attend(session, world.alice.officer, attended=False)
    assert row.hours == 0 and row.passed is None
    with pytest.raises(ValidationError) as caught:
        attend(session, world.albert.officer, attended=False, score=70)
    assert "未出勤不能登记考试成绩" in caught.value.message_dict["rows"][0]


def test_a_session_not_yet_held_takes_no_attendance(world):
    session = make_session(world.board_a, on=timezone.localdate() + timedelta(days=3))
    with pytest.raises(ValidationError) as caught:
        attend(session, world.alice.officer)
    assert "尚未举行" in caught.value.message_dict["rows"][0]


def test_the_detail_page_lists_the_attendance(world, web):
    session = make_session(world.board_a, kind="case_review")
    attend(session, world.alice.officer, score=55)
    page = web(world.alice).get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert "艾丽" in page and "不合格" in page


def test_the_session_list_and_api_run_a_constant_number_of_queries(world, web, api):
    def count(client, url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    lecturer = world.alice.officer
    attend(make_session(world.board_a, kind="rotating", lecturer=lecturer), world.albert.officer)
    page = count(web(world.dan), reverse("training:session_list"))
    endpoint = count(api(world.dan), "/api/v1/trainings/")
    for n in range(8):
        session = make_session(world.board_b if n % 2 else None, kind="rotating", lecturer=lecturer)
        attend(session, make_officer(world.board_b))
        attend(session, world.bob.officer)
    assert count(web(world.dan), reverse("training:session_list")) == page
    assert count(api(world.dan), "/api/v1/trainings/") == endpoint


def test_attendance_through_the_api(world, api):
    session = make_session(world.board_a, hours="2")
    url = f"/api/v1/trainings/{session.pk}/attendance/"
    response = api(world.albert).post(
        url, {"rows": [{"officer": world.alice.officer.pk, "exam_score": "61"}]}, format="json"
    )
    assert response.status_code == 201, response.json()
    row = response.json()["attendances"][0]
    assert (row["officer_name"], row["hours"], row["passed"]) == ("艾丽", "2.0", True)
    other = api(world.albert).post(url, {"rows": [{"officer": world.bob.officer.pk}]}, format="json")
    assert other.status_code == 400 and "管辖范围" in str(other.json())
    empty = api(world.albert).post(url, {"rows": []}, format="json")
    assert empty.status_code == 400
