"""Commands that manage the catalogue: init, add, list, show, edit, remove, visit, check,
config. Each parses its options, calls one function, and hands the result to a renderer."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

import datetime as dt
from typing import Annotated, Any

import typer

from nomadspot.cli.application import app
from nomadspot.cli.common import (
    CityFilter,
    FormatOption,
    KindFilter,
    RefArgument,
    TagFilter,
    eprint,
    state,
)
from nomadspot.cli.fieldoptions import changes, field_options
from nomadspot.errors import NoResultError, UsageError

# --- init --------------------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    examples: Annotated[
        bool,
        typer.Option(
            "--examples", help="Start with the example places instead of an empty catalogue."
        ),
    ] = False,
) -> None:
    """Create your catalogue (empty, or with the example places). Never overwrites one.

    Example: nomadspot init --examples
    """
    from nomadspot import store

    path = state(ctx).catalogue_path
    catalogue = store.example() if examples else store.Catalogue()
    store.create(path, store.Catalogue(catalogue.places, catalogue.extra, path))
    eprint(
        f"Created {path} with {len(catalogue.places)} place"
        f"{'' if len(catalogue.places) == 1 else 's'}."
    )


# --- add ---------------------------------------------------------------------------------


@app.command()
@field_options(required=("kind", "city"), skip=("name",))
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The place's name.", metavar="NAME")],
    *,
    place_id: Annotated[
        str | None,
        typer.Option(
            "--id", metavar="ID", help="Choose the id (default: derived from name and city)."
        ),
    ] = None,
    **values: Any,
) -> None:
    """Add a place and print its new id (and nothing else) on stdout.

    Example: nomadspot add "La Pépinière" --kind pépinière --city Vienne --wifi --hours "Mo-Fr 08:30-18:00; PH off"
    """
    from nomadspot import editing, store

    given = changes(values)
    kind, city = given.pop("kind"), given.pop("city")
    place = editing.new_place(name, kind, city, given, place_id)

    def insert(catalogue: store.Catalogue) -> tuple[store.Catalogue, str]:
        existing = catalogue.get(place.id)
        if existing is not None:
            raise UsageError(
                f"a place with id {place.id!r} already exists ({existing.name}, {existing.city})",
                hint=f"change it with 'nomadspot edit {place.id}', or choose another --id",
            )
        return catalogue.with_places([*catalogue.places, place]), place.id

    print(store.update(state(ctx).catalogue_path, insert))


# --- list --------------------------------------------------------------------------------


@app.command("list")
def list_places(
    ctx: typer.Context,
    city: CityFilter = None,
    kind: KindFilter = None,
    tag: TagFilter = None,
    format: FormatOption = None,
) -> None:
    """List places, sorted by city then name. Exit 1 when none matches.

    Example: nomadspot list --city Paris --kind coworking --format json
    """
    from nomadspot.selection import select

    run = state(ctx)
    renderer = run.renderer(format)
    places = select(run.read_catalogue().places, city=city, kinds=kind, tags=tag)
    if not places:
        raise NoResultError(
            "no place matches" if (city or kind or tag) else "the catalogue has no places yet",
            hint="add one with 'nomadspot add', or import a file",
        )
    renderer.places(places)


# --- show --------------------------------------------------------------------------------


@app.command()
def show(ctx: typer.Context, ref: RefArgument, format: FormatOption = None) -> None:
    """Show one place in full, with its opening hours for the coming seven days.

    Example: nomadspot show la-cantine
    """
    from nomadspot import clock, hours, refs

    run = state(ctx)
    renderer = run.renderer(format)
    place = refs.resolve(ref, run.read_catalogue().places)
    week = None
    if place.opening_hours:
        week = hours.place_week(place, clock.today())
    renderer.place(place, week)


# --- edit --------------------------------------------------------------------------------


@app.command()
@field_options()
def edit(ctx: typer.Context, ref: RefArgument, **values: Any) -> None:
    """Change a place's fields; with no field option, edit its TOML in $VISUAL/$EDITOR.

    The edited text is validated before anything is saved. An empty value ("") clears an
    optional field; --tag adds a tag.

    Example: nomadspot edit la-cantine --seats 40 --power --price-day 15
    """
    from nomadspot import editing, store
    from nomadspot.cli import editor

    run = state(ctx)
    given = changes(values)
    path = run.catalogue_path
    if editing.is_empty(given):
        editor.edit_in_editor(path, ref)
        return

    def change(catalogue: store.Catalogue) -> tuple[store.Catalogue, str]:
        from nomadspot import refs

        place = refs.resolve(ref, catalogue.places)
        changed = editing.apply(place, given)
        places = [changed if p.id == place.id else p for p in catalogue.places]
        return catalogue.with_places(places), place.id

    eprint(f"Updated {store.update(path, change)}.")


# --- remove ------------------------------------------------------------------------------


@app.command()
def remove(
    ctx: typer.Context,
    ref: RefArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a place. Asks first, unless --yes; off a terminal --yes is required.

    Example: nomadspot remove e-dune --yes
    """
    import sys

    from nomadspot import refs, store

    path = state(ctx).catalogue_path
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "remove asks for confirmation, and stdin is not a terminal",
                hint="add --yes to remove without asking",
            )
        current = store.load(path)
        place = refs.resolve(ref, current.places if current else ())
        from nomadspot.output.sanitize import neutralise

        question = neutralise(f"Remove {place.id} ({place.name}, {place.city})?")
        if not typer.confirm(question, err=True):
            raise NoResultError("nothing removed")
        ref = place.id

    def delete(catalogue: store.Catalogue) -> tuple[store.Catalogue, str]:
        place = refs.resolve(ref, catalogue.places)
        return catalogue.with_places([p for p in catalogue.places if p.id != place.id]), place.id

    eprint(f"Removed {store.update(path, delete)}.")


