"""The parsed-catalogue cache: data only, every field back with its type, private."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import math
import os
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings

from nomadspot import cache, store
from nomadspot.model import Place, Price, Visit
from nomadspot.vocabulary import Kind

from .strategies import catalogues


def typed(value: Any) -> Any:
    """A value with the type of everything in it (and the sign of zeros): what must come
    back from the cache, not only something equal."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value),
            [(f.name, typed(getattr(value, f.name))) for f in dataclasses.fields(value)],
        )
    if isinstance(value, Mapping):
        return (type(value), [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value), [typed(item) for item in value])
    if isinstance(value, float):
        return (float, repr(value))
    return (type(value), value)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(places=catalogues())
def test_every_field_of_a_place_survives_the_cache(tmp_path: Path, places: list[Place]) -> None:
    back = cache.places_of_lines([cache.record_of(place) for place in places])
    assert [typed(place) for place in back] == [typed(place) for place in places]
    path = tmp_path / "catalogue.toml"
    store.save(path, store.Catalogue(tuple(places), {}, path))
    loaded = store.load(path)  # from the entry the write made
    assert loaded is not None and loaded.places == tuple(places)


class Status(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


@dataclasses.dataclass(frozen=True)
class Everything:
    """A field of each type a place's fields may take, as the field table may add them."""

    when: dt.date
    at: dt.datetime
    start: dt.time
    limit: dt.timedelta
    kind: Kind
    status: Status
    flags: Mapping[str, bool]
    tags: tuple[str, ...]
    price: Price | None
    visits: tuple[Visit, ...]
    extra: Mapping[str, Any]
    count: int = 0
    ratio: float = 0.5
    flag: bool = False
    note: str | None = None
    optional_limit: dt.timedelta | None = None
    private: Mapping[str, str] = dataclasses.field(default_factory=dict)
    laptops: Literal["yes", "no"] | None = None
    seen: frozenset[dt.date] = frozenset()


@dataclasses.dataclass(frozen=True, slots=True)
class SlottedEverything(Everything):
    """The same fields in a class with slots (set through their descriptors, not ``__init__``)."""


def test_fields_of_every_type_come_back_with_their_type() -> None:
    paris = dt.timezone(dt.timedelta(hours=1))
    value = Everything(
        when=dt.date(2026, 11, 24),
        at=dt.datetime(2026, 11, 24, 10, 30, tzinfo=paris),
        start=dt.time(9, 15),
        limit=dt.timedelta(hours=2, minutes=30),
        kind=Kind.COWORKING,
        status=Status.CLOSED,
        flags={"wifi": True, "power": False},
        tags=("calme", "prises"),
        price=Price(hour=-0.0, day=12, currency="EUR", extra={"x": 1}),
        visits=(Visit(dt.date(2026, 1, 2), rating=4, extra={"mood": "sunny"}),),
        extra={
            "seen": dt.datetime(2026, 1, 1, 8, 0),
            "opens": dt.time(7, 0),
            "since": dt.date(2020, 5, 1),
            "table": {"m": 1, "d": [True, 1, 1.0, "x", {"t": "not a tag"}]},
            "huge": 2**63 - 1,
            "nan": math.inf,
        },
        count=3,
        ratio=-0.0,
        flag=True,
        note="é\n\u202e",
        optional_limit=dt.timedelta(minutes=45),
        private={"wifi_password": "hunter2"},
        laptops="no",
        seen=frozenset({dt.date(2026, 1, 2), dt.date(2025, 3, 4)}),
    )
    for codec in (cache.record_codec(Everything), cache.record_codec(SlottedEverything)):
        line = json.dumps(codec.out(value))
        back = codec.back(json.loads(line))
        assert (
            typed(back) == typed(value)
            if codec.cls is Everything
            else typed(back)[1] == typed(value)[1]
        )
    codec = cache.record_codec(Everything)
    defaults = dataclasses.replace(value, count=0, note=None, optional_limit=None, private={})
    assert set(codec.out(defaults)) == set(codec.out(value)) - {
        "count",
        "note",
        "optional_limit",
        "private",
    }
    assert typed(codec.back(json.loads(json.dumps(codec.out(defaults))))) == typed(defaults)


# --- who may write the cache ---------------------------------------------------------------

PLANT = """
import os, pickle, sys
class Payload:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[1],))
sys.stdout.buffer.write(pickle.dumps(Payload()))
"""


def _forged_entry(path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """An entry in today's format that says the file holds a place called ``name``."""
    forged = Place(id="forged", name=name, kind=Kind.CAFE, city="Lyon")
    entry = cache.Entry(
        cache.digest(path.read_bytes()), {}, ["lyon"], [cache.record_of(forged)], None, ["forged"]
    )
    with monkeypatch.context() as patch:
        patch.setenv("NOMADSPOT_CACHE_DIR", str(path.with_name("probe-cache")))
        cache.put(path, entry)
        folder = cache.folder()
        assert folder is not None
        return cache.entry_path(path, folder).read_bytes()


def _real(path: Path) -> None:
    store.save(path, store.Catalogue((Place("real", "Real", Kind.CAFE, "Lyon"),), {}, path))


def test_a_planted_entry_in_a_shared_cache_folder_is_ignored_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#13.5, as a real process: a cache folder others can write (made under umask 000,
    or shared) holding a forged entry and pickles that run a command. The catalogue still
    loads right, nothing runs, and the folder is made private."""
    catalogue = tmp_path / "catalogue.toml"
    _real(catalogue)
    shared = tmp_path / "shared-cache"
    folder = shared / cache.FOLDER_NAME
    folder.mkdir(parents=True)
    for each in (shared, folder):
        each.chmod(0o777)
    marker = tmp_path / "code-ran"
    payload = subprocess.run(
        [sys.executable, "-c", PLANT, str(marker)], capture_output=True, check=True
    ).stdout
    key = hashlib.sha1(str(catalogue.resolve()).encode()).hexdigest()
    for suffix in (".pickle", ".stat", ".blocks"):  # where nomadspot 0.x kept its pickles
        (folder / f"{key}{suffix}").write_bytes(payload)
    entry = cache.entry_path(catalogue, folder)
    entry.write_bytes(_forged_entry(catalogue, "Forged", monkeypatch))
    for planted in folder.iterdir():
        planted.chmod(0o666)
    result = subprocess.run(
        [sys.executable, "-m", "nomadspot", "list", "--format", "ids"],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "NOMADSPOT_CACHE_DIR": str(shared),
            "NOMADSPOT_CATALOGUE": str(catalogue),
        },
    )
    assert (result.returncode, result.stdout) == (0, "real\n"), result.stderr
    assert not marker.exists()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_entry_that_is_not_the_user_s_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = tmp_path / "catalogue.toml"
    _real(catalogue)
    folder = cache.folder()
    assert folder is not None
    entry = cache.entry_path(catalogue, folder)
    entry.write_bytes(_forged_entry(catalogue, "Forged", monkeypatch))
    entry.chmod(0o600)
    assert store.load(catalogue).places[0].name == "Forged"  # type: ignore[union-attr]  # the user's own: used
    try:
        os.chown(entry, 65534, -1)  # another user's (only root can give a file away)
    except PermissionError:
        pytest.skip("giving a file to another user needs root")
    assert store.load(catalogue).places[0].name == "Real"  # type: ignore[union-attr]


def test_a_cache_folder_of_another_user_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMADSPOT_CACHE_DIR", str(tmp_path / "theirs"))
    (tmp_path / "theirs" / cache.FOLDER_NAME).mkdir(parents=True)
    try:
        os.chown(tmp_path / "theirs" / cache.FOLDER_NAME, 65534, -1)
    except PermissionError:
        pytest.skip("giving a folder to another user needs root")
    assert cache.folder() is None
    catalogue = tmp_path / "catalogue.toml"
    _real(catalogue)
    assert store.load(catalogue).places[0].name == "Real"  # type: ignore[union-attr]
    assert list((tmp_path / "theirs" / cache.FOLDER_NAME).iterdir()) == []
