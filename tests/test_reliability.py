"""nomadspot never loses or corrupts a catalogue: writes that are killed at any point,
writers that run at once, disks that fail, locks held by live or dead processes.

Every check reads the file as a fresh process would, from its bytes (``read_places``):
the parsed-catalogue cache serves what a write *meant* to write, so reading through it
would hide a file on disk that does not parse.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nomadspot import store
from nomadspot.errors import CatalogueError, LockError, UsageError
from nomadspot.model import Place
from nomadspot.vocabulary import Kind

from .conftest import Cli
from .reliability_support import (
    Op,
    add_op,
    edit_op,
    leftovers,
    make_places,
    nomadspot,
    read_places,
    remove_op,
    visit_op,
    write_catalogue,
)
from .strategies import catalogues, ids, places

DRIVER = Path(__file__).with_name("crash_driver.py")


# --- every write leaves a file that a fresh process can read -------------------------------


def test_short_places_written_one_by_one_parse_without_the_cache(
    cli: Cli, catalogue_path: Path
) -> None:
    """A place with only a few short fields used to be written as ``place = [{...}]``:
    after another place's ``[place.amenities]`` that line belonged to the amenities table.
    The cache hid it; a fresh process (or a teammate after git pull) got exit 3."""
    cli("add", "Grand Café", "--kind", "cafe", "--city", "Lyon", "--wifi", "--power")
    cli("add", "B", "--kind", "cafe", "--city", "Lyon")
    cli("add", "C", "--kind", "cafe", "--city", "Lyon")
    cli("visit", "b-lyon", "--rating", "4")
    cli("edit", "c-lyon", "--seats", "3")
    assert [p.id for p in read_places(catalogue_path)] == ["grand-cafe-lyon", "b-lyon", "c-lyon"]
    fresh = nomadspot("list", "--format", "ids", env={"NOMADSPOT_NO_CACHE": "1"})
    assert (fresh.returncode, fresh.stdout.split()) == (
        0,
        ["b-lyon", "c-lyon", "grand-cafe-lyon"],
    ), fresh.stderr


# Places short enough for tomli-w to write on one line, as `add NAME --kind --city` makes.
short_places = st.builds(
    Place,
    id=ids,
    name=st.sampled_from(["A", "Bé", "Le Café"]),
    kind=st.sampled_from(list(Kind)),
    city=st.sampled_from(["Lyon", "Vienne"]),
    amenities=st.dictionaries(st.sampled_from(["wifi", "power"]), st.booleans(), max_size=2),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=catalogues(max_size=4),
    more=st.lists(short_places | places(), max_size=4),
    top=st.dictionaries(
        st.sampled_from(["x_owner", "x_meta"]), st.just("t") | st.just({"a": {"b": 1}}), max_size=2
    ),
)
def test_incremental_writes_equal_what_a_fresh_process_reads(
    tmp_path: Path, first: list[Place], more: list[Place], top: dict[str, object]
) -> None:
    """Writes reuse each unchanged place's text: whatever the mix of places and top-level
    tables, the concatenation parses to exactly the places written."""
    path = tmp_path / "catalogue.toml"
    path.unlink(missing_ok=True)
    store.save(path, store.Catalogue(tuple(first), dict(top), path))
    expected = list(first)
    for place in more:
        if place.id in {p.id for p in expected}:
            continue
        expected.append(place)
        store.update(path, lambda c, place=place: (c.with_places([*c.places, place]), None))
        assert read_places(path) == tuple(expected)
    assert store.parse(path.read_text(), path).extra == top


def test_values_the_loader_would_refuse_are_never_written(cli: Cli, catalogue_path: Path) -> None:
    """A write that would leave a file every later command refuses (exit 3) is itself
    refused with exit 2, and the file is left as it was."""
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    before = catalogue_path.read_bytes()
    for args in (
        ("visit", "a-lyon", "--wifi-mbps", "2000000"),
        ("visit", "a-lyon", "--wifi-mbps", "inf"),
        ("add", "B", "--kind", "cafe", "--city", "Lyon", "--seats", "5000000"),
        ("add", "C", "--kind", "cafe", "--city", "Lyon", "--price-day", "2e9"),
        ("edit", "a-lyon", "--meeting-room-seats", "99999999"),
    ):
        result = cli(*args, code=2)
        assert result.stderr.startswith("Error: "), args
        flag = args[-2]
        # Either the command names the flag up front, or the store refuses the write.
        assert f"Error: {flag} must be" in result.stderr or (
            "place " in result.stderr and "nothing was written" in result.stderr
        ), result.stderr
        assert catalogue_path.read_bytes() == before, args
    assert [p.id for p in read_places(catalogue_path)] == ["a-lyon"]


def test_a_duplicate_id_or_an_invalid_place_is_never_written(tmp_path: Path) -> None:
    """The store's last line of defence, whatever the caller (an importer, say) built."""
    path = tmp_path / "catalogue.toml"
    store.update(
        path,
        lambda c: (c.with_places([Place(id="a", name="A", kind=Kind.CAFE, city="Lyon")]), None),
    )
    before = path.read_bytes()
    for bad in (
        Place(id="a", name="Again", kind=Kind.CAFE, city="Lyon"),
        Place(id="b", name="  ", kind=Kind.CAFE, city="Lyon"),
        Place(id="c", name="C", kind=Kind.CAFE, city="Lyon", lat=float("nan"), lon=1.0),
        Place(id="d", name="D\udcff", kind=Kind.CAFE, city="Lyon"),
        Place(id="E", name="E", kind=Kind.CAFE, city="Lyon"),
    ):
        with pytest.raises(UsageError, match=r"nothing was written|would not load") as caught:
            store.update(path, lambda c, bad=bad: (c.with_places([*c.places, bad]), None))
        assert caught.value.exit_code == 2
        assert path.read_bytes() == before
        assert leftovers(tmp_path) == []


