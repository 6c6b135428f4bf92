"""Output formats. A command picks one renderer once (``renderer_for``) and hands it its
result; no command branches on the format itself.

stdout carries data only. When stdout is a terminal, control characters in data are
neutralised in every format; in a pipe, machine formats pass data through unchanged
(JSON escapes control characters itself, TSV escapes tab, newline and backslash). CSV and
TSV quote a cell a spreadsheet would run as a formula (``output.sanitize``); tables show
invisible format characters escaped, and no style at all with ``NO_COLOR``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, Protocol, TextIO

from nomadspot.errors import UsageError

if TYPE_CHECKING:
    from nomadspot.freshness import StalePlace
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking

Format = Literal["table", "json", "csv", "tsv", "ids", "html", "ics"]
FORMATS: tuple[str, ...] = ("table", "json", "csv", "tsv", "ids", "html", "ics")

Week = Sequence[tuple[dt.date, str]]


class Renderer(Protocol):
    def places(self, places: Sequence[Place]) -> None: ...

    def place(self, place: Place, week: Week | None) -> None: ...

    def ranking(self, ranking: Ranking, *, explain: bool) -> None: ...

    def stale(self, entries: Sequence[StalePlace]) -> None: ...


class Sink:
    """Where a renderer writes: stdout, neutralised when it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        isatty = getattr(self.stream, "isatty", None)
        self.is_terminal = bool(isatty and isatty())

    @property
    def styled(self) -> bool:
        """Whether styles (colour, bold) may be written: a terminal, and no ``NO_COLOR``
        (https://no-color.org: any non-empty value)."""

        return self.is_terminal and not os.environ.get("NO_COLOR")

    def write(self, text: str) -> None:
        if self.is_terminal:
            from nomadspot.output.sanitize import neutralise_stream

            text = neutralise_stream(text)
        self.stream.write(text)


def default_format(stream: TextIO | None = None) -> Format:
    """``table`` on a terminal, ``tsv`` (with a header line) in a pipe."""
    return "table" if Sink(stream).is_terminal else "tsv"


def check_format(name: str) -> Format:
    """The format ``name`` names, in any case (``JSON`` is ``json``)."""
    key = name.strip().lower()
    if key not in FORMATS:
        raise UsageError(f"unknown format {name!r}", hint="formats: " + ", ".join(FORMATS))
    return key  # type: ignore[return-value]


def renderer_for(name: str | None, stream: TextIO | None = None) -> Renderer:
    sink = Sink(stream)
    fmt = check_format(name) if name else default_format(sink.stream)
    if fmt == "table":
        from nomadspot.output.table import TableRenderer

        return TableRenderer(sink)
    if fmt == "html":
        from nomadspot.output.html import HtmlRenderer

        return HtmlRenderer(sink)
    if fmt == "ics":
        from nomadspot.output.ics import IcsRenderer

        return IcsRenderer(sink)
    from nomadspot.output import plain

    renderers: dict[str, Callable[[Sink], Renderer]] = {
        "json": plain.JsonRenderer,
        "csv": plain.CsvRenderer,
        "tsv": plain.TsvRenderer,
        "ids": plain.IdsRenderer,
    }
    return renderers[fmt](sink)
