"""The ``html`` format: one self-contained page, the places as a table and on a map.

Leaflet ships inside the package (``output/leaflet``, with its licence) and is inlined,
as are the page's own script and style (``output/page``): the page fetches nothing but
OpenStreetMap's background tiles, and offline it still shows the table and the markers
on a plain background. A Content-Security-Policy allows exactly those inline scripts
and styles (by hash) and the tiles.

Catalogue text is escaped wherever it goes: ``html.escape`` in the markup, and JSON with
``<``, ``>``, ``&``, U+2028 and U+2029 escaped in the one inline data block, which the
script reads and writes back as text only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from html import escape
from importlib import resources
from typing import TYPE_CHECKING, Any

from nomadspot import __version__
from nomadspot.output import Sink, Week
from nomadspot.output.answer import (
    Json,
    amenity_state,
    answer_json,
    coordinates,
    cost_text,
    distance_text,
    open_text,
    osm_url,
    participant_distances,
    place_keys,
    window_text,
)

if TYPE_CHECKING:
    from nomadspot.freshness import StalePlace
    from nomadspot.model import Place
    from nomadspot.ranking import Ranking

TILES = {
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">'
    "OpenStreetMap</a> contributors",
}
TILE_ORIGIN = "https://tile.openstreetmap.org"
MAP_FOCUS = 10  # the map opens on the participants and this many first places
LIST_AMENITIES = (("wifi", "wifi"), ("power", "power"), ("meeting_room", "room"))
CELL_CLASSES = {"#": "ns-rank", "window": "ns-window"}
STATE_MARKS = {"yes": ("✓", "ns-yes"), "no": ("✗", "ns-no"), "unknown": ("?", "ns-unknown")}
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028"}
_JSON_ESCAPES["\u2029"] = "\\u2029"


class HtmlRenderer:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    def places(self, places: Sequence[Place]) -> None:
        self.sink.write(list_page([place_keys(place) for place in places]))

    def place(self, place: Place, week: Week | None) -> None:
        self.sink.write(list_page([place_keys(place)], title=place.name))

    def stale(self, entries: Sequence[StalePlace]) -> None:
        self.sink.write(
            list_page([place_keys(entry.place) for entry in entries], title="To check again")
        )

    def ranking(self, ranking: Ranking, *, explain: bool) -> None:
        self.sink.write(find_page(answer_json(ranking)))


# --- find ----------------------------------------------------------------------------------


def find_page(data: Json) -> str:
    """The page for ``find --format json``'s dict (results with their ``place`` keys)."""
    query: Json = data["query"]
    results: Sequence[Json] = data["results"]
    needs: Sequence[str] = query.get("needs") or ()
    header = ["#", "name", "kind", "city", "distance", "window", "needs", "cost", "score", "why"]
    rows = [_result_row(query, result, needs) for result in results]
    body = _table(header, rows, numeric={"#", "distance", "cost", "score"})
    body += _excluded(data.get("excluded") or {})
    markers = [
        _marker(result["rank"], result, distance_text(result))
        for result in results
        if coordinates(result) is not None
    ]
    participants = [
        {"label": p["label"], "lat": p["lat"], "lon": p["lon"]} for p in query.get("near") or ()
    ]
    return page(
        "nomadspot: where to meet",
        _find_summary(query, data),
        {
            "places": markers,
            "participants": participants,
            "tiles": TILES,
            "focus": MAP_FOCUS,
            "ranked": True,
        },
        body,
    )


def _find_summary(query: Json, data: Json) -> str:
    parts = [window_text(query)]
    if query.get("people"):
        parts.append(f"{query['people']} people")
    if query.get("needs"):
        parts.append("needs " + ", ".join(query["needs"]))
    if query.get("near"):
        parts.append("from " + ", ".join(str(p["label"]) for p in query["near"]))
    elif query.get("city"):
        parts.append(f"in {query['city']}")
    count = len(data["results"])
    parts.append(f"{count:,} place{'s' if count != 1 else ''} fit")
    excluded = (data.get("excluded") or {}).get("count")
    if excluded:
        parts.append(f"{excluded:,} excluded")
    return " · ".join(part for part in parts if part)


