"""Reading and writing the catalogue file safely.

- Loading validates the whole file; any problem is a ``CatalogueError`` (exit 3) that
  lists every problem, and nothing is written.
- Writing is a read-modify-write under an exclusive lock on ``catalogue.toml.lock``
  (``flock``: the kernel releases it when a process dies, so a killed nomadspot never
  leaves a lock that blocks the next one). The new text goes to a temp file in the same
  folder, is flushed and fsynced, the previous version is kept as ``catalogue.toml.bak``
  (a hard link, so it costs nothing), then ``os.replace`` swaps the new file in and the
  folder is fsynced. A crash at any point leaves either the old or the new file, whole.
- A file that does not parse is never overwritten: the read comes first and fails.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from nomadspot import cache
from nomadspot.errors import CatalogueError, LockError, UsageError, WriteError
from nomadspot.model import Place

T = TypeVar("T")

LOCK_TIMEOUT_ENV = "NOMADSPOT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
# A temp file of a write that was killed is deleted by a later write once this old.
STALE_TEMP_SECONDS = 10 * 60
EXAMPLE_RESOURCE = "example-catalogue.toml"


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The places of one catalogue file and the top-level keys nomadspot does not know."""

    places: tuple[Place, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    is_example: bool = False
    # Each place's TOML text as last written or read from the cache, reused by the next
    # write for the places it does not change.
    blocks: cache.Blocks = field(default_factory=dict, compare=False, repr=False)
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
        return Catalogue(tuple(places), self.extra, self.path, self.is_example, self.blocks)

    def in_city(self, city: str | None) -> Catalogue:
        """The catalogue restricted to the places of ``city`` (all of them for None)."""
        if city is None or self.only_city is not None:
            return self
        key = cache.city_key(city)
        places = tuple(place for place in self.places if cache.city_key(place.city) == key)
        return replace(self, places=places, only_city=city, elsewhere=self.total - len(places))

    def _refuse_partial(self) -> None:
        if self.only_city is not None:  # a bug, never a user's mistake
            raise AssertionError("a catalogue loaded for one city cannot be changed or saved")


def _parse_toml(text: str) -> dict[str, Any]:
    import tomli  # the compiled wheel: about 3x faster than the standard library's tomllib

    return tomli.loads(text)


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
        return _parse_toml(text)
    except ValueError as error:  # TOMLDecodeError is a ValueError; its message has line/column
        raise CatalogueError(
            f"{path} is not valid TOML: {error}",
            hint="fix the file by hand (nothing was written); a copy of the previous "
            "version may be in catalogue.toml.bak",
        ) from error
    except RecursionError as error:
        raise CatalogueError(f"{path} is nested too deeply to be a catalogue") from error


def parse(text: str, path: Path) -> Catalogue:
    """Parse and validate catalogue text; every failure is a ``CatalogueError``."""
    from nomadspot import codec  # a warm cache spares find and list the validation code

    document = parse_toml(text, path)
    try:
        decoded = codec.decode(document)
    except (codec.InvalidCatalogue, codec.NewerVersion) as error:
        raise decode_error(path, error) from error
    return Catalogue(decoded.places, dict(decoded.extra), path)


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _read_error(path, error) from error


def _digest_of_file(path: Path) -> str | None:
    """``cache.digest`` of the file's bytes, read in chunks: when the cache has the places,
    the file is hashed without a copy of it in memory (half the time of reading 30 MB and
    hashing them). None when it does not exist."""
    try:
        with path.open("rb") as stream:
            return cache.digest_stream(stream)
    except FileNotFoundError:
        return None
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
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # Notepad's byte order mark: ignored
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start + bom
        line = data[:start].count(b"\n") + 1
        raise CatalogueError(
            f"{path} is not UTF-8 text (byte {start + 1}, line {line})",
            hint="save it as UTF-8; nothing was written",
        ) from error


def load(path: Path, *, for_writing: bool = False, city: str | None = None) -> Catalogue | None:
    """The catalogue at ``path``, or None when there is no file there yet. A parsed copy
    in the cache is used when it matches the file's exact bytes; ``for_writing`` also
    loads each place's TOML text, so that a write re-serialises only what changed. With
    ``city``, only that city's places are loaded (see ``Catalogue.in_city``); the whole
    file is still validated."""
    if for_writing and city is not None:
        raise ValueError("a catalogue loaded for writing holds every place")
    looked_ns = time.time_ns()  # before the stat: see cache.trusted_digest
    status = _stat(path)
    if status is None:
        return None
    data_digest = cache.trusted_digest(path, status)
    cached = (
        cache.get(path, data_digest, with_blocks=for_writing, city=city) if data_digest else None
    )
    if cached is None:  # not vouched for by its stat (or no entry): hash the file
        data_digest = _digest_of_file(path)
        if data_digest is None:
            return None
        cached = cache.get(path, data_digest, with_blocks=for_writing, city=city)
        if cached is None:  # not in the cache either: read and parse it
            data = read_bytes(path)
            if data is None:
                return None
            data_digest = cache.digest(data)  # of these very bytes, should the file change
            catalogue = parse(_decode_utf8(data, path), path)
            cache.put(path, data_digest, catalogue.places, catalogue.extra, {})
            cache.vouch(path, status, data_digest, cache.racy_from(looked_ns))
            return catalogue.in_city(city)
        cache.vouch(path, status, data_digest, cache.racy_from(looked_ns))
    places, extra, blocks, total = cached
    return Catalogue(
        places,
        extra,
        path,
        blocks=blocks,
        only_city=city,
        elsewhere=total - len(places),
    )


def _stat(path: Path) -> os.stat_result | None:
    """The file's status (taken before its bytes are read), or None when it is missing.
    Other errors are left to ``read_bytes``, which names them."""
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError:
        return os.stat_result((0,) * 10)  # never vouched for (see cache.vouch)


def example() -> Catalogue:
    """The example catalogue shipped inside the package (read-only)."""
    from importlib.resources import files

    text = files("nomadspot").joinpath(EXAMPLE_RESOURCE).read_text(encoding="utf-8")
    path = Path(str(files("nomadspot").joinpath(EXAMPLE_RESOURCE)))
    catalogue = parse(text, path)
    return Catalogue(catalogue.places, catalogue.extra, path, is_example=True)


def load_for_reading(
    path: Path, note: Callable[[str], None], *, city: str | None = None
) -> Catalogue:
    """For read-only commands: the user's catalogue, or the shipped example (with a note on
    stderr) when the user has none yet; with ``city``, only that city's places (see
    ``load``). Nothing is written."""
    catalogue = load(path, city=city)
    if catalogue is not None:
        return catalogue
    note(
        f"note: no catalogue at {path} yet; showing the example catalogue "
        "(run 'nomadspot init' to start your own)"
    )
    return example().in_city(city)


def serialise(catalogue: Catalogue) -> tuple[str, dict[str, tuple[Place, str]]]:
    """The catalogue's TOML text and each place's block of it. A place unchanged since the
    catalogue's ``blocks`` were made reuses its block instead of being written again."""
    import tomli_w

    from nomadspot import codec

    header = tomli_w.dumps({"version": codec.FORMAT_VERSION, **catalogue.extra})
    blocks: dict[str, tuple[Place, str]] = {}
    parts = [header]
    for place in catalogue.places:
        known = catalogue.blocks.get(place.id)
        if known is not None and (known[0] is place or known[0] == place):
            block = known[1]
        else:
            block = _place_block(tomli_w.dumps({"place": codec.encode_place(place)}))
        blocks[place.id] = (place, block)
        parts.append(block)
    return "\n".join(parts), blocks


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


# --- locking -----------------------------------------------------------------------------


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def _lock_timeout() -> float:
    try:
        value = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return DEFAULT_LOCK_TIMEOUT if math.isnan(value) else value  # nan would wait forever


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the catalogue's lock. Waits up to ``timeout`` seconds for another process, then
    raises ``LockError`` naming the lock file."""
    lock_file = lock_path(path)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise _write_error(path, error) from error
    try:
        deadline = time.monotonic() + (_lock_timeout() if timeout is None else timeout)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise LockError(
                    f"the catalogue is locked by another nomadspot ({lock_file})",
                    hint="wait for the other command to finish; a lock whose process has "
                    "ended is released by itself",
                )
            time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


if sys.platform == "win32":  # pragma: no cover - nomadspot is tested on POSIX
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


# --- writing -----------------------------------------------------------------------------


def _write_error(path: Path, error: OSError) -> WriteError:
    advice = {
        errno.ENOSPC: "free some disk space and try again",
        errno.EDQUOT: "free some space in your quota and try again",
        errno.EROFS: "the folder is on a read-only file system; use --catalogue to choose "
        "another place",
        errno.EACCES: f"check the permissions of {path.parent}, or use --catalogue",
        errno.EPERM: f"check the permissions of {path.parent}, or use --catalogue",
    }.get(error.errno or 0, "check the folder and try again")
    reason = error.strerror or str(error)
    return WriteError(
        f"cannot write {path}: {reason}; the catalogue was left as it was", hint=advice
    )


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - some platforms cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, content: str | bytes, *, keep_backup: bool = True) -> None:
    """Replace ``path`` by ``content`` so that a crash leaves the old file or the new one."""
    folder = path.parent
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # writers only

        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise _write_error(path, error) from error
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, path.stat().st_mode & 0o7777)
        if keep_backup and path.exists():
            _keep_backup(path)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise _write_error(path, error) from error
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(folder)


def _keep_backup(path: Path) -> None:
    """Make ``catalogue.toml.bak`` the current file, atomically (hard link, else copy)."""
    backup = backup_path(path)
    with contextlib.suppress(OSError):
        if os.path.samefile(path, backup):
            # Already the current version (a write stopped after this step, before its
            # replace). Go no further: renaming a link onto another link of the same file
            # does nothing and would leave the staging link behind.
            return
    staging = backup.with_name(f".{backup.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
    try:
        try:
            os.link(path, staging)
        except OSError:
            import shutil

            shutil.copy2(path, staging)
        os.replace(staging, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise


def remove_stale_temp_files(path: Path, max_age: float = STALE_TEMP_SECONDS) -> None:
    """Delete ``.catalogue.toml.*.tmp`` files older than ``max_age`` seconds: what writes
    killed mid-way left (each a whole or partial copy of the catalogue). Harmless, but they
    pile up. Called with the lock held, when no other nomadspot is writing; the age margin
    also spares a write made without the lock."""
    prefix = f".{path.name}."
    cutoff = time.time() - max_age
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if entry.is_file(follow_symlinks=False) and info.st_mtime < cutoff:
                        Path(entry.path).unlink()
    except OSError:
        pass


def update(path: Path, change: Callable[[Catalogue], tuple[Catalogue, T]]) -> T:
    """Read-modify-write under the lock. ``change`` gets the current catalogue (empty when
    the file does not exist yet) and returns the new one and a result. The file is written
    only when the places changed; a catalogue that does not load is never written."""
    with locked(path):
        remove_stale_temp_files(path)
        current = load(path, for_writing=True) or Catalogue(path=path)
        new, result = change(current)
        if new.places != current.places or new.extra != current.extra or not path.exists():
            save(path, new)
    return result


def save(path: Path, catalogue: Catalogue) -> None:
    """Write the catalogue atomically (the caller holds the lock) and cache what it wrote.
    Nothing is written when the text would not load back (``refuse_unloadable``)."""
    catalogue._refuse_partial()
    try:
        text, blocks = serialise(catalogue)
    except RecursionError as error:
        raise CatalogueError(
            f"cannot write {path}: a value in it is nested too deeply; "
            "the catalogue was left as it was"
        ) from error
    refuse_unloadable(catalogue, blocks)
    data = text.encode("utf-8")
    write_atomic(path, data)
    data_digest = cache.digest(data)
    cache.put(path, data_digest, catalogue.places, catalogue.extra, blocks)
    settle(path, data_digest)


def settle(path: Path, data_digest: str) -> None:
    """Vouch for the file just written (the caller holds the lock), so that the reads that
    follow trust its stat instead of hashing it (30 ms at 30 MB, for every read in the two
    seconds of a reader's racy window).

    Only once the write's timestamp tick is over, on the file system's own clock: the lock
    file, in the same folder, is touched and its mtime read. No nomadspot has written since,
    but another program may have, within that tick, which no stat could show: the file is
    read back and hashed. A change after this has a later mtime. When the tick is not over
    yet (a small catalogue written quickly, timestamps in whole seconds), nothing is
    vouched for, and the next read hashes the file, as it does after any other write."""
    if not cache.enabled():
        return
    lock = lock_path(path)
    try:
        os.utime(lock)
        now = lock.stat()
        status = path.stat()
    except OSError:
        return
    if now.st_dev != status.st_dev:  # a link to another file system: another clock
        return
    racy_from_ns = now.st_mtime_ns - cache.tick_ns(status.st_mtime_ns)
    if status.st_mtime_ns >= racy_from_ns:
        return
    try:
        if _digest_of_file(path) != data_digest:
            return  # changed behind the lock: the next read sees the change
    except CatalogueError:
        return
    cache.vouch(path, status, data_digest, racy_from_ns)


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


def refuse_unloadable(catalogue: Catalogue, blocks: dict[str, tuple[Place, str]]) -> None:
    """Never write a file that every later command would refuse (exit 3 until fixed by
    hand): a duplicate id, a value out of the range the loader accepts (``--seats 5000000``,
    ``--wifi-mbps inf``), text that is not UTF-8. The places whose text is new in this
    write (one, for add/edit/visit) are read back and validated as a load would validate
    them; the others come from a file that loaded. Raises ``UsageError`` (exit 2: the
    values came from the command line or an import file); nothing is written."""
    from nomadspot import codec

    problems: list[str] = []
    if len(blocks) != len(catalogue.places):
        from collections import Counter

        counts = Counter(place.id for place in catalogue.places)
        problems.append("duplicate id " + ", ".join(sorted(i for i, n in counts.items() if n > 1)))
    fresh = [
        (place, block)
        for place_id, (place, block) in blocks.items()
        if (known := catalogue.blocks.get(place_id)) is None or known[1] is not block
    ]
    for place, _ in fresh:
        field_name = _non_utf8_field(codec.encode_place(place))
        if field_name is not None:
            problems.append(
                f"place {place.id}, field {field_name!r}: text that is not "
                "valid UTF-8 (from a terminal not set to UTF-8?)"
            )
    if fresh and not problems:
        try:
            document = _parse_toml("\n".join(block for _, block in fresh))
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
    with locked(path):
        remove_stale_temp_files(path)
        if path.exists():
            raise CatalogueError(
                f"{path} already exists; nomadspot init never overwrites a catalogue",
                hint="use another --catalogue, or remove the file yourself",
            )
        save(path, catalogue)
