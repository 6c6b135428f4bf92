"""The ``table`` format, for people: rich tables. Every data cell is a ``rich.text.Text``
built from neutralised text, so markup in a name shows literally and control characters
never reach the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from nomadspot.output import Sink, Week
from nomadspot.output.sanitize import neutralise
from nomadspot.vocabulary import AMENITY_KEYS

if TYPE_CHECKING:
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking

YES, NO, UNKNOWN = "✓", "✗", "?"
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
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column("id", no_wrap=True)
        for column in ("name", "kind", "city"):
            table.add_column(column, overflow="fold")
        for amenity in LIST_AMENITIES:
            table.add_column(SHORT_NAMES.get(amenity, amenity), justify="center")
        table.add_column("seats", justify="right")
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
        fields: list[tuple[str, object]] = [
            ("id", place.id),
            ("kind", place.kind.value),
            ("city", place.city),
            ("country", place.country_or_default if place.country is None else place.country),
            ("address", place.address),
            ("coordinates", None if place.coordinates is None else f"{place.lat}, {place.lon}"),
            ("opening hours", place.opening_hours),
            ("hours (as given)", place.opening_hours_raw),
            ("seats", place.seats),
            ("meeting room seats", place.meeting_room_seats),
            ("wifi speed", _number(place.measured_wifi_mbps, " Mbps") or None),
            ("website", place.website),
            ("phone", place.phone),
            ("tags", ", ".join(place.tags) or None),
            ("notes", place.notes),
            ("source", place.source),
        ]
        for label, value in fields:
            if value is not None:
                table.add_row(label, text(value))
        table.add_row("amenities", self._amenities(place))
        price = place.price
        if price is not None and not price.is_empty:
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
            table.add_row("price", text(", ".join(parts)))
        if place.visits:
            rating = place.average_rating
            summary = f"{len(place.visits)} visit{'s' if len(place.visits) > 1 else ''}"
            if rating is not None:
                summary += f", rated {rating:.1f}/5"
            table.add_row("visits", text(summary))
            for visit in place.visits[-5:]:
                bits = [visit.date.isoformat()]
                if visit.rating is not None:
                    bits.append(f"{visit.rating}/5")
                if visit.wifi_mbps is not None:
                    bits.append(f"{visit.wifi_mbps:g} Mbps")
                if visit.note:
                    bits.append(visit.note)
                table.add_row("", text("  ".join(bits)))
        if week is not None:
            for number, (day, hours) in enumerate(week):
                table.add_row("this week" if number == 0 else "", text(f"{day:%a %d %b}  {hours}"))
        self.console.print(table)

    def _amenities(self, place: Place) -> Text:
        line = Text()
        keys = list(AMENITY_KEYS) + [key for key in place.amenities if key not in AMENITY_KEYS]
        for key in keys:
            if line:
                line.append("  ")
            line.append_text(mark(place.has(key)))
            line.append(" " + neutralise(key))
        return line

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        needs = ranking.meeting.needs
        table = Table(box=None, header_style="bold", pad_edge=False)
        # Short columns never wrap, so on a narrow terminal the name and city take the rest.
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("name", overflow="fold", ratio=3, min_width=12)
        table.add_column("kind", no_wrap=True)
        table.add_column("city", overflow="fold", ratio=1)
        table.add_column("distance", justify="right", no_wrap=True)
        table.add_column("window", no_wrap=True)
        if needs:
            table.add_column("needs", no_wrap=True)
        table.add_column("score", justify="right", no_wrap=True)
        for result in ranking.results:
            place = result.place
            row: list[Text] = [
                text(result.rank),
                text(place.name, "bold"),
                text(place.kind.value),
                text(place.city),
                text("" if result.distance_km is None else f"{result.distance_km:.1f} km"),
                # "open 08:30–18:00", or "hours unknown" (closed places are excluded)
                text(result.window, "green" if result.open else "yellow"),
            ]
            if needs:
                marks = Text()
                for need in needs:
                    if marks:
                        marks.append(" ")
                    marks.append_text(mark(True if need in result.matched else None))
                    marks.append(" " + SHORT_NAMES.get(need, need))
                row.append(marks)
            row.append(text(f"{result.score:.2f}"))
            table.add_row(*row)
        self.console.print(table)
        if explain:
            # Reasons below the table, one block a place: inside it they would squeeze
            # the name column.
            for result in ranking.results:
                heading = Text(f"\n{result.rank}. ")
                heading.append_text(text(result.place.name, "bold"))
                heading.append(f"  {result.score:.2f}", style="dim")
                self.console.print(heading)
                for reason in result.reasons:
                    self.console.print(text(f"   · {reason}"))
        if explain and ranking.excluded_count:
            self.console.print()
            self.console.print(Text(f"excluded: {ranking.excluded_count}", style="bold"))
            for reason, count in ranking.excluded_by_reason().items():
                self.console.print(text(f"  {count:>4}  {reason}"))