def _result_row(query: Json, result: Json, needs: Sequence[str]) -> list[str]:
    distances = " · ".join(
        f"{label} {'?' if km is None else f'{km:.1f} km'}"
        for label, km in participant_distances(query, result)
    )
    window = window_text(query, day=False)
    if window:
        when = f"{escape(window)}<div class='ns-muted'>{escape(open_text(result))}</div>"
    else:
        when = f"<span class='ns-muted'>{escape(result.get('opening_hours') or '')}</span>"
    reasons = result.get("reasons") or []
    why = (
        f"<details><summary>{len(reasons)} reason{'s' if len(reasons) != 1 else ''}</summary>"
        f"<ul>{''.join(f'<li>{escape(reason)}</li>' for reason in reasons)}</ul></details>"
        if reasons
        else ""
    )
    return [
        f"<span>{int(result['rank'])}</span>",
        _name_cell(result),
        escape(str(result.get("kind") or "")),
        escape(str(result.get("city") or "")),
        f"<span title='{escape(distances)}'>{escape(distance_text(result))}</span>",
        when,
        " ".join(_need_mark(result, need) for need in needs),
        escape(cost_text(result)),
        f"{float(result['score']):.2f}",
        why,
    ]


def _need_mark(result: Json, need: str) -> str:
    state = amenity_state(result, need)
    if state.startswith("likely"):
        return f"<span class='ns-likely' title='{escape(state)}'>~ {escape(need)}</span>"
    mark, css = STATE_MARKS[state]
    return f"<span class='{css}' title='{escape(need)}: {state}'>{mark} {escape(need)}</span>"


def _excluded(excluded: Json) -> str:
    by_reason: Mapping[str, int] = excluded.get("by_reason") or {}
    if not by_reason:
        return ""
    items = [f"<li>{int(count)} {escape(reason)}</li>" for reason, count in by_reason.items()]
    for miss in excluded.get("near_misses") or ():
        items.append(
            f"<li>near miss: {escape(str(miss.get('name')))}, {escape(str(miss.get('reason')))}"
            "</li>"
        )
    total = int(excluded.get("count") or 0)
    return (
        f"<details class='ns-excluded'><summary>{total} excluded, by reason</summary>"
        f"<ul>{''.join(items)}</ul></details>"
    )


# --- list ----------------------------------------------------------------------------------


def list_page(places: Sequence[Json], title: str | None = None) -> str:
    """The page for places in the catalogue's keys (``list``, ``show``)."""
    header = ["#", "name", "kind", "city", *(label for _, label in LIST_AMENITIES)]
    header += ["seats", "opening hours"]
    rows = [_place_row(number, place) for number, place in enumerate(places, 1)]
    markers = [
        _marker(number, place, "")
        for number, place in enumerate(places, 1)
        if coordinates(place) is not None
    ]
    count = len(places)
    summary = f"{count} place{'s' if count != 1 else ''}"
    return page(
        f"nomadspot: {title}" if title else "nomadspot: places",
        summary,
        {
            "places": markers,
            "participants": [],
            "tiles": TILES,
            "focus": len(markers),
            "ranked": False,
        },
        _table(header, rows, numeric={"#", "seats"}),
    )


def _place_row(number: int, place: Json) -> list[str]:
    amenities: Mapping[str, bool] = place.get("amenities") or {}
    marks = []
    for amenity, _ in LIST_AMENITIES:
        known = amenities.get(amenity)
        mark, css = STATE_MARKS["unknown" if known is None else "yes" if known else "no"]
        marks.append(f"<span class='{css}'>{mark}</span>")
    seats = place.get("seats")
    return [
        f"<span>{number}</span>",
        _name_cell(place),
        escape(str(place.get("kind") or "")),
        escape(str(place.get("city") or "")),
        *marks,
        "" if seats is None else escape(str(seats)),
        escape(str(place.get("opening_hours") or place.get("opening_hours_raw") or "")),
    ]


