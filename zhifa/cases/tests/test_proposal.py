"""The proposal a case stores: the discretion engine's result with the circumstances it weighed, each
with its text, so that the investigation report and the approval forms can name them."""

from __future__ import annotations

import json

import pytest

from zhifa.cases import services
from zhifa.cases.documents import build_content
from zhifa.cases.tests.helpers import new_case, proposal_data, violation_type, walk
from zhifa.discretion import engine

pytestmark = pytest.mark.django_db


def test_a_proposal_keeps_the_factors_it_weighed_with_their_text(world):
    case = walk(world, new_case(world), until="record_inquiry")
    violation = violation_type()
    factor = engine.applicable_factors(violation).filter(kind="mitigating").order_by("pk").first()
    assert factor is not None
    fine = engine.propose(violation, factors=[factor.code]).suggested_fine

    case = services.perform(
        case, "set_proposal", world.alice, proposal_data(world, fine=fine, factors=[factor.code])
    )

    assert [(f["code"], f["text"], f["kind"]) for f in case.proposal["factors"]] == [
        (factor.code, factor.text, factor.kind)
    ]
    assert engine.Proposal.from_dict(case.proposal).factors[0].text == factor.text
    case = services.perform(
        case,
        "submit_handling",
        world.alice,
        {
            "investigation_report": "经调查，当事人未对新入职员工进行安全生产教育和培训，事实清楚，建议从轻处罚。"
        },
    )
    report = json.dumps(build_content("investigation_report", case), ensure_ascii=False)
    assert factor.text in report
    assert case.events.get(transition="submit_handling").to_status == "handling_approval"
