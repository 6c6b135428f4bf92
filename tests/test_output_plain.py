"""Machine formats. find's one-line JSON is written by hand for speed; it must be, byte for
byte, what json.dumps writes for the same data (``ranking_json``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomadspot.model import Meeting, Participant, Place, Price
from nomadspot.output import Sink
from nomadspot.output.plain import JsonRenderer, dumps, ranking_json, ranking_line
from nomadspot.ranking import rank
from nomadspot.vocabulary import Kind

from .strategies import catalogues

TUESDAY_10 = dt.datetime(2026, 11, 24, 10, 0)


def reference(places: list[Place], meeting: Meeting) -> tuple[str, str]:
    ranking = rank(places, meeting)
    return ranking_line(ranking), dumps(ranking_json(ranking), pretty=False)


def cafe(place_id: str, **fields: object) -> Place:
    values: dict[str, object] = {"id": place_id, "name": "Café", "kind": Kind.CAFE, "city": "Lyon"}
    return Place(**{**values, **fields})  # type: ignore[arg-type]


meetings = st.builds(
    Meeting,
    city=st.none(),
    needs=st.lists(st.sampled_from(["wifi", "power", "quiet"]), max_size=2, unique=True).map(tuple),
    prefer=st.lists(st.sampled_from(["wifi", "terrace"]), max_size=1).map(tuple),
    people=st.integers(1, 6),
    start=st.sampled_from([None, TUESDAY_10]),
    near=st.sampled_from([(), (Participant("Lyon", 45.764, 4.8357),)]),
    budget=st.none() | st.sampled_from([0.0, 25.0]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogues(max_size=6), meetings)
def test_the_hand_written_line_is_what_json_dumps_writes(
    places: list[Place], meeting: Meeting
) -> None:
    line, expected = reference(places, meeting)
    assert line == expected
    json.loads(line)


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Le \x9b31m Bar\x7f", "address": "rue \u202eenrevuoL"},  # C1, DEL, bidi
        {"name": 'Quote " and \\ and \n and \t', "address": "\u2066isolate\u2069"},
        {"name": "L’Atelier … « Café »", "opening_hours": "Mo-Fr 08:00-18:00; PH off"},
        {"opening_hours_raw": "lundi \x85 au vendredi, de 9h à 18h, et le samedi matin"},
        {"lat": math.nan, "lon": math.inf},  # not from a catalogue (it refuses them)
        {"lat": 45, "lon": -4},  # TOML integers
        {"lat": -0.0, "lon": 1e-300},
        {"price": Price(hour=-0.0, day=None)},
        {"price": Price(hour=2.5, currency="CHF\x9b")},
        {"city": "Saint-Étienne", "country": "fr"},
        {"amenities": {"wifi": True, "power": False}},
    ],
)
def test_hard_values_are_written_as_json_dumps_writes_them(fields: dict[str, object]) -> None:
    places = [cafe("a", **fields), cafe("b", **fields), cafe("c")]
    finite = all(math.isfinite(place.lat or 0) for place in places)
    meeting = Meeting(
        needs=("wifi",),
        start=TUESDAY_10,
        near=(Participant("Lyon \x9b", 45.764, 4.8357),) if finite else (),
        budget=100.0,
    )
    line, expected = reference(places, meeting)
    assert line == expected
    parsed = json.loads(line)
    assert parsed["results"]
    for unsafe in ("\x7f", "\x85", "\x9b", "\u202e", "\u2066"):
        assert unsafe not in line


def test_an_empty_ranking() -> None:
    line, expected = reference([], Meeting(city="Lyon"))
    assert (
        line
        == expected
        == (
            '{"query": {"city": "Lyon", "kinds": [], "needs": [], "prefer": [], "people": 2, '
            '"start": null, "end": null, "budget": null, "near": [], "strict": false}, '
            '"results": [], "excluded": {"count": 0, "by_reason": {}}}\n'
        )
    )


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
    assert pipe.getvalue() == ranking_line(ranking)
    assert pipe.getvalue().count("\n") == 1
    assert json.loads(terminal.getvalue()) == json.loads(pipe.getvalue())


def test_zero_and_negative_zero_are_written_apart() -> None:
    """They are equal (one key in a memo) but json writes "0.0" and "-0.0"."""
    places = [cafe("a", price=Price(hour=0.0)), cafe("b", price=Price(hour=-0.0))]
    line, expected = reference(places, Meeting())
    assert line == expected
    assert '"cost": 0.0' in line
    assert '"cost": -0.0' in line
