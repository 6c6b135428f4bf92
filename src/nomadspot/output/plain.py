"""Machine formats: json, csv, tsv (header line, ``\\t`` ``\\n`` ``\\\\`` escaped), ids."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from nomadspot.output import Sink, Week

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
        text = json.dumps(  # no cycles to look for: the data is made of fresh trees
            data,
            ensure_ascii=False,
            indent=indent,
            default=_json_default,
            allow_nan=False,
            check_circular=False,
        )
    except ValueError:
        text = json.dumps(_finite(data), ensure_ascii=False, indent=indent, default=_json_default)
    return _UNSAFE_IN_JSON.sub(_escape_unsafe, text) + "\n"


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
        "objective": meeting.objective,
        "strict": meeting.strict,
    }


def _excluded_json(ranking: Ranking) -> dict[str, Any]:
    return {
        "count": ranking.excluded_count,
        "by_reason": ranking.excluded_by_reason(),
        "near_misses": [
            {"id": miss.place.id, "name": miss.place.name, "reason": miss.reason}
            for miss in ranking.near_misses
        ],
    }


def _result_json(result: Result) -> dict[str, Any]:
    """A result's JSON object (tuples are written as arrays)."""
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
        "distances_km": result.distances_km,
        "distance_approx": result.distance_approx,
        "open": result.open,
        "opening_hours": place.opening_hours,
        "cost": result.cost,
        "matched": result.matched,
        "likely": result.likely,
        "unknown": result.unknown,
        "reasons": result.reasons,
    }


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(str(item) for item in value)
    return str(value)


def _result_row(result: Result, *, explain: bool) -> list[str]:
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
    if explain:
        values.append("; ".join(result.reasons))
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
        self.sink.write(dumps(ranking_json(ranking), pretty=self.pretty))


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
        header = (*RESULT_COLUMNS, "reasons") if explain else RESULT_COLUMNS
        self._write(header, [_result_row(r, explain=explain) for r in ranking.results])

    def stale(self, entries: Sequence[StalePlace]) -> None:
        self._write(STALE_COLUMNS, [_stale_row(entry) for entry in entries])


class CsvRenderer(_DelimitedRenderer):
    def places(self, places: Sequence[Place]) -> None:
        from nomadspot.interop.exporting import export_text

        self.sink.write(export_text(places, "csv"))

    def _write(self, header: Sequence[str], rows: list[list[str]]) -> None:
        from nomadspot.interop.exporting import csv_text

        self.sink.write(csv_text(header, rows, NUMERIC_RESULT_COLUMNS))


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
