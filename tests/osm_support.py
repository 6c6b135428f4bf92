"""Overpass API JSON for import tests: a response and its nodes."""

from __future__ import annotations

import json
from typing import Any


def overpass(*elements: dict[str, Any]) -> bytes:
    return json.dumps({"version": 0.6, "elements": list(elements)}).encode()


def node(
    number: int, tags: dict[str, Any], lat: float = 48.85, lon: float = 2.35
) -> dict[str, Any]:
    return {"type": "node", "id": number, "lat": lat, "lon": lon, "tags": tags}