def test_deeply_nested_unknown_values_are_refused_when_reading(
    cli: Cli, catalogue_path: Path
) -> None:
    """Unknown keys are written back; one nested too deeply for the writer would make every
    write fail, so the loader names it (place and field) instead."""
    nested = "[" * 100 + "]" * 100
    catalogue_path.parent.mkdir(parents=True, exist_ok=True)
    catalogue_path.write_text(
        f'version = 1\n[[place]]\nid = "a"\nname = "A"\nkind = "cafe"\ncity = "L"\n'
        f"x_deep = {nested}\n"
    )
    before = catalogue_path.read_bytes()
    result = cli("add", "B", "--kind", "cafe", "--city", "Lyon", code=3)
    assert "place a, field 'x_deep': is nested more than" in result.stderr
    assert catalogue_path.read_bytes() == before
    catalogue_path.write_text("version = 1\nx = " + "[" * 2000 + "]" * 2000 + "\n")
    assert "nested too deeply" in cli("list", "--format", "json", code=3).stderr


def test_a_byte_order_mark_is_accepted_and_dropped_on_write(cli: Cli, catalogue_path: Path) -> None:
    catalogue_path.parent.mkdir(parents=True, exist_ok=True)
    catalogue_path.write_bytes(b"\xef\xbb\xbfversion = 1\n")
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    assert catalogue_path.read_bytes().startswith(b"version = 1\n")
    catalogue_path.write_bytes(b"\xef\xbb\xbfversion = 1\nx = '\xff'\n")
    assert "(byte 21, line 2)" in cli("list", "--format", "json", code=3).stderr


# --- crashes: SIGKILL at every point of a write --------------------------------------------


class CrashRun:
    """Runs write commands, some killed at a chosen point, and checks after each that the
    file holds every acknowledged write and the killed one wholly or not at all."""

    def __init__(self, path: Path, trace: Path) -> None:
        self.path = path
        self.trace = trace
        self.state = read_places(path)
        # Every version of the file seen so far, all checked to parse: the .bak must be one.
        self.seen = {hashlib.sha1(path.read_bytes()).hexdigest(): self.state}
        self.duration = 0.0  # of the last process, start to exit
        self.kills = 0
        self.acknowledged = 0
        self.killed_after_write = 0
        self.points: set[str] = set()

    def run(
        self,
        op: Op,
        kill_at: int = 0,
        delay: float | None = None,
        signal_name: str = "KILL",
        sigint_ignored: bool = False,
    ) -> None:
        """``sigint_ignored``: started as ``cmd &`` from a script starts it, with SIGINT
        ignored (the crash driver must still be able to interrupt itself)."""
        env = {
            **os.environ,
            "NOMADSPOT_TEST_KILL_AT": str(kill_at),
            "NOMADSPOT_TEST_TRACE": str(self.trace),
            "NOMADSPOT_LOCK_TIMEOUT": "3",
            "NOMADSPOT_TEST_SIGNAL": signal_name,
        }
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        interrupted = {"KILL": -signal.SIGKILL, "INT": 130}[signal_name]
        command = (
            [sys.executable, str(DRIVER), *op.args]
            if delay is None
            else [sys.executable, "-m", "nomadspot", *op.args]
        )
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            env=env,
            preexec_fn=ignore,  # noqa: PLW1509 - the test's own subprocess, no threads
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if delay is not None:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=60)
        self.duration = time.monotonic() - started
        before, after = self.state, op.apply(self.state)
        # The next command is never blocked by what a killed one left: it got to its
        # kill point or finished (a lock that stayed held would make it exit 3).
        assert process.returncode in (0, interrupted), (op.label, process.returncode, stderr)
        assert "Traceback" not in stderr
        digest = hashlib.sha1(self.path.read_bytes()).hexdigest()
        try:
            now = self.seen[digest] if digest in self.seen else read_places(self.path)
        except CatalogueError as error:  # pragma: no cover - the failure this test is for
            raise AssertionError(f"{op.label} killed at {self.last_point()}: {error}") from error
        changed = digest not in self.seen
        self.seen[digest] = now
        if process.returncode == 0:
            self.acknowledged += 1
            assert now == after, f"acknowledged {op.label} is not in the file"
        else:
            self.kills += 1
            self.points.add(self.last_point() if delay is None else f"after {delay:.3f}s")
            assert now in (before, after), (
                f"{op.label} killed at {self.last_point()}: neither before nor after"
            )
            self.killed_after_write += now == after
        backup = store.backup_path(self.path)
        if backup.exists():  # the .bak is always a whole previous version
            assert hashlib.sha1(backup.read_bytes()).hexdigest() in self.seen
        if changed:  # and the cache serves exactly what is on disk
            loaded = store.load(self.path)
            assert loaded is not None and loaded.places == now
        self.state = now

    def last_point(self) -> str:
        lines = self.trace.read_text().splitlines() if self.trace.exists() else []
        return lines[-1] if lines else "before any point"


