"""``nomadspot find``: rank the catalogue's places for a meeting."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

from typing import TYPE_CHECKING, Annotated

import typer

from nomadspot.cli.application import app
from nomadspot.cli.common import (
    FormatOption,
    complete_amenity,
    complete_city,
    complete_kind,
    eprint,
    state,
)
from nomadspot.errors import NoResultError

if TYPE_CHECKING:
    from nomadspot.ranking import Ranking, Result

NEEDS_PANEL = "What the meeting needs"
WHEN_PANEL = "When"
WHERE_PANEL = "Where"


@app.command()
def find(
    ctx: typer.Context,
    city: Annotated[
        str | None,
        typer.Option(
            "--city",
            help="Only places in this city (case, accents, '-' and ' ' ignored).",
            autocompletion=complete_city,
            rich_help_panel=WHERE_PANEL,
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            help="Only places in this country (ISO code); also the country for --near town names.",
            rich_help_panel=WHERE_PANEL,
        ),
    ] = None,
    near: Annotated[
        list[str] | None,
        typer.Option(
            "--near",
            help="Where a participant comes from (repeatable): LAT,LON, a place, or "
            'a town ("Vienne", "Vienne, FR"). The fairest place for all wins.',
            metavar="WHERE",
            rich_help_panel=WHERE_PANEL,
        ),
    ] = None,
    radius: Annotated[
        float | None,
        typer.Option(
            "--radius",
            help="Drop places farther than KM from any participant.",
            metavar="KM",
            rich_help_panel=WHERE_PANEL,
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="Only these kinds (repeatable).",
            autocompletion=complete_kind,
            rich_help_panel=NEEDS_PANEL,
        ),
    ] = None,
    wifi: Annotated[
        bool, typer.Option("--wifi", help="Wifi required.", rich_help_panel=NEEDS_PANEL)
    ] = False,
    power: Annotated[
        bool, typer.Option("--power", help="Power sockets required.", rich_help_panel=NEEDS_PANEL)
    ] = False,
    meeting_room: Annotated[
        bool,
        typer.Option(
            "--meeting-room",
            help="A meeting room required (for --people).",
            rich_help_panel=NEEDS_PANEL,
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", help="A quiet place required.", rich_help_panel=NEEDS_PANEL)
    ] = False,
    need: Annotated[
        list[str] | None,
        typer.Option(
            "--need",
            help="Another required amenity (repeatable): projector, parking...",
            autocompletion=complete_amenity,
            metavar="AMENITY",
            rich_help_panel=NEEDS_PANEL,
        ),
    ] = None,
    prefer: Annotated[
        list[str] | None,
        typer.Option(
            "--prefer",
            help="A wish, not a requirement (repeatable): raises places that have it.",
            autocompletion=complete_amenity,
            metavar="AMENITY",
            rich_help_panel=NEEDS_PANEL,
        ),
    ] = None,
    people: Annotated[
        int | None,
        typer.Option(
            "--people", help="How many people (default 2).", min=1, rich_help_panel=NEEDS_PANEL
        ),
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget",
            help="Most the meeting may cost in all (room, or what each person "
            "orders or pays for a day pass): 40, 40,5, 40 €.",
            metavar="AMOUNT",
            rich_help_panel=NEEDS_PANEL,
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help='When: "mardi 10h", "tue 14:00", "demain 9h", "10h30", "now", '
            '"2026-11-25 10:00"... in each place\'s local time.',
            metavar="WHEN",
            rich_help_panel=WHEN_PANEL,
        ),
    ] = None,
    duration: Annotated[
        str | None,
        typer.Option(
            "--for",
            help='How long: "90m", "1h30", "2h", "1:30" (default 1h).',
            metavar="DURATION",
            rich_help_panel=WHEN_PANEL,
        ),
    ] = None,
    open_now: Annotated[
        bool, typer.Option("--open-now", help="Same as --at now.", rich_help_panel=WHEN_PANEL)
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Drop places where anything asked for is unknown.")
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Show at most N results.", min=1, metavar="N")
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Show why each place ranks where it does, and what was excluded."
        ),
    ] = False,
    pick: Annotated[
        int | None,
        typer.Option(
            "--pick",
            help="Keep only the Nth result (with --format ics: the place of the invite).",
            min=1,
            metavar="N",
        ),
    ] = None,
    format: FormatOption = None,
) -> None:
    """Rank places for a meeting: where, when, for how many, with what.

    Places known to fail a requirement are excluded; places where it is unknown stay,
    ranked below confirmed ones and marked '?'. Exit 1 when nothing fits, naming the
    condition that removed the most places.

    Example: nomadspot find --near Lyon --near Vienne --meeting-room --people 4 --at "mardi 10h" --for 2h
    """
    import dataclasses

    from nomadspot import clock, gcpause, planning, ranking
    from nomadspot.amounts import parse_amount

    run = state(ctx)
    renderer = run.renderer(format)
    settings = run.config
    needs = [
        name
        for name, wanted in (
            ("wifi", wifi),
            ("power", power),
            ("meeting_room", meeting_room),
            ("quiet", quiet),
        )
        if wanted
    ]
    request = planning.Request(
        city=city,
        country=country,
        near=tuple(near or ()),
        radius_km=radius,
        kinds=tuple(kind or ()),
        needs=(*needs, *(need or ())),
        prefer=tuple(prefer or ()),
        people=people,
        at=at,
        duration=duration,
        open_now=open_now,
        budget=None if budget is None else parse_amount(budget, "--budget"),
        strict=strict,
        defaults={
            "city": settings.city,
            "country": settings.country,
            "people": settings.people,
            "duration": settings.duration,
            "needs": list(settings.needs),
        },
    )
    if request.near:  # a participant may be a place of any city
        catalogue = run.read_catalogue()
        meeting = planning.meeting(request, catalogue.places, clock.now(), eprint)
    else:  # only the places of the meeting's city are read (all without a city)
        meeting = planning.meeting(request, (), clock.now(), eprint)
        catalogue = run.read_catalogue(city=meeting.city)
    weights = (
        ranking.Weights.from_mapping(settings.weights)
        if settings.weights
        else ranking.DEFAULT_WEIGHTS
    )
    with gcpause.paused(keep=True):  # thousands of results, no cycles (see gcpause)
        result = ranking.rank(catalogue.places, meeting, weights, elsewhere=catalogue.elsewhere)
        if not result.results:
            raise _nothing_fits(result, catalogue.total)
        if pick is not None:
            result = dataclasses.replace(result, results=(_picked(result, pick),))
        if limit is not None:
            result = dataclasses.replace(result, results=result.results[:limit])
        renderer.ranking(result, explain=explain)
    # The results go before the catalogue (Python would drop the catalogue first, then
    # free each place along with its result): on 100,000 places, 25 ms instead of 50.
    del result


def _picked(result: "Ranking", pick: int) -> "Result":
    """The result ``--pick`` names; fewer results than that is "nothing matched" (exit 1)."""
    if pick > len(result.results):
        count = len(result.results)
        raise NoResultError(
            f"--pick {pick}: only {count} place{'s' if count > 1 else ''} fit this meeting",
            hint=f"pick 1 to {count}" if count > 1 else "leave out --pick",
        )
    return result.results[pick - 1]


def _nothing_fits(result: "Ranking", total: int) -> NoResultError:
    if total == 0:
        return NoResultError(
            "the catalogue has no places yet",
            hint="add some with 'nomadspot add' or 'nomadspot import'",
        )
    obstacle = result.main_obstacle()
    counts = result.excluded_by_reason()
    if obstacle is None:
        return NoResultError("no place fits this meeting")
    return NoResultError(
        f"no place fits: {counts[obstacle]} of {total} excluded as '{obstacle}'",
        hint="relax that condition (--explain shows every reason)",
    )
