"""The ``table`` format, for people: rich tables. Every data cell is a ``rich.text.Text``
built from neutralised text, so markup in a name shows literally and control characters
never reach the terminal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nomadspot.fields import PLACE_FIELDS
from nomadspot.output import Sink, Week
from nomadspot.output.sanitize import neutralise
from nomadspot.vocabulary import AMENITY_KEYS

if TYPE_CHECKING:
    from nomadspot.freshness import StalePlace
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking, Result

YES, NO, UNKNOWN, LIKELY = "✓", "✗", "?", "~"
LIST_AMENITIES = ("wifi", "power", "meeting_room", "quiet")
SHORT_NAMES = {"meeting_room": "room"}


def text(value: object, style: str = "") -> Text:
    return Text("" if value is None else neutralise(str(value)), style=style)


def mark(value: bool | None) -> Text:
    if value is None:
        return Text(UNKNOWN, style="yellow")
    return Text(YES, style="green") if value else Text(NO, style="red")


def _number(value: float | None, suffix: str = "") -> str:
    if value is None:
        return ""
    return f"{value:g}{suffix}"


Rows = list[tuple[str, str]]


def _coordinates_rows(place: Place) -> Rows:
    return [] if place.coordinates is None else [("coordinates", f"{place.lat}, {place.lon}")]


def _country_rows(place: Place) -> Rows:
    return [("country", place.country or place.country_or_default)]


def _wifi_rows(place: Place) -> Rows:
    """The speed (the median of the recent readings) and each reading with its date."""
    speed = place.measured_wifi_mbps
    if speed is None:
        return []
    readings = place.wifi_readings
    rows = [("wifi speed", _number(speed, " Mbps"))]
    if len(readings) > 1 or (readings and readings[0][0] is not None):
        rows[0] = ("wifi speed", _number(speed, " Mbps") + " (median of recent readings)")
        shown = [
            f"{'undated' if day is None else day.isoformat()} {_number(mbps, ' Mbps')}"
            for day, mbps in readings[-6:]
        ]
        rows.append(("wifi readings", ", ".join(shown)))
    return rows


def _checked_rows(place: Place) -> Rows:
    last = place.last_checked
    return [("last checked", "never" if last is None else last.isoformat())]


# Fields that ``show`` says its own way, at the place of the field in the declaration.
_OWN_ROWS: dict[str, Callable[[Place], Rows]] = {
    "lat": _coordinates_rows,
    "country": _country_rows,
    "wifi_mbps": _wifi_rows,
    "checked": _checked_rows,
}


def _field_rows(place: Place) -> Rows:
    """``show``'s rows for the declared fields, in their order; unknown ones left out."""
    rows: Rows = []
    for spec in PLACE_FIELDS:
        own = _OWN_ROWS.get(spec.name)
        if own is not None:
            rows += own(place)
        elif spec.label is not None:
            value = getattr(place, spec.name)
            if value is not None and value != ():
                rows.append((spec.label, spec.type.show(value)))
    return rows


def _amenity_rows(place: Place) -> list[tuple[str, Text]]:
    """What it has, what it has not, and the unknown ones once, on one line each."""
    keys = list(AMENITY_KEYS) + [key for key in place.amenities if key not in AMENITY_KEYS]
    groups: dict[bool | None, list[str]] = {True: [], False: [], None: []}
    for key in keys:
        groups[place.has(key)].append(key)
    rows = []
    for label, known in (("has", True), ("has not", False)):
        if groups[known]:
            line = Text()
            for key in groups[known]:
                if line:
                    line.append("  ")
                line.append_text(mark(known))
                line.append(" " + neutralise(key))
            rows.append((label, line))
    if groups[None]:
        line = mark(None)
        line.append(" " + neutralise(", ".join(groups[None])))
        rows.append(("unknown", line))
    return rows


