"""Every operation of the API schema (/api/v1/schema/) fuzzed by schemathesis, in this process against
the WSGI application and a populated test database: no answer is a server error, and every answer —
status code, content type, headers and body — is one the schema declares.

Run with ``make fuzz``: ``FUZZ_EXAMPLES`` examples per operation in the fuzzing phase, after the schema's
explicit examples and the coverage phase's boundary and invalid values, seeded by ``--hypothesis-seed``.
Each persona is one test whose operations are subtests; its requests share the test's transaction
(changes accumulate from one operation to the next, and roll back at the end). The summary at the end of
the run says how many operations and requests each persona made.
"""

from __future__ import annotations

import time

import hypothesis
import schemathesis

SETTINGS = hypothesis.settings(deadline=None, database=None, print_blob=True)

leader = schemathesis.pytest.from_fixture("leader_schema")
officer = schemathesis.pytest.from_fixture("officer_schema")


def call(case, stats):
    started = time.perf_counter()
    try:
        case.call_and_validate()
    finally:
        stats.add(case.operation.label, time.perf_counter() - started)


@leader.parametrize()
@SETTINGS
def test_api_as_district_leader(case, fuzz_stats):
    call(case, fuzz_stats)


@officer.parametrize()
@SETTINGS
def test_api_as_board_officer(case, fuzz_stats):
    call(case, fuzz_stats)
