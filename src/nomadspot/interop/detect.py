"""Import, stage 1: what kind of file this is, and its bytes as text or JSON.

``guess_format`` looks at a file's first bytes and its name; a JSON document is
recognised from its whole shape (``json_format``). Errors are one-line ``UsageError``s
naming the file (exit 2).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from nomadspot.errors import UsageError
from nomadspot.text import UTF8_BOM, NotUtf8, utf8_text

Format = Literal["osm", "geojson", "csv", "toml", "json"]

FORMATS: tuple[Format, ...] = ("osm", "geojson", "csv", "toml", "json")

HEAD_SIZE = 1 << 20
_TOML_HEAD = re.compile(rb"^\s*(?:version\s*=|\[\[place\]\])", re.MULTILINE)
JSON_SUFFIXES = (".json", ".geojson")
TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".toml")


def guess_format(path: Path, head: bytes) -> Format:
    """The format of a file from its first bytes and its name; ``UsageError`` when it
    cannot tell (then ``--from`` says it)."""
    text = head_text(head)
    suffix = path.suffix.lower()
    if not text:
        raise UsageError(f"{path} is empty")
    if suffix == ".toml" or (suffix not in JSON_SUFFIXES and _TOML_HEAD.search(text[:4096])):
        return "toml"
    if json_like(path, text):
        if text[:1] == b"[":
            return "json"
        if b'"FeatureCollection"' in text or b'"features"' in text or b'"Feature"' in text:
            return "geojson"
        if b'"elements"' in text:
            return "osm"
        if suffix == ".geojson":
            return "geojson"
        if text[:1] == b"{":
            raise UsageError(
                f"cannot tell whether {path} is Overpass JSON or GeoJSON",
                hint="say it with --from osm or --from geojson",
            )
        return "osm"  # not JSON at all: reading it says where it goes wrong
    if suffix in (".osm", ".xml", ".pbf") or text[:1] == b"<":
        raise UsageError(
            f"{path} looks like OpenStreetMap XML, which nomadspot does not read",
            hint="ask Overpass for JSON ([out:json];) and use --from osm",
        )
    first_line = text.split(b"\n", 1)[0]
    if suffix in TEXT_SUFFIXES or any(separator in first_line for separator in (b",", b";", b"\t")):
        return "csv"
    raise UsageError(
        f"cannot tell the format of {path}",
        hint="say it with --from osm, --from geojson, --from csv or --from toml",
    )


def head_text(head: bytes) -> bytes:
    text = _strip_bom(head)
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text[:4096].decode("utf-16", errors="ignore").encode()
    return text.lstrip()


def json_like(path: Path, text: bytes) -> bool:
    suffix = path.suffix.lower()
    return suffix in JSON_SUFFIXES or (suffix not in TEXT_SUFFIXES and text[:1] in (b"{", b"["))


def quote(text: str, limit: int = 40) -> str:
    """A value from the user or the file, for a one-line message."""
    shown = text if len(text) <= limit else text[:limit] + "..."
    return repr(shown)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise UsageError(f"{path}: no such file") from error
    except IsADirectoryError as error:
        raise UsageError(f"{path} is a folder, not a file to import") from error
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from error


def _strip_bom(data: bytes) -> bytes:
    return data.removeprefix(UTF8_BOM)


def decode_text(data: bytes, path: Path) -> str:
    """UTF-8 (with or without a byte order mark), or UTF-16 with its byte order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UsageError(f"{path} is not valid UTF-16 text") from error
    try:
        return utf8_text(data)
    except NotUtf8 as error:
        raise UsageError(
            f"{path} is not UTF-8 text ({error.where})",
            hint="convert it first, e.g. iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8",
        ) from error


def load_json(data: bytes, path: Path) -> Any:
    text = decode_text(data, path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    except RecursionError as error:
        raise UsageError(f"{path} is JSON nested too deeply to be a list of places") from error
    except ValueError as error:  # an integer of thousands of digits
        message = str(error).split(";")[0]
        raise UsageError(f"{path} is not usable JSON: {message}") from error


def is_geojson(document: Any) -> bool:
    return isinstance(document, dict) and (
        document.get("type") in ("FeatureCollection", "Feature") or "features" in document
    )


def json_format(document: Any, path: Path) -> Format:
    if isinstance(document, list):
        return "json"
    if isinstance(document, dict) and "elements" in document:
        return "osm"
    if is_geojson(document):
        return "geojson"
    raise UsageError(
        f"{path} is JSON, but neither Overpass API JSON (an 'elements' list) "
        "nor a GeoJSON FeatureCollection"
    )
