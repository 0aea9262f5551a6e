"""Masking personal data before anything reaches the public portal.

An individual party's name is shown partly masked (王*明); ID numbers, phone numbers and an individual's
address are removed wherever they appear in published text — including inside the facts an officer
wrote in free text, which is why the known values are replaced first and the patterns after them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What stands in for a removed value in published text.
REMOVED = "***"

# An 18-character resident ID number (17 digits and a digit or X) or the old 15-digit one, not part of a
# longer run of letters or digits. Unified social credit codes of the same shape are masked too: the
# public record names a unit's code in its own field, not in the facts.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
# Mobile numbers (11 digits from 13x to 19x) and fixed lines with an area code (0519-86123456).
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def mask_name(name: str) -> str:
    """An individual's name with the middle masked: 王明 → 王*, 王小明 → 王*明, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def redact(text: str, *, names: Iterable[str] = (), removed: Iterable[str] = ()) -> str:
    """``text`` with each of ``names`` masked, each of ``removed`` taken out, and any ID or phone
    number taken out. Longer values are replaced first so that a name inside an address goes too."""
    text = text or ""
    replacements = [(value.strip(), REMOVED) for value in removed if value and value.strip()]
    replacements += [(value.strip(), mask_name(value)) for value in names if value and len(value.strip()) > 1]
    for value, mask in sorted(replacements, key=lambda pair: -len(pair[0])):
        text = text.replace(value, mask)
    for pattern in (_ID_NUMBER, _MOBILE, _LANDLINE):
        text = pattern.sub(REMOVED, text)
    return text
