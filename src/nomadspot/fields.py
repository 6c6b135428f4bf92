"""A place's fields, declared once.

Each row of ``PLACE_FIELDS`` is one top-level key of a ``[[place]]`` table: the type of
its value (with its limits, ``nomadspot.valuetypes``), whether it is required, its
CSV/GeoJSON column (also the ``import --map`` key), the ``add``/``edit`` option that sets
it, and the label ``show`` gives it. The codec (reading, validating, writing), the export
columns, the import map keys, the options of ``add`` and ``edit`` and ``show`` are all
made from this table, so a new fact is one row here plus its behaviour. ``PRICE_FIELDS``
and ``VISIT_FIELDS`` do the same for ``[place.price]`` and ``[[place.visits]]``.

No typer, no rich, no I/O: the domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nomadspot.valuetypes import (
    TAG_SEPARATOR,
    Choice,
    Code,
    Count,
    Day,
    Duration,
    FieldError,
    Hours,
    Number,
    Text,
    TextList,
    ValueType,
    clean_text,
    number_text,
    type_name,
)
from nomadspot.vocabulary import (
    Kind,
    Sockets,
    Status,
    find_kind,
    parse_kind,
    parse_sockets,
    parse_status,
)

__all__ = [
    "BY_NAME",
    "COUNTRY",
    "MAX_PRICE",
    "MAX_SEATS",
    "MAX_WIFI_MBPS",
    "PLACE_FIELDS",
    "PRICE_FIELDS",
    "SEATS",
    "TAG_SEPARATOR",
    "VISIT_FIELDS",
    "Day",
    "FieldError",
    "FieldSpec",
    "Option",
    "ValueType",
    "clean_text",
    "number_text",
    "type_name",
]

MAX_SEATS = 1_000_000
MAX_PRICE = 1e9
MAX_WIFI_MBPS = 1e6
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- the declarations ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    """How ``add``/``edit`` set a field: ``--flag METAVAR`` and its help sentence."""

    flag: str
    metavar: str
    help: str


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One key. ``name`` is the catalogue key and the domain object's attribute; ``column``
    the CSV/GeoJSON column and ``--map`` key (None: not in flat exports); ``label`` the
    row ``show`` gives it (None: ``show`` says it its own way)."""

    name: str
    type: ValueType
    option: Option | None = None
    label: str | None = None
    required: bool = False
    column: str | None = None

    @property
    def flat(self) -> str:
        """The column, for the fields that have one."""
        assert self.column is not None
        return self.column

    @property
    def flag(self) -> str:
        return self.option.flag if self.option is not None else self.name


def _field(
    name: str,
    type: ValueType,
    option: tuple[str, str, str] | None = None,
    *,
    label: str | None = "",
    required: bool = False,
    column: str | None = "",
) -> FieldSpec:
    """A row: the label defaults to the name with spaces, the column to the name."""
    return FieldSpec(
        name=name,
        type=type,
        option=Option(*option) if option is not None else None,
        label=name.replace("_", " ") if label == "" else label,
        required=required,
        column=name if column == "" else column,
    )


TEXT = Text()
SEATS = Count(0, MAX_SEATS)
COUNTRY = Code(2, "must be a two-letter ISO code such as 'FR'")
CURRENCY = Code(3, "must be a three-letter code such as 'EUR'")
LATITUDE = Number(-90, 90, whole=False)
LONGITUDE = Number(-180, 180, whole=False)
AMOUNT = Number(0, MAX_PRICE, amount=True)
DAY = Day()

