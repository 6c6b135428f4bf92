"""The README's examples are replayed, and fail when an output drifts.

A ``console`` block preceded by ``<!-- replay: NAME -->`` is run: each ``$ `` line is a
command typed in a real terminal (a pseudo-terminal of 80 columns, no colour), and the
lines below it up to the next ``$ `` are what it printed, stdout and stderr together as a
person sees them. Blocks that share a NAME share one fresh home folder, in README order,
so a block can import data and a later one query it; commands run in the folder of the
project's real data (``../shared/data``), so ``import tiers-lieux-2019.csv`` works as the
README shows it. The clock is fixed (``README_NOW``).

To rewrite the README's outputs after a deliberate change:

    NOMADSPOT_README_UPDATE=1 pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DATA = ROOT.parent / "shared" / "data"
README_NOW = "2026-11-23T09:00"  # a Monday, as the README says
MARKER = re.compile(r"<!-- replay: ([a-z0-9-]+) -->\n```console\n(.*?)```", re.DOTALL)
PROMPT = "$ "


@dataclass
class Step:
    command: str
    expected: str


@dataclass
class Block:
    session: str
    start: int  # offset of the block's body in the README
    end: int
    steps: list[Step] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    found = []
    for match in MARKER.finditer(text):
        block = Block(match.group(1), match.start(2), match.end(2))
        for chunk in re.split(r"^\$ ", match.group(2), flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            block.steps.append(Step(command, output))
        found.append(block)
    return found


def run_in_terminal(command: str, home: Path) -> str:
    """What a person sees after typing ``command`` in an 80-column terminal."""
    bin_dir = Path(sys.executable).parent
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "NOMADSPOT_NOW": README_NOW,
        "TZ": "Europe/Paris",
        "COLUMNS": "80",
        "LINES": "50",
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
    }
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    process = subprocess.Popen(
        ["bash", "-c", command],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=DATA,
        env=env,
    )
    os.close(follower)
    output = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command and its children are done
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(leader)
    text = output.decode("utf-8", "replace").replace("\r\n", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n") + "\n"


def runnable(step: Step) -> bool:
    """A step that pipes into ``jq`` needs jq (``.ci/run`` installs it); without it the
    step keeps what the README says. Such steps only read, so the session goes on."""
    return "| jq" not in step.command or shutil.which("jq") is not None


def replay(text: str, tmp_path: Path) -> list[tuple[Block, list[str]]]:
    homes: dict[str, Path] = {}
    results = []
    for block in blocks(text):
        home = homes.setdefault(block.session, tmp_path / block.session)
        home.mkdir(exist_ok=True)
        outputs = [
            run_in_terminal(step.command, home) if runnable(step) else step.expected
            for step in block.steps
        ]
        results.append((block, outputs))
    return results


def _body(block: Block, outputs: list[str]) -> str:
    return "".join(
        f"{PROMPT}{step.command}\n{output if output.strip() else ''}"
        for step, output in zip(block.steps, outputs, strict=True)
    )


needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason="../shared/data is not beside the project"
)
needs_cli = pytest.mark.skipif(
    shutil.which("nomadspot", path=str(Path(sys.executable).parent)) is None,
    reason="the nomadspot console script is not installed beside this Python",
)


def test_the_readme_has_examples_to_replay() -> None:
    found = blocks(README.read_text(encoding="utf-8"))
    assert len(found) >= 3
    assert sum(len(block.steps) for block in found) >= 10


@needs_data
@needs_cli
def test_every_readme_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    results = replay(text, tmp_path)
    if os.environ.get("NOMADSPOT_README_UPDATE"):
        for block, outputs in reversed(results):
            text = text[: block.start] + _body(block, outputs) + text[block.end :]
        README.write_text(text, encoding="utf-8")
        return
    drifted = []
    for block, outputs in results:
        for step, output in zip(block.steps, outputs, strict=True):
            expected = step.expected if step.expected.strip() else ""
            if (output if output.strip() else "") != expected:
                drifted.append(f"$ {step.command}\n--- README\n{expected}--- now\n{output}")
    assert not drifted, "README examples drifted:\n\n" + "\n".join(drifted)
