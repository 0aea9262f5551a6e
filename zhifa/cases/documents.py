"""The forms of penalty cases, built from the case and its records (content dict of
``zhifa.documents.rendering``). ``build_content(kind, subject)`` dispatches by form kind."""

from __future__ import annotations

from zhifa.inspections.documents import cn_date


def _case_of(subject):
    return getattr(subject, "case", subject)


def build_content(kind: str, subject) -> dict:
    case = _case_of(subject)
    return {
        "fields": [
            {"label": "案由", "value": case.cause},
            {"label": "当事人", "value": case.party_name},
        ],
        "sections": [{"heading": "", "paragraphs": [case.facts or ""]}],
        "signatures": [],
        "date": cn_date(case.registered_on or case.created_at),
    }
