"""A cache of parsed catalogues, so that a catalogue grown by imports loads in a fraction
of the time TOML parsing takes.

An entry is keyed by the catalogue's path and checked against the SHA-1 of the file's
exact bytes, read on every load: a cache can never serve a stale catalogue, whatever
happened to the file (an edit in the same second, a ``git checkout``, a copy with the same
size and mtime). Entries are written atomically (temp file + ``os.replace``), so two
processes building the same entry at once are safe, and any unreadable or foreign entry is
ignored and rebuilt. Everything in the cache folder can be deleted at any time.

Next to the places, an entry keeps each place's TOML text as nomadspot writes it, so a
command that changes one place re-serialises only that place.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gc
import hashlib
import os
import pickle
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from nomadspot import __version__
from nomadspot.model import Place, Price, Visit

# 2: place blocks are always [[place]] sections (1 could hold inline ones that broke files)
CACHE_FORMAT = 2
DISABLE_ENV = "NOMADSPOT_NO_CACHE"
STALE_TEMP_SECONDS = 10 * 60

Blocks = Mapping[str, tuple[Place, str]]


def _entry_path(catalogue: Path) -> Path:
    from nomadspot.paths import cache_dir

    key = hashlib.sha1(str(catalogue.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return cache_dir() / "catalogues" / f"{key}.pickle"


def digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


# Domain objects are pickled as a class and a tuple of field values, rebuilt without
# calling __init__: half the time of pickle's default dict state for thousands of places.
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in (Place, Price, Visit)
}


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    instance: Any = object.__new__(cls)
    instance.__dict__.update(zip(_FIELDS[cls], values, strict=True))
    return instance


def _reduce(instance: Any) -> tuple[Any, ...]:
    return (_rebuild, (type(instance), tuple(instance.__dict__.values())))


_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH.update(dict.fromkeys(_FIELDS, _reduce))


def _stamp() -> tuple[object, ...]:
    """What an entry must have been written by: this cache format, this nomadspot, these
    fields (so a changed domain model never reads an old entry)."""
    return (CACHE_FORMAT, __version__, tuple(_FIELDS.values()))


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pickling thousands of small objects is about twice as fast without the cyclic GC,
    and these objects hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def enabled() -> bool:
    return not os.environ.get(DISABLE_ENV)


def get(
    catalogue: Path, data_digest: str
) -> tuple[tuple[Place, ...], dict[str, Any], Blocks] | None:
    """The cached (places, extra, blocks) for this exact file content, or None."""
    if not enabled():
        return None
    try:
        with _entry_path(catalogue).open("rb") as stream, _no_gc():
            stamp, stored_digest, places, extra, blocks = pickle.load(stream)
    except Exception:  # a missing, partial, foreign or outdated entry is simply rebuilt
        return None
    if stamp != _stamp() or stored_digest != data_digest:
        return None
    return places, extra, blocks


def _remove_stale_temp_files(folder: Path) -> None:
    """A put killed mid-way leaves its temp file, as big as an entry: remove old ones."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for temp in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if temp.stat().st_mtime < cutoff:
                temp.unlink()


def put(
    catalogue: Path,
    data_digest: str,
    places: tuple[Place, ...],
    extra: dict[str, Any],
    blocks: Blocks,
) -> None:
    """Store an entry; failures are ignored (the cache is only an optimisation)."""
    if not enabled():
        return
    try:
        entry = _entry_path(catalogue)
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=entry.parent)
        try:
            with os.fdopen(fd, "wb") as stream, _no_gc():
                pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = _DISPATCH
                pickler.dump((_stamp(), data_digest, places, extra, dict(blocks)))
            os.replace(temp, entry)
            _remove_stale_temp_files(entry.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except Exception:
        pass
