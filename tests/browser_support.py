"""Headless Chromium for the html tests: the page's DOM after its scripts ran, and a
screenshot. Offline on purpose (every host name fails to resolve), so the tests see what
a user without network sees: the table and the markers on a plain background.

Chromium missing: the test skips, except under CI (``CI=true``), where it fails, since
``.ci/run`` installs Debian's ``chromium``."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: tiles fail, as offline
    "--virtual-time-budget=5000",
)


def chromium() -> str:
    """The browser's path, or skip (fail under CI)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


def _run(page: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="nomadspot-chromium-") as profile:
        done = subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *flags, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def rendered_dom(page: Path) -> str:
    """The document as it stands once the page's scripts ran."""
    return _run(page, "--dump-dom").stdout


def console(page: Path) -> list[str]:
    """What the page said on the browser's console: its errors, and the scripts or
    styles its Content-Security-Policy refused."""
    done = _run(page, "--dump-dom", "--enable-logging=stderr", "--v=0")
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def screenshot(page: Path, picture: Path, width: int = 1200, height: int = 900) -> Path:
    _run(page, f"--screenshot={picture.resolve()}", f"--window-size={width},{height}")
    assert picture.exists() and picture.stat().st_size > 0
    return picture
