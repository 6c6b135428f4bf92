"""Machine formats: json, csv, tsv (header line, ``\\t`` ``\\n`` ``\\\\`` escaped), ids."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from collections.abc import Sequence
from json.encoder import encode_basestring as _encode_string
from typing import TYPE_CHECKING, Any

from nomadspot.output import Sink, Week
from nomadspot.vocabulary import Kind

if TYPE_CHECKING:
    from nomadspot.freshness import StalePlace
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking, Result

RESULT_COLUMNS = (
    "rank",
    "id",
    "name",
    "kind",
    "city",
    "country",
    "score",
    "distance_km",
    "open",
    "window",
    "cost",
    "matched",
    "unknown",
)
STALE_COLUMNS = ("id", "name", "kind", "city", "last_checked", "unknown")


def stale_json(entry: StalePlace) -> dict[str, Any]:
    place = entry.place
    checked = entry.last_checked
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind.value,
        "city": place.city,
        "last_checked": None if checked is None else checked.isoformat(),
        "unknown": list(entry.unknown),
    }


def _stale_row(entry: StalePlace) -> list[str]:
    data = stale_json(entry)
    return [*(data[key] or "" for key in STALE_COLUMNS[:-1]), " ".join(entry.unknown)]


# Left as they are in CSV: "-1" is a number to a spreadsheet, not a formula.
NUMERIC_RESULT_COLUMNS = frozenset({"rank", "score", "distance_km", "cost"})


def _json_default(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _finite(data: Any) -> Any:
    """TOML allows nan and inf; JSON does not. They become null."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data


# json escapes C0 controls itself; DEL, C1 controls (CSI is U+009B) and bidi overrides
# are escaped too, as \uXXXX, so JSON is both valid and terminal-safe.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_unsafe(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(data: Any, *, pretty: bool = True) -> str:
    """JSON text: indented for a person, one line for a program (as httpie and jq do;
    Python's C encoder only runs without indentation, ten times faster on 10,000 places)."""
    indent = 2 if pretty else None
    try:
        text = json.dumps(
            data, ensure_ascii=False, indent=indent, default=_json_default, allow_nan=False
        )
    except ValueError:
        text = json.dumps(_finite(data), ensure_ascii=False, indent=indent, default=_json_default)
    return _UNSAFE_IN_JSON.sub(_escape_unsafe, text) + "\n"


