"""``nomadspot find``: rank the catalogue's places for a meeting."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

import dataclasses
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
    from nomadspot.ranking import Ranking

NEEDS_PANEL = "What the meeting needs"
WHEN_PANEL = "When"
WHERE_PANEL = "Where"
TABLE_LIMIT = 10  # results a table shows unless --limit or the config's limit says


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
            help="Only places in this country (FR, BE, or a name: France, Autriche); also "
            "the country for --near town names.",
            metavar="COUNTRY",
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
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="fair: the farthest participant travels least (default); "
            "total: everyone's distance added up.",
            metavar="fair|total",
            rich_help_panel=WHERE_PANEL,
        ),
    ] = "fair",
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
            help='When: "mardi 10h", "mardi prochain 10h", "demain 9h", "1/12 10h", '
            '"1er décembre 10h", "tue 14:00", "now", "2026-11-25 10:00"... in each '
            "place's local time.",
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
        int | None,
        typer.Option(
            "--limit",
            help="Show at most N results (a table shows 10 unless the config's limit says).",
            min=1,
            metavar="N",
        ),
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
    marked '~' when the kind makes it likely (a coworking space's wifi) and '?' otherwise,
    and rank below confirmed ones. With --near, places far beyond the best are out of the
    way. Exit 1 when nothing fits, naming the condition that removed the most places.

    Example: nomadspot find --near Lyon --near Vienne --meeting-room --people 4 --at "mardi 10h" --for 2h
    """
    from nomadspot import finding, gcpause
    from nomadspot.amounts import parse_amount
    from nomadspot.output import default_format

    run = state(ctx)
    shown = (format or run.config.format or default_format()).lower()
    if limit is None and shown == "table":
        limit = run.config.limit or TABLE_LIMIT
    flags = {"wifi": wifi, "power": power, "meeting_room": meeting_room, "quiet": quiet}
    result = finding.find(
        city=city,
        country=country,
        near=near or (),
        radius_km=radius,
        objective=objective,
        kinds=kind or (),
        needs=[*(name for name, wanted in flags.items() if wanted), *(need or ())],
        prefer=prefer or (),
        people=people,
        at=at,
        duration=duration,
        open_now=open_now,
        budget=None if budget is None else parse_amount(budget, "--budget"),
        strict=strict,
        limit=limit if pick is None else None,  # only the results shown are made
        catalogue=run.catalogue_option,
        config=run.config,
        note=eprint,
    )
    if pick is not None:
        result = _picked(result, pick)
    if result.results or explain or shown == "json":
        with gcpause.paused():  # a dict or a row for each result, no cycles (see gcpause)
            run.renderer(shown).ranking(result.truncated(limit), explain=explain)
    if not result.results:
        raise finding.nothing_fits(result)


def _picked(result: "Ranking", pick: int) -> "Ranking":
    """Only the result ``--pick`` names; fewer results than that is "nothing matched"
    (exit 1), as is no result at all (said by ``nothing_fits``)."""
    count = len(result.results)
    if count == 0:
        return result
    if pick > count:
        raise NoResultError(
            f"--pick {pick}: only {count} place{'s' if count > 1 else ''} fit this meeting",
            hint=f"pick 1 to {count}" if count > 1 else "leave out --pick",
        )
    return dataclasses.replace(result, results=(result.results[pick - 1],))
