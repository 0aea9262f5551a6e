"""REST API of field inspections: records, hazards, rectification, re-inspection and evidence.

Every state change goes through ``zhifa.inspections.services``; this package only translates requests
into service calls and the services' refusals into 400 (a rule refuses the content) or 409 (the
record's state forbids the change).
"""
