"""Keep data from driving the terminal or a spreadsheet: control and invisible format
characters become visible escapes; cells that a spreadsheet would run as a formula are
quoted."""

from __future__ import annotations

import re

# Invisible format characters that can hide or reorder what a terminal shows: Arabic letter
# mark, Mongolian vowel separator, zero-width space/joiners and marks, line and paragraph
# separators, the bidi embeddings, overrides and isolates, word joiner and invisible
# operators, byte order mark, interlinear annotation marks.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
# C0 controls, DEL, C1 controls (CSI is \x9b, OSC \x9d), then the invisible ones.
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_CONTROL_EXCEPT_LAYOUT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
# What a spreadsheet (Excel, LibreOffice, Google Sheets) takes for the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """For one table cell: every control or invisible format character (newlines too)
    shown as an escape."""
    return _CONTROL.sub(_visible, text)


def one_line(text: str) -> str:
    """For a message quoting data: one line, whatever the data holds."""
    return _CONTROL.sub(_visible, text)


def neutralise_stream(text: str) -> str:
    """For a whole output meant for a terminal: keep tabs and newlines, escape the rest."""
    return _CONTROL_EXCEPT_LAYOUT.sub(_visible, text)


def spreadsheet_cell(text: str) -> str:
    """A text cell as CSV and TSV write it: one that a spreadsheet would run as a formula
    (``=HYPERLINK(...)``, ``@SUM(...)``, ``+33 4...``) gets a leading apostrophe; a number
    (``-1.5``) is left as it is."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