class _Encoder:
    """JSON values written exactly as ``dumps(..., pretty=False)`` writes them, one at a time.

    ``ranking_line`` assembles find's one-line JSON from these: 30,000 results are written
    in half the time of building their dicts and encoding them, mostly because the texts
    that results share (kinds, cities, hours, reasons) are encoded once. Each text is made
    terminal-safe on its own, which is the same as doing it on the whole line: the escapes
    that json adds are plain ASCII."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.lists: dict[tuple[str, ...], str] = {}
        self.numbers: dict[float, str] = {}

    @staticmethod
    def text(value: str) -> str:
        encoded = _encode_string(value)
        if value.isprintable():  # none to escape: they are all controls or formats
            return encoded
        return _UNSAFE_IN_JSON.sub(_escape_unsafe, encoded)

    def shared_text(self, value: str | None) -> str:
        """``text`` (or null) for values that many results share."""
        encoded = self.texts.get(value)  # type: ignore[arg-type]
        if encoded is None:
            encoded = "null" if value is None else self.text(value)
            self.texts[value] = encoded  # type: ignore[index]
        return encoded

    def texts_list(self, values: tuple[str, ...]) -> str:
        encoded = self.lists.get(values)
        if encoded is None:
            encoded = "[" + ", ".join(self.shared_text(value) for value in values) + "]"
            self.lists[values] = encoded
        return encoded

    def shared_number(self, value: float | None) -> str:
        """A score, a distance or a cost: rounded, so the same few values recur."""
        if type(value) is not float or value == 0:  # 0.0 == -0.0, written apart
            return self.value(value)
        encoded = self.numbers.get(value)
        if encoded is None:
            encoded = self.numbers[value] = self.value(value)
        return encoded

    @staticmethod
    def number(value: float | None) -> str:
        if type(value) is float and value - value == 0:  # finite
            return float.__repr__(value)
        return _Encoder.value(value)

    @staticmethod
    def value(value: object) -> str:
        if value is None:
            return "null"
        if type(value) is str:
            return _Encoder.text(value)
        if type(value) is float:
            return float.__repr__(value) if math.isfinite(value) else "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if type(value) is int:
            return int.__repr__(value)
        return dumps(value, pretty=False)[:-1]  # anything rarer: json's own way


def ranking_line(ranking: Ranking) -> str:
    """``dumps(ranking_json(ranking), pretty=False)``, byte for byte, written directly.

    The loop is the hot path of ``find`` on a large catalogue: shared values are looked
    up in the encoder's memos with ``dict.get`` inline, and encoded on a miss. Scores and
    distances are always floats (never 0 as an int, which a float memo would confuse)."""
    encode = _Encoder()
    text, shared, texts = encode.text, encode.shared_text, encode.texts_list
    number, shared_number, value = encode.number, encode.shared_number, encode.value
    known_text, known_list, known_number = encode.texts.get, encode.lists.get, encode.numbers.get
    kinds: dict[Kind, str] = {kind: text(kind.value) for kind in Kind}
    escape = _encode_string
    # The opening, each result after ", " (the first one's is taken off), the closing.
    lines = [f'{{"query": {dumps(_query_json(ranking), pretty=False)[:-1]}, "results": [']
    for result in ranking.results:
        place = result.place
        place_id, name, address = place.id, place.name, place.address
        city, country, hours = place.city, place.country_or_default, place.opening_hours
        lat, lon, score, distance = place.lat, place.lon, result.score, result.distance_km
        matched, unknown, reasons = result.matched, result.unknown, result.reasons
        opened, cost = result.open, result.cost
        # Most ids, names and addresses are printable: json's C escape alone is enough.
        id_text = escape(place_id) if place_id.isprintable() else text(place_id)
        name_text = escape(name) if name.isprintable() else text(name)
        if address is None:
            address_text = "null"
        else:
            address_text = escape(address) if address.isprintable() else text(address)
        lat_text = float.__repr__(lat) if type(lat) is float and lat - lat == 0 else number(lat)
        lon_text = float.__repr__(lon) if type(lon) is float and lon - lon == 0 else number(lon)
        distance_text = (
            "null" if distance is None else known_number(distance) or shared_number(distance)
        )
        lines.append(
            f', {{"rank": {result.rank:d}, "id": {id_text}, "name": {name_text}, '
            f'"kind": {kinds[place.kind]}, '
            f'"city": {known_text(city) or shared(city)}, '
            f'"country": {known_text(country) or shared(country)}, '
            f'"address": {address_text}, '
            f'"lat": {lat_text}, "lon": {lon_text}, '
            f'"score": {known_number(score) or shared_number(score)}, '
            f'"distance_km": {distance_text}, '
            f'"open": {"null" if opened is None else "true" if opened is True else value(opened)}, '
            f'"opening_hours": {known_text(hours) or shared(hours)}, '  # type: ignore[arg-type]
            f'"cost": {"null" if cost is None else shared_number(cost)}, '
            f'"matched": {known_list(matched) or texts(matched)}, '
            f'"unknown": {known_list(unknown) or texts(unknown)}, '
            f'"reasons": {known_list(reasons) or texts(reasons)}}}'
        )
    if len(lines) > 1:
        lines[1] = lines[1].removeprefix(", ")
    lines.append(f'], "excluded": {dumps(_excluded_json(ranking), pretty=False)[:-1]}}}\n')
    return "".join(lines)  # one copy of the 13 MB of 30,000 results


def place_json(place: Place) -> dict[str, Any]:
    from nomadspot import codec  # not on find's path

    return codec.encode_place(place)


def ranking_json(ranking: Ranking) -> dict[str, Any]:
    return {
        "query": _query_json(ranking),
        "results": [_result_json(result) for result in ranking.results],
        "excluded": _excluded_json(ranking),
    }


def _query_json(ranking: Ranking) -> dict[str, Any]:
    meeting = ranking.meeting
    return {
        "city": meeting.city,
        "kinds": sorted(kind.value for kind in meeting.kinds),
        "needs": list(meeting.needs),
        "prefer": list(meeting.prefer),
        "people": meeting.people,
        "start": meeting.start.isoformat() if meeting.start else None,
        "end": meeting.end.isoformat() if meeting.end else None,
        "budget": meeting.budget,
        "near": [{"label": p.label, "lat": p.lat, "lon": p.lon} for p in meeting.near],
        "strict": meeting.strict,
    }


def _excluded_json(ranking: Ranking) -> dict[str, Any]:
    return {"count": ranking.excluded_count, "by_reason": ranking.excluded_by_reason()}


def _result_json(result: Result) -> dict[str, Any]:
    place = result.place
    return {
        "rank": result.rank,
        "id": place.id,
        "name": place.name,
        "kind": place.kind.value,
        "city": place.city,
        "country": place.country_or_default,
        "address": place.address,
        "lat": place.lat,
        "lon": place.lon,
        "score": result.score,
        "distance_km": result.distance_km,
        "open": result.open,
        "opening_hours": place.opening_hours,
        "cost": result.cost,
        "matched": list(result.matched),
        "unknown": list(result.unknown),
        "reasons": list(result.reasons),
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(item) for item in value)
    return str(value)


def _result_row(result: Result) -> list[str]:
    place = result.place
    values: list[object] = [
        result.rank,
        place.id,
        place.name,
        place.kind.value,
        place.city,
        place.country_or_default,
        f"{result.score:.2f}",
        result.distance_km,
        result.open,
        result.window,
        result.cost,
        result.matched,
        result.unknown,
    ]
    return [_cell(value) for value in values]


class JsonRenderer:
    """Indented on a terminal, one line in a pipe."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.pretty = sink.is_terminal

    def places(self, places: Sequence[Place]) -> None:
        self.sink.write(dumps([place_json(place) for place in places], pretty=self.pretty))

    def place(self, place: Place, week: Week | None) -> None:
        data = place_json(place)
        if week is not None:
            data["week"] = [{"date": day.isoformat(), "hours": hours} for day, hours in week]
        self.sink.write(dumps(data, pretty=self.pretty))

    def stale(self, entries: Sequence[StalePlace]) -> None:
        self.sink.write(dumps([stale_json(entry) for entry in entries], pretty=self.pretty))

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        if self.pretty:
            self.sink.write(dumps(ranking_json(ranking)))
        else:
            self.sink.write(ranking_line(ranking))


