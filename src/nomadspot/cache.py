"""A cache of parsed places, so that a large catalogue loads without parsing its TOML and
a hand edit of one place costs the parsing of that place only.

- **The file's bytes are the truth.** An entry names the SHA-1 of the exact bytes it was
  made from; a load hashes what it read and uses the entry only for those bytes. Each
  place also carries the SHA-1 of its ``[[place]]`` block's text (its *key*), so that after
  an edit the places whose block is unchanged come from the entry and only the others are
  parsed again (``store`` does the splitting and parsing).
- **Data only.** An entry is JSON Lines: a head line (format, the domain's field list,
  digest, top-level keys), the keys and the folded cities of the places, then one record
  per place, the fields that are not their default. Records are turned back into objects
  generically from ``dataclasses.fields`` and their types, so a field added to ``Place``
  needs no change here. Reading an entry never runs code, whoever wrote it.
- **Private.** The folder is made 0700; an entry not owned by the user, or that others
  can write, is ignored. Everything in the folder may be deleted at any time: a missing,
  partial, foreign or outdated entry is rebuilt from the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import stat
import time
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from nomadspot import __version__, gcpause
from nomadspot.model import Place
from nomadspot.paths import cache_dir

# 6: JSON Lines, keyed by each place's block (5 and before: pickles)
CACHE_FORMAT = 6
DISABLE_ENV = "NOMADSPOT_NO_CACHE"
FOLDER_NAME = "catalogues"

Convert = Callable[[Any], Any]


def enabled() -> bool:
    return not os.environ.get(DISABLE_ENV)


def digest(*pieces: bytes | memoryview) -> str:
    """The SHA-1 of the bytes ``pieces`` make one after the other."""
    hashed = hashlib.sha1()
    for piece in pieces:
        hashed.update(piece)
    return hashed.hexdigest()


# --- records: dataclasses to JSON values and back, by their fields' types ------------------


def _tagged_out(value: Any) -> Any:
    """A TOML value nomadspot does not know (``extra``) as JSON: every table becomes
    ``{"m": ...}`` and dates and times ``{"d": ...}``/``{"dt": ...}``/``{"t": ...}``, so that
    a JSON object in such a place is always a tag."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {"m": {str(key): _tagged_out(item) for key, item in value.items()}}
    if isinstance(value, (list, tuple)):
        return [_tagged_out(item) for item in value]
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    raise TypeError(f"no cache form for {type(value).__name__}")


_UNTAG: dict[str, Convert] = {
    "dt": dt.datetime.fromisoformat,
    "d": dt.date.fromisoformat,
    "t": dt.time.fromisoformat,
}


def _tagged_in(value: Any) -> Any:
    if isinstance(value, list):
        return [_tagged_in(item) for item in value]
    if isinstance(value, dict):
        ((tag, inner),) = value.items()
        if tag == "m":
            return {key: _tagged_in(item) for key, item in inner.items()}
        return _UNTAG[tag](inner)
    return value


class _Converter(NamedTuple):
    out: Convert | None  # None: the value is its own JSON form
    back: Convert | None


_SAME = _Converter(None, None)
_PLAIN = (str, int, float, bool)


def _converter(kind: Any) -> _Converter:
    """How a value of type ``kind`` goes to JSON and back."""
    origin = typing.get_origin(kind)
    arguments = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return _optional([argument for argument in arguments if argument is not type(None)])
    if kind is Any:
        return _Converter(_tagged_out, _tagged_in)
    if kind in _PLAIN or origin is typing.Literal:
        return _SAME
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        members = {member.value: member for member in kind}
        return _Converter(lambda member: member.value, members.__getitem__)
    if kind in (dt.datetime, dt.date, dt.time):
        return _Converter(lambda moment: moment.isoformat(), kind.fromisoformat)
    if kind is dt.timedelta:
        return _Converter(_timedelta_out, lambda parts: dt.timedelta(*parts))
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        codec = record_codec(kind)
        return _Converter(codec.out, codec.back)
    if origin in (tuple, list, frozenset):
        return _sequence(arguments[0], origin)
    if origin in (dict, Mapping, typing.Mapping) or kind in (dict, Mapping):
        return _mapping(arguments[1] if arguments else Any)
    raise TypeError(f"the cache has no form for fields of type {kind!r}")