# fmt: off
PLACE_FIELDS: tuple[FieldSpec, ...] = (
    _field("id", Text(ID_PATTERN, "must be lowercase a-z, 0-9 and '-'"), required=True),
    _field("name", TEXT, ("--name", "NAME", "The place's name."), required=True, label=None),
    _field("kind", Choice(Kind, parse_kind, find_kind, "kind"), ("--kind", "KIND",
           "Kind: cafe, coworking, pepiniere, hotel_lobby... (French words accepted)."),
           required=True),
    _field("city", TEXT, ("--city", "CITY", "The town the place is in."), required=True),
    _field("country", COUNTRY, ("--country", "CC", "Two-letter ISO country code (default FR).")),
    _field("address", TEXT, ("--address", "TEXT", "Street address.")),
    _field("lat", LATITUDE, ("--lat", "DEGREES", "Latitude, WGS 84."), label=None),
    _field("lon", LONGITUDE, ("--lon", "DEGREES", "Longitude, WGS 84."), label=None),
    _field("opening_hours", Hours(), ("--hours", "HOURS",
           'Opening hours: "Mo-Fr 08:30-18:00; PH off" (OpenStreetMap) or "lun-ven 8h-19h".')),
    _field("opening_hours_raw", TEXT, label="hours (as given)"),
    _field("seats", SEATS, ("--seats", "N", "How many people can sit and work there.")),
    _field("meeting_room_seats", SEATS, ("--meeting-room-seats", "N",
           "Seats of its largest meeting room.")),
    _field("wifi_mbps", Number(0, MAX_WIFI_MBPS), ("--wifi-mbps", "MBPS",
           "Wifi download speed you measured, in Mbit/s."), label=None),
    _field("website", TEXT, ("--website", "URL", "Website.")),
    _field("phone", TEXT, ("--phone", "PHONE", "Phone number.")),
    _field("tags", TextList(), ("--tag", "TAG", "A free tag (repeatable; edit adds it).")),
    _field("notes", TEXT, ("--note", "TEXT", "Notes about the place.")),
    _field("source", TEXT),
    _field("status", Choice(Status, parse_status, noun="status"), ("--status", "STATUS",
           "open, temporarily_closed, or closed for good; find leaves out closed places.")),
    _field("checked", DAY, ("--checked", "DATE", "When its facts were last confirmed: "
           "2026-11-20, 20/11/2026, today, yesterday (hier).")),
    _field("sockets", Choice(Sockets, parse_sockets, noun="sockets value"), ("--sockets", "SOCKETS",
           "Power sockets: plenty, limited, ask (ask the staff) or none.")),
    _field("time_limit", Duration(), ("--time-limit", "DURATION",
           "The longest a laptop worker is welcome (2h, 90m, 1h30), or none.")),
)
# fmt: on

PRICE_FIELDS: tuple[FieldSpec, ...] = (
    _field("hour", AMOUNT, ("--price-hour", "AMOUNT",
           "Per person per hour (what a café expects you to order)."), column="price_hour"),
    _field("day", AMOUNT, ("--price-day", "AMOUNT", "Per person day pass."), column="price_day"),
    _field("room_hour", AMOUNT, ("--price-room-hour", "AMOUNT",
           "The meeting room per hour, whole room."), column="price_room_hour"),
    _field("currency", CURRENCY, column="price_currency"),
)  # fmt: skip


VISIT_FIELDS: tuple[FieldSpec, ...] = (
    _field("date", DAY, ("--date", "DATE", "Day of the visit: 2026-11-20, 20/11/2026, "
           "yesterday or hier (default: today)."), required=True),
    _field("rating", Count(1, 5), ("--rating", "1-5", "Your rating, 1 to 5.")),
    _field("wifi_mbps", Number(0, MAX_WIFI_MBPS), ("--wifi-mbps", "MBPS",
           "Download speed you measured, in Mbit/s.")),
    _field("note", TEXT, ("--note", "TEXT", "A note about this visit.")),
)  # fmt: skip

# [place.private]: the user's secrets, any keys; set by add/edit --private KEY=VALUE.
PRIVATE_OPTION = Option(
    "--private",
    "KEY=VALUE",
    "A private value such as wifi_password=... (repeatable): shown by show, never exported "
    "or listed. An empty VALUE removes the key.",
)

# The amenities that have a --X/--no-X flag of their own; the others go through --amenity.
FLAG_AMENITIES: tuple[tuple[str, str], ...] = (
    ("wifi", "Has wifi / has none."),
    ("power", "Sockets a visitor may use / none."),
    ("meeting_room", "Has a meeting room / has none."),
    ("quiet", "Quiet / noisy."),
)

# The tables of a [[place]] after its plain keys, in the order they are written.
TABLE_KEYS = ("amenities", "price", "private", "visits")
PLACE_KEYS: tuple[str, ...] = (*(spec.name for spec in PLACE_FIELDS), *TABLE_KEYS)
PRICE_KEYS: tuple[str, ...] = tuple(spec.name for spec in PRICE_FIELDS)
VISIT_KEYS: tuple[str, ...] = tuple(spec.name for spec in VISIT_FIELDS)
BY_NAME: dict[str, FieldSpec] = {spec.name: spec for spec in PLACE_FIELDS}
