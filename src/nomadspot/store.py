"""Reading and writing the catalogue file safely.

- Loading validates the whole file; any problem is a ``CatalogueError`` (exit 3) that
  lists every problem, and nothing is written. Places whose ``[[place]]`` block is in the
  cache are not parsed again (see ``cache`` and ``blocks``).
- Writing is a read-modify-write under the file's lock (see ``safefile``): only the places
  that changed are serialised again, the others keep their text as it is in the file;
  nothing is written when the file changed since it was read, or when the new text would
  not load back.
- A path that is not a regular file is refused before anything waits on it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from nomadspot import blocks, cache
from nomadspot.errors import CatalogueError, UsageError
from nomadspot.model import Place
from nomadspot.safefile import (
    DEFAULT_LOCK_TIMEOUT,
    Snapshot,
    backup_path,
    check_regular,
    lock_path,
    locked,
    other_links,
    real_path,
    remove_temp_files,
    same_file,
    write_atomic,
)
from nomadspot.text import NotUtf8, fold_cached, utf8_text

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "Block",
    "Catalogue",
    "backup_path",
    "create",
    "example",
    "load",
    "load_for_reading",
    "lock_path",
    "locked",
    "parse",
    "parse_toml",
    "read_text",
    "refuse_output_onto",
    "save",
    "serialise",
    "update",
    "write_atomic",
]

T = TypeVar("T")
EXAMPLE_RESOURCE = "example-catalogue.toml"


class Block(NamedTuple):
    """One place's ``[[place]]`` text as in the file, its cache key and its cache record:
    what a write reuses for a place it does not change."""

    place: Place
    text: bytes | memoryview  # UTF-8, without the line breaks that end it
    key: str
    record: bytes


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The places of one catalogue file and the top-level keys nomadspot does not know."""

    places: tuple[Place, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    is_example: bool = False
    # Each place's block of the file, by id (empty when the file did not split into
    # blocks): reused by the next write for the places it does not change.
    blocks: Mapping[str, Block] = field(default_factory=dict, compare=False, repr=False)
    newline: str = "\n"  # the file's line ending, kept when it is rewritten
    # Loaded for one city (``load(city=...)``): ``places`` are that city's only, and
    # ``elsewhere`` places of the file are in other cities. Such a catalogue is never saved.
    only_city: str | None = None
    elsewhere: int = 0

    @property
    def total(self) -> int:
        """How many places the file holds."""
        return len(self.places) + self.elsewhere

    def ids(self) -> set[str]:
        return {place.id for place in self.places}

    def get(self, place_id: str) -> Place | None:
        for place in self.places:
            if place.id == place_id:
                return place
        return None

    def with_places(self, places: tuple[Place, ...] | list[Place]) -> Catalogue:
        self._refuse_partial()
        return replace(self, places=tuple(places))

    def in_city(self, city: str | None) -> Catalogue:
        """The catalogue restricted to the places of ``city`` (all of them for None)."""
        if city is None or self.only_city is not None:
            return self
        key = city_key(city)
        places = tuple(place for place in self.places if city_key(place.city) == key)
        return replace(self, places=places, only_city=city, elsewhere=self.total - len(places))

    def _refuse_partial(self) -> None:
        if self.only_city is not None:  # a bug, never a user's mistake
            raise AssertionError("a catalogue loaded for one city cannot be changed or saved")


def city_key(city: str) -> str:
    """How ``find --city`` compares cities: folded names."""

    return fold_cached(city)


# --- reading ------------------------------------------------------------------------------


def decode_error(path: Path, error: Exception) -> CatalogueError:
    from nomadspot import codec

    if isinstance(error, codec.NewerVersion):
        return CatalogueError(
            f"{path} has format version {error.version}, newer than this nomadspot knows "
            f"({codec.FORMAT_VERSION})",
            hint="upgrade nomadspot (pip install -U nomadspot); the file was left as it is",
        )
    assert isinstance(error, codec.InvalidCatalogue)
    problems = error.problems
    lines = "\n".join(f"  {problem}" for problem in problems)
    return CatalogueError(
        f"{path} is not a valid catalogue ({len(problems)} problem"
        f"{'s' if len(problems) != 1 else ''}):\n{lines}",
        hint="fix the file by hand (nothing was written), then run 'nomadspot check'",
    )


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """The TOML document; a syntax error is a ``CatalogueError`` with line and column."""
    try:
        return blocks.parse_toml(text)
    except ValueError as error:  # TOMLDecodeError is a ValueError; its message has line/column
        backup = backup_path(real_path(path))
        where = f"; the previous version is in {backup}" if backup.is_file() else ""
        raise CatalogueError(
            f"{path} is not valid TOML: {error}",
            hint=f"fix the file by hand (nothing was written){where}",
        ) from error
    except RecursionError as error:
        raise CatalogueError(f"{path} is nested too deeply to be a catalogue") from error


def parse(text: str, path: Path) -> Catalogue:
    """Parse and validate the whole catalogue text; every failure is a ``CatalogueError``."""
    from nomadspot import codec

    document = parse_toml(text, path)
    try:
        decoded = codec.decode(document)
    except (codec.InvalidCatalogue, codec.NewerVersion) as error:
        raise decode_error(path, error) from error
    return Catalogue(decoded.places, dict(decoded.extra), path)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist. Anything but a regular file is
    refused before it is opened, and opened without waiting (a FIFO made meanwhile)."""

    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _read_error(path, error) from error
    with os.fdopen(fd, "rb") as stream:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            check_regular(path)  # replaced meanwhile: say by what
        try:
            return stream.read()
        except OSError as error:
            raise _read_error(path, error) from error


def _read_error(path: Path, error: OSError) -> CatalogueError:
    if isinstance(error, IsADirectoryError):
        return CatalogueError(f"{path} is a folder, not a catalogue file")
    return CatalogueError(f"cannot read {path}: {error.strerror}")


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist."""
    data = read_bytes(path)
    return None if data is None else _decode_utf8(data, path)


def _decode_utf8(data: bytes, path: Path) -> str:
    try:
        return utf8_text(data)
    except NotUtf8 as error:
        raise CatalogueError(
            f"{path} is not UTF-8 text ({error.where})",
            hint="save it as UTF-8; nothing was written",
        ) from error


def load(path: Path, *, for_writing: bool = False, city: str | None = None) -> Catalogue | None:
    """The catalogue at ``path``, or None when there is no file there yet. ``for_writing``
    also keeps each place's block of text, so that a write re-serialises only what
    changed. With ``city``, only that city's places are loaded (see
    ``Catalogue.in_city``); the whole file is still validated."""
    if for_writing and city is not None:
        raise ValueError("a catalogue loaded for writing holds every place")
    data = read_bytes(path)
    if data is None:
        return None
    return _catalogue_of(path, data, cache.digest(data), for_writing, city)


def _catalogue_of(
    path: Path, data: bytes, data_digest: str, for_writing: bool, city: str | None
) -> Catalogue:
    """The catalogue in ``data``, whose SHA-1 is ``data_digest`` (see ``load``)."""
    newline = blocks.newline_of(data)
    folded = None if city is None else city_key(city)
    if not for_writing:
        cached = cache.read_places(path, data_digest, folded)
        if cached is not None:
            places = tuple(cached.places)
            elsewhere = cached.total - len(places)
            return Catalogue(
                places, cached.extra, path, newline=newline, only_city=city, elsewhere=elsewhere
            )
    entry = cache.get(path)
    if entry is None or entry.digest != data_digest:
        entry = _entry_from_blocks(path, data, data_digest, entry)
        if entry is None:  # not in blocks: the whole file, parsed at once
            catalogue = parse(_decode_utf8(data, path), path)
            _put(path, data_digest, catalogue)
            return replace(catalogue, newline=newline).in_city(city)
        cache.put(path, entry)
    chosen = [at for at, place_city in enumerate(entry.cities) if folded in (None, place_city)]
    try:
        places = tuple(cache.places_of_lines([entry.records[at] for at in chosen]))
    except (ValueError, TypeError, KeyError):  # an entry nomadspot did not write
        catalogue = parse(_decode_utf8(data, path), path)
        _put(path, data_digest, catalogue)
        return replace(catalogue, newline=newline).in_city(city)
    return Catalogue(
        places,
        entry.extra,
        path,
        blocks=_blocks_of(data, places, entry) if for_writing else {},
        newline=newline,
        only_city=city,
        elsewhere=len(entry.records) - len(places),
    )


def _put(path: Path, data_digest: str, catalogue: Catalogue) -> None:
    """Cache a catalogue parsed whole: usable for these exact bytes only (no block keys)."""
    places = catalogue.places
    records = [cache.record_of(place) for place in places]
    ids = [place.id for place in places]
    cities = [city_key(place.city) for place in places]
    cache.put(path, cache.Entry(data_digest, catalogue.extra, cities, records, None, ids))


def _entry_from_blocks(
    path: Path, data: bytes, data_digest: str, previous: cache.Entry | None
) -> cache.Entry | None:
    """The entry for ``data``, parsing only the blocks that ``previous`` does not have;
    None at the least doubt (see ``blocks``) or problem, for the whole file to be parsed."""
    from nomadspot import codec

    header, texts = blocks.split(data)
    document = blocks.parse_header(header)
    if document is None:
        return None
    known = previous.by_key() if previous is not None else {}
    keys = [blocks.key(text) for text in texts]
    fresh = [(at, blocks.parse_block(texts[at])) for at, key in enumerate(keys) if key not in known]
    if any(table is None for _, table in fresh):
        return None
    try:
        decoded = codec.decode({**document, "place": [table for _, table in fresh]})
    except (codec.InvalidCatalogue, codec.NewerVersion):
        return None  # the whole file's parse reports it, with every place's position
    records = [known.get(key, ("", "", b"")) for key in keys]
    for (at, _), place in zip(fresh, decoded.places, strict=True):
        records[at] = (place.id, city_key(place.city), cache.record_of(place))
    ids = [place_id for place_id, _, _ in records]
    cities = [place_city for _, place_city, _ in records]
    lines = [record for _, _, record in records]
    if len(set(ids)) != len(ids):
        return None  # a duplicate id: the whole file's parse reports it with its positions
    return cache.Entry(data_digest, dict(decoded.extra), cities, lines, keys, ids)


def _blocks_of(data: bytes, places: tuple[Place, ...], entry: cache.Entry) -> dict[str, Block]:
    """Each place's block of the file, for a write to reuse; none when the file did not
    split into blocks."""
    texts = blocks.split(data).blocks
    if entry.keys is None or len(texts) != len(places):
        return {}
    return {
        place.id: Block(place, text, key, record)
        for place, text, key, record in zip(places, texts, entry.keys, entry.records, strict=True)
    }


def example() -> Catalogue:
    """The example catalogue shipped inside the package (read-only)."""
    from importlib.resources import files

    text = files("nomadspot").joinpath(EXAMPLE_RESOURCE).read_text(encoding="utf-8")
    path = Path(str(files("nomadspot").joinpath(EXAMPLE_RESOURCE)))
    catalogue = parse(text, path)
    return Catalogue(catalogue.places, catalogue.extra, path, is_example=True)


def load_for_reading(
    path: Path,
    note: Callable[[str], None],
    *,
    city: str | None = None,
    named: str | None = None,
) -> Catalogue:
    """For read-only commands: the user's catalogue, or the shipped example (with a note on
    stderr) when the user has none yet; with ``city``, only that city's places (see
    ``load``). A catalogue ``named`` explicitly (by ``--catalogue``, the environment...)
    that does not exist is an error instead: a typo never shows the example places.
    Nothing is written."""
    catalogue = load(path, city=city)
    if catalogue is not None:
        return catalogue
    if named is not None:
        raise CatalogueError(
            f"no catalogue at {path} (named by {named})",
            hint="check the path, or create the catalogue there with 'nomadspot init'",
        )
    note(
        f"note: no catalogue at {path} yet; showing the example catalogue "
        "(run 'nomadspot init' to start your own)"
    )
    return example().in_city(city)


# --- writing ------------------------------------------------------------------------------


def serialise(catalogue: Catalogue) -> tuple[str, list[Block]]:
    """The catalogue's TOML text and each place's block of it (see ``serialise_pieces``)."""
    pieces, written = serialise_pieces(catalogue)
    return b"".join(pieces).decode("utf-8"), written


def serialise_pieces(catalogue: Catalogue) -> tuple[list[bytes | memoryview], list[Block]]:
    """The catalogue's file content, in pieces (the header, each block, the blank lines
    between them), and each place's block. A place unchanged since the catalogue was read
    keeps its text as it was in the file. The pieces are written one after the other,
    never joined: that would take as much memory again as the file."""
    import tomli_w

    from nomadspot import codec

    newline = catalogue.newline
    header = tomli_w.dumps({"version": codec.FORMAT_VERSION, **catalogue.extra})
    written: list[Block] = []
    for place in catalogue.places:
        known = catalogue.blocks.get(place.id)
        if known is None or not (known.place is place or known.place == place):
            text = _place_block(tomli_w.dumps({"place": codec.encode_place(place)}))
            # (surrogatepass: text that is not UTF-8 is refused before any write)
            data = text.rstrip("\n").replace("\n", newline).encode("utf-8", "surrogatepass")
            known = Block(place, data, blocks.key(data), cache.record_of(place))
        written.append(known)
    head = header.replace("\n", newline).rstrip(newline).encode("utf-8")
    separator = (newline * 2).encode("ascii")
    pieces: list[bytes | memoryview] = [head]
    for block in written:
        pieces += (separator, block.text)
    pieces.append(newline.encode())
    return pieces, written


def _place_block(table_text: str) -> str:
    """One ``[[place]]`` block from tomli-w's text for ``{"place": <table>}``.

    Blocks are concatenated, so each must be a ``[[place]]`` section: tomli-w writes a
    one-element array of short tables inline (``place = [{...}]``), which after another
    block's ``[place.amenities]`` would land inside that table (or collide with the
    previous ``place = [...]``). Written as a table, only its first header needs changing;
    its sub-tables (``[place.amenities]``, ``[[place.visits]]``) then belong to this place.
    """
    head = "[place]\n"
    if not table_text.startswith(head):  # pragma: no cover - tomli-w always writes the header
        raise AssertionError(f"unexpected tomli-w output for a place: {table_text[:40]!r}")
    return "[[place]]\n" + table_text[len(head) :]


def _refuse_hard_links(path: Path, target: Path) -> None:
    """A file with other hard links would be cut off from them by the replace of a write
    (called with the lock held, once the temp files of killed writes are gone)."""
    links = other_links(target)
    if links:
        raise CatalogueError(
            f"{path} has {links} other hard link{'s' if links > 1 else ''}; nomadspot "
            "replaces the file whole on every write, which would cut those links off it",
            hint="keep one copy and point to it with a symbolic link (ln -s), which "
            "nomadspot writes through; nothing was written",
        )


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[Path]:
    """Hold the lock of the file a write replaces (a symbolic link's target) and yield
    that file's path; refused at once when it is not a regular file."""
    check_regular(path)
    target = real_path(path)
    with locked(target):
        remove_temp_files(target)
        _refuse_hard_links(path, target)
        yield target


def update(path: Path, change: Callable[[Catalogue], tuple[Catalogue, T]]) -> T:
    """Read-modify-write under the lock. ``change`` gets the current catalogue (empty when
    the file does not exist yet) and returns the new one and a result. The file is written
    only when the places changed; a catalogue that does not load is never written."""
    with _writing(path) as target:
        data = read_bytes(target)
        if data is None:
            read, current = Snapshot(None), Catalogue(path=path)
        else:
            data_digest = cache.digest(data)  # once: for the cache and for the write's check
            read = Snapshot(data_digest)
            current = replace(_catalogue_of(target, data, data_digest, True, None), path=path)
        new, result = change(current)
        if new.places != current.places or new.extra != current.extra or data is None:
            save(target, new, unchanged_since=read)
    return result


def save(path: Path, catalogue: Catalogue, *, unchanged_since: Snapshot | None = None) -> None:
    """Write the catalogue atomically (the caller holds the lock) and cache what it wrote.
    Nothing is written when the text would not load back (``refuse_unloadable``), or when
    the file is no longer the one read (``unchanged_since``)."""
    catalogue._refuse_partial()
    try:
        pieces, written = serialise_pieces(catalogue)
    except RecursionError as error:
        raise CatalogueError(
            f"cannot write {path}: a value in it is nested too deeply; "
            "the catalogue was left as it was"
        ) from error
    refuse_unloadable(catalogue, written)
    write_atomic(path, pieces, unchanged_since=unchanged_since)
    data_digest = cache.digest(*pieces)
    entry = cache.Entry(
        data_digest,
        catalogue.extra,
        [city_key(block.place.city) for block in written],
        [block.record for block in written],
        [block.key for block in written],
        [block.place.id for block in written],
    )
    cache.put(path, entry)


def _non_utf8_field(value: Any, key: str = "") -> str | None:
    """The (dotted) key of the first text in ``value`` that is not valid Unicode: a lone
    surrogate, which is how Python passes on command-line bytes that are not UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return key or "?"
        return None
    items = (
        value.items()
        if isinstance(value, dict)
        else (enumerate(value, 1) if isinstance(value, list) else ())
    )
    for name, item in items:
        inner = f"{key}[{name}]" if isinstance(name, int) else f"{key}.{name}".lstrip(".")
        found = _non_utf8_field(item, inner)
        if found is not None:
            return found
    return None


def refuse_unloadable(catalogue: Catalogue, written: list[Block]) -> None:
    """Never write a file that every later command would refuse (exit 3 until fixed by
    hand): a duplicate id, a value out of the range the loader accepts (``--seats 5000000``,
    ``--wifi-mbps inf``), text that is not UTF-8. The places whose text is new in this
    write (one, for add/edit/visit) are read back and validated as a load would validate
    them; the others come from a file that loaded. Raises ``UsageError`` (exit 2: the
    values came from the command line or an import file); nothing is written."""
    from nomadspot import codec

    problems: list[str] = []
    ids = [place.id for place in catalogue.places]
    if len(set(ids)) != len(ids):
        counts = Counter(ids)
        problems.append("duplicate id " + ", ".join(sorted(i for i, n in counts.items() if n > 1)))
    fresh = [block for block in written if catalogue.blocks.get(block.place.id) is not block]
    for block in fresh:
        field_name = _non_utf8_field(codec.encode_place(block.place))
        if field_name is not None:
            problems.append(
                f"place {block.place.id}, field {field_name!r}: text that is not "
                "valid UTF-8 (from a terminal not set to UTF-8?)"
            )
    if fresh and not problems:
        try:
            text = "\n".join(bytes(block.text).decode("utf-8") for block in fresh)
            document = blocks.parse_toml(text)
            codec.decode({"version": codec.FORMAT_VERSION, "place": document.get("place")})
        except codec.InvalidCatalogue as invalid:
            problems.extend(str(problem) for problem in invalid.problems)
        except (ValueError, RecursionError) as error:  # a bug in writing: still write nothing
            problems.append(f"nomadspot wrote text it cannot read back ({error})")
    if problems:
        raise UsageError(
            "refusing to save a catalogue that would not load: " + "; ".join(problems),
            hint="nothing was written; correct the value and run the command again",
        )


def create(path: Path, catalogue: Catalogue) -> None:
    """Write a new catalogue; refuses when a file is already there."""
    with _writing(path) as target:
        if target.exists():
            raise CatalogueError(
                f"{path} already exists; nomadspot init never overwrites a catalogue",
                hint="use another --catalogue, or remove the file yourself",
            )
        save(target, catalogue, unchanged_since=Snapshot(None))


def refuse_output_onto(output: Path, catalogue: Path) -> None:
    """For ``export --output``: writing over the catalogue in use would destroy it."""
    if same_file(output, catalogue):
        raise UsageError(
            f"--output {output} is the catalogue in use; an export never overwrites it",
            hint="choose another file name",
        )