def _timedelta_out(value: dt.timedelta) -> list[int]:
    return [value.days, value.seconds, value.microseconds]


def _optional(choices: list[Any]) -> _Converter:
    if len(choices) != 1:
        raise TypeError(f"the cache has no form for a union of {choices!r}")
    inner = _converter(choices[0])
    out, back = inner.out, inner.back
    if out is None or back is None:
        return inner
    return _Converter(
        lambda value: None if value is None else out(value),
        lambda value: None if value is None else back(value),
    )


def _sequence(item_type: Any, container: type) -> _Converter:
    inner = _converter(item_type)
    out, back = inner.out, inner.back
    if out is None or back is None:
        return _Converter(list, container)
    return _Converter(
        lambda values: [out(value) for value in values],
        lambda values: container(back(value) for value in values),
    )


def _mapping(value_type: Any) -> _Converter:
    inner = _converter(value_type)
    out, back = inner.out, inner.back
    if out is None or back is None:
        return _Converter(dict, None)
    return _Converter(
        lambda table: {key: out(value) for key, value in table.items()},
        lambda table: {key: back(value) for key, value in table.items()},
    )


_NONE: Any = object()  # the default of a field that has none


class RecordCodec:
    """A dataclass's instances to JSON objects holding the fields that are not their
    default, and back through the class's own constructor."""

    def __init__(self, cls: type) -> None:
        hints = typing.get_type_hints(cls)
        self.cls = cls
        self.fields: list[tuple[str, Any, _Converter]] = []
        for field in dataclasses.fields(cls):
            if field.default is not dataclasses.MISSING:
                default: Any = field.default
            elif field.default_factory is not dataclasses.MISSING:
                default = field.default_factory()
            else:
                default = _NONE
            self.fields.append((field.name, default, _converter(hints[field.name])))
        self.to_rebuild = [(name, c.back) for name, _, c in self.fields if c.back is not None]
        self.signature = [(name, repr(hints[name])) for name, _, _ in self.fields]
        self.defaults = {name: value for name, value, _ in self.fields if value is not _NONE}
        self.names = {name for name, _, _ in self.fields}
        self.required = self.names - set(self.defaults)
        self.slot_setters = _slot_setters(cls, self.fields)
        self.make: Callable[[dict[str, Any]], Any] = (
            self._into_slots if self.slot_setters else self._init
        )

    def out(self, instance: Any) -> dict[str, Any]:
        record = {}
        for name, default, converter in self.fields:
            value = getattr(instance, name)
            if _is_default(value, default):
                continue
            record[name] = value if converter.out is None else converter.out(value)
        return record

    def back(self, record: dict[str, Any]) -> Any:
        """The instance of a record (the record is used up)."""
        for name, convert in self.to_rebuild:
            value = record.get(name)
            if value is not None:
                record[name] = convert(value)
        return self.make(record)

    def _init(self, record: dict[str, Any]) -> Any:
        return self.cls(**record)

    def _into_slots(self, record: dict[str, Any]) -> Any:
        """Speed (see benchmarks/bench.py): a frozen dataclass's ``__init__`` sets each
        field through ``object.__setattr__`` from keyword arguments, a third slower at
        rebuilding a city of 35,000 places than setting each slot through its own
        descriptor. Only for slotted classes without ``__post_init__`` (others go through
        ``__init__``)."""
        if not self.required <= record.keys() <= self.names:
            raise TypeError(f"not a record of {self.cls.__name__}: {sorted(record)}")
        instance: Any = object.__new__(self.cls)
        value_of = record.get
        for name, set_slot, default in self.slot_setters:
            set_slot(instance, value_of(name, default))
        return instance


def _slot_setters(
    cls: type, fields: list[tuple[str, Any, _Converter]]
) -> list[tuple[str, Callable[[Any, Any], None], Any]]:
    """Each field's name, its slot's setter and its default; empty unless every field is a
    slot and the class has no ``__post_init__`` (see ``RecordCodec._into_slots``)."""
    if hasattr(cls, "__post_init__"):
        return []
    slots: list[Any] = [getattr(cls, name, None) for name, _, _ in fields]
    if not all(isinstance(slot, types.MemberDescriptorType) for slot in slots):
        return []
    return [
        (name, slot.__set__, default)
        for (name, default, _), slot in zip(fields, slots, strict=True)
    ]