class _DelimitedRenderer:
    """CSV and TSV share columns: the export columns for places, RESULT_COLUMNS for find."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def _write(self, header: Sequence[str], rows: list[list[str]]) -> None:
        raise NotImplementedError

    def places(self, places: Sequence[Place]) -> None:
        from nomadspot.interop.exporting import CSV_COLUMNS, flat_row

        rows = []
        for place in places:
            flat = flat_row(place)
            rows.append([flat.get(column, "") for column in CSV_COLUMNS])
        self._write(CSV_COLUMNS, rows)

    def place(self, place: Place, week: Week | None) -> None:
        self.places([place])

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        self._write(RESULT_COLUMNS, [_result_row(result) for result in ranking.results])

    def stale(self, entries: Sequence[StalePlace]) -> None:
        self._write(STALE_COLUMNS, [_stale_row(entry) for entry in entries])


class CsvRenderer(_DelimitedRenderer):
    def places(self, places: Sequence[Place]) -> None:
        from nomadspot.interop.exporting import export_text

        self.sink.write(export_text(places, "csv"))

    def _write(self, header: Sequence[str], rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        import csv  # not on the path of the other formats

        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        from nomadspot.interop.exporting import formula_safe

        writer.writerows(
            [
                [
                    cell if column in NUMERIC_RESULT_COLUMNS else formula_safe(cell)
                    for column, cell in zip(header, row, strict=True)
                ]
                for row in rows
            ]
        )
        self.sink.write(buffer.getvalue())


def tsv_escape(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class TsvRenderer(_DelimitedRenderer):
    def _write(self, header: Sequence[str], rows: list[list[str]]) -> None:
        lines = ["\t".join(header)]
        from nomadspot.output.sanitize import spreadsheet_cell

        lines.extend("\t".join(tsv_escape(spreadsheet_cell(cell)) for cell in row) for row in rows)
        self.sink.write("\n".join(lines) + "\n")


class IdsRenderer:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def places(self, places: Sequence[Place]) -> None:
        self.sink.write("".join(f"{place.id}\n" for place in places))

    def place(self, place: Place, week: Week | None) -> None:
        self.sink.write(f"{place.id}\n")

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        self.sink.write("".join(f"{result.place.id}\n" for result in ranking.results))

    def stale(self, entries: Sequence[StalePlace]) -> None:
        self.sink.write("".join(f"{entry.place.id}\n" for entry in entries))
