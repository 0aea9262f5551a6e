"""Fixtures of the review tests."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def fast_render(monkeypatch):
    """Documents without WeasyPrint: the reviews read their content, not their layout."""
    from zhifa.documents import rendering

    def render(kind, content):
        body = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
        return rendering.Rendered(pdf=b"%PDF-" + body, docx=b"PK" + body)

    monkeypatch.setattr(rendering, "render", render)
