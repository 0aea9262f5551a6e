"""Plain-text output of the demo: the accounts table, aligned for CJK terminals."""

from __future__ import annotations

import unicodedata

from zhifa.core.roles import Role


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def accounts_table(accounts) -> str:
    header = ("用户名", "角色", "板块（代码）", "姓名")
    rows = [
        (
            a.username,
            Role(a.role).label,
            f"{a.region.name}（{a.region.code}）" if a.region is not None else "—",
            a.full_name,
        )
        for a in accounts
    ]
    widths = [max(display_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
