"""人员配备: the "1+3+6" fill of each board, certified officers, expiring certificates, assignments."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.core.testing import make_board, make_officer, today
from zhifa.orgs.choices import CertificateStatus, Post
from zhifa.orgs.models import Pairing, Secondment

pytestmark = pytest.mark.django_db


@pytest.fixture
def xueyan(world):
    """雪堰镇: 1 leader, 2 officers (one certificate expiring in 30 days), 6 safety managers, one secondee."""
    board = make_board("雪堰镇", "320412110", short_name="雪")
    make_officer(board, Post.BOARD_LEADER, name="雪领导")
    make_officer(board, Post.BOARD_OFFICER, name="雪执法甲")
    make_officer(board, Post.BOARD_OFFICER, name="雪执法乙", valid_to=today() + timedelta(days=30))
    for i in range(6):
        make_officer(board, Post.SAFETY_MANAGER, name=f"雪安管{i}")
    # Neither of these counts: a deactivated officer, and a secondment that ended last month.
    gone = make_officer(board, Post.BOARD_OFFICER, name="雪已调离")
    gone.active = False
    gone.save()
    Secondment.objects.create(
        officer=world.lily.officer,
        region=board,
        start=today() - timedelta(days=90),
        end=today() - timedelta(days=30),
    )
    Secondment.objects.create(officer=world.bruce.officer, region=board, start=today() - timedelta(days=10))
    return board


def row_for(response, board):
    return next(r for r in response.context["rows"] if r.region.pk == board.pk)


def test_a_board_with_a_known_fill_shows_the_right_figures(world, web, xueyan):
    response = web(world.dan).get(reverse("orgs:staffing"))
    assert response.status_code == 200
    row = row_for(response, xueyan)
    assert [(f.post, f.actual, f.target) for f in row.fills] == [
        (Post.BOARD_LEADER, 1, 1),
        (Post.BOARD_OFFICER, 2, 3),
        (Post.SAFETY_MANAGER, 6, 6),
    ]
    assert row.fill_rate == 90 and not row.complete
    assert row.certified == 3  # the leader and both officers; safety managers hold no certificate
    assert row.expiring == 1
    assert row.seconded == 1 and row.paired == 0
    page = response.content.decode()
    assert "雪堰镇" in page and "90%" in page and "2/3" in page


def test_an_expired_or_revoked_certificate_is_not_counted_as_certified(world, web, xueyan):
    officer = xueyan.officers.get(name="雪执法甲")
    certificate = officer.certificates.get()
    certificate.status, certificate.status_reason = CertificateStatus.SUSPENDED, "暂扣"
    certificate.save()
    make_officer(
        xueyan,
        Post.BOARD_OFFICER,
        valid_from=today() - timedelta(days=900),
        valid_to=today() - timedelta(days=1),
    )
    row = row_for(web(world.dan).get(reverse("orgs:staffing")), xueyan)
    assert row.fills[1].actual == 3 and row.fill_rate == 100 and row.complete
    assert row.certified == 2


def test_a_surplus_in_one_post_does_not_hide_a_gap_in_another(world, web, xueyan):
    for _ in range(3):
        make_officer(xueyan, Post.SAFETY_MANAGER)
    row = row_for(web(world.dan).get(reverse("orgs:staffing")), xueyan)
    assert row.fills[2].actual == 9 and row.fill_rate == 90


def test_a_pairing_is_counted_for_every_board_the_officer_is_paired_with(world, web, xueyan):
    Pairing.objects.create(officer=world.lily.officer, region=xueyan, start=today())
    Pairing.objects.create(officer=world.lily.officer, region=world.board_a, start=today())
    response = web(world.dan).get(reverse("orgs:staffing"))
    assert row_for(response, xueyan).paired == 1
    assert row_for(response, world.board_a).paired == 1
    assert response.context["district"].paired_out == 1  # one person, whatever the number of boards


def test_the_district_sees_every_board_the_totals_and_the_brigade(world, web, xueyan):
    response = web(world.dan).get(reverse("orgs:staffing"))
    boards = [r.region.name for r in response.context["rows"]]
    assert boards == ["湖塘镇", "牛塘镇", "雪堰镇"]
    total = response.context["total"]
    assert total.boards == 3
    assert [f.actual for f in total.fills] == [2, 4, 7]  # 湖塘 1+1+1, 牛塘 0+1+0, 雪堰 1+2+6
    assert [f.target for f in total.fills] == [3, 9, 18]
    assert total.certified == 3 + 3 + 0 and total.certified == 6
    district = response.context["district"]
    assert dict(district.posts)["局领导"] == 1 and dict(district.posts)["大队执法队员"] == 1
    assert district.certified == 3  # 丹, 布鲁斯, 莉莉
    assert district.seconded_out == 1
    page = response.content.decode()
    assert 'id="staffing-total"' in page and 'id="brigade"' in page


def test_a_board_leader_sees_only_the_own_board(world, web, xueyan):
    response = web(world.albert).get(reverse("orgs:staffing"))
    assert response.status_code == 200
    assert [r.region for r in response.context["rows"]] == [world.board_a]
    assert "total" not in response.context and "district" not in response.context
    page = response.content.decode()
    assert "雪堰镇" not in page and "牛塘镇" not in page and 'id="brigade"' not in page


def test_a_seconded_officer_with_an_account_also_sees_the_board_of_the_secondment(world, web, xueyan):
    from zhifa.core.roles import Role
    from zhifa.core.testing import make_user

    officer = make_officer(world.district, Post.BRIGADE_OFFICER, name="贝拉")
    Secondment.objects.create(officer=officer, region=xueyan, start=today())
    seconded = make_user("bella", Role.BOARD_OFFICER, region=world.board_b, officer=officer)
    rows = web(seconded).get(reverse("orgs:staffing")).context["rows"]
    assert {r.region.name for r in rows} == {"牛塘镇", "雪堰镇"}


def test_the_board_page_lists_people_expiring_certificates_and_the_secondee(world, web, xueyan):
    response = web(world.dan).get(reverse("orgs:staffing_board", args=[xueyan.pk]))
    assert response.status_code == 200
    assert response.context["row"].fill_rate == 90
    assert [c.officer.name for c in response.context["expiring"]] == ["雪执法乙"]
    assert [s.officer for s in response.context["secondments"]] == [world.bruce.officer]
    names = {o.name for o in response.context["officers"]}
    assert "雪领导" in names and "雪已调离" not in names and len(names) == 9
    page = response.content.decode()
    assert "布鲁斯" in page and "雪执法乙" in page


def test_a_board_leader_cannot_open_another_boards_staffing(world, web, xueyan):
    client = web(world.albert)
    assert client.get(reverse("orgs:staffing_board", args=[world.board_a.pk])).status_code == 200
    assert client.get(reverse("orgs:staffing_board", args=[xueyan.pk])).status_code == 404


def test_the_district_itself_has_no_board_staffing_page(world, web):
    assert web(world.dan).get(reverse("orgs:staffing_board", args=[world.district.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["sam", "sue", "audrey", "eve"])
def test_the_staffing_page_is_closed_to_administrators_and_experts(world, web, persona):
    client = web(world.users[persona])
    assert client.get(reverse("orgs:staffing")).status_code == 403
    assert client.get(reverse("orgs:staffing_board", args=[world.board_a.pk])).status_code == 403


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_staffing_page_runs_a_constant_number_of_queries_whatever_the_number_of_boards(world, web):
    made = iter(range(120, 200))

    def add_boards(n):
        for _ in range(n):
            i = next(made)
            board = make_board(f"测试镇{i}", f"320412{i:03d}", short_name="测")
            make_officer(board, Post.BOARD_LEADER)
            make_officer(board, Post.BOARD_OFFICER, valid_to=today() + timedelta(days=20))
            make_officer(board, Post.SAFETY_MANAGER)
            Secondment.objects.create(
                officer=make_officer(world.district, Post.BRIGADE_OFFICER), region=board, start=today()
            )

    client = web(world.dan)
    url = reverse("orgs:staffing")
    client.get(url)
    add_boards(1)  # 3 boards
    few = count_queries(client, url)
    add_boards(17)  # 20 boards
    many = count_queries(client, url)
    assert few == many
    response = client.get(url)
    assert len(response.context["rows"]) == 20 and response.context["total"].expiring == 18


def test_the_board_staffing_page_runs_a_constant_number_of_queries(world, web, xueyan):
    client = web(world.dan)
    url = reverse("orgs:staffing_board", args=[xueyan.pk])
    client.get(url)
    few = count_queries(client, url)
    for _ in range(17):
        make_officer(xueyan, Post.BOARD_OFFICER, valid_to=today() + timedelta(days=10))
    assert count_queries(client, url) == few