def _is_default(value: Any, default: Any) -> bool:
    if value is default:
        return True
    if isinstance(value, (tuple, Mapping)) and type(default) is type(value):
        return not value and not default
    return False


_CODECS: dict[type, RecordCodec] = {}


def record_codec(cls: type) -> RecordCodec:
    """The ``RecordCodec`` of a dataclass (made once)."""
    codec = _CODECS.get(cls)
    if codec is None:
        codec = _CODECS[cls] = RecordCodec(cls)
    return codec


def record_of(place: Place) -> bytes:
    """A place as one line of JSON."""
    # (surrogatepass: a place with text that is not UTF-8 is refused before any write)
    return json.dumps(record_codec(Place).out(place), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


def places_of(records: list[Any]) -> list[Place]:
    """The places of records (JSON objects as ``json.loads`` gives them), in order; each
    record is replaced by its place in the list, so both are never all in memory."""
    rebuild = record_codec(Place).back
    # Thousands of long-lived objects without cycles: out of the cyclic GC's sight, or
    # every later collection walks them all (see gcpause).
    with gcpause.paused(keep=True):
        for at, record in enumerate(records):
            records[at] = rebuild(record)
    return records


def places_of_lines(lines: Sequence[bytes]) -> list[Place]:
    """The places of JSON lines made by ``record_of``, decoded a few thousand at a time
    (the decoded records of 100,000 places would take 120 MB besides the places)."""
    places: list[Place] = []
    for start in range(0, len(lines), _CHUNK):
        records = json.loads(b"[" + b",".join(lines[start : start + _CHUNK]) + b"]")
        places += places_of(records)
    return places


_CHUNK = 4096


def _stamp() -> str:
    """What an entry must have been written by: this cache format, this nomadspot and
    these fields, so an entry made before the model changed is never read."""
    return json.dumps([CACHE_FORMAT, __version__, record_codec(Place).signature])


# --- entries ------------------------------------------------------------------------------
#
# An entry file: a head line (JSON: stamp, digest of the catalogue's bytes, its top-level
# keys, number of places, where the tail starts, and for each folded city the byte span
# of its group and its places' positions in the catalogue); then each city's places as
# one JSON array, a record a line; then the tail, two JSON lines: each place's block key
# and id, in catalogue order. ``find --city`` reads and decodes its city's group only
# (see ``read_places``).


class Entry(NamedTuple):
    """What the cache holds for one catalogue file, in catalogue order."""

    digest: str  # of the file's bytes
    extra: dict[str, Any]  # its top-level keys other than version and place
    cities: list[str]  # each place's city, folded
    records: list[bytes]  # each place, one JSON line
    keys: list[str] | None  # each place's block key (None: the file did not split in blocks)
    ids: list[str]  # each place's id

    def by_key(self) -> dict[str, tuple[str, str, bytes]]:
        """Each block key's place: its id, folded city and record."""
        if self.keys is None:
            return {}
        rows = zip(self.ids, self.cities, self.records, strict=True)
        return dict(zip(self.keys, rows, strict=True))


class Cached(NamedTuple):
    places: list[Place]
    extra: dict[str, Any]
    total: int  # places in the catalogue (more than ``places`` when one city was asked)


class _Head(NamedTuple):
    digest: str
    extra: dict[str, Any]
    size: int
    tail_at: int
    groups: dict[str, tuple[int, int, list[int]]]
    body_at: int


def folder() -> Path | None:
    """The cache's folder, made private to the user (0700); None when it cannot be used
    (it is someone else's, or not a folder)."""

    path = cache_dir() / FOLDER_NAME
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = path.lstat()
        if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.geteuid():
            return None
        if stat.S_IMODE(status.st_mode) != 0o700:
            path.chmod(0o700)
    except OSError:
        return None
    return path


def entry_path(catalogue: Path, cache_folder: Path) -> Path:
    key = hashlib.sha1(str(catalogue.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return cache_folder / f"{key}.jsonl"


@contextlib.contextmanager
def _open_entry(catalogue: Path) -> Iterator[BinaryIO | None]:
    """The entry's stream when it is a regular file of the user's that others cannot
    write, else None."""
    cache_folder = folder() if enabled() else None
    if cache_folder is None:
        yield None
        return
    try:
        fd = os.open(entry_path(catalogue, cache_folder), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        yield None
        return
    with os.fdopen(fd, "rb") as stream:
        status = os.fstat(fd)
        mine = stat.S_ISREG(status.st_mode) and status.st_uid == os.geteuid()
        yield stream if mine and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) else None


def _head(stream: BinaryIO) -> _Head | None:
    line = stream.readline()
    stamp, file_digest, extra, size, tail_at, groups = json.loads(line)
    if stamp != _stamp():
        return None
    return _Head(file_digest, _tagged_in(extra), size, tail_at, groups, len(line))


def _group(body: bytes) -> list[bytes]:
    """The records of a group: ``[``, a record a line, ``]``."""
    return body[2:-2].split(b",\n")


def read_places(catalogue: Path, data_digest: str, city: str | None = None) -> Cached | None:
    """The places of the catalogue when the entry was made from exactly these bytes; with
    ``city`` (a folded name), only that city's places. None otherwise."""
    try:
        with _open_entry(catalogue) as stream:
            head = None if stream is None else _head(stream)
            if stream is None or head is None or head.digest != data_digest:
                return None
            if city is not None:
                span = head.groups.get(city)
                if span is None:
                    return Cached([], head.extra, head.size)
                stream.seek(head.body_at + span[0])
                records = json.loads(stream.read(span[1] - span[0]))
                return Cached(places_of(records), head.extra, head.size)
            body = stream.read(head.tail_at)
        ordered: list[Any] = [None] * head.size
        for start, end, positions in head.groups.values():
            for position, record in zip(positions, json.loads(body[start:end]), strict=True):
                ordered[position] = record
        return Cached(places_of(ordered), head.extra, head.size)
    except (ValueError, TypeError, KeyError, IndexError):  # partial or foreign: not used
        return None


def get(catalogue: Path) -> Entry | None:
    """The whole entry of this catalogue, whatever bytes it was made from, or None."""
    try:
        with _open_entry(catalogue) as stream:
            head = None if stream is None else _head(stream)
            if stream is None or head is None:
                return None
            body = stream.read(head.tail_at)
            keys, ids = (json.loads(line) for line in stream.read().split(b"\n"))
        records: list[bytes] = [b""] * head.size
        cities = [""] * head.size
        for city, (start, end, positions) in head.groups.items():
            for position, record in zip(positions, _group(body[start:end]), strict=True):
                records[position], cities[position] = record, city
        if len(ids) != head.size or (keys is not None and len(keys) != head.size):
            return None
        return Entry(head.digest, head.extra, cities, records, keys, ids)
    except (ValueError, TypeError, KeyError, IndexError):  # partial or foreign: rebuilt
        return None


def put(catalogue: Path, entry: Entry) -> None:
    """Store the entry; failures are ignored (the cache is only an optimisation)."""
    cache_folder = folder() if enabled() else None
    if cache_folder is None:
        return
    try:
        members: dict[str, list[int]] = {}
        for position, city in enumerate(entry.cities):
            members.setdefault(city, []).append(position)
        groups, at = {}, 0
        for city, positions in members.items():
            size = 4 + sum(len(entry.records[member]) + 2 for member in positions) - 2
            groups[city] = (at, at + size, positions)
            at += size + 1
        head = [_stamp(), entry.digest, _tagged_out(entry.extra), len(entry.cities), at, groups]
        _write_private(entry_path(catalogue, cache_folder), head, members, entry)
    except (OSError, TypeError, ValueError):
        pass


def _write_private(
    path: Path, head: list[Any], members: dict[str, list[int]], entry: Entry
) -> None:
    """Write the entry file (0600) a city at a time: joined, it would be as big again."""
    import tempfile  # writers only

    _remove_temp_files(path.parent)
    fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(json.dumps(head, ensure_ascii=False).encode() + b"\n")
            for positions in members.values():  # one city's group joined at a time
                records = b",\n".join(entry.records[member] for member in positions)
                stream.write(b"[\n" + records + b"\n]\n")
            stream.write(json.dumps(entry.keys).encode() + b"\n")
            stream.write(json.dumps(entry.ids, ensure_ascii=False).encode())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _remove_temp_files(cache_folder: Path) -> None:
    """A put killed mid-way leaves its temp file, as big as an entry. Those more than a
    minute old are no other process's put in progress."""

    cutoff = time.time() - 60
    for temp in cache_folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if temp.lstat().st_mtime < cutoff:
                temp.unlink()
