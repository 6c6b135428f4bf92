"""``find --format html`` and ``list --format html``: one self-contained page, a table and
a map. The page is read as HTML here, and rendered in headless Chromium at the end."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from .browser_support import console, rendered_dom, screenshot
from .conftest import Cli
from .record_support import paris_cafe, write_records

HOSTILE = '<script>alert(1)</script><b id="pwned">x</b>\u2028&amp;'
LOUVRE, BASTILLE = "48.8606,2.3376", "48.8532,2.3691"


PLACES = [
    paris_cafe(
        "le-depart",
        "Le Départ",
        kind="coworking",
        address="1 place Saint-Michel",
        lat=48.8535,
        lon=2.3440,
        website="https://example.org/depart",
        amenities={"wifi": True, "power": True},
        price={"hour": 4.0},
    ),
    paris_cafe("hostile", HOSTILE, lat=48.8570, lon=2.3520, website="javascript:alert(2)"),
    paris_cafe("cafe-loin", "Café Loin", lat=48.8800, lon=2.2900, amenities={"wifi": False}),
    paris_cafe("sans-coordonnees", "Sans Coordonnées"),
    paris_cafe(
        "lyon", "Bouchon", city="Lyon", lat=45.76, lon=4.83, private={"wifi_password": "s3cr3t"}
    ),
]


class Page(HTMLParser):
    """Elements by tag, id and class, with their text; the inline scripts and styles."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self.open: list[dict[str, Any]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, **{k: v or "" for k, v in attrs}, "text": ""}
        element["classes"] = element.get("class", "").split()
        self.elements.append(element)
        if tag not in {"meta", "br", "img", "input", "link", "path"}:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element["text"] += data

    def find(self, tag: str | None = None, css: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.elements
            if (tag is None or e["tag"] == tag) and (css is None or css in e["classes"])
        ]

    def by_id(self, element_id: str) -> list[dict[str, Any]]:
        return [e for e in self.elements if e.get("id") == element_id]


def map_data(text: str) -> dict[str, Any]:
    block = re.search(r"<script id='nomadspot-data' type='application/json'>(.*?)</script>", text)
    assert block is not None
    data: dict[str, Any] = json.loads(block.group(1))
    return data


def find_page(cli: Cli, *args: str) -> str:
    page: str = cli("find", "--city", "Paris", *args, "--format", "html").stdout
    return page


def find_json(cli: Cli, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        cli("find", "--city", "Paris", *args, "--format", "json").stdout
    )
    return data


def table_rows(page: Page) -> list[list[str]]:
    rows = [row for row in page.find("tr") if not page_is_header(row)]
    return [[cell.strip() for cell in row_cells(page, row)] for row in rows]


def page_is_header(row: dict[str, Any]) -> bool:
    return "name" in row["text"] and "kind" in row["text"] and "city" in row["text"]


def row_cells(page: Page, row: dict[str, Any]) -> list[str]:
    start = page.elements.index(row)
    cells = []
    for element in page.elements[start + 1 :]:
        if element["tag"] == "tr":
            break
        if element["tag"] == "td":
            cells.append(element["text"])
    return cells


# --- the page as HTML ----------------------------------------------------------------------