# --- shared --------------------------------------------------------------------------------


def _name_cell(item: Json) -> str:
    """The name (a link to the website when it is one), the address, the map link."""
    name = escape(str(item.get("name") or ""))
    website = (item.get("place") or item).get("website")
    if isinstance(website, str) and website.lower().startswith(("https://", "http://")):
        name = f"<a href='{escape(website)}' rel='noopener noreferrer'>{name}</a>"
    lines = [f"<div class='ns-name'>{name}</div>"]
    extra = []
    if item.get("address"):
        extra.append(escape(str(item["address"])))
    link = osm_url(item)
    if link is None:
        extra.append("not on the map (no coordinates)")
    else:
        extra.append(f"<a href='{escape(link)}' rel='noopener noreferrer'>OpenStreetMap</a>")
    lines.append(f"<div class='ns-muted'>{' · '.join(extra)}</div>")
    return "".join(lines)


def _marker(number: int, item: Json, distance: str) -> dict[str, Any]:
    where = coordinates(item)
    assert where is not None
    return {
        "number": int(number),
        "name": str(item.get("name") or ""),
        "lat": where[0],
        "lon": where[1],
        "detail": " · ".join(str(item[key]) for key in ("kind", "city") if item.get(key)),
        "distance": distance,
    }


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[str]) -> str:
    """Cells are HTML already (escaped by their makers)."""

    def cell(tag: str, column: str, content: str) -> str:
        classes = ["ns-number"] if column in numeric else []
        if tag == "td" and column in CELL_CLASSES:
            classes.append(CELL_CLASSES[column])
        css = f" class='{' '.join(classes)}'" if classes else ""
        return f"<{tag}{css}>{content}</{tag}>"

    head = "".join(cell("th", column, escape(column)) for column in header)
    body = "\n".join(
        "<tr>" + "".join(cell("td", c, v) for c, v in zip(header, row, strict=True)) + "</tr>"
        for row in rows
    )
    return f"<table id='places'>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or line separators."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    for char, replacement in _JSON_ESCAPES.items():
        text = text.replace(char, replacement)
    return text


def page(title: str, summary: str, map_data: Any, body: str) -> str:
    styles = [_asset("leaflet/leaflet.css"), _asset("page/page.css")]
    scripts = [_asset("leaflet/leaflet.js"), _asset("page/map.js")]
    policy = (
        "default-src 'none'; "
        f"img-src {TILE_ORIGIN} data:; "
        f"style-src {' '.join(_hash(style) for style in styles)}; "
        f"script-src {' '.join(_hash(script) for script in scripts)}; "
        "base-uri 'none'; form-action 'none'"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            "<html lang='en'>",
            "<head>",
            "<meta charset='utf-8'>",
            f"<meta http-equiv='Content-Security-Policy' content=\"{escape(policy)}\">",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{escape(title)}</title>",
            *(f"<style>{style}</style>" for style in styles),
            "</head>",
            "<body>",
            f"<h1>{escape(title)}</h1>",
            f"<p class='ns-summary'>{escape(summary)}</p>",
            "<div id='map' role='img' aria-label='Map of the places'></div>",
            body,
            "<footer>Made by nomadspot "
            f"{escape(__version__)}. Map drawn with Leaflet (BSD 2-Clause licence, "
            "© Volodymyr Agafonkin, © CloudMade), shipped inside nomadspot; background "
            "tiles © OpenStreetMap contributors (ODbL), loaded when online.</footer>",
            f"<script id='nomadspot-data' type='application/json'>{script_json(map_data)}</script>",
            *(f"<script>{script}</script>" for script in scripts),
            "</body>",
            "</html>",
            "",
        ]
    )


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@cache
def _asset(name: str) -> str:
    return resources.files("nomadspot.output").joinpath(name).read_text(encoding="utf-8")
