"""A cache of parsed catalogues, so that a catalogue grown by imports loads in a fraction
of the time TOML parsing takes.

An entry is keyed by the catalogue's path and checked against the SHA-1 of the file's
exact bytes: a cache never serves a stale catalogue, whatever happened to the file (an
edit in the same second, a ``git checkout``, a copy with the same size and mtime). Hashing
a large file costs time too, so once its content has been hashed, a small ``.stat`` file
remembers the file's size, mtime, ctime, inode and device; while they are all unchanged
(and the file was last modified well before that hashing: git's racy check), the file is
not even read. A writer vouches for what it wrote this way too, once the file system's
clock has moved past the write's timestamp tick (``store.settle``). Entries are written
atomically (temp file + ``os.replace``), so two processes building the same entry at once
are safe, and any unreadable or foreign entry is ignored and rebuilt. Everything in the
cache folder can be deleted at any time.

The places of an entry are stored city by city (by the folded city name ``find --city``
compares), each group a pickle of its own, located by an index at the end of the file:
``find --city Paris`` unpickles the places of Paris only, a third of a catalogue whose
places are a third in Paris. Reading every place reassembles them in catalogue order.

Next to the places, in a second file that only writing commands read, an entry keeps each
place's TOML text as nomadspot wrote it, so a command that changes one place
re-serialises only that place.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import hashlib
import io
import os
import pickle
import struct
import time
from array import array
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from nomadspot import __version__, gcpause
from nomadspot.model import Place, Price, Visit
from nomadspot.text import fold_cached

# 2: place blocks are always [[place]] sections (1 could hold inline ones that broke files)
# 3: places and blocks in two files, and a stat file that spares hashing the catalogue
# 4: places grouped by city, with an index at the end of the file
# 5: a place is the dict of its fields that are not defaults; equal values shared
CACHE_FORMAT = 5
DISABLE_ENV = "NOMADSPOT_NO_CACHE"
STALE_TEMP_SECONDS = 10 * 60
RACY_SECONDS = 2
FINE_TICK_NS = 50_000_000  # a margin over the ticks of file systems with finer timestamps
_STAT_FORMAT = 2  # 2: the racy window is stored, not the time of the hashing

Blocks = Mapping[str, tuple[Place, str]]
_INDEX_AT = struct.Struct("<Q")  # the last 8 bytes of an entry: where its index starts


class Cached(NamedTuple):
    places: tuple[Place, ...]
    extra: dict[str, Any]
    blocks: Blocks
    total: int  # places in the catalogue (more than ``places`` when one city was asked)


def _entry_path(catalogue: Path) -> Path:
    from nomadspot.paths import cache_dir

    key = hashlib.sha1(str(catalogue.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return cache_dir() / "catalogues" / f"{key}.pickle"


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def digest_stream(stream: io.BufferedReader) -> str:
    """``digest`` of what is left to read in ``stream``."""
    return hashlib.file_digest(stream, "sha1").hexdigest()


# Domain objects are pickled as their class and the fields that differ from the class's
# defaults, and rebuilt by handing them that dict, without calling __init__: a place is
# mostly defaults (no phone, no notes, no visits...), and this loads a city of 35,000
# places in three quarters of the time a tuple of every field took. A field left out reads
# the class attribute that dataclasses leave for a default.
_DEFAULTS: dict[type, dict[str, Any]] = {
    cls: {
        field.name: field.default
        for field in dataclasses.fields(cls)
        if field.default is not dataclasses.MISSING
    }
    for cls in (Place, Price, Visit)
}
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in dataclasses.fields(cls)) for cls in _DEFAULTS
}


def _rebuild(cls: type, state: dict[str, Any]) -> Any:
    instance: Any = object.__new__(cls)
    object.__setattr__(instance, "__dict__", state)
    return instance


# The fields whose values places share often enough to be worth sharing (see _Sharing).
_SHAREABLE: dict[type, tuple[str, ...]] = {
    Place: ("city", "country", "opening_hours", "source", "amenities", "price", "extra"),
    Price: ("currency", "extra"),
    Visit: ("extra",),
}
_REQUIRED = object()  # the default of a field that has none


class _Sharing:
    """How places are pickled: as their class and the fields that are not their default
    (the very default object: None, the empty tuple), and with the values that places
    share (a city's name, opening hours, amenities, prices) replaced by the first equal
    one met, so that pickle writes it once and the places read back share it. A city of
    35,000 places loads in three quarters of the time.

    Only values that are equal when they are the same are shared: texts, dicts of flags
    (True is not 1 there), prices compared by their repr (0.0 is not -0.0). Shared values
    are never changed in place: places are frozen and their mappings read-only."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.flags: dict[tuple[tuple[str, bool], ...], dict[str, bool]] = {}
        self.prices: dict[str, Price] = {}
        self.dispatch_table = copyreg.dispatch_table.copy()
        self.dispatch_table.update(dict.fromkeys(_FIELDS, self.reduce))

    def reduce(self, instance: Any) -> tuple[Any, ...]:
        cls = type(instance)
        default = _DEFAULTS[cls].get
        state = {
            name: value
            for name, value in instance.__dict__.items()
            if value is not default(name, _REQUIRED)
        }
        for name in _SHAREABLE[cls]:
            value = state.get(name)
            if value is not None:
                state[name] = self.shared(value)
        return (_rebuild, (cls, state))

    def shared(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self.texts.setdefault(value, value)
        if kind is dict:
            if all(type(flag) is bool and type(key) is str for key, flag in value.items()):
                return self.flags.setdefault(tuple(value.items()), value)
        elif kind is Price:
            return self.prices.setdefault(repr(value), value)
        return value


def _stamp() -> tuple[object, ...]:
    """What an entry must have been written by: this cache format, this nomadspot, these
    fields (so a changed domain model never reads an old entry)."""
    defaults = tuple(tuple(values.items()) for values in _DEFAULTS.values())
    return (CACHE_FORMAT, __version__, tuple(_FIELDS.values()), defaults)


def enabled() -> bool:
    return not os.environ.get(DISABLE_ENV)


def _load_pickle(path: Path) -> Any:
    with path.open("rb") as stream, gcpause.paused(keep=True):  # long-lived, as places
        return pickle.load(stream)


def city_key(city: str) -> str:
    """The key places are grouped by: ``find --city`` compares folded names."""
    return fold_cached(city)


def get(
    catalogue: Path, data_digest: str, *, with_blocks: bool = False, city: str | None = None
) -> Cached | None:
    """The cached places and extra keys for this exact file content, or None. With
    ``city``, only the places whose ``city_key`` is that city's. Blocks (each place's TOML
    text, for writers) are read only ``with_blocks``; otherwise empty."""
    if not enabled():
        return None
    entry = _entry_path(catalogue)
    try:
        # Thousands of long-lived objects without cycles: out of the cyclic GC's sight,
        # or every later collection walks them all (0.4 s each for 100,000 places).
        with entry.open("rb") as stream, gcpause.paused(keep=True):
            stream.seek(-_INDEX_AT.size, os.SEEK_END)
            (index_at,) = _INDEX_AT.unpack(stream.read(_INDEX_AT.size))
            stream.seek(index_at)
            stamp, stored_digest, extra, total, groups = pickle.loads(stream.read())
            if stamp != _stamp() or stored_digest != data_digest:
                return None
            if city is not None:
                span = groups.get(city_key(city))
                places: tuple[Place, ...] = ()
                if span is not None:
                    stream.seek(span[0])
                    places = pickle.loads(stream.read(span[1] - span[0]))[1]
            else:
                stream.seek(0)
                places = _in_catalogue_order(memoryview(stream.read(index_at)), groups, total)
        blocks: Blocks = {}
        if with_blocks and city is None:
            with contextlib.suppress(Exception):  # without blocks, a write re-serialises
                stamp, stored_digest, texts = _load_pickle(entry.with_suffix(".blocks"))
                if stamp == _stamp() and stored_digest == data_digest:
                    blocks = {
                        place.id: (place, text) for place, text in zip(places, texts, strict=True)
                    }
    except Exception:  # a missing, partial, foreign or outdated entry is simply rebuilt
        return None
    return Cached(places, extra, blocks, total)


def _in_catalogue_order(
    data: memoryview, groups: Mapping[str, tuple[int, int]], total: int
) -> tuple[Place, ...]:
    if len(groups) == 1:
        return tuple(pickle.loads(data)[1])
    merged: list[Any] = [None] * total
    for start, end in groups.values():
        positions, places = pickle.loads(data[start:end])
        for position, place in zip(positions, places, strict=True):
            merged[position] = place
    if any(place is None for place in merged):
        raise ValueError("an entry whose groups do not cover the catalogue")
    return tuple(merged)


def _signature(status: os.stat_result) -> tuple[int, ...]:
    return (
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_ino,
        status.st_dev,
    )


def trusted_digest(catalogue: Path, status: os.stat_result) -> str | None:
    """The digest of the file's content when its ``os.stat`` vouches for it, so the file
    need not be read: same size, mtime, ctime, inode and device as when its content was
    last hashed, and last modified before that hashing's racy window (git's racy check: a
    write within one timestamp tick of the stat could keep every stat field). None: read
    the file and hash it."""
    if not enabled():
        return None
    try:
        tag, data_digest, signature, racy_from_ns = _load_pickle(
            _entry_path(catalogue).with_suffix(".stat")
        )
    except Exception:
        return None
    if tag != _STAT_FORMAT or status.st_mtime_ns >= racy_from_ns:
        return None
    if tuple(signature) != _signature(status):
        return None
    return str(data_digest)


def racy_from(looked_ns: int) -> int:
    """For a reader, whose clock may not be the file system's (a network share): a
    modification less than ``RACY_SECONDS`` before ``looked_ns`` (the time just before
    the stat) may share its tick with a later one."""
    return looked_ns - RACY_SECONDS * 1_000_000_000


def tick_ns(mtime_ns: int) -> int:
    """How far apart two modifications may be and still get the same mtime: ``RACY_SECONDS``
    on file systems with whole-second timestamps (FAT, HFS+, ext3), ``FINE_TICK_NS`` on the
    others, whose ticks are a few milliseconds (a kernel jiffy, exFAT's 10 ms)."""
    if mtime_ns % 1_000_000_000 == 0:
        return RACY_SECONDS * 1_000_000_000
    return FINE_TICK_NS


def vouch(catalogue: Path, status: os.stat_result, data_digest: str, racy_from_ns: int) -> None:
    """Remember that a file with this ``status`` held content of ``data_digest``: the stat
    was taken before the bytes were read, and ``racy_from_ns`` is the earliest mtime that a
    later change could still share with them (see ``racy_from``). A later change to the
    file changes its stat, or is within that window and the file is hashed again."""
    if not enabled() or (status.st_ino == 0 and status.st_mtime_ns == 0):
        return  # no real stat: never vouched for
    with contextlib.suppress(Exception):
        entry = _entry_path(catalogue).with_suffix(".stat")
        _write_pickle(entry, (_STAT_FORMAT, data_digest, _signature(status), racy_from_ns))


def _remove_stale_temp_files(folder: Path) -> None:
    """A put killed mid-way leaves its temp file, as big as an entry: remove old ones."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for temp in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()


def _write_pickle(entry: Path, value: object) -> None:
    def write(stream: BinaryIO) -> None:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)

    _write_atomically(entry, write)


def _write_atomically(entry: Path, write: Callable[[BinaryIO], None]) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # writers only

    fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=entry.parent)
    try:
        with os.fdopen(fd, "wb") as stream, gcpause.paused():
            write(stream)
        os.replace(temp, entry)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _write_places(
    entry: Path, data_digest: str, places: tuple[Place, ...], extra: dict[str, Any]
) -> None:
    """The places city by city, each group a pickle (its places' positions in the
    catalogue, then the places), then the index of the groups' byte spans."""
    grouped: dict[str, tuple[array[int], list[Place]]] = {}
    for position, place in enumerate(places):
        key = city_key(place.city)
        group = grouped.get(key)
        if group is None:
            grouped[key] = group = (array("I"), [])
        group[0].append(position)
        group[1].append(place)

    def write(stream: BinaryIO) -> None:
        pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _Sharing().dispatch_table
        spans: dict[str, tuple[int, int]] = {}
        for key, (positions, members) in grouped.items():
            start = stream.tell()
            pickler.dump((positions, tuple(members)))
            pickler.clear_memo()
            spans[key] = (start, stream.tell())
        index_at = stream.tell()
        pickler.dump((_stamp(), data_digest, extra, len(places), spans))
        stream.write(_INDEX_AT.pack(index_at))

    _write_atomically(entry, write)


def put(
    catalogue: Path,
    data_digest: str,
    places: tuple[Place, ...],
    extra: dict[str, Any],
    blocks: Blocks,
) -> None:
    """Store an entry; failures are ignored (the cache is only an optimisation). The
    places and the blocks go to two files, so that reading commands load only places."""
    if not enabled():
        return
    try:
        entry = _entry_path(catalogue)
        _write_places(entry, data_digest, places, extra)
        known = [blocks.get(place.id) for place in places]
        if places and all(
            pair is not None and pair[0] is place for pair, place in zip(known, places, strict=True)
        ):
            block_texts = tuple(pair[1] for pair in known if pair is not None)
            _write_pickle(entry.with_suffix(".blocks"), (_stamp(), data_digest, block_texts))
        else:
            with contextlib.suppress(OSError):
                entry.with_suffix(".blocks").unlink()
        _remove_stale_temp_files(entry.parent)
    except Exception:
        pass