def test_find_page_has_the_ranking_as_a_table_and_on_a_map(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    args = ("--near", LOUVRE, "--near", BASTILLE, "--wifi", "--at", "2026-12-01 10:00")
    text = find_page(cli, *args)
    ranking = find_json(cli, *args)
    page = Page(text)
    rows = table_rows(page)
    assert [row[0] for row in rows] == [str(r["rank"]) for r in ranking["results"]]
    by_rank = {str(r["rank"]): r for r in ranking["results"]}
    for row in rows:
        result = by_rank[row[0]]
        assert row[1].startswith(result["name"])
        assert row[2:4] == [result["kind"], result["city"]]
        assert row[8] == f"{result['score']:.2f}"
    depart = next(row for row in rows if row[1].startswith("Le Départ"))
    assert depart[5].startswith("10:00–11:00")  # the window
    assert depart[6] == "✓ wifi"
    assert depart[7] == "8.00 EUR"  # an hour at 4 EUR for each of two people
    data = map_data(text)
    assert [p["number"] for p in data["places"]] == [
        r["rank"] for r in ranking["results"] if r["lat"] is not None
    ]
    assert [(p["lat"], p["lon"]) for p in data["participants"]] == [
        (48.8606, 2.3376),
        (48.8532, 2.3691),
    ]
    assert "not on the map (no coordinates)" in text  # Sans Coordonnées
    summary = page.find("p", "ns-summary")[0]["text"]
    assert "Tue 01 Dec 2026 10:00–11:00" in summary and "needs wifi" in summary


def test_reasons_are_there_on_demand(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    page = Page(find_page(cli, "--wifi"))
    reasons = page.find("details")
    assert reasons and all(not d.get("open") for d in reasons)
    ranking = find_json(cli, "--wifi")
    first = ranking["results"][0]["reasons"]
    assert all(reason in reasons[0]["text"] for reason in first)


def test_catalogue_text_is_text_everywhere(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    for text in (find_page(cli, "--near", LOUVRE), cli("list", "--format", "html").stdout):
        page = Page(text)
        assert not page.by_id("pwned")
        assert len(page.find("script")) == 3  # the data, Leaflet, the map: nothing injected
        assert any(HOSTILE in e["text"] for e in page.find("div", "ns-name"))
        block = text.split("<script id='nomadspot-data' type='application/json'>")[1]
        block = block.split("</script>")[0]
        assert not set("<>&\u2028\u2029") & set(block)
        assert HOSTILE in [p["name"] for p in map_data(text)["places"]]
        assert "javascript:" not in " ".join(e.get("href", "") for e in page.find("a"))
        assert "s3cr3t" not in text  # [place.private] never leaves the machine this way


def test_the_page_fetches_nothing_but_map_tiles(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    text = find_page(cli, "--near", LOUVRE)
    page = Page(text)
    assert not [e for e in page.elements if e["tag"] in {"link", "img", "iframe"}]
    assert not [e for e in page.find("script") if e.get("src")]
    assert "Leaflet 1.9.4" in text  # inlined from the package, never a CDN
    assert map_data(text)["tiles"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap</a> contributors" in map_data(text)["tiles"]["attribution"]
    policy = page.find("meta")[1]["content"]
    assert policy.startswith("default-src 'none'; img-src https://tile.openstreetmap.org data:")
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        allowed = re.search(rf"{directive} ([^;]*)", policy)
        assert allowed is not None
        inline = [e["text"] for e in page.find(tag) if not e.get("type")]
        hashes = {
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in inline
        }
        assert hashes == set(allowed.group(1).split()), tag


def test_list_page_numbers_the_places_as_listed(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    text = cli("list", "--format", "html").stdout
    listed = json.loads(cli("list", "--format", "json").stdout)
    page = Page(text)
    rows = table_rows(page)
    assert [e["text"] for e in page.find("div", "ns-name")] == [p["name"] for p in listed]
    numbers = {p["name"]: p["number"] for p in map_data(text)["places"]}
    assert numbers == {p["name"]: n for n, p in enumerate(listed, 1) if p.get("lat") is not None}
    assert map_data(text)["participants"] == []
    depart = next(row for row in rows if row[1].startswith("Le Départ"))
    assert depart[4:7] == ["✓", "✓", "?"]  # wifi, power, room


def test_show_page_is_the_place_alone(cli: Cli, catalogue_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    page = Page(cli("show", "le-depart", "--format", "html").stdout)
    assert len(table_rows(page)) == 1
    assert page.find("title")[0]["text"] == "nomadspot: Le Départ"


def test_leaflet_ships_with_its_licence() -> None:
    folder = resources.files("nomadspot.output").joinpath("leaflet")
    assert "BSD 2-Clause License" in folder.joinpath("LICENSE").read_text(encoding="utf-8")
    assert folder.joinpath("leaflet.js").read_text(encoding="utf-8").startswith("/* @preserve")
    assert ".leaflet-container" in folder.joinpath("leaflet.css").read_text(encoding="utf-8")


# --- the page in a real browser ------------------------------------------------------------


def test_find_page_in_a_real_browser(cli: Cli, catalogue_path: Path, tmp_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    args = ("--near", LOUVRE, "--near", BASTILLE, "--at", "2026-12-01 10:00")
    path = tmp_path / "find.html"
    path.write_text(find_page(cli, *args), encoding="utf-8")
    ranking = find_json(cli, *args)
    dom = Page(rendered_dom(path))
    markers = dom.find("div", "ns-place")
    mapped = [r for r in ranking["results"] if r["lat"] is not None]
    assert len(markers) == len(mapped)  # one marker a place with coordinates
    assert sorted(int(m["text"]) for m in markers) == [r["rank"] for r in mapped]
    assert [m["title"] for m in markers if m["text"] == "1"] == [
        f"1. {ranking['results'][0]['name']}"
    ]
    assert [m["text"] for m in dom.find("div", "ns-place-best")] == ["1"]
    labels = [e["text"] for e in dom.find("span", "ns-participant-label")]
    assert labels == [p["label"] for p in ranking["query"]["near"]]
    assert len(table_rows(dom)) == len(ranking["results"])
    assert not dom.by_id("pwned")  # the hostile name stayed text, in the table and the map
    assert any(HOSTILE in m.get("title", "") for m in markers)
    assert dom.find("div", "leaflet-control-attribution")
    assert console(path) == []  # no error, nothing the page's own policy refused

    picture = screenshot(path, tmp_path / "find.png")
    colours = _colours(picture)
    assert len(colours) > 50  # text, markers, table: not a blank page
    assert _near(colours, (0xB3, 0x26, 0x1E))  # the places' markers
    assert _near(colours, (0x0B, 0x57, 0xD0))  # the participants


def test_list_page_in_a_real_browser(cli: Cli, catalogue_path: Path, tmp_path: Path) -> None:
    write_records(catalogue_path, *PLACES)
    path = tmp_path / "list.html"
    path.write_text(cli("list", "--format", "html").stdout, encoding="utf-8")
    dom = Page(rendered_dom(path))
    assert sorted(int(m["text"]) for m in dom.find("div", "ns-place")) == [1, 2, 3, 4]
    assert not dom.find("div", "ns-participant")
    assert not dom.find("div", "ns-place-best")  # a list has no best place
    assert len(table_rows(dom)) == len(PLACES)


def test_a_page_without_coordinates_says_so(cli: Cli, catalogue_path: Path, tmp_path: Path) -> None:
    write_records(catalogue_path, paris_cafe("nowhere", "Nulle Part"))
    path = tmp_path / "list.html"
    path.write_text(cli("list", "--format", "html").stdout, encoding="utf-8")
    dom = Page(rendered_dom(path))
    assert dom.by_id("map")[0]["text"] == "None of these places has coordinates."
    assert len(table_rows(dom)) == 1


def _colours(picture: Path) -> set[tuple[int, int, int]]:
    from PIL import Image

    with Image.open(picture) as image:
        pixels = image.convert("RGB")
        return {colour for _, colour in pixels.getcolors(maxcolors=1 << 24) or []}


def _near(colours: set[tuple[int, int, int]], wanted: tuple[int, int, int]) -> bool:
    return any(sum(abs(a - b) for a, b in zip(c, wanted, strict=True)) < 30 for c in colours)


@pytest.fixture(autouse=True)
def _no_browser_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chromium reads proxies from the environment: none, so nothing leaves the machine."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
