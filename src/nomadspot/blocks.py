"""The catalogue's text cut at its ``[[place]]`` lines, so that each place can be parsed,
cached and written back on its own.

A file splits into a header (``version`` and the other top-level keys) and one block per
line that is exactly ``[[place]]``, each running to the next such line. Parsed alone, the
header must hold no ``place`` and each block exactly one place: then the blocks mean what
the whole file means. Anything else (a ``[[place]]`` line inside a multi-line string, a
header written ``[[ place ]]``, a table after the places) is a doubt, and the caller parses
the whole file instead, which also gives the right line and column in errors.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, NamedTuple

from nomadspot.text import UTF8_BOM

# A line break then the line: several times faster than a MULTILINE "^" on 30 MB.
_PLACE_LINE = re.compile(rb"\n\[\[place\]\]\r?(?=\n|\Z)")


class Split(NamedTuple):
    header: bytes
    blocks: list[memoryview]  # views of the file's bytes (no copy), without their line breaks


def split(data: bytes) -> Split:
    # Each match's line break is the one before the line; in ``data``, the line starts there.
    starts = [match.start() for match in _PLACE_LINE.finditer(b"\n" + data)]
    if not starts:
        return Split(data, [])
    view = memoryview(data)
    ends = [*starts[1:], len(data)]
    texts = [
        view[start : _trimmed(data, start, end)] for start, end in zip(starts, ends, strict=True)
    ]
    return Split(data[: starts[0]], texts)


def _trimmed(data: bytes, start: int, end: int) -> int:
    """Where the text from ``start`` to ``end`` ends without its last line breaks."""
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    return end


def key(block: bytes | memoryview) -> str:
    """What identifies a block's place in the cache: the SHA-1 of its text (without the
    line breaks that separate it from the next block)."""
    return hashlib.sha1(block).hexdigest()


def newline_of(data: bytes) -> str:
    """The file's line ending: a file written with CRLF stays CRLF."""
    end = data.find(b"\n")
    return "\r\n" if end > 0 and data[end - 1 : end] == b"\r" else "\n"


def parse_toml(text: str) -> dict[str, Any]:
    import tomli  # the compiled wheel: about 3x faster than the standard library's tomllib

    return tomli.loads(text)


def parse_header(header: bytes) -> dict[str, Any] | None:
    """The top-level keys, or None when the header does not stand alone."""
    try:
        document = parse_toml(header.removeprefix(UTF8_BOM).decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and TOMLDecodeError included
        return None
    return None if "place" in document else document


def parse_block(block: bytes | memoryview) -> dict[str, Any] | None:
    """The one place table of a block, or None when the block does not stand alone."""
    try:
        document = parse_toml(bytes(block).decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    tables = document.get("place")
    if len(document) != 1 or not isinstance(tables, list) or len(tables) != 1:
        return None
    table = tables[0]
    return table if isinstance(table, dict) else None
