"""nomadspot as a Unix process: Ctrl-C, a reader that goes away, a stdout that cannot be
written. The spec's rules (``Aborted.`` and 130 at any moment, 141 quietly for a closed
pipe, exit 3 for a full disk or a closed stdout) hold for the console script; the app's
own errors are turned into messages in ``typer_shell``."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType
from typing import Any, TextIO

from nomadspot.errors import OutputError

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as for a Unix tool killed by SIGPIPE


def interrupted(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C: say so and leave through ``SystemExit``, so that ``finally`` blocks still
    remove temporary files and release the lock. (os.write: safe in a signal handler.)"""
    with contextlib.suppress(OSError):
        os.write(2, b"Aborted.\n")
    raise SystemExit(EXIT_INTERRUPTED)


class PipeClosed(Exception):
    """The reader of stdout went away (``| head``)."""


class GuardedStdout:
    """sys.stdout, whose write errors become nomadspot's: a closed pipe ``PipeClosed``,
    anything else (disk full, stdout closed) an ``OutputError`` (exit 3)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream  # None: the process was started with stdout closed
        self.failed = False  # once a write failed, the rest of the output is dropped

    def _guarded(self, action: str, *args: Any) -> Any:
        if self.failed:
            return 0
        try:
            if self.stream is None:
                raise OSError(0, "standard output is closed")
            return getattr(self.stream, action)(*args)
        except BrokenPipeError:
            self.failed = True
            silence_stdout()
            raise PipeClosed() from None
        except OSError as error:
            self.failed = True
            silence_stdout()
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None

    def write(self, text: str) -> int:
        return int(self._guarded("write", text))

    def flush(self) -> None:
        self._guarded("flush")

    def isatty(self) -> bool:
        return self.stream is not None and self.stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def reserve_standard_descriptors() -> bool:
    """Whether stdout was closed at start. A closed descriptor 0, 1 or 2 is pointed at
    /dev/null, so that no file nomadspot opens (the catalogue) takes its number."""
    closed = []
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            closed.append(descriptor)
            opened = os.open(os.devnull, os.O_RDWR)  # the lowest free number
            if opened != descriptor:
                os.dup2(opened, descriptor)
                os.close(opened)
    return 1 in closed


def silence_stdout() -> None:
    """After a write failed: what is left in the buffer goes nowhere, so that Python's own
    flush at exit neither fails again nor prints a warning."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def guard_stdout() -> GuardedStdout:
    stdout_closed = reserve_standard_descriptors()
    guarded = GuardedStdout(None if stdout_closed or sys.stdout is None else sys.stdout)
    sys.stdout = guarded
    return guarded


def install() -> None:
    signal.signal(signal.SIGINT, interrupted)
