"""nomadspot as a Unix process: Ctrl-C, a reader that goes away, a stdout that cannot be
written. The spec's rules (``Aborted.`` and 130 at any moment, 141 quietly for a closed
pipe, exit 3 for a full disk or a closed stdout) hold for the console script; the app's
own errors are turned into messages in ``typer_shell``."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import stat
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
        self.error: PipeClosed | OutputError | None = None  # the first failure, raised again

    def _fail(self, error: PipeClosed | OutputError) -> PipeClosed | OutputError:
        self.error = error
        silence_stdout()  # what is left in the buffer goes nowhere, quietly
        return error

    def _guarded(self, action: str, *args: Any) -> Any:
        if self.error is not None:  # raised again: a caller may have swallowed the first
            raise type(self.error)(*self.error.args)
        try:
            if self.stream is None:
                raise OSError(0, "standard output is closed")
            return getattr(self.stream, action)(*args)
        except BrokenPipeError:
            raise self._fail(PipeClosed()) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise self._fail(OutputError(f"cannot write the output: {reason}")) from None

    def write(self, text: str) -> int:
        return int(self._guarded("write", text))

    def flush(self) -> None:
        self._guarded("flush")
        if self.stream is not None and reader_gone(self.stream):
            raise self._fail(PipeClosed())

    def isatty(self) -> bool:
        return self.stream is not None and self.stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def reader_gone(stream: TextIO) -> bool:
    """Whether stdout is a pipe whose reader went away. A write that the closing reader
    interrupts returns short without an error, and Python drops the rest silently; only
    the pipe itself still tells (POLLERR on its write end)."""

    try:
        descriptor = stream.fileno()
        if not stat.S_ISFIFO(os.fstat(descriptor).st_mode):
            return False
        poller = select.poll()
        poller.register(descriptor, select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError):
        return False


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
