"""Keep data from driving the terminal: control characters become visible escapes."""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (CSI is \x9b, OSC \x9d) and the Unicode bidi overrides
# that can reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_EXCEPT_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """For one table cell: every control character (newlines too) shown as an escape."""
    return _CONTROL.sub(_visible, text)


def neutralise_stream(text: str) -> str:
    """For a whole output meant for a terminal: keep tabs and newlines, escape the rest."""
    return _CONTROL_EXCEPT_LAYOUT.sub(_visible, text)
