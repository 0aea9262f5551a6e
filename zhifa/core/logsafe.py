"""The application log, guarded against log injection (等保: audit records cannot be forged).

A user controls much of what is logged (the path, a username typed at login, headers). A CR or LF in
such a value would start what looks like a new, forged log line. ``EscapeControlCharsFilter`` renders
each record's message once and writes every control character as a visible escape (``\\r``, ``\\n``,
``\\x1b``…), so a message is always one line. Tracebacks (``exc_info``, whose last line repeats an
exception's message, which may quote user input) stay readable over several lines, but
``SafeFormatter`` starts each of those continuation lines with ``  | ``: no line after the first can
pass for a record of its own.

No Django model is imported here: the module is loaded while logging is configured, before the apps.
"""

from __future__ import annotations

import logging
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_NAMED = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def escape_control(text: str) -> str:
    """Every control character (and the Unicode line separators) written as a visible escape."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


class EscapeControlCharsFilter(logging.Filter):
    """Make each log record a single line whatever the user put into its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep it visible rather than lose it
            message = f"{record.msg!r} {record.args!r}"
        record.msg = escape_control(message)
        record.args = None
        return True


class SafeFormatter(logging.Formatter):
    """The standard formatter, with every line after a record's first marked as its continuation."""

    default_format = "%(asctime)s %(levelname)s %(name)s %(message)s"

    def __init__(self, fmt: str | None = None, *args, **kwargs):
        super().__init__(fmt or self.default_format, *args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        first, *rest = re.split(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", text)
        return "\n".join([escape_control(first), *("  | " + escape_control(line) for line in rest)])
