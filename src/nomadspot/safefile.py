"""Writing a file whole or not at all, under a lock, without overwriting what others saved.

- The lock is ``flock`` on ``NAME.lock`` beside the file: the kernel releases it when a
  process dies, so a killed nomadspot never leaves a lock that blocks the next one.
- The new content goes to a temp file in the same folder, is flushed and fsynced; the
  previous version is kept as ``NAME.bak`` (a hard link, so it costs nothing); the file is
  checked to be still the bytes the command read; then ``os.replace`` swaps the new file
  in and the folder is fsynced. A crash at any point leaves the old file or the new one.
- A symbolic link stays: its target is what is replaced. New files get the permissions
  of the user's umask; a replaced file keeps its own.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import math
import os
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from nomadspot.errors import CatalogueError, LockError, WriteError

LOCK_TIMEOUT_ENV = "NOMADSPOT_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0


class Snapshot(NamedTuple):
    """What a command read: the SHA-1 of the file's bytes, or None when there was none."""

    digest: str | None


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def real_path(path: Path) -> Path:
    """The file a write replaces: the target of a symbolic link (a catalogue kept in a
    dotfiles or git folder stays there), else the path itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_regular(path: Path) -> None:
    """Refuse at once a path that is there but is not a regular file (a folder, a FIFO, a
    device): reading it could wait forever or never end."""
    try:
        mode = path.stat().st_mode
    except OSError:  # missing, or a dangling link: reading or writing says what is wrong
        return
    if stat.S_ISREG(mode):
        return
    what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else None
    raise CatalogueError(
        f"{path} is {what or 'a device or special file'}, not a catalogue file",
        hint="give the path of a catalogue file with --catalogue or NOMADSPOT_CATALOGUE",
    )


def _lock_timeout() -> float:
    try:
        value = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT
    return DEFAULT_LOCK_TIMEOUT if math.isnan(value) else value  # nan would wait forever


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the file's lock. Waits up to ``timeout`` seconds for another process, then
    raises ``LockError`` naming the lock file."""
    lock_file = lock_path(path)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise write_error(path, error) from error
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


def write_error(path: Path, error: OSError) -> WriteError:
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


def _umask_mode() -> int:
    """The mode a new file gets from the user's umask (``mkstemp`` makes 0600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(
    path: Path,
    content: str | bytes | Sequence[bytes | memoryview],
    *,
    keep_backup: bool = True,
    unchanged_since: Snapshot | None = None,
) -> None:
    """Replace the file at ``path`` (a link's target) by ``content`` (text, bytes, or
    pieces of bytes written one after the other), so that a crash leaves the old file or
    the new one. With ``unchanged_since``, write nothing and raise ``CatalogueError`` when
    the file is no longer what the command read."""
    path = real_path(path)
    folder = path.parent
    if isinstance(content, str):
        content = content.encode("utf-8")
    pieces: Sequence[bytes | memoryview] = [content] if isinstance(content, bytes) else content
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # writers only

        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise write_error(path, error) from error
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = _umask_mode()
        temp.chmod(mode)
        if keep_backup and path.exists():
            _keep_backup(path)
        if unchanged_since is not None:  # last, the nearest to the replace it can be
            _check_unchanged(path, unchanged_since)
        temp.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise write_error(path, error) from error
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(folder)


def _check_unchanged(path: Path, snapshot: Snapshot) -> None:
    try:
        with path.open("rb") as stream:  # in chunks: the file may be large
            now: str | None = hashlib.file_digest(stream, "sha1").hexdigest()
    except FileNotFoundError:
        now = None
    if now != snapshot.digest:
        raise CatalogueError(
            f"{path} changed while nomadspot was writing it (saved by another program?); "
            "nothing was written",
            hint="run the command again: it will apply to the file as it is now",
        )


def _keep_backup(path: Path) -> None:
    """Make ``NAME.bak`` the current file, atomically (hard link, else copy)."""
    backup = backup_path(path)
    with contextlib.suppress(OSError):
        if path.samefile(backup):
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
        staging.replace(backup)
    except BaseException:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise


def remove_temp_files(path: Path) -> None:
    """Delete the ``.NAME.*.tmp`` files that killed writes left (each a whole or partial
    copy of the file). Called with the lock held: no other nomadspot is writing."""
    prefix = f".{path.name}."
    try:
        with os.scandir(path.parent) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                    with contextlib.suppress(OSError):
                        if entry.is_file(follow_symlinks=False):
                            Path(entry.path).unlink()
    except OSError:
        pass


def other_links(path: Path) -> int:
    """How many hard links the file has besides itself and its own ``.bak``."""
    try:
        links = path.stat().st_nlink
        with contextlib.suppress(OSError):
            if path.samefile(backup_path(path)):
                links -= 1  # a write stopped between keeping the backup and its replace
    except OSError:
        return 0
    return links - 1


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name the same file (through links too), existing or not."""
    try:
        return first.samefile(second)
    except OSError:
        return os.path.realpath(first) == os.path.realpath(second)
