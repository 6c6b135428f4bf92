"""Commands that manage the catalogue: init, add, list, show, edit, remove, visit, check,
config. Each parses its options, calls one function, and hands the result to a renderer."""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

from typing import Annotated

import typer

from nomadspot.cli.application import app
from nomadspot.cli.common import (
    CityFilter,
    FormatOption,
    KindFilter,
    RefArgument,
    TagFilter,
    complete_amenity,
    complete_city,
    complete_kind,
    eprint,
    state,
)
from nomadspot.editing import Fields, amenity_flags
from nomadspot.errors import NoResultError, UsageError

# --- field options shared by add and edit ------------------------------------------------

Kind = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="Kind: cafe, coworking, pepiniere, hotel_lobby... (French words accepted).",
        autocompletion=complete_kind,
    ),
]
City = Annotated[str | None, typer.Option("--city", help="City.", autocompletion=complete_city)]
Country = Annotated[str | None, typer.Option("--country", help="ISO country code (default FR).")]
Address = Annotated[str | None, typer.Option("--address", help="Street address.")]
Lat = Annotated[float | None, typer.Option("--lat", help="Latitude, WGS 84 degrees.")]
Lon = Annotated[float | None, typer.Option("--lon", help="Longitude, WGS 84 degrees.")]
Hours = Annotated[
    str | None,
    typer.Option(
        "--hours", help='Opening hours, OpenStreetMap syntax: "Mo-Fr 08:30-18:00; PH off".'
    ),
]
Seats = Annotated[
    int | None, typer.Option("--seats", help="How many can sit and work there.", min=0)
]
RoomSeats = Annotated[
    int | None,
    typer.Option("--meeting-room-seats", min=0, help="Seats of its largest meeting room."),
]
AmenityList = Annotated[
    list[str] | None,
    typer.Option(
        "--amenity", help="It has this amenity (repeatable).", autocompletion=complete_amenity
    ),
]
NoAmenityList = Annotated[
    list[str] | None,
    typer.Option(
        "--no-amenity",
        help="It is known NOT to have this amenity (repeatable).",
        autocompletion=complete_amenity,
    ),
]
PriceHour = Annotated[
    str | None,
    typer.Option(
        "--price-hour",
        help="Per person per hour (what a café expects you to order): 4.5, 4,50, 4 €.",
        metavar="AMOUNT",
    ),
]
PriceDay = Annotated[
    str | None, typer.Option("--price-day", help="Per person day pass.", metavar="AMOUNT")
]
PriceRoom = Annotated[
    str | None,
    typer.Option("--price-room-hour", help="Meeting room per hour, whole room.", metavar="AMOUNT"),
]
Website = Annotated[str | None, typer.Option("--website", help="Website.")]
Phone = Annotated[str | None, typer.Option("--phone", help="Phone number.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="A free tag (repeatable).")]
Note = Annotated[str | None, typer.Option("--note", help="Notes about the place.")]
Wifi = Annotated[
    bool | None,
    typer.Option("--wifi/--no-wifi", help="Has wifi / has none.", show_default=False),
]
Power = Annotated[
    bool | None,
    typer.Option(
        "--power/--no-power", show_default=False, help="Sockets a visitor may use / none."
    ),
]
MeetingRoom = Annotated[
    bool | None,
    typer.Option(
        "--meeting-room/--no-meeting-room",
        help="Has a meeting room / has none.",
        show_default=False,
    ),
]
Quiet = Annotated[
    bool | None, typer.Option("--quiet/--no-quiet", show_default=False, help="Quiet / noisy.")
]


def _fields(
    *,
    name: str | None,
    kind: str | None,
    city: str | None,
    country: str | None,
    address: str | None,
    lat: float | None,
    lon: float | None,
    hours: str | None,
    seats: int | None,
    meeting_room_seats: int | None,
    wifi: bool | None,
    power: bool | None,
    meeting_room: bool | None,
    quiet: bool | None,
    amenity: list[str] | None,
    no_amenity: list[str] | None,
    price_hour: str | None,
    price_day: str | None,
    price_room_hour: str | None,
    website: str | None,
    phone: str | None,
    tag: list[str] | None,
    note: str | None,
) -> Fields:
    from nomadspot.amounts import parse_amount

    def amount(text: str | None, option: str) -> float | None:
        return None if text is None else parse_amount(text, option)

    return Fields(
        name=name,
        kind=kind,
        city=city,
        country=country,
        address=address,
        lat=lat,
        lon=lon,
        hours=hours,
        seats=seats,
        meeting_room_seats=meeting_room_seats,
        website=website,
        phone=phone,
        notes=note,
        tags=tuple(tag or ()),
        amenities=amenity_flags(
            flags={"wifi": wifi, "power": power, "meeting_room": meeting_room, "quiet": quiet},
            have=amenity,
            have_not=no_amenity,
        ),
        price_hour=amount(price_hour, "--price-hour"),
        price_day=amount(price_day, "--price-day"),
        price_room_hour=amount(price_room_hour, "--price-room-hour"),
    )


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
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The place's name.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="Kind: cafe, coworking, pepiniere, hotel_lobby... (French words accepted).",
            autocompletion=complete_kind,
        ),
    ],
    city: Annotated[str, typer.Option("--city", help="City.", autocompletion=complete_city)],
    country: Country = None,
    address: Address = None,
    lat: Lat = None,
    lon: Lon = None,
    hours: Hours = None,
    seats: Seats = None,
    meeting_room_seats: RoomSeats = None,
    wifi: Wifi = None,
    power: Power = None,
    meeting_room: MeetingRoom = None,
    quiet: Quiet = None,
    amenity: AmenityList = None,
    no_amenity: NoAmenityList = None,
    price_hour: PriceHour = None,
    price_day: PriceDay = None,
    price_room_hour: PriceRoom = None,
    website: Website = None,
    phone: Phone = None,
    tag: Tags = None,
    note: Note = None,
    place_id: Annotated[
        str | None,
        typer.Option("--id", help="Choose the id (default: derived from name and city)."),
    ] = None,
) -> None:
    """Add a place and print its new id (and nothing else) on stdout.

    Example: nomadspot add "La Pépinière" --kind pépinière --city Vienne --wifi --hours "Mo-Fr 08:30-18:00; PH off"
    """
    from nomadspot import editing, store

    fields = _fields(
        name=name,
        kind=kind,
        city=city,
        country=country,
        address=address,
        lat=lat,
        lon=lon,
        hours=hours,
        seats=seats,
        meeting_room_seats=meeting_room_seats,
        wifi=wifi,
        power=power,
        meeting_room=meeting_room,
        quiet=quiet,
        amenity=amenity,
        no_amenity=no_amenity,
        price_hour=price_hour,
        price_day=price_day,
        price_room_hour=price_room_hour,
        website=website,
        phone=phone,
        tag=tag,
        note=note,
    )
    place = editing.new_place(fields, place_id)

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
def edit(
    ctx: typer.Context,
    ref: RefArgument,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    kind: Kind = None,
    city: City = None,
    country: Country = None,
    address: Address = None,
    lat: Lat = None,
    lon: Lon = None,
    hours: Hours = None,
    seats: Seats = None,
    meeting_room_seats: RoomSeats = None,
    wifi: Wifi = None,
    power: Power = None,
    meeting_room: MeetingRoom = None,
    quiet: Quiet = None,
    amenity: AmenityList = None,
    no_amenity: NoAmenityList = None,
    price_hour: PriceHour = None,
    price_day: PriceDay = None,
    price_room_hour: PriceRoom = None,
    website: Website = None,
    phone: Phone = None,
    tag: Tags = None,
    note: Note = None,
) -> None:
    """Change a place's fields; with no field option, edit its TOML in $VISUAL/$EDITOR.

    The edited text is validated before anything is saved. An empty value ("") clears an
    optional field; --tag adds a tag.

    Example: nomadspot edit la-cantine --seats 40 --power --price-day 15
    """
    from nomadspot import editing, store
    from nomadspot.cli import editor

    run = state(ctx)
    fields = _fields(
        name=name,
        kind=kind,
        city=city,
        country=country,
        address=address,
        lat=lat,
        lon=lon,
        hours=hours,
        seats=seats,
        meeting_room_seats=meeting_room_seats,
        wifi=wifi,
        power=power,
        meeting_room=meeting_room,
        quiet=quiet,
        amenity=amenity,
        no_amenity=no_amenity,
        price_hour=price_hour,
        price_day=price_day,
        price_room_hour=price_room_hour,
        website=website,
        phone=phone,
        tag=tag,
        note=note,
    )
    path = run.catalogue_path
    if fields.is_empty():
        editor.edit_in_editor(path, ref)
        return

    def change(catalogue: store.Catalogue) -> tuple[store.Catalogue, str]:
        from nomadspot import refs

        place = refs.resolve(ref, catalogue.places)
        changed = editing.apply(place, fields)
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
        str | None,
        typer.Option(
            "--date", help="Day of the visit: 2026-11-20, 20/11/2026, hier (default: today)."
        ),
    ] = None,
) -> None:
    """Log a visit. Ratings and measured wifi raise a place in 'find'.

    Example: nomadspot visit la-cantine --rating 4 --wifi-mbps 35.5 --note "Busy at lunch."
    """
    from nomadspot import clock, refs, store
    from nomadspot.codec import MAX_WIFI_MBPS
    from nomadspot.model import Visit
    from nomadspot.timeparse import parse_day

    day = parse_day(date, clock.today()) if date else clock.today()
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
    catalogue_note = (
        ""
        if path.exists()
        else "  (not created yet: read-only commands show the example catalogue)"
    )
    lines = [
        f"catalogue = {path}{catalogue_note}",
        f"config = {settings.path}{'' if settings.exists else '  (not found: built-in defaults)'}",
        f"cache = {cache_dir()}",
        f"defaults.city = {settings.city or ''}",
        f"defaults.country = {settings.country or 'FR'}",
        f"defaults.people = {settings.people or 2}",
        f"defaults.duration = {settings.duration or '1h'}",
        f"defaults.needs = {', '.join(settings.needs)}",
        f"defaults.format = {settings.format or 'table on a terminal, tsv in a pipe'}",
    ]
    from nomadspot.ranking import DEFAULT_WEIGHTS, Weights

    weights = Weights.from_mapping(settings.weights) if settings.weights else DEFAULT_WEIGHTS
    import dataclasses

    lines += [
        f"weights.{f.name} = {getattr(weights, f.name):g}" for f in dataclasses.fields(weights)
    ]
    from nomadspot.output import Sink

    Sink().write("\n".join(lines) + "\n")
