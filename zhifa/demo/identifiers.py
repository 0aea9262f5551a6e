"""Made-up identifiers that pass the standards' checks (stdnum and the platform's own validators).

- Resident ID numbers (GB 11643-1999): a Changzhou division code that existed in the holder's birth
  year (stdnum checks the county against the year), a random birth date, a random sequence whose last
  digit gives the sex, and the check character. The people are fictitious; the sequence is drawn, not
  anyone's.
- Unified social credit codes (GB 32100-2015): registration authority and type, a 320412 (or other
  Changzhou) division code, a made-up organisation code with its own GB 11714 check character, and the
  USCC check character.
- Phone numbers follow the pattern 1xx-0000-xxxx, so they read as synthetic at a glance.

Every generator takes the caller's ``random.Random`` and a set of values already used, so a run is
deterministic given the seed and the database it starts from, and never repeats a unique value.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from zhifa.core.validators import USCC_ALPHABET, id_number_check_character, uscc_check_character

#: Division codes for ID numbers by the years stdnum knows them valid (GB/T 2260 history):
#: 武进区 from 2002, 武进市 1995–2002, 武进县 1983–1995, and 常州市 for anyone born earlier.
_ID_AREAS = ((2002, "320412"), (1995, "320483"), (1983, "320421"), (0, "320400"))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def id_area(birth_year: int) -> str:
    return next(code for since, code in _ID_AREAS if birth_year >= since)


def id_number(rng: random.Random, used: set[str], *, born_from: int, born_to: int, male: bool) -> str:
    """A fictitious person's ID number born between the two years, unique within ``used``."""
    while True:
        start = date(born_from, 1, 1)
        birth = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days + 1))
        sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{id_area(birth.year)}{birth:%Y%m%d}{sequence:03d}"
        number = body + id_number_check_character(body)
        if number not in used:
            used.add(number)
            return number


def _char_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - 55  # A=10 … Z=35 (GB 11714)


def organization_code(body8: str) -> str:
    """GB 11714 organisation code: eight characters and a check character."""
    total = sum(_char_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def uscc(rng: random.Random, used: set[str], *, prefix: str = "91", area: str = "320412") -> str:
    """A made-up USCC: ``prefix`` (registration authority + type), ``area``, an organisation code."""
    while True:
        if prefix == "91" and rng.random() < 0.65:
            # Codes issued since 2015 in Jiangsu start their organisation code with "MA".
            body8 = "MA" + rng.choice("123456789") + "".join(rng.choice(USCC_ALPHABET) for _ in range(5))
        else:
            body8 = "".join(rng.choice("0123456789") for _ in range(8))
        first17 = prefix + area + organization_code(body8)
        code = first17 + uscc_check_character(first17)
        if code not in used:
            used.add(code)
            return code


def phone(rng: random.Random) -> str:
    """A synthetic-looking mobile number: 13x/15x/18x/19x, then 0000, then four digits."""
    return f"1{rng.choice('3589')}{rng.randrange(10)}0000{rng.randrange(10000):04d}"