class TableRenderer:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        # Off a terminal or with NO_COLOR, no style at all: no colour, no bold, no escape.
        self.console = Console(
            file=sink.stream,
            highlight=False,
            markup=False,
            emoji=False,
            color_system="auto" if sink.styled else None,
        )

    def places(self, places: Sequence[Place]) -> None:
        table = Table(box=None, header_style="bold", pad_edge=False, collapse_padding=True)
        # Short columns never wrap; on a narrow terminal the id is shortened with "…" and
        # the name and city take the rest, a word at a time.
        narrow = self.console.width < 120
        table.add_column("id", no_wrap=True, overflow="ellipsis", max_width=18 if narrow else 32)
        table.add_column("name", min_width=10)
        table.add_column("kind", no_wrap=True, overflow="ellipsis", max_width=10)
        table.add_column("city", min_width=8)
        for amenity in LIST_AMENITIES:
            table.add_column(SHORT_NAMES.get(amenity, amenity), justify="center", no_wrap=True)
        table.add_column("seats", justify="right", no_wrap=True)
        for place in places:
            table.add_row(
                text(place.id, "cyan"),
                text(place.name, "bold"),
                text(place.kind.value),
                text(place.city),
                *(mark(place.has(amenity)) for amenity in LIST_AMENITIES),
                text(place.seats),
            )
        self.console.print(table)

    def place(self, place: Place, week: Week | None) -> None:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        table.add_row("name", text(place.name, "bold"))
        for label, value in _field_rows(place):
            table.add_row(label, text(value))
        for label, amenities in _amenity_rows(place):
            table.add_row(label, amenities)
        for label, value in (*_price_rows(place), *_visit_rows(place)):
            table.add_row(label, text(value))
        for number, (key, value) in enumerate(place.private.items()):
            table.add_row("private" if number == 0 else "", text(f"{key} = {value}"))
        if week is not None:
            for number, (day, hours) in enumerate(week):
                table.add_row("this week" if number == 0 else "", text(f"{day:%a %d %b}  {hours}"))
        self.console.print(table)

    def stale(self, entries: Sequence[StalePlace]) -> None:
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column("id", no_wrap=True, max_width=30)
        table.add_column("name", overflow="ellipsis", ratio=2, min_width=10)
        table.add_column("city", overflow="ellipsis", ratio=1, min_width=6)
        table.add_column("last checked", no_wrap=True)
        table.add_column("unknown", overflow="fold", ratio=3)
        for entry in entries:
            checked = entry.last_checked
            table.add_row(
                text(entry.place.id, "cyan"),
                text(entry.place.name, "bold"),
                text(entry.place.city),
                text("never", "yellow") if checked is None else text(checked.isoformat()),
                text(", ".join(entry.unknown)),
            )
        self.console.print(table)

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        columns = _result_columns(ranking)
        rows = [[column.cell(result) for column in columns] for result in ranking.results]
        widths = _fit(columns, rows, self.console.width)
        table = Table(box=None, header_style="bold", pad_edge=False, collapse_padding=True)
        for column, width in zip(columns, widths, strict=True):
            if width:
                table.add_column(
                    column.header,
                    justify=column.justify,
                    no_wrap=True,
                    overflow="ellipsis",
                    width=width,
                )
        for row in rows:
            table.add_row(*(cell for cell, width in zip(row, widths, strict=True) if width))
        self.console.print(table)
        if ranking.cut:
            self.console.print(Text(f"… {ranking.cut} more (--limit)", style="dim"))
        if explain:
            self._explain(ranking)

    def _explain(self, ranking: Ranking) -> None:
        """Reasons below the table, one block a place (inside it they would squeeze the
        name column), then what was excluded and the near misses."""
        for result in ranking.results:
            heading = Text(f"\n{result.rank}. ")
            heading.append_text(text(result.place.name, "bold"))
            heading.append(f"  {result.score:.2f}", style="dim")
            self.console.print(heading)
            for reason in result.reasons:
                self.console.print(text(f"   · {reason}"))
        if ranking.excluded_count:
            self.console.print()
            self.console.print(Text(f"excluded: {ranking.excluded_count}", style="bold"))
            for reason, count in ranking.excluded_by_reason().items():
                self.console.print(text(f"  {count:>4}  {reason}"))
        if ranking.near_misses:
            self.console.print()
            self.console.print(Text("near misses (one condition failed):", style="bold"))
            for miss in ranking.near_misses:
                line = text(f"  {miss.place.name}", "bold")
                line.append_text(text(f" ({miss.place.city}): {miss.reason}"))
                self.console.print(line)


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    cell: Callable[[Result], Text]
    min_width: int
    justify: Literal["left", "right"] = "left"
    flexible: bool = False
    """Shortened (with …) down to ``min_width`` when the table is too wide."""
    drop_first: int = 0
    """On a narrow terminal, columns with the highest number go first (0: never)."""


