"""``planning``: from what a user types to ``find`` (a ``Request``) to a ``Meeting``."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from nomadspot import planning
from nomadspot.config import Config
from nomadspot.errors import UsageError
from nomadspot.model import DEFAULT_DURATION, Meeting, Participant, Place
from nomadspot.planning import Request
from nomadspot.vocabulary import Kind

NOW = dt.datetime(2026, 11, 23, 9, 0)  # a Monday


def place(place_id: str, name: str, **fields: object) -> Place:
    values: dict[str, object] = {"id": place_id, "name": name, "kind": Kind.CAFE, "city": "Lyon"}
    values.update(fields)
    return Place(**values)  # type: ignore[arg-type]


PLACES = (
    place("pepiniere-vienne", "La Pépinière", city="Vienne", lat=45.5257, lon=4.8748),
    place("comptoir-lyon", "Le Comptoir", lat=45.76, lon=4.83),
    place("comptoir-vienne", "Le Comptoir", city="Vienne", lat=45.52, lon=4.87),
    place("lyon-cowork", "Cowork", lat=45.75, lon=4.85),
    place("vague", "Vague"),
)


class Notes(list[str]):
    """The notes said, but the one said while the town index is built (only the first
    time in a session)."""

    def __call__(self, message: str) -> None:
        if "town index" not in message:
            self.append(message)


def config(**values: object) -> Config:
    """The config as ``load_config`` gives it (typed; its own checks are its tests')."""
    return Config(Path("config.toml"), exists=True, **values)  # type: ignore[arg-type]


def plan(
    request: Request, places: tuple[Place, ...] = PLACES, settings: Config | None = None
) -> tuple[Meeting, Notes]:
    notes = Notes()
    return planning.meeting(request, places, NOW, notes, settings), notes


def test_an_empty_request_is_the_default_meeting() -> None:
    meeting, notes = plan(Request())
    assert meeting == Meeting()
    assert meeting.duration == DEFAULT_DURATION and meeting.people == 2
    assert notes == []


def test_config_defaults_fill_what_flags_leave_out() -> None:
    defaults = config(
        city="Vienne", country="fr", people=5, duration="1h30", needs=("wi-fi", "prises")
    )
    meeting, _ = plan(Request(), settings=defaults)
    assert meeting.city == "Vienne" and meeting.country == "FR"
    assert meeting.people == 5
    assert meeting.duration == dt.timedelta(minutes=90)
    assert meeting.needs == ("wifi", "power")
    # Flags override; required amenities add to the config's, without duplicates.
    meeting, _ = plan(
        Request(
            city="Lyon",
            country="at",
            people=3,
            duration="2h",
            needs=("wifi", "meeting_room", "salle de réunion"),
        ),
        settings=defaults,
    )
    assert (meeting.city, meeting.country, meeting.people) == ("Lyon", "AT", 3)
    assert meeting.duration == dt.timedelta(hours=2)
    assert meeting.needs == ("wifi", "power", "meeting_room")


def test_kinds_and_wishes_are_parsed() -> None:
    meeting, _ = plan(Request(kinds=("café", "pépinière", "cafe"), prefer=("terrasse", "outdoor")))
    assert meeting.kinds == frozenset({Kind.CAFE, Kind.PEPINIERE})
    assert meeting.prefer == ("outdoor",)
    with pytest.raises(UsageError, match="unknown kind 'spaceship'"):
        plan(Request(kinds=("spaceship",)))
    with pytest.raises(UsageError, match="unknown amenity 'teleporter'"):
        plan(Request(prefer=("teleporter",)))


def test_the_window() -> None:
    meeting, _ = plan(Request(at="mardi 10h", duration="90m"))
    assert meeting.start == dt.datetime(2026, 11, 24, 10, 0)
    assert meeting.end == dt.datetime(2026, 11, 24, 11, 30)
    now, _ = plan(Request(open_now=True))
    assert now.start == NOW and now.end == NOW + dt.timedelta(hours=1)
    with pytest.raises(UsageError, match="--open-now and --at"):
        plan(Request(open_now=True, at="10h"))
    with pytest.raises(UsageError, match="as a meeting time"):
        plan(Request(at="someday"))
    with pytest.raises(UsageError, match="as a duration"):
        plan(Request(duration=""))  # typed, even empty, is not the config's
    # The last window there is; one more minute and it would end after year 9999.
    last, _ = plan(Request(at="9999-12-31 22:59", duration="1h"))
    assert last.end == dt.datetime(9999, 12, 31, 23, 59)
    with pytest.raises(UsageError, match="after the year 9999"):
        plan(Request(at="9999-12-31 23:30", duration="1h"))


@pytest.mark.parametrize(
    ("defaults", "message"),
    [
        ({"duration": "45"}, r"config file's \[defaults\] duration: cannot read '45'"),
        ({"needs": ("teleporter",)}, r"config file's \[defaults\] needs: unknown amenity"),
        (
            {"country": "Atlantis"},
            r"config file's \[defaults\] country: unknown country: 'Atlantis'",
        ),
    ],
)
def test_a_bad_config_value_is_named_as_the_configs(
    defaults: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        plan(Request(), settings=config(**defaults))


def test_a_bad_flag_value_is_named_as_the_flag() -> None:
    with pytest.raises(UsageError, match=r"^cannot read '45' as a duration"):
        plan(Request(duration="45"), settings=config(duration="1h"))
    with pytest.raises(UsageError, match=r"^--country: unknown country: 'Atlantis'"):
        plan(Request(country="Atlantis"))


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (Request(people=0), "--people must be at least 1"),
        (Request(people=-2), "--people must be at least 1"),
        (Request(radius_km=0, near=("45,5",)), "--radius must be a positive"),
        (Request(radius_km=-1, near=("45,5",)), "--radius must be a positive"),
        (Request(radius_km=math.nan, near=("45,5",)), "--radius must be a positive"),
        (Request(radius_km=10), "--radius needs at least one --near"),
        (Request(budget=-1), "--budget must be an amount of at least 0"),
        (Request(budget=math.nan), "--budget must be an amount of at least 0"),
    ],
)
def test_bad_numbers_are_usage_errors(request_: Request, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        plan(request_)
    assert caught.value.exit_code == 2


def test_numbers_pass_through() -> None:
    meeting, _ = plan(Request(radius_km=12.5, near=("45,5",), budget=0.0, people=1, strict=True))
    assert (meeting.radius_km, meeting.budget, meeting.people, meeting.strict) == (
        12.5,
        0.0,
        1,
        True,
    )
    # The config's people when the flag is absent; the built-in 2 when neither is.
    assert plan(Request(), settings=config(people=6))[0].people == 6


# --- participants ----------------------------------------------------------------------------


def near(where: str, country: str = "FR") -> tuple[Participant, Notes]:
    notes = Notes()
    return planning.participant(where, PLACES, country, notes), notes


@pytest.mark.parametrize(
    ("where", "lat", "lon"),
    [
        ("45.5,4.8", 45.5, 4.8),
        (" 45.5 , 4.8 ", 45.5, 4.8),
        ("45.5;4.8", 45.5, 4.8),
        ("45.5 4.8", 45.5, 4.8),
        ("-33.86,151.21", -33.86, 151.21),
        ("+90,-180", 90.0, -180.0),
    ],
)
def test_coordinates(where: str, lat: float, lon: float) -> None:
    participant, notes = near(where)
    assert (participant.lat, participant.lon) == (lat, lon)
    assert participant.label == where.strip()
    assert notes == []


@pytest.mark.parametrize("where", ["90.1,0", "0,180.5", "-91,3"])
def test_coordinates_out_of_range(where: str) -> None:
    with pytest.raises(UsageError, match="latitude must be within"):
        near(where)


@pytest.mark.parametrize(
    "where", ["pepiniere-vienne", "La Pépinière", "la pepiniere", "pepiniere-v"]
)
def test_a_place_by_id_name_or_id_prefix(where: str) -> None:
    participant, notes = near(where)
    assert participant == Participant("La Pépinière", 45.5257, 4.8748)
    assert notes == []


def test_a_name_several_places_share_is_ambiguous() -> None:
    with pytest.raises(UsageError, match="matches 2 places") as caught:
        near("le comptoir")
    assert "comptoir-lyon" in caught.value.message and "comptoir-vienne" in caught.value.message
    assert caught.value.hint == "use the id"
    # The id still chooses.
    assert near("comptoir-vienne")[0].lat == 45.52


def test_a_place_without_coordinates() -> None:
    with pytest.raises(UsageError, match="Vague has no coordinates") as caught:
        near("vague")
    assert caught.value.hint is not None and "nomadspot edit vague" in caught.value.hint


def test_an_ambiguous_id_prefix_that_is_no_town() -> None:
    with pytest.raises(UsageError, match="matches 2 places"):
        near("comptoir-")


def test_a_town_wins_over_an_id_prefix() -> None:
    participant, _ = near("lyon")
    assert participant.label == "Lyon, FR"
    assert math.isclose(participant.lat, 45.75, abs_tol=0.05)


def test_a_town_ambiguous_bare_name_takes_the_default_country_and_says_so() -> None:
    participant, notes = near("Vienne")
    assert participant.label == "Vienne, FR"
    assert math.isclose(participant.lat, 45.5257, abs_tol=0.01)
    assert len(notes) == 1
    assert notes[0].startswith("note: --near 'Vienne': using Vienne, FR (45.52")
    assert "Vienna, AT" in notes[0]
    austria, notes = near("Vienne", country="AT")
    assert austria.label.endswith(", AT") and math.isclose(austria.lat, 48.2, abs_tol=0.1)
    chosen, notes = near("Vienne, AT")
    assert chosen == austria and notes == []


def test_the_country_of_the_request_is_the_default_for_towns() -> None:
    meeting, notes = plan(Request(near=("Vienne",), country="AT"))
    assert meeting.near[0].label.endswith(", AT")
    assert notes == []  # Vienne (FR) is no plausible meaning beside Vienna for a user in AT
    from_config, _ = plan(Request(near=("Vienne",)), settings=config(country="AT"))
    assert from_config.near == meeting.near and from_config.country == "AT"
    both, _ = plan(Request(near=("Vienne, FR", "45,5")))
    assert [p.label for p in both.near] == ["Vienne, FR", "45,5"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("Zzyzxqville", "unknown place or city: 'Zzyzxqville'"),
        ("Vienne, ZZ", "'ZZ' is not a country code"),
        ("   ", "empty place or city name"),
    ],
)
def test_unknown_towns(where: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        near(where)
