"""Runs the nomadspot command line and SIGKILLs itself at the N-th "point" of a write.

Used by test_reliability as ``python tests/crash_driver.py ARGS...`` with:

- ``NOMADSPOT_TEST_KILL_AT=N``: kill at point N (0: never, just count), or at the point
  named ``NOMADSPOT_TEST_AT_POINT`` (``before replace #1``: its first "before replace");
- ``NOMADSPOT_TEST_SIGNAL=KILL|INT|EDIT``: the signal (default KILL; INT is a Ctrl-C);
  EDIT sends none but appends a line to ``NOMADSPOT_TEST_EDIT_FILE``, as a person's editor
  saving the catalogue at that moment would;
- ``NOMADSPOT_TEST_TRACE=FILE``: where to write the points reached, one per line, as they
  are reached (so the file names the point a killed run died at).

A point is just before and just after each file-system call a write makes (``mkstemp``,
``fsync``, ``chmod``, ``link``, ``unlink``, ``replace``), plus "half written": the first
half of the first piece of the catalogue's new text is in its temp file, the rest not yet
(a write may come in several pieces: the point is reached once). The catalogue
write and the parsed-catalogue cache write both count.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile

KILL_AT = int(os.environ.get("NOMADSPOT_TEST_KILL_AT", "0"))
SIGNAL_NAME = os.environ.get("NOMADSPOT_TEST_SIGNAL", "KILL")
EDIT_FILE = os.environ.get("NOMADSPOT_TEST_EDIT_FILE", "")
AT_POINT = os.environ.get("NOMADSPOT_TEST_AT_POINT", "")
# A process started with SIGINT ignored (``pytest ... &`` from a script) passes that on,
# and Python then installs no KeyboardInterrupt handler: a Ctrl-C would do nothing.
signal.signal(signal.SIGINT, signal.default_int_handler)
TRACE = os.environ.get("NOMADSPOT_TEST_TRACE")
points: list[str] = []
catalogue_fds: set[int] = set()
_trace = open(TRACE, "w", encoding="utf-8", buffering=1) if TRACE else None  # noqa: SIM115, PTH123


def point(label: str) -> None:
    points.append(label)
    named = f"{label} #{points.count(label)}"
    if _trace is not None:
        _trace.write(f"{named}\n")  # line-buffered: written at once
    if len(points) != KILL_AT and named != AT_POINT:
        return
    if SIGNAL_NAME == "EDIT":
        with open(EDIT_FILE, "a", encoding="utf-8") as stream:  # noqa: PTH123
            stream.write("# saved by hand while nomadspot was writing\n")
    else:
        os.kill(os.getpid(), getattr(signal, "SIG" + SIGNAL_NAME))


def _instrument(name: str) -> None:
    real = getattr(os, name)

    def patched(*args: object, **kwargs: object) -> object:
        point(f"before {name}")
        result = real(*args, **kwargs)
        point(f"after {name}")
        return result

    setattr(os, name, patched)


for _name in ("fsync", "chmod", "link", "unlink", "replace"):
    _instrument(_name)

_real_mkstemp = tempfile.mkstemp


def _mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
    point("before mkstemp")
    fd, name = _real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
    if str(kwargs.get("prefix", ".")) != ".":  # the store's ".NAME.": not the cache's "."
        catalogue_fds.add(fd)
    point("after mkstemp")
    return fd, name


tempfile.mkstemp = _mkstemp  # type: ignore[assignment]
_real_fdopen = os.fdopen


class _HalfThenRest:
    """The catalogue's temp file: writes half of the first piece, reaches a point, then
    writes the rest."""

    def __init__(self, stream: object) -> None:
        self._stream = stream
        self._halved = False

    def write(self, data: bytes) -> int:
        if self._halved:
            return int(self._stream.write(data))  # type: ignore[attr-defined]
        self._halved = True
        half = len(data) // 2
        self._stream.write(data[:half])  # type: ignore[attr-defined]
        self._stream.flush()  # type: ignore[attr-defined]
        point("half written")
        self._stream.write(data[half:])  # type: ignore[attr-defined]
        return len(data)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)

    def __enter__(self) -> _HalfThenRest:
        self._stream.__enter__()  # type: ignore[attr-defined]
        return self

    def __exit__(self, *exc: object) -> object:
        return self._stream.__exit__(*exc)  # type: ignore[attr-defined]


def _fdopen(fd: int, *args: object, **kwargs: object) -> object:
    stream = _real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]
    if fd in catalogue_fds:
        catalogue_fds.discard(fd)  # the number is reused by the next open
        return _HalfThenRest(stream)
    return stream


os.fdopen = _fdopen  # type: ignore[assignment]

if __name__ == "__main__":
    from nomadspot.cli import main

    sys.argv = ["nomadspot", *sys.argv[1:]]
    main()
