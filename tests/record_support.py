"""Catalogues written from records, the tables of ``[[place]]`` as a user writes them,
for tests that run commands on a catalogue of their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomli_w


def write_records(path: Path, *records: dict[str, Any]) -> Path:
    """A catalogue at ``path`` holding ``records`` (folders made as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps({"version": 1, "place": list(records)}), encoding="utf-8")
    return path


def paris_cafe(place_id: str, name: str, **fields: Any) -> dict[str, Any]:
    """The record of a café in Paris, unless ``fields`` say otherwise."""
    return {"id": place_id, "name": name, "kind": "cafe", "city": "Paris", **fields}
