"""Builders for tests: a small district with two boards and named personas.

Personas (used across the suite):
- 湖塘镇 (board A): ``alice`` board officer, ``albert`` board leader, ``amy`` safety manager
- 牛塘镇 (board B): ``bob`` board officer
- district: ``dan`` district leader, ``bruce`` brigade officer, ``lily`` legal reviewer
- administrators: ``sam`` system, ``sue`` security, ``audrey`` audit
- ``eve`` an expert
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from zhifa.core.roles import Role
from zhifa.core.validators import id_number_check_character, uscc_check_character
from zhifa.orgs.choices import Employment, Post, RegionKind

PASSWORD = "Zhifa-test-2026!"
_seq = itertools.count(1)


def valid_uscc(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"91320412{n:09d}"  # 9: enterprise, 1: company; 320412 武进区
    return body + uscc_check_character(body)


def valid_id_number(n: int | None = None, birth: str = "19850101") -> str:
    n = next(_seq) if n is None else n
    body = f"320412{birth}{n % 1000:03d}"
    return body + id_number_check_character(body)


def make_district():
    from zhifa.orgs.models import Region

    district, _ = Region.objects.get_or_create(
        code="320412",
        defaults={
            "name": "武进区",
            "short_name": "武",
            "kind": RegionKind.DISTRICT,
            "agency_name": "常州市武进区应急管理局",
        },
    )
    return district


def make_board(
    name: str = "湖塘镇", code: str = "320412100", kind: str = RegionKind.TOWN, short_name: str = "湖"
):
    from zhifa.orgs.models import Region

    board, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": short_name, "kind": kind, "parent": make_district()}
    )
    return board


def make_officer(unit, post=Post.BOARD_OFFICER, *, name=None, certified=True, valid_from=None, valid_to=None):
    from zhifa.orgs.models import Certificate, Officer

    n = next(_seq)
    officer = Officer.objects.create(
        name=name or f"测试人员{n}",
        id_number=valid_id_number(n),
        phone=f"139{n:08d}",
        unit=unit,
        post=post,
        employment=Employment.AUXILIARY if post == Post.SAFETY_MANAGER else Employment.STAFFED,
    )
    if certified and post != Post.SAFETY_MANAGER:
        today = timezone.localdate()
        Certificate.objects.create(
            officer=officer,
            number=f"32041200{n:05d}",
            valid_from=valid_from or today - timedelta(days=365),
            valid_to=valid_to or today + timedelta(days=365 * 3),
        )
    return officer


def make_user(username: str, role: str, *, region=None, officer=None, expert=None, full_name: str = ""):
    from zhifa.accounts.models import User

    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        region=region,
        officer=officer,
        expert=expert,
        full_name=full_name or username,
    )
    return user


def make_enterprise(board, *, name=None, industry="2614", **fields):
    from zhifa.enterprises.models import Enterprise
    from zhifa.enterprises.services import save_enterprise

    n = next(_seq)
    enterprise = Enterprise(
        uscc=valid_uscc(n),
        name=name or f"测试企业{n}有限公司",
        legal_representative="张三",
        address=f"{board.name}测试路{n}号",
        board=board,
        industry_id=industry,
        sector=fields.pop("sector", "industry_trade"),
        scale=fields.pop("scale", "small"),
        is_fictitious=True,
        **fields,
    )
    return save_enterprise(enterprise)


def make_expert(groups=(), *, name=None):
    from zhifa.experts.models import Expert

    n = next(_seq)
    expert = Expert.objects.create(
        name=name or f"专家{n}",
        employer=f"某某安全技术咨询有限公司{n}",
        employer_uscc=valid_uscc(n),
        title="高级工程师",
    )
    if groups:
        expert.groups.set(groups)
    return expert


def make_expert_group(code="chem", name="化工医药", prefixes=("25", "26", "27", "28")):
    from zhifa.experts.models import ExpertGroup

    group, _ = ExpertGroup.objects.get_or_create(
        code=code, defaults={"name": name, "industry_prefixes": list(prefixes)}
    )
    return group


@dataclass
class World:
    district: object
    board_a: object
    board_b: object
    users: dict = field(default_factory=dict)

    def __getattr__(self, item):
        users = self.__dict__.get("users", {})
        if item in users:
            return users[item]
        raise AttributeError(item)


def build_world() -> World:
    """Two boards with their people, the district's roles and the three administrators."""
    district = make_district()
    board_a = make_board("湖塘镇", "320412100", short_name="湖")
    board_b = make_board("牛塘镇", "320412102", short_name="牛")
    world = World(district, board_a, board_b)
    u = world.users
    u["alice"] = make_user(
        "alice", Role.BOARD_OFFICER, region=board_a, officer=make_officer(board_a, name="艾丽")
    )
    u["albert"] = make_user(
        "albert",
        Role.BOARD_LEADER,
        region=board_a,
        officer=make_officer(board_a, Post.BOARD_LEADER, name="艾伯特"),
    )
    u["amy"] = make_user(
        "amy",
        Role.SAFETY_MANAGER,
        region=board_a,
        officer=make_officer(board_a, Post.SAFETY_MANAGER, name="艾米"),
    )
    u["bob"] = make_user(
        "bob", Role.BOARD_OFFICER, region=board_b, officer=make_officer(board_b, name="鲍勃")
    )
    u["dan"] = make_user(
        "dan", Role.DISTRICT_LEADER, officer=make_officer(district, Post.BUREAU_LEADER, name="丹")
    )
    u["bruce"] = make_user(
        "bruce", Role.BRIGADE_OFFICER, officer=make_officer(district, Post.BRIGADE_OFFICER, name="布鲁斯")
    )
    u["lily"] = make_user(
        "lily", Role.LEGAL_REVIEWER, officer=make_officer(district, Post.LEGAL_REVIEWER, name="莉莉")
    )
    u["lily"].officer.legal_qualification = True
    u["lily"].officer.legal_qualification_number = "A20183204120017"
    u["lily"].officer.save(update_fields=["legal_qualification", "legal_qualification_number"])
    u["sam"] = make_user("sam", Role.SYSTEM_ADMIN, full_name="系统管理员")
    u["sue"] = make_user("sue", Role.SECURITY_ADMIN, full_name="安全管理员")
    u["audrey"] = make_user("audrey", Role.AUDIT_ADMIN, full_name="审计管理员")
    expert = make_expert([make_expert_group()], name="伊芙")
    u["eve"] = make_user("eve", Role.EXPERT, expert=expert)
    return world