# --- visit -------------------------------------------------------------------------------


@app.command()
def visit(
    ctx: typer.Context,
    ref: RefArgument,
    rating: Annotated[
        int | None, typer.Option("--rating", min=1, max=5, help="Your rating, 1 to 5.")
    ] = None,
    wifi_mbps: Annotated[
        float | None,
        typer.Option("--wifi-mbps", min=0, help="Download speed you measured, in Mbit/s."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note about this visit.")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Day of the visit, YYYY-MM-DD (default: today).")
    ] = None,
) -> None:
    """Log a visit. Ratings and measured wifi raise a place in 'find'.

    Example: nomadspot visit la-cantine --rating 4 --wifi-mbps 35.5 --note "Busy at lunch."
    """
    from nomadspot import clock, refs, store
    from nomadspot.codec import MAX_WIFI_MBPS
    from nomadspot.model import Visit

    try:
        day = dt.date.fromisoformat(date) if date else clock.today()
    except ValueError as error:
        raise UsageError(f"--date {date!r} is not a date like 2026-11-20") from error
    if wifi_mbps is not None and not wifi_mbps <= MAX_WIFI_MBPS:  # also false for nan, inf
        raise UsageError(f"--wifi-mbps must be between 0 and {MAX_WIFI_MBPS:.0f}")
    entry = Visit(
        date=day, rating=rating, wifi_mbps=wifi_mbps, note=(note.strip() or None) if note else None
    )

    def log(catalogue: store.Catalogue) -> tuple[store.Catalogue, str]:
        place = refs.resolve(ref, catalogue.places)
        places = [p.with_visit(entry) if p.id == place.id else p for p in catalogue.places]
        return catalogue.with_places(places), place.id

    eprint(f"Logged a visit to {store.update(state(ctx).catalogue_path, log)} on {day}.")


# --- check -------------------------------------------------------------------------------


@app.command()
def check(ctx: typer.Context) -> None:
    """Validate the catalogue: syntax, opening_hours, duplicate ids, unknown kinds and
    amenities, lat/lon ranges. Prints one problem a line; exit 3 on errors.

    Example: nomadspot check && git commit -am "more cafés"
    """
    from nomadspot import checking
    from nomadspot.errors import CatalogueError
    from nomadspot.output import Sink
    from nomadspot.output.sanitize import neutralise

    run = state(ctx)
    path = run.catalogue_path
    report = checking.check_file(path) if path.exists() else checking.check_example(eprint)
    sink = Sink()
    for problem in report.problems:
        # One problem a line, whatever the data holds: newlines in it are escaped too.
        label = "error: " if problem.error else "warning: "
        sink.write(label + neutralise(str(problem)) + "\n")
    summary = (
        f"{report.places} place{'' if report.places == 1 else 's'} checked: "
        f"{report.errors} error{'' if report.errors == 1 else 's'}, "
        f"{report.warnings} warning{'' if report.warnings == 1 else 's'}"
    )
    if report.errors:
        raise CatalogueError(f"{report.source}: {summary}")
    eprint(summary)


# --- config ------------------------------------------------------------------------------


@app.command()
def config(ctx: typer.Context) -> None:
    """Print the catalogue and config paths in use and the defaults in force.

    Example: nomadspot config
    """
    from nomadspot.paths import cache_dir

    run = state(ctx)
    path = run.catalogue_path
    settings = run.config
    catalogue_note = run.catalogue_note()
    lines = [
        f"catalogue = {path}{catalogue_note}",
        f"config = {settings.path}{'' if settings.exists else '  (not found: built-in defaults)'}",
        f"cache = {cache_dir()}",
        *settings.describe(),
    ]
    from nomadspot.ranking import DEFAULT_WEIGHTS, Weights

    weights = Weights.from_mapping(settings.weights) if settings.weights else DEFAULT_WEIGHTS
    import dataclasses

    lines += [
        f"weights.{f.name} = {getattr(weights, f.name):g}" for f in dataclasses.fields(weights)
    ]
    from nomadspot.output import Sink

    Sink().write("\n".join(lines) + "\n")
