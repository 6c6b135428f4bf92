"""Machine formats of a ranking: find's JSON (the spec's shape), CSV and TSV columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

from nomadspot.model import Meeting, Participant, Place, Price
from nomadspot.output import Sink
from nomadspot.output.plain import CsvRenderer, JsonRenderer, TsvRenderer, dumps, ranking_json
from nomadspot.ranking import rank
from nomadspot.vocabulary import Kind

TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0)
RESULT_KEYS = {
    "rank", "id", "name", "kind", "city", "country", "address", "lat", "lon", "score",
    "distance_km", "distances_km", "distance_approx", "open", "opening_hours", "cost",
    "matched", "likely", "unknown", "reasons",
}  # fmt: skip
QUERY_KEYS = {
    "city", "kinds", "needs", "prefer", "people", "start", "end", "budget", "near",
    "objective", "strict",
}  # fmt: skip


def cafe(place_id: str, **fields: object) -> Place:
    values: dict[str, object] = {"id": place_id, "name": "Café", "kind": Kind.CAFE, "city": "Lyon"}
    return Place(**{**values, **fields})  # type: ignore[arg-type]


def rendered(renderer_class: type, ranking: object, *, explain: bool = False) -> str:
    out = io.StringIO()
    renderer_class(Sink(out)).ranking(ranking, explain=explain)
    return out.getvalue()


def test_the_json_has_the_keys_of_the_spec() -> None:
    places = [
        cafe("a", lat=45.76, lon=4.83, opening_hours="Mo-Su 08:00-20:00", amenities={"wifi": True}),
        Place("b", "Cowork", Kind.COWORKING, "Lyon", lat=45.75, lon=4.85),
    ]
    meeting = Meeting(
        needs=("wifi",), start=TUESDAY_10, near=(Participant("Lyon", 45.764, 4.8357),)
    )
    data = json.loads(rendered(JsonRenderer, rank(places, meeting)))
    assert set(data) == {"query", "results", "excluded"}
    assert set(data["query"]) == QUERY_KEYS and data["query"]["objective"] == "fair"
    assert [set(result) for result in data["results"]] == [RESULT_KEYS, RESULT_KEYS]
    cowork = next(r for r in data["results"] if r["id"] == "b")
    assert cowork["likely"] == ["wifi"] and "wifi" in cowork["unknown"]
    assert cowork["distances_km"] == [cowork["distance_km"]] and not cowork["distance_approx"]
    assert set(data["excluded"]) == {"count", "by_reason", "near_misses"}


def test_nothing_fits_still_prints_what_was_excluded() -> None:
    places = [cafe("a", amenities={"wifi": False}), cafe("b", price=Price(hour=30.0))]
    data = json.loads(
        rendered(JsonRenderer, rank(places, Meeting(needs=("wifi",), budget=20.0, people=1)))
    )
    assert data["results"] == []
    assert data["excluded"]["count"] == 2
    assert data["excluded"]["by_reason"] == {"no wifi": 1, "over budget": 1}
    misses = {miss["id"]: miss["reason"] for miss in data["excluded"]["near_misses"]}
    assert misses == {"a": "no wifi", "b": "over budget: 30.00 EUR (budget 20)"}


def test_a_terminal_gets_the_indented_form_and_a_pipe_one_line() -> None:
    ranking = rank([cafe("a"), dataclasses.replace(cafe("b"), name="Bar")], Meeting())

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    JsonRenderer(Sink(terminal)).ranking(ranking, explain=False)
    JsonRenderer(Sink(pipe)).ranking(ranking, explain=False)
    assert terminal.getvalue() == dumps(ranking_json(ranking), pretty=True)
    assert "\n  " in terminal.getvalue()
    assert pipe.getvalue().count("\n") == 1
    assert json.loads(terminal.getvalue()) == json.loads(pipe.getvalue())


def test_json_escapes_bidi_overrides_and_c1_controls() -> None:
    line = rendered(JsonRenderer, rank([cafe("a", name="Evil\u202ename\x9b")], Meeting()))
    assert "\u202e" not in line and "\x9b" not in line
    assert "\\u202e" in line and "\\u009b" in line
    assert json.loads(line)["results"][0]["name"] == "Evil\u202ename\x9b"


def test_explain_adds_a_reasons_column_to_csv_and_tsv() -> None:
    ranking = rank([cafe("a", amenities={"wifi": True})], Meeting(needs=("wifi",)))
    for renderer in (CsvRenderer, TsvRenderer):
        plain = rendered(renderer, ranking).splitlines()
        explained = rendered(renderer, ranking, explain=True).splitlines()
        separator = "," if renderer is CsvRenderer else "\t"
        assert not plain[0].endswith("reasons")
        assert explained[0].endswith(separator + "reasons")
        assert "wifi confirmed" in explained[1]
