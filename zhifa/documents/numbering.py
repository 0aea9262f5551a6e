"""Document numbers like （武）应急检〔2026〕12号: per issuing agency, form kind and year, gapless.

The number is taken inside the issuing transaction under a row lock on the sequence, so concurrent
issuers queue on it and a failed issue rolls its number back: no gaps, no duplicates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from zhifa.documents.models import DocumentSequence, FormKind
from zhifa.orgs.choices import PenaltyAuthority


def issuing_agency(board):
    """The agency whose name and number a document bears: the district bureau, for which board staff
    act, unless the board holds delegated powers in its own name (REFERENCE §2)."""
    if board.is_board and board.penalty_authority == PenaltyAuthority.OWN:
        return board
    return board.parent if board.is_board else board


def format_number(agency, kind: FormKind, year: int, sequence: int) -> str:
    return settings.ZHIFA_DOCUMENT_NUMBER_FORMAT.format(
        short=agency.short_name, abbr=kind.abbreviation, year=year, seq=sequence
    )


def take_number(agency, kind: FormKind, year: int) -> int:
    """The next sequence number; must run inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the issuing transaction")
    row, _ = DocumentSequence.objects.select_for_update().get_or_create(agency=agency, kind=kind, year=year)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number