def count_points(run: CrashRun, op: Op) -> int:
    run.run(op)
    return len(run.trace.read_text().splitlines())


def crash_ops(count: int, ids: list[str], start: int = 0) -> list[Op]:
    """A mix of add, visit, edit and remove on distinct targets."""
    removable = iter(ids[len(ids) // 2 :])
    ops: list[Op] = []
    for number in range(start, start + count):
        target = ids[number % (len(ids) // 2)]
        kind = number % 4
        ops.append(
            add_op(number)
            if kind == 0
            else visit_op(target, number)
            if kind == 1
            else edit_op(target, number)
            if kind == 2
            else remove_op(next(removable))
        )
    return ops


def assert_temp_files_are_harmless_and_cleaned(run: CrashRun, op: Op) -> None:
    """Temp files left by killed writes: ignored by every command, removed by the next
    write, however young (it holds the lock: no other write is under way)."""
    folder = run.path.parent
    left = leftovers(folder)
    assert all(name.startswith(".catalogue.toml.") and name.endswith(".tmp") for name in left)
    run.run(op)
    assert leftovers(folder) == []


def test_sigkill_at_every_point_of_a_write_loses_nothing(
    catalogue_path: Path, tmp_path: Path
) -> None:
    """Default-run version: 200 places, one kill at each point of the write path (about
    20: temp file created, half written, fsynced, .bak linked, replaced, cache written),
    each with a different command."""
    write_catalogue(catalogue_path, make_places(200))
    run = CrashRun(catalogue_path, tmp_path / "trace")
    ids = [p.id for p in run.state]
    ops = iter(crash_ops(200, ids))
    points = count_points(run, next(ops))
    assert points >= 15
    for kill_at in range(1, points + 1):
        run.run(next(ops), kill_at=kill_at)
    run.run(next(ops))  # and the next command works
    assert run.kills == points
    assert len(run.points) >= 15  # distinct points reached (name and occurrence)
    assert 0 < run.killed_after_write < run.kills
    assert_temp_files_are_harmless_and_cleaned(run, next(ops))


@pytest.mark.slow
def test_sigkill_at_every_point_of_every_command_on_a_large_catalogue(
    catalogue_path: Path, tmp_path: Path
) -> None:
    """3,000 places; add, visit, edit and remove each killed at every point."""
    write_catalogue(catalogue_path, make_places(3000))
    run = CrashRun(catalogue_path, tmp_path / "trace")
    ids = [p.id for p in run.state]
    ops = iter(crash_ops(400, ids))
    for _kind in range(4):
        op = next(ops)
        points = count_points(run, op)
        for kill_at in range(1, points + 1):
            run.run(next(ops), kill_at=kill_at)
    assert_temp_files_are_harmless_and_cleaned(run, next(ops))
    print(
        f"\ncrash (points): {run.kills} kills at {len(run.points)} distinct points, "
        f"{run.acknowledged} writes acknowledged, {run.killed_after_write} killed after "
        "their write was in place, 0 lost"
    )


@pytest.mark.slow
def test_sigkill_after_random_delays_loses_nothing(catalogue_path: Path, tmp_path: Path) -> None:
    """3,000 places; the real CLI killed after a delay drawn uniformly over one command's
    whole run time, interleaved with commands left to finish."""
    write_catalogue(catalogue_path, make_places(3000))
    run = CrashRun(catalogue_path, tmp_path / "trace")
    ids = [p.id for p in run.state]
    ops = iter(crash_ops(2000, ids, start=1000))
    durations = []
    for _ in range(4):
        run.run(next(ops))
        durations.append(run.duration)
    span = sorted(durations)[len(durations) // 2]
    rng = random.Random(20261123)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        run.run(next(ops), delay=rng.uniform(0, span))
        if rng.random() < 0.2:
            run.run(next(ops))
    assert_temp_files_are_harmless_and_cleaned(run, next(ops))
    assert run.kills >= 40
    print(
        f"\ncrash (random delays in 0..{span:.3f}s): {run.kills} kills, "
        f"{run.acknowledged} acknowledged, {run.killed_after_write} killed after their "
        "write was in place, 0 lost"
    )


@pytest.mark.parametrize("sigint", ["default", "ignored"])
@pytest.mark.parametrize(
    "every",
    [pytest.param(7, id="some points"), pytest.param(1, id="every point", marks=pytest.mark.slow)],
)
def test_ctrl_c_during_a_write_leaves_no_temp_file(
    catalogue_path: Path, tmp_path: Path, every: int, sigint: str
) -> None:
    """An interrupt (SIGINT) is not a kill: the write cleans up after itself, exit 130.
    Only an interrupt inside ``mkstemp`` itself, after it made the file and before it
    returned its name, can leave one (removed by a later write once stale)."""
    write_catalogue(catalogue_path, make_places(100))
    run = CrashRun(catalogue_path, tmp_path / "trace")
    ops = iter(crash_ops(100, [p.id for p in run.state]))
    points = count_points(run, next(ops))
    for kill_at in range(2, points + 1, every):
        run.run(next(ops), kill_at=kill_at, signal_name="INT", sigint_ignored=sigint == "ignored")
        left = leftovers(catalogue_path.parent)
        if run.last_point().startswith("after mkstemp"):
            for name in left:
                (catalogue_path.parent / name).unlink()
        else:
            assert left == [], run.last_point()
    assert run.kills > 0


def test_a_bak_that_already_is_the_current_file_leaves_no_staging_link(
    cli: Cli, catalogue_path: Path
) -> None:
    """After a write that stopped between its .bak step and its replace, the .bak is a link
    to the current file; renaming the next write's staging link onto it did nothing and
    left `.catalogue.toml.bak.PID.tmp` behind."""
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    backup = store.backup_path(catalogue_path)
    backup.unlink(missing_ok=True)
    os.link(catalogue_path, backup)
    before = catalogue_path.read_bytes()
    cli("visit", "a-lyon")
    assert leftovers(catalogue_path.parent) == []
    assert backup.read_bytes() == before


def test_temp_files_of_killed_writes_are_removed_by_the_next_write(
    catalogue_path: Path, tmp_path: Path
) -> None:
    """#13.10: a write killed half way leaves its temp copy; the next write removes it at
    once (not ten minutes later), and only the catalogue's own temp files."""
    write_catalogue(catalogue_path, make_places(50))
    folder = catalogue_path.parent
    unrelated = [folder / ".other.toml.abc.tmp", folder / "notes.tmp"]
    for path in unrelated:
        path.write_text("not ours")
    run = CrashRun(catalogue_path, tmp_path / "trace")
    ops = iter(crash_ops(50, [p.id for p in run.state]))
    count_points(run, next(ops))
    half = run.trace.read_text().splitlines().index("half written #1") + 1
    run.run(next(ops), kill_at=half)
    assert run.last_point() == "half written #1"
    assert [name for name in leftovers(folder) if name.endswith(".tmp")]
    nomadspot("list", "--format", "ids")  # reading never deletes
    assert [name for name in leftovers(folder) if name.endswith(".tmp")]
    run.run(next(ops))
    assert sorted(leftovers(folder)) == sorted(path.name for path in unrelated)


def test_stale_cache_temp_files_are_removed(cli: Cli, catalogue_path: Path) -> None:
    from nomadspot import cache

    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    folder = cache.folder()
    assert folder is not None
    old, fresh = folder / ".k1ll3d.tmp", folder / ".w0rk1n.tmp"
    for path in (old, fresh):
        path.write_bytes(b"half an entry")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    cli("visit", "a-lyon")
    assert not old.exists() and fresh.exists()
    fresh.unlink()


# --- locks ---------------------------------------------------------------------------------

HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_lock(catalogue: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(store.lock_path(catalogue)), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def test_a_lock_held_by_a_live_process_makes_writers_wait_then_exit_3(
    catalogue_path: Path,
) -> None:
    assert nomadspot("add", "A", "--kind", "cafe", "--city", "Lyon").returncode == 0
    before = catalogue_path.read_bytes()
    holder = hold_lock(catalogue_path, 30)
    try:
        started = time.monotonic()
        result = nomadspot("visit", "a-lyon", env={"NOMADSPOT_LOCK_TIMEOUT": "0.4"})
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3, result.stderr
    assert waited >= 0.4
    assert str(store.lock_path(catalogue_path)) in result.stderr
    assert result.stderr.startswith("Error: ") and "hint: " in result.stderr
    assert catalogue_path.read_bytes() == before
    # The holder was killed: its lock went with it.
    started = time.monotonic()
    assert nomadspot("visit", "a-lyon", env={"NOMADSPOT_LOCK_TIMEOUT": "2"}).returncode == 0
    assert time.monotonic() - started < 2


def test_a_writer_waits_for_a_lock_that_is_released_in_time(catalogue_path: Path) -> None:
    assert nomadspot("add", "A", "--kind", "cafe", "--city", "Lyon").returncode == 0
    holder = hold_lock(catalogue_path, 0.6)
    started = time.monotonic()
    result = nomadspot("visit", "a-lyon", env={"NOMADSPOT_LOCK_TIMEOUT": "20"})
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 0.4
    holder.wait()
    assert len(read_places(catalogue_path)[0].visits) == 1


def test_readers_do_not_need_the_lock(catalogue_path: Path) -> None:
    assert nomadspot("add", "A", "--kind", "cafe", "--city", "Lyon").returncode == 0
    holder = hold_lock(catalogue_path, 30)
    try:
        result = nomadspot("list", "--format", "ids", env={"NOMADSPOT_LOCK_TIMEOUT": "0.2"})
    finally:
        holder.kill()
        holder.wait()
    assert (result.returncode, result.stdout) == (0, "a-lyon\n")


@pytest.mark.parametrize("value", ["nan", "soon", ""])
def test_odd_lock_timeouts_wait_the_default_time(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value that is no number of seconds waits as long as none would (nan would wait
    forever); the default is shortened here so that the test does not wait 10 s."""
    from nomadspot import safefile

    catalogue = tmp_path / "catalogue.toml"
    monkeypatch.setattr(safefile, "DEFAULT_LOCK_TIMEOUT", 0.3)
    monkeypatch.setenv("NOMADSPOT_LOCK_TIMEOUT", value)
    holder = hold_lock(catalogue, 30)
    try:
        with pytest.raises(LockError), safefile.locked(catalogue):
            pass  # never reached: the lock is held
    finally:
        holder.kill()
        holder.wait()


def test_a_negative_lock_timeout_gives_up_at_once(catalogue_path: Path) -> None:
    assert nomadspot("add", "A", "--kind", "cafe", "--city", "Lyon").returncode == 0
    holder = hold_lock(catalogue_path, 30)
    try:
        result = nomadspot("visit", "a-lyon", env={"NOMADSPOT_LOCK_TIMEOUT": "-1"}, timeout=30)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3 and "catalogue.toml.lock" in result.stderr


# --- concurrency ---------------------------------------------------------------------------


def worker_ops(worker: int, count: int) -> list[Op]:
    """Worker ``worker``'s commands; no two workers touch the same place."""
    ops = []
    for number in range(count):
        ops.append(
            (
                add_op(number, tag=f"w{worker}-new"),
                visit_op(f"w{worker}-visit", number),
                edit_op(f"w{worker}-edit-{number}", number),
                remove_op(f"w{worker}-rm-{number}"),
            )[number % 4]
        )
    return ops


def run_concurrently(catalogue_path: Path, base: int, workers: int, count: int) -> dict[str, int]:
    targets = []
    for worker in range(workers):
        targets += [
            Place(id=f"w{worker}-visit", name=f"Visited by {worker}", kind=Kind.CAFE, city="Lyon")
        ]
        targets += [
            Place(
                id=f"w{worker}-{what}-{n}",
                name=f"W{worker} {what} {n}",
                kind=Kind.COWORKING,
                city="Vienne",
            )
            for n in range(count)
            for what in ("edit", "rm")
        ]
    write_catalogue(catalogue_path, make_places(base) + targets)
    expected = read_places(catalogue_path)
    plans = [worker_ops(worker, count) for worker in range(workers)]
    for plan in plans:
        for op in plan:
            expected = op.apply(expected)
    failures: list[str] = []
    stop = threading.Event()
    reads = [0]

    def work(plan: list[Op]) -> None:
        for op in plan:
            result = nomadspot(*op.args, env={"NOMADSPOT_LOCK_TIMEOUT": "120"})
            if result.returncode != 0:
                failures.append(f"{op.label}: exit {result.returncode} {result.stderr}")

    def read() -> None:  # a reader never sees a partial file
        while not stop.is_set():
            try:
                read_places(catalogue_path)
            except Exception as error:  # reported by the test
                failures.append(f"reader: {error}")
            reads[0] += 1
            time.sleep(0.005)

    threads = [threading.Thread(target=work, args=(plan,)) for plan in plans]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    reader.join()
    assert failures == []
    final = read_places(catalogue_path)
    assert len(final) == len(expected), "a place was lost or doubled"
    assert {p.id: p for p in final} == {p.id: p for p in expected}
    for worker in range(workers):
        notes = [v.note for v in {p.id: p for p in final}[f"w{worker}-visit"].visits]
        assert notes == [f"visit {n}" for n in range(count) if n % 4 == 1]
    assert leftovers(catalogue_path.parent) == []
    return {"commands": workers * count, "reads": reads[0], "places": len(final)}


def test_concurrent_writers_lose_nothing_and_double_nothing(catalogue_path: Path) -> None:
    run_concurrently(catalogue_path, base=100, workers=3, count=6)


@pytest.mark.slow
def test_concurrent_writers_on_a_large_catalogue(catalogue_path: Path) -> None:
    numbers = run_concurrently(catalogue_path, base=3000, workers=4, count=24)
    print(f"\nconcurrency: {numbers}")


# --- failing disks -------------------------------------------------------------------------


def os_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def fail_for(
    target: Callable[..., object], code: int, when: Callable[..., bool] = lambda *a, **k: True
) -> Callable[..., object]:
    def failing(*args: object, **kwargs: object) -> object:
        if when(*args, **kwargs):
            raise os_error(code)
        return target(*args, **kwargs)

    return failing


class HalfWrite:
    """A file that takes half of what is written to it, then reports the disk full."""

    def __init__(self, stream: object) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        self.stream.write(data[: len(data) // 2])  # type: ignore[attr-defined]
        raise os_error(errno.ENOSPC)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)

    def __enter__(self) -> HalfWrite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()  # type: ignore[attr-defined]


def break_disk(monkeypatch: pytest.MonkeyPatch, catalogue: Path, scenario: str) -> None:
    folder = str(catalogue.parent)
    backup = str(store.backup_path(catalogue))
    in_folder = lambda *a, **k: str(k.get("dir", "")) == folder  # noqa: E731
    real_fdopen, real_link, real_replace = os.fdopen, os.link, os.replace
    if scenario == "read-only folder (mkstemp)":
        monkeypatch.setattr(
            "tempfile.mkstemp", fail_for(__import__("tempfile").mkstemp, errno.EROFS, in_folder)
        )
    elif scenario == "permission denied (mkstemp)":
        monkeypatch.setattr(
            "tempfile.mkstemp", fail_for(__import__("tempfile").mkstemp, errno.EACCES, in_folder)
        )
    elif scenario == "disk full (write)":
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: HalfWrite(real_fdopen(fd, *a, **k)))
    elif scenario == "disk full (fsync)":
        monkeypatch.setattr(os, "fsync", fail_for(os.fsync, errno.ENOSPC))
    elif scenario == "i/o error (fsync)":
        monkeypatch.setattr(os, "fsync", fail_for(os.fsync, errno.EIO))
    elif scenario == "quota exceeded (fsync)":
        monkeypatch.setattr(os, "fsync", fail_for(os.fsync, errno.EDQUOT))
    elif scenario == ".bak: link and copy fail":
        monkeypatch.setattr(os, "link", fail_for(real_link, errno.EPERM))
        monkeypatch.setattr("shutil.copy2", fail_for(lambda *a, **k: None, errno.ENOSPC))
    elif scenario == ".bak: replace fails":
        monkeypatch.setattr(
            os,
            "replace",
            fail_for(real_replace, errno.EACCES, lambda src, dst, *a, **k: str(dst) == backup),
        )
    elif scenario == "replace fails":
        monkeypatch.setattr(
            os,
            "replace",
            fail_for(
                real_replace, errno.EROFS, lambda src, dst, *a, **k: str(dst) == str(catalogue)
            ),
        )
    elif scenario == "lock file cannot be created":
        lock = str(store.lock_path(catalogue))
        monkeypatch.setattr(
            os, "open", fail_for(os.open, errno.EROFS, lambda p, *a, **k: str(p) == lock)
        )
    else:  # pragma: no cover
        raise AssertionError(scenario)


ADVICE = {
    "read-only folder (mkstemp)": "read-only",
    "permission denied (mkstemp)": "permissions",
    "disk full (write)": "free some disk space",
    "disk full (fsync)": "free some disk space",
    "i/o error (fsync)": "try again",
    "quota exceeded (fsync)": "quota",
    ".bak: link and copy fail": "free some disk space",
    ".bak: replace fails": "permissions",
    "replace fails": "read-only",
    "lock file cannot be created": "read-only",
}
COMMANDS = {
    "add": ("add", "New", "--kind", "cafe", "--city", "Lyon"),
    "edit": ("edit", "a-lyon", "--seats", "9"),
    "visit": ("visit", "a-lyon", "--rating", "5"),
    "remove": ("remove", "a-lyon", "--yes"),
}


# Every scenario, each with one of the write commands in turn (they share the write path).
@pytest.mark.parametrize(
    ("scenario", "command"),
    [(scenario, list(COMMANDS)[n % len(COMMANDS)]) for n, scenario in enumerate(ADVICE)],
)
def test_a_failing_disk_leaves_the_file_byte_for_byte(
    cli: Cli,
    catalogue_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scenario: str,
    command: str,
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    cli("visit", "a-lyon")  # so that there is a .bak too
    before = catalogue_path.read_bytes()
    backup_before = store.backup_path(catalogue_path).read_bytes()
    with monkeypatch.context() as patch:
        break_disk(patch, catalogue_path, scenario)
        result = cli(*COMMANDS[command], code=3)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Error: cannot write ") and "left as it was" in lines[0]
    assert lines[1].startswith("hint: ") and ADVICE[scenario] in lines[1], lines
    assert catalogue_path.read_bytes() == before
    assert store.backup_path(catalogue_path).read_bytes() in (backup_before, before)
    assert leftovers(catalogue_path.parent) == []
    cli(*COMMANDS[command])  # the disk is back: the same command works


def test_init_on_a_read_only_folder_creates_nothing(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue_path.parent.mkdir(parents=True)
    break_disk(monkeypatch, catalogue_path, "read-only folder (mkstemp)")
    result = cli("init", code=3)
    assert "read-only" in result.stderr
    assert leftovers(catalogue_path.parent) == [] and not catalogue_path.exists()


def test_a_failing_hard_link_falls_back_to_a_copy(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    before = catalogue_path.read_bytes()
    monkeypatch.setattr(os, "link", fail_for(os.link, errno.EPERM))
    cli("visit", "a-lyon")
    assert store.backup_path(catalogue_path).read_bytes() == before
    assert leftovers(catalogue_path.parent) == []


def test_a_catalogue_path_that_is_a_folder_is_exit_3_naming_it(
    cli: Cli, catalogue_path: Path
) -> None:
    catalogue_path.mkdir(parents=True)
    for args in (("find", "--city", "Lyon", "--format", "json"), ("list", "--format", "ids")):
        result = cli(*args, code=3)
        assert result.stdout == ""
        assert (
            result.stderr.splitlines()[0]
            == f"Error: {catalogue_path} is a folder, not a catalogue file"
        )
    assert catalogue_path.is_dir() and list(catalogue_path.iterdir()) == []


def test_an_unreadable_catalogue_is_exit_3_naming_it(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    real_open = os.open

    def refused(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == catalogue_path:
            raise os_error(errno.EACCES)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    for args in (("list", "--format", "json"), ("visit", "a-lyon")):
        result = cli(*args, code=3)
        assert f"cannot read {catalogue_path}" in result.stderr


def test_a_full_cache_folder_never_fails_a_command(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMADSPOT_CACHE_DIR", str(catalogue_path.parent / "no-cache"))
    (catalogue_path.parent).mkdir(parents=True)
    (catalogue_path.parent / "no-cache").write_text("a file, not a folder")
    cli("add", "A", "--kind", "cafe", "--city", "Lyon")
    assert cli("list", "--format", "ids").stdout == "a-lyon\n"


# --- links, hand edits, wrong paths, modes (#13) ---------------------------------------------


def test_a_symlinked_catalogue_stays_a_link_and_its_file_gets_the_change(
    catalogue_path: Path, tmp_path: Path
) -> None:
    """#13.1: the link stays; the file it points to is replaced, with its .bak beside it."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "nomadspot.toml"
    write_catalogue(real, make_places(3))
    catalogue_path.parent.mkdir(parents=True, exist_ok=True)
    catalogue_path.symlink_to(real)
    assert nomadspot("add", "Linked", "--kind", "cafe", "--city", "Lyon").returncode == 0
    assert catalogue_path.is_symlink() and catalogue_path.resolve() == real
    assert [place.id for place in read_places(real)][-1] == "linked-lyon"
    assert store.backup_path(real).exists() and not store.backup_path(catalogue_path).exists()
    assert leftovers(dotfiles, "nomadspot.toml") == []


def test_a_hard_linked_catalogue_is_refused_and_left_as_it_is(
    catalogue_path: Path, tmp_path: Path
) -> None:
    """#13.1: replacing the file would cut the other link off it; refused, exit 3."""
    write_catalogue(catalogue_path, make_places(3))
    other = tmp_path / "in-git" / "catalogue.toml"
    other.parent.mkdir()
    os.link(catalogue_path, other)
    before = catalogue_path.read_bytes()
    result = nomadspot("add", "Linked", "--kind", "cafe", "--city", "Lyon")
    assert result.returncode == 3
    assert "1 other hard link" in result.stderr and "ln -s" in result.stderr
    assert catalogue_path.read_bytes() == before and catalogue_path.samefile(other)
    assert nomadspot("list", "--format", "ids").returncode == 0  # reading is fine


def test_a_hand_edit_saved_while_a_write_runs_is_not_overwritten(
    catalogue_path: Path, tmp_path: Path
) -> None:
    """#13.2: a person's editor saves the file after the command read it and before its
    replace: the command writes nothing and exits 3 saying so."""
    write_catalogue(catalogue_path, make_places(20))
    # The last points before the replace: writing the temp file, keeping the .bak.
    for point in ("half written #1", "before link #1", "before replace #1"):
        store.backup_path(catalogue_path).unlink(missing_ok=True)  # else no link is made
        before = catalogue_path.read_bytes()
        env = {
            **os.environ,
            "NOMADSPOT_TEST_AT_POINT": point,
            "NOMADSPOT_TEST_SIGNAL": "EDIT",
            "NOMADSPOT_TEST_EDIT_FILE": str(catalogue_path),
        }
        result = subprocess.run(
            [sys.executable, str(DRIVER), "add", "Pendant", "--kind", "cafe", "--city", "Lyon"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 3, (point, result.stderr)
        assert "changed while nomadspot was writing it" in result.stderr
        edited = before + b"# saved by hand while nomadspot was writing\n"
        assert catalogue_path.read_bytes() == edited
        assert leftovers(catalogue_path.parent) in ([], ["catalogue.toml.bak"])


def test_export_onto_the_catalogue_in_use_is_refused(catalogue_path: Path, tmp_path: Path) -> None:
    """#13.3: exit 2, the catalogue untouched, whichever name it is given by."""
    write_catalogue(catalogue_path, make_places(3))
    alias = tmp_path / "alias.toml"
    alias.symlink_to(catalogue_path)
    before = catalogue_path.read_bytes()
    for output in (
        catalogue_path,
        alias,
        catalogue_path.parent / ".." / catalogue_path.parent.name / "catalogue.toml",
    ):
        result = nomadspot("export", "--format", "toml", "--output", str(output))
        assert result.returncode == 2, result.stderr
        assert "is the catalogue in use" in result.stderr
        assert catalogue_path.read_bytes() == before
    assert not store.backup_path(catalogue_path).exists()


def _umask(mask: int) -> Callable[[], None]:
    return lambda: (os.umask(mask), None)[1]


@pytest.mark.parametrize(("mask", "mode"), [(0o002, 0o664), (0o022, 0o644), (0o077, 0o600)])
def test_new_catalogues_and_exports_follow_the_umask(
    catalogue_path: Path, tmp_path: Path, mask: int, mode: int
) -> None:
    """#13.10: a team folder works (they were 0600 whatever the umask)."""
    env = {**os.environ}
    for args in (("init", "--examples"), ("export", "--output", str(tmp_path / "out.geojson"))):
        subprocess.run(
            [sys.executable, "-m", "nomadspot", *args],
            env=env,
            preexec_fn=_umask(mask),
            capture_output=True,
            check=True,
        )
    assert stat_mode(catalogue_path) == mode
    assert stat_mode(tmp_path / "out.geojson") == mode
    catalogue_path.chmod(0o640)  # and a write keeps the mode a file has
    assert nomadspot("add", "A", "--kind", "cafe", "--city", "Lyon").returncode == 0
    assert stat_mode(catalogue_path) == 0o640


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("given_by", ["flag", "environment"])
@pytest.mark.parametrize("what", ["fifo", "device", "folder"])
def test_a_path_that_is_not_a_regular_file_is_exit_3_at_once(
    catalogue_path: Path, tmp_path: Path, given_by: str, what: str
) -> None:
    """#13.10: nothing waits on it (a FIFO hung forever holding the lock), no lock file is
    made beside it, and a folder is exit 3 by flag as by environment."""
    path = {"fifo": tmp_path / "pipe.toml", "device": Path("/dev/zero"), "folder": tmp_path}[what]
    if what == "fifo":
        os.mkfifo(path)
    for args in (("list", "--format", "ids"), ("add", "A", "--kind", "cafe", "--city", "Lyon")):
        command = [sys.executable, "-m", "nomadspot"]
        env = {**os.environ}
        if given_by == "flag":
            command += ["--catalogue", str(path)]
        else:
            env["NOMADSPOT_CATALOGUE"] = str(path)
        result = subprocess.run(
            [*command, *args], env=env, capture_output=True, text=True, timeout=20, check=False
        )
        assert result.returncode == 3, result.stderr
        assert (
            result.stderr.startswith(f"Error: {path} is a")
            and "not a catalogue file" in result.stderr
        )
        assert not store.lock_path(path).exists()