def _needs_cell(need: str) -> Callable[[Result], Text]:
    def cell(result: Result) -> Text:
        if need in result.matched:
            return Text(YES, style="green")
        return Text(LIKELY if need in result.likely else UNKNOWN, style="yellow")

    return cell


def _distance(result: Result) -> Text:
    if result.distance_km is None:
        return text("?")
    return text(f"{'~' if result.distance_approx else ''}{result.distance_km:.1f} km")


def _hours(result: Result) -> Text:
    window = result.window.removeprefix("open ")
    return text("?" if result.open is None else window, "green" if result.open else "yellow")


def _cost(result: Result) -> Text:
    if result.cost is None:
        return text("?")
    currency = (result.place.price.currency if result.place.price else None) or "EUR"
    return text(f"{result.cost:g} {currency}")


def _result_columns(ranking: Ranking) -> list[_Column]:
    """The columns this meeting needs: where, when and what only when asked about."""
    meeting = ranking.meeting
    columns = [
        _Column("#", lambda r: text(r.rank), 2, "right"),
        _Column("name", lambda r: text(r.place.name, "bold"), 12, flexible=True),
        _Column("kind", lambda r: text(r.place.kind.value.replace("_", " ")), 9, drop_first=3),
    ]
    if not meeting.city:
        city = _Column("city", lambda r: text(r.place.city), 8, flexible=True, drop_first=2)
        columns.append(city)
    if meeting.near:
        columns.append(_Column("distance", _distance, 8, "right"))
    if meeting.start is not None:
        columns.append(_Column("open", _hours, 11, drop_first=1))
    for need in meeting.needs:
        short = SHORT_NAMES.get(need, need)
        columns.append(_Column(short, _needs_cell(need), len(short)))
    if meeting.budget is not None:
        columns.append(_Column("cost", _cost, 7, "right"))
    columns.append(_Column("score", lambda r: text(f"{r.score:.2f}"), 5, "right"))
    return columns


def _fit(columns: list[_Column], rows: list[list[Text]], width: int) -> list[int]:
    """Each column's width (0: left out) so that the table fits ``width``: the flexible
    columns (name, city) shrink to their minimum first, the longest first; then columns
    are left out, the least useful first. Never a column narrower than its minimum."""
    natural = (
        [
            max([len(column.header), *(cell.cell_len for cell in cells)])
            for column, cells in zip(columns, zip(*rows, strict=True), strict=True)
        ]
        if rows
        else [len(column.header) for column in columns]
    )
    widths = list(natural)

    def too_wide() -> int:
        shown = [w for w in widths if w]
        return sum(shown) + len(shown) - 1 - width

    while too_wide() > 0:
        shrinkable = [i for i, c in enumerate(columns) if c.flexible and widths[i] > c.min_width]
        if shrinkable:
            widest = max(shrinkable, key=lambda i: widths[i])
            widths[widest] -= 1
            continue
        droppable = [i for i, c in enumerate(columns) if c.drop_first and widths[i]]
        if not droppable:
            break
        widths[max(droppable, key=lambda i: columns[i].drop_first)] = 0
    return widths


def _price_rows(place: Place) -> list[tuple[str, str]]:
    price = place.price
    if price is None or price.is_empty:
        return []
    currency = price.currency or "EUR"
    parts = [
        f"{label} {amount:g} {currency}"
        for label, amount in (
            ("hour", price.hour),
            ("day", price.day),
            ("room/hour", price.room_hour),
        )
        if amount is not None
    ]
    return [("price", ", ".join(parts))]


def _visit_rows(place: Place) -> list[tuple[str, str]]:
    """A summary of the visits, then the last five, newest last."""
    if not place.visits:
        return []
    rating = place.average_rating
    summary = f"{len(place.visits)} visit{'s' if len(place.visits) > 1 else ''}"
    if rating is not None:
        summary += f", rated {rating:.1f}/5"
    rows = [("visits", summary)]
    for visit in place.visits[-5:]:
        bits = [visit.date.isoformat()]
        if visit.rating is not None:
            bits.append(f"{visit.rating}/5")
        if visit.wifi_mbps is not None:
            bits.append(f"{visit.wifi_mbps:g} Mbps")
        if visit.note:
            bits.append(visit.note)
        rows.append(("", "  ".join(bits)))
    return rows
