"""The catalogue store: validation, atomic writes, backups, locks, unknown keys."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from nomadspot import store
from nomadspot.errors import CatalogueError, LockError
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

from .strategies import catalogues

VALID = """version = 1

[[place]]
id = "cafe-lyon"
name = "Café"
kind = "cafe"
city = "Lyon"
future_key = "kept"

[place.amenities]
wifi = true
teleporter = false

[place.price]
hour = 3.5
x_tip = 1

[[place.visits]]
date = 2026-11-20
rating = 4
mood = "sunny"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def entry_of(path: Path) -> Path:
    """The cache entry of a catalogue file."""
    from nomadspot import cache

    folder = cache.folder()
    assert folder is not None
    return cache.entry_path(path, folder)


def add_place(path: Path, place: Place) -> None:
    store.update(path, lambda c: (c.with_places([*c.places, place]), None))


def test_load_keeps_unknown_keys_through_a_rewrite(tmp_path: Path) -> None:
    path = write(tmp_path / "catalogue.toml", 'owner = "me"\n' + VALID)
    add_place(path, Place(id="b", name="B", kind=Kind.COWORKING, city="Vienne"))
    again = store.load(path)
    assert again is not None
    first = again.get("cafe-lyon")
    assert first is not None
    assert first.extra == {"future_key": "kept"}
    assert first.amenities == {"wifi": True, "teleporter": False}
    assert first.price is not None and first.price.extra == {"x_tip": 1}
    assert first.visits[0].extra == {"mood": "sunny"}
    assert again.extra == {"owner": "me"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(places=catalogues())
def test_any_valid_catalogue_survives_save_and_load(tmp_path: Path, places: list[Place]) -> None:
    path = tmp_path / "round-trip.toml"
    catalogue = store.Catalogue(tuple(places), {"x_top": "kept"}, path)
    store.save(path, catalogue)
    loaded = store.load(path)
    assert loaded is not None
    assert loaded.places == tuple(places)
    assert loaded.extra == {"x_top": "kept"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version = 1\n[[place]]\nid = 'x'\n",
            [
                "place x, field 'name': is required",
                "place x, field 'kind': is required",
                "place x, field 'city': is required",
            ],
        ),
        (
            "version = 1\n[[place]]\nid = 'Bad Id'\nname='n'\nkind='cafe'\ncity='c'\n",
            ["field 'id': 'Bad Id' must be lowercase"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cofee'\ncity='c'\n",
            ["place a, field 'kind': unknown kind 'cofee'"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\n"
            "lat=95.0\nlon=1.0\n",
            ["place a, field 'lat': must be between -90 and 90"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\nlat=45.0\n",
            ["place a, field 'lat': lat and lon go together"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\nseats='many'\n",
            ["place a, field 'seats': must be a whole number, not text"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\n"
            "[place.amenities]\nwifi='yes'\n",
            ["field 'amenities.wifi': must be true or false"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\n"
            "[[place.visits]]\nrating=9\ndate=2026-01-01\n",
            ["field 'visits[1].rating': must be between 1 and 5"],
        ),
        (
            "version = 1\n[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\n"
            "[[place]]\nid = 'a'\nname='m'\nkind='cafe'\ncity='c'\n",
            ["place a, field 'id': duplicate id"],
        ),
        (
            "[[place]]\nid = 'a'\nname='n'\nkind='cafe'\ncity='c'\n",
            ["field 'version': is required"],
        ),
        ("version = 1\nplace = 3\n", ["field 'place': must be an array of tables"]),
    ],
)
def test_every_problem_is_reported_with_place_and_field(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = write(tmp_path / "catalogue.toml", text)
    with pytest.raises(CatalogueError) as caught:
        store.load(path)
    assert caught.value.exit_code == 3
    for fragment in expected:
        assert fragment in caught.value.message


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "catalogue.toml", "version = 1\n[[place]\nid = 'a'\n")
    with pytest.raises(CatalogueError, match=r"line 2, column"):
        store.load(path)


def test_newer_version_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "catalogue.toml", "version = 2\n")
    with pytest.raises(CatalogueError, match="format version 2, newer"):
        store.load(path)


def test_invalid_utf8_is_a_catalogue_error(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_bytes(b"version = 1\nname = '\xff'\n")
    with pytest.raises(CatalogueError, match="not UTF-8"):
        store.load(path)


def test_broken_file_is_left_byte_for_byte_after_a_failed_write(tmp_path: Path) -> None:
    broken = b"version = 1\n[[place]]\nid = 'a'\nname = \"unterminated\n"
    path = tmp_path / "catalogue.toml"
    path.write_bytes(broken)
    with pytest.raises(CatalogueError):
        add_place(path, Place(id="b", name="B", kind=Kind.CAFE, city="Lyon"))
    assert path.read_bytes() == broken
    assert not store.backup_path(path).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.toml", "catalogue.toml.lock"]


def test_write_keeps_the_previous_version_as_bak(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    add_place(path, Place(id="a", name="A", kind=Kind.CAFE, city="Lyon"))
    first = path.read_bytes()
    add_place(path, Place(id="b", name="B", kind=Kind.CAFE, city="Lyon"))
    assert store.backup_path(path).read_bytes() == first
    assert path.read_bytes() != first
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_write_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    add_place(path, Place(id="a", name="A", kind=Kind.CAFE, city="Lyon"))
    path.chmod(0o600)
    add_place(path, Place(id="b", name="B", kind=Kind.CAFE, city="Lyon"))
    assert path.stat().st_mode & 0o777 == 0o600


def test_no_write_when_nothing_changed(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    add_place(path, Place(id="a", name="A", kind=Kind.CAFE, city="Lyon"))
    before = path.stat().st_mtime_ns
    store.update(path, lambda c: (c, None))
    assert path.stat().st_mtime_ns == before


def _hold_lock(
    path: str, ready: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event
) -> None:  # type: ignore[name-defined]
    with store.locked(Path(path)):
        ready.set()
        release.wait(10)


def test_a_lock_held_by_a_live_process_times_out_naming_the_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with (
            pytest.raises(LockError, match=r"catalogue\.toml\.lock") as caught,
            store.locked(path, timeout=0.3),
        ):
            pass
        assert caught.value.exit_code == 3
    finally:
        release.set()
        holder.join(10)


def test_a_lock_left_by_a_killed_process_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(str(path), ready, release))
    holder.start()
    assert ready.wait(10)
    os.kill(holder.pid or 0, 9)
    holder.join(10)
    assert store.lock_path(path).exists()
    with store.locked(path, timeout=1):
        pass


def _add_many(path: str, worker: int, count: int) -> None:
    for number in range(count):
        add_place(
            Path(path),
            Place(
                id=f"w{worker}-{number}", name=f"W{worker} {number}", kind=Kind.CAFE, city="Lyon"
            ),
        )


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_many, args=(str(path), w, 15)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    loaded = store.load(path)
    assert loaded is not None
    assert len(loaded.places) == 60
    assert loaded.ids() == {f"w{w}-{n}" for w in range(4) for n in range(15)}


def test_read_only_folder_fails_with_a_write_error_and_keeps_the_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions; test_reliability simulates errors")
    path = tmp_path / "catalogue.toml"
    add_place(path, Place(id="a", name="A", kind=Kind.CAFE, city="Lyon"))
    before = path.read_bytes()
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(CatalogueError, match="cannot write"):
            add_place(path, Place(id="b", name="B", kind=Kind.CAFE, city="Lyon"))
    finally:
        tmp_path.chmod(0o700)
    assert path.read_bytes() == before


def test_example_catalogue_is_valid_and_read_only() -> None:
    example = store.example()
    assert example.is_example
    assert len(example.places) == 12
    names = {place.name for place in example.places}
    assert {"La Cantine", "La Ruche", "Mutinerie", "Neuilly Lab", "Hub Brussels"} <= names
    for place in example.places:
        assert place.opening_hours is None and place.price is None


def test_the_cache_never_serves_a_stale_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    add_place(path, Place(id="a", name="A", kind=Kind.CAFE, city="Lyon"))
    assert store.load(path).ids() == {"a"}  # type: ignore[union-attr]
    stat = path.stat()
    # Same size, same mtime, same inode: only the bytes differ.
    text = path.read_text().replace('"A"', '"B"')
    with path.open("r+") as stream:
        stream.write(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    loaded = store.load(path)
    assert loaded is not None and loaded.places[0].name == "B"


def test_a_corrupt_cache_entry_is_ignored(tmp_path: Path) -> None:

    path = tmp_path / "catalogue.toml"
    add_place(path, Place(id="a", name="A", kind=Kind.CAFE, city="Lyon"))
    entry = entry_of(path)
    assert entry.exists()
    entry.write_bytes(b"not an entry")
    assert store.load(path).ids() == {"a"}  # type: ignore[union-attr]


def test_a_write_reuses_unchanged_blocks_and_matches_a_full_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    for letter in "abc":
        add_place(path, Place(id=letter, name=letter.upper(), kind=Kind.CAFE, city="Lyon"))
    incremental = path.read_text()
    loaded = store.load(path)
    assert loaded is not None
    fresh, _ = store.serialise(store.Catalogue(loaded.places, loaded.extra))
    assert incremental == fresh


def _one_place(path: Path, name: str) -> None:
    place = Place(id="p", name=name, kind=Kind.CAFE, city="Lyon")
    store.save(path, store.Catalogue((place,), {}, path))


def test_same_size_mtime_and_inode_with_new_content_is_reloaded(tmp_path: Path) -> None:
    """Same size, same mtime, same inode: the content changed, and the load sees it."""
    path = tmp_path / "catalogue.toml"
    _one_place(path, "Aaaa")
    old = path.stat().st_mtime_ns - 60 * 10**9
    os.utime(path, ns=(old, old))
    assert store.load(path).places[0].name == "Aaaa"  # type: ignore[union-attr]
    assert store.load(path).places[0].name == "Aaaa"  # type: ignore[union-attr]
    before = path.stat()
    with path.open("r+b") as stream:  # rewrite in place, same length
        data = stream.read().replace(b"Aaaa", b"Bbbb")
        stream.seek(0)
        stream.write(data)
    os.utime(path, ns=(old, old))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert store.load(path).places[0].name == "Bbbb"


def test_a_fresh_file_is_hashed_not_trusted(tmp_path: Path) -> None:
    """Within the racy window a file is always read: a write in the same timestamp tick
    could keep every stat field."""
    path = tmp_path / "catalogue.toml"
    _one_place(path, "Aaaa")
    store.load(path)
    with path.open("r+b") as stream:
        data = stream.read().replace(b"Aaaa", b"Cccc")
        stream.seek(0)
        stream.write(data)
    assert store.load(path).places[0].name == "Cccc"


# --- one city's places --------------------------------------------------------------------

CITIES = ["Lyon", "Alençon", "Vienne", "lyon", "ALENCON", "Neuilly-sur-Seine", "Lyon"]


def _towns(path: Path) -> list[Place]:
    places = [
        Place(id=f"p{number}", name=f"P{number}", kind=Kind.CAFE, city=city)
        for number, city in enumerate(CITIES)
    ]
    store.save(path, store.Catalogue(tuple(places), {}, path))
    return places


@pytest.mark.parametrize("cached", ["warm", "cold", "disabled"])
def test_a_city_s_places_in_catalogue_order_and_the_others_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: str
) -> None:
    from nomadspot import cache

    path = tmp_path / "catalogue.toml"
    places = _towns(path)
    if cached == "cold":
        entry_of(path).unlink()
    elif cached == "disabled":
        monkeypatch.setenv(cache.DISABLE_ENV, "1")
    for asked, expected in [
        ("LYON", ["p0", "p3", "p6"]),
        ("alencon", ["p1", "p4"]),
        ("neuilly sur seine", ["p5"]),
        ("Paris", []),
    ]:
        loaded = store.load(path, city=asked)
        assert loaded is not None
        assert [place.id for place in loaded.places] == expected
        assert loaded.elsewhere == len(places) - len(expected)
        assert loaded.total == len(places) and loaded.only_city == asked
    whole = store.load(path)
    assert whole is not None and whole.places == tuple(places) and whole.elsewhere == 0


def test_a_whole_load_from_city_groups_keeps_the_catalogue_order(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    places = _towns(path)
    assert store.load(path) is not None  # the entry is written by the save, read here
    parsed = store.parse(path.read_text(encoding="utf-8"), path)
    assert store.load(path).places == parsed.places == tuple(places)  # type: ignore[union-attr]


def test_a_city_s_catalogue_is_never_saved_or_changed(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    _towns(path)
    lyon = store.load(path, city="Lyon")
    assert lyon is not None
    with pytest.raises(AssertionError):
        store.save(path, lyon)
    with pytest.raises(AssertionError):
        lyon.with_places(lyon.places[:1])
    with pytest.raises(ValueError, match="every place"):
        store.load(path, for_writing=True, city="Lyon")
    assert len(store.load(path).places) == len(CITIES)  # type: ignore[union-attr]


def test_a_truncated_entry_falls_back_to_the_file(tmp_path: Path) -> None:

    path = tmp_path / "catalogue.toml"
    _towns(path)
    entry = entry_of(path)
    entry.write_bytes(entry.read_bytes()[:-20])
    lyon = store.load(path, city="Lyon")
    assert lyon is not None and [place.id for place in lyon.places] == ["p0", "p3", "p6"]


def test_the_example_for_one_city(tmp_path: Path) -> None:
    notes: list[str] = []
    paris = store.load_for_reading(tmp_path / "none.toml", notes.append, city="paris")
    assert paris.is_example and notes
    assert paris.places and {place.city for place in paris.places} == {"Paris"}
    assert paris.total == len(store.example().places)


# --- after a hand edit, only the changed places are parsed again (#17.3) -------------------


def _numbered(path: Path, count: int = 30) -> list[Place]:
    places = [
        Place(id=f"p{number}", name=f"Lieu {number}", kind=Kind.CAFE, city="Lyon")
        for number in range(count)
    ]
    store.save(path, store.Catalogue(tuple(places), {}, path))
    return places


def _parsed(path: Path) -> store.Catalogue | CatalogueError:
    """What a fresh process without a cache makes of the file."""
    try:
        return store.parse(store.read_text(path) or "", path)
    except CatalogueError as error:
        return error


def _parses_of(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[store.Catalogue, list[str]]:
    from nomadspot import blocks

    texts: list[str] = []
    real = blocks.parse_toml

    def counting(text: str) -> dict[str, object]:
        texts.append(text)
        return real(text)

    with monkeypatch.context() as patch:
        patch.setattr(blocks, "parse_toml", counting)
        loaded = store.load(path)
    assert loaded is not None
    return loaded, texts


def test_after_a_hand_edit_only_the_changed_place_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "catalogue.toml"
    _numbered(path)
    _, texts = _parses_of(path, monkeypatch)
    assert texts == []  # as written: the write's own entry
    path.write_text(path.read_text().replace('"Lieu 7"', '"Lieu sept"'))
    loaded, texts = _parses_of(path, monkeypatch)
    assert [text.strip().splitlines()[:2] for text in texts] == [
        ["version = 1"],
        ["[[place]]", 'id = "p7"'],
    ]
    assert loaded.places == _parsed(path).places  # type: ignore[union-attr]
    assert loaded.places[7].name == "Lieu sept"
    assert _parses_of(path, monkeypatch)[1] == []  # and now cached as it is


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param('name = "Lieu 7"', 'name = "Lieu 7', id="toml syntax"),
        pytest.param('name = "Lieu 7"', "name = 7", id="wrong type"),
        pytest.param('name = "Lieu 7"', "seats = -1", id="missing name, bad seats"),
        pytest.param('id = "p7"', 'id = "p3"', id="duplicate id"),
        pytest.param('id = "p7"', 'id = "p3"\nkind = "spaceship"', id="duplicate id, bad kind"),
        pytest.param("version = 1", "version = 99", id="newer version"),
        pytest.param("version = 1", "", id="no version"),
    ],
)
def test_problems_after_a_hand_edit_are_reported_as_from_the_whole_file(
    tmp_path: Path, old: str, new: str
) -> None:
    """Line and column, place ids and positions, every problem: as a fresh process
    without a cache would report them."""
    path = tmp_path / "catalogue.toml"
    _numbered(path)
    store.load(path)
    path.write_text(path.read_text().replace(old, new, 1))
    expected = _parsed(path)
    assert isinstance(expected, CatalogueError)
    with pytest.raises(CatalogueError) as raised:
        store.load(path)
    assert (raised.value.message, raised.value.hint) == (expected.message, expected.hint)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda text: text.replace(
                'name = "Lieu 7"', 'name = "Lieu 7"\nnotes = """\n[[place]]\n"""'
            ),
            id="a [[place]] line inside a string",
        ),
        pytest.param(
            lambda text: text.replace('[[place]]\nid = "p7"', '[[place]]  # seven\nid = "p7"'),
            id="a commented [[place]] line",
        ),
        pytest.param(lambda text: text + '\n[owner]\nname = "me"\n', id="a table after the places"),
        pytest.param(lambda text: "\ufeff" + text, id="a byte order mark"),
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="CRLF"),
        pytest.param(
            lambda text: text.replace(
                '[[place]]\nid = "p7"',
                '[[place]]\n[place.amenities]\nwifi = true\n[[place]]\nid = "p7"',
            ),
            id="an empty place",
        ),
    ],
)
def test_hand_edits_that_blocks_cannot_stand_for_read_as_the_whole_file(
    tmp_path: Path, edit: object
) -> None:
    path = tmp_path / "catalogue.toml"
    _numbered(path)
    store.load(path)
    path.write_bytes(edit(path.read_text()).encode())  # type: ignore[operator]
    expected = _parsed(path)
    if isinstance(expected, CatalogueError):
        with pytest.raises(CatalogueError) as raised:
            store.load(path)
        assert raised.value.message == expected.message
    else:
        loaded = store.load(path)
        assert loaded is not None and loaded.places == expected.places
        assert loaded.extra == expected.extra


def test_a_write_keeps_the_text_of_the_places_it_does_not_change(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    _numbered(path, 3)
    text = path.read_text().replace('name = "Lieu 1"', 'name = "Lieu 1" # the good one')
    path.write_text(text)
    add_place(path, Place(id="new", name="New", kind=Kind.CAFE, city="Lyon"))
    assert 'name = "Lieu 1" # the good one\n' in path.read_text()
    assert path.read_text().startswith(text.rstrip("\n"))
    assert _parsed(path).places[-1].id == "new"  # type: ignore[union-attr]


def test_a_crlf_catalogue_stays_crlf(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    _numbered(path, 3)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    add_place(
        path, Place(id="new", name="New", kind=Kind.CAFE, city="Lyon", amenities={"wifi": True})
    )
    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 10
    assert [place.id for place in _parsed(path).places] == ["p0", "p1", "p2", "new"]  # type: ignore[union-attr]


def test_the_hint_names_the_real_backup_only_when_there_is_one(tmp_path: Path) -> None:
    """#13.3: the hint named ``catalogue.toml.bak`` whatever the file and whether or not
    it existed."""
    path = tmp_path / "mine.toml"
    path.write_text("version = 1\n[[place]\n")
    with pytest.raises(CatalogueError) as raised:
        store.load(path)
    assert ".bak" not in str(raised.value.hint)
    _numbered(path, 1)
    add_place(path, Place(id="new", name="New", kind=Kind.CAFE, city="Lyon"))
    path.write_text("version = 1\n[[place]\n")
    with pytest.raises(CatalogueError) as raised:
        store.load(path)
    assert f"the previous version is in {tmp_path / 'mine.toml.bak'}" in str(raised.value.hint)