def today() -> date:
    return timezone.localdate()


# --- Inspections (checklists, drafts, hazards) -----------------------------------------------------


def make_checklist(
    *, code="test", name="测试检查表", group=None, items=3, major_items=(), publish=True, user=None
):
    """A checklist of ``items`` items (those numbered in ``major_items`` cite a major-hazard article),
    published by default. Each call on the same code makes the next version."""
    from zhifa.inspections import services
    from zhifa.inspections.models import ChecklistItem, ChecklistTemplate

    latest = ChecklistTemplate.objects.filter(code=code).order_by("-version").first()
    template = ChecklistTemplate.objects.create(
        code=code, version=(latest.version + 1) if latest else 1, name=name, expert_group=group
    )
    for n in range(1, items + 1):
        ChecklistItem.objects.create(
            template=template,
            order=n,
            section="安全管理",
            text=f"第{n}项：安全生产责任制是否建立并落实",
            legal_basis="《中华人民共和国安全生产法》第二十二条",
            major_basis="《工贸企业重大事故隐患判定标准》第三条" if n in major_items else "",
        )
    if publish:
        template = services.publish_checklist(template, user=user)
    return template


def make_inspection(enterprise, officers=(), *, checklist=None, user=None, complete=False, **fields):
    """A draft inspection of ``enterprise`` by ``officers``. With ``complete``, every header field is
    filled and every item marked 符合, so only the team decides whether it may be signed."""
    from datetime import datetime, time

    from zhifa.inspections import services
    from zhifa.inspections.choices import ItemResult

    checklist = checklist or make_checklist()
    if complete:
        on = fields.pop("on", None) or timezone.localdate()
        fields = {
            "started_at": timezone.make_aware(datetime.combine(on, time(9, 30))),
            "ended_at": timezone.make_aware(datetime.combine(on, time(11, 0))),
            "place": "生产车间及仓库",
            "onsite_person_name": "王五",
            "onsite_person_title": "安全主管",
            **fields,
        }
    inspection = services.start_inspection(
        enterprise=enterprise, checklist=checklist, user=user, officers=list(officers), **fields
    )
    if complete:
        services.save_results(
            inspection, {item.pk: (ItemResult.COMPLIANT, "") for item in checklist.items.all()}
        )
    return inspection
