"""``nomadspot import`` and ``export`` as a user runs them: the summary (closed places,
likely duplicates, facts), a file that imports nothing, attribution in exports, and
``check``'s duplicate warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import Cli

CENSUS_HEADER = "ID,NOM_TL,ADRESSE,NOMCOM,INSEECOM,TYPO,LAT,LONG,WEB\n"
CENSUS_MAP = [
    *("--map", "name=NOM_TL", "--map", "city=NOMCOM", "--map", "address=ADRESSE"),
    *("--map", "lat=LAT", "--map", "lon=LONG", "--map", "website=WEB", "--map", "kind=TYPO"),
]
TROQUETS = [
    "37,Troquet Numérique,17 avenue d'Italie,Bourgoin-Jallieu,38053,"
    "Tiers lieux à dominante coworking,45.58481,5.278505,",
    "512,Le Troquet Numérique,Place Charlie Chaplin,Bourgoin-Jallieu,38053,"
    "Tiers lieux à dominante coworking,45.588778,5.27731,www.troquet-numerique.org",
    "2,Atelier d'Essai,5 place de la Maquette,Vienne,38544,"
    "Tiers lieux à dominante fablab,45.5231,4.8712,",
]


def write_census(folder: Path, *rows: str) -> Path:
    path = folder / "census.csv"
    path.write_text(CENSUS_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def node(number: int, tags: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "node",
        "id": number,
        "lat": 48.85 + number / 10_000,
        "lon": 2.35,
        "tags": {"amenity": "cafe", "name": f"Café {number}", "addr:city": "Paris", **tags},
    }


def write_overpass(folder: Path, *elements: dict[str, Any], name: str = "area.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"version": 0.6, "elements": list(elements)}), encoding="utf-8")
    return path


def test_census_import_names_its_likely_duplicates_and_check_warns(
    cli: Cli, tmp_path: Path
) -> None:
    census = write_census(tmp_path, *TROQUETS)
    out = cli("import", str(census), *CENSUS_MAP).stdout
    assert out.splitlines() == [
        "added 3, updated 0, unchanged 0, skipped 0 (of 3 records)",
        "likely duplicates (same kind, similar name, close by): 1",
        "  'Troquet Numérique' (troquet-numerique-bourgoin-jallieu) and 'Le Troquet "
        "Numérique' (le-troquet-numerique-bourgoin-jallieu), coworking, 451 m apart",
    ]
    checked = cli("check")  # warnings only: exit 0
    assert checked.stdout.splitlines() == [
        "warning: place le-troquet-numerique-bourgoin-jallieu, field 'name': likely the "
        "same place as troquet-numerique-bourgoin-jallieu ('Troquet Numérique': same kind, "
        "similar name, 451 m apart); remove one, or keep both if they are two places"
    ]
    assert "0 errors, 1 warning" in checked.stderr
    again = cli("import", str(census), *CENSUS_MAP).stdout
    assert again.splitlines()[0] == "added 0, updated 0, unchanged 3, skipped 0 (of 3 records)"
    assert "likely duplicates" not in again  # nothing changed: nothing new to look at


def test_census_typo_gives_kinds(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(write_census(tmp_path, *TROQUETS)), *CENSUS_MAP)
    kinds = {p["name"]: p["kind"] for p in json.loads(cli("list", "--format", "json").stdout)}
    assert kinds["Atelier d'Essai"] == "tiers_lieu"
    assert kinds["Le Troquet Numérique"] == "coworking"


def test_a_file_that_imports_nothing_is_exit_2_with_what_to_add(
    cli: Cli, tmp_path: Path, catalogue_path: Path
) -> None:
    census = write_census(tmp_path, "1,Sans Type,1 rue A,Lyon,69123,,45.7,4.8,")
    result = cli("import", str(census), *CENSUS_MAP, code=2)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: nothing imported from {census}: all 1 record skipped (1 no usable kind)",
        "hint: give the kind with --kind K, or read it from a column with --map kind=COLUMN",
    ]
    assert not catalogue_path.exists()


def test_a_file_that_imports_nothing_through_a_real_process(
    tmp_path: Path, catalogue_path: Path
) -> None:
    """Bakeries only: OpenStreetMap's shop=bakery is no kind of the catalogue."""
    bakeries = write_overpass(
        tmp_path, *({**node(n, {}), "tags": {"shop": "bakery", "name": f"B{n}"}} for n in (1, 2))
    )
    result = subprocess.run(
        [sys.executable, "-m", "nomadspot", "import", str(bakeries)],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: nothing imported from {bakeries}: all 2 records skipped (2 no usable kind)",
        "hint: give the kind with --kind K, or read it from a column with --map kind=COLUMN",
    ]
    assert not catalogue_path.exists()


def test_reimporting_an_area_closes_the_vanished_element(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(write_overpass(tmp_path, *(node(n, {}) for n in (1, 2, 3, 4)))))
    newer = write_overpass(
        tmp_path,
        node(1, {}),
        node(2, {"service:electricity": "yes"}),
        node(4, {}),
        name="newer.json",
    )
    dry = cli("import", str(newer), "--dry-run").stdout
    assert "would mark closed, no longer in the file: 1 (cafe-3-paris)" in dry
    out = cli("import", str(newer)).stdout.splitlines()
    assert out == [
        "added 0, updated 1, unchanged 2, skipped 0 (of 3 records)",
        "facts from the file: sockets 1",
        "marked closed, no longer in the file: 1 (cafe-3-paris)",
    ]
    shown = json.loads(cli("show", "cafe-3-paris", "--format", "json").stdout)
    assert shown["status"] == "closed"


def test_an_element_closed_in_openstreetmap_updates_the_place(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(write_overpass(tmp_path, node(1, {}), node(2, {}))))
    closed = {
        "type": "node",
        "id": 2,
        "lat": 48.8502,
        "lon": 2.35,
        "tags": {"disused:amenity": "cafe", "name": "Café 2", "addr:city": "Paris"},
    }
    out = cli("import", str(write_overpass(tmp_path, node(1, {}), closed, name="b.json"))).stdout
    assert "facts from the file: closed 1" in out
    places = {p["id"]: p for p in json.loads(cli("list", "--format", "json").stdout)}
    assert places["cafe-2-paris"]["status"] == "closed"
    assert places["cafe-1-paris"].get("status", "open") == "open"


def test_exports_carry_the_sources_attribution(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(write_overpass(tmp_path, node(1, {}))))
    osm_only = json.loads(cli("export", "--format", "geojson").stdout)
    assert osm_only["attribution"] == "© OpenStreetMap contributors, ODbL 1.0"
    cli("import", str(write_census(tmp_path, *TROQUETS)), *CENSUS_MAP)
    both = json.loads(cli("export", "--format", "geojson").stdout)
    assert both["attribution"] == (
        "© OpenStreetMap contributors, ODbL 1.0; "
        "CGET / ANCT, Mission Coworking 2019, Licence Ouverte 2.0"
    )
    census_only = json.loads(cli("export", "--format", "geojson", "--kind", "coworking").stdout)
    assert census_only["attribution"].startswith("CGET / ANCT")
    csv_lines = cli("export", "--format", "csv", "--kind", "cafe").stdout.splitlines()
    source = csv_lines[0].split(",").index("source")
    assert csv_lines[1].split(",")[source] == "osm:node/1"


def test_places_of_the_users_own_carry_no_attribution(cli: Cli) -> None:
    cli("add", "Chez Moi", "--kind", "cafe", "--city", "Lyon")
    assert "attribution" not in json.loads(cli("export", "--format", "geojson").stdout)


def test_a_narrower_export_says_why_it_closed_nothing(cli: Cli, tmp_path: Path) -> None:
    cli("import", str(write_overpass(tmp_path, *(node(n, {}) for n in range(1, 11)))))
    narrower = write_overpass(tmp_path, *(node(n, {}) for n in (1, 4, 10)), name="wifi.json")
    out = cli("import", str(narrower)).stdout.splitlines()
    assert out[-1] == (
        "not marked closed: 7 cafe places of this file's area are missing from it, more than "
        "25% of them (another query than last time?)"
    )


def test_hours_read_as_meant_are_stored_tidied_and_counted(cli: Cli, tmp_path: Path) -> None:
    """OSM's 'Mo, Th 11:30-22:00' is one list of days, not 'Monday all day'."""
    elements = (
        node(1, {"opening_hours": "Mo, Th 11:30-22:00"}),
        node(2, {"opening_hours": "Mo-Fr 08:00-18:00"}),
    )
    out = cli("import", str(write_overpass(tmp_path, *elements))).stdout
    assert "opening_hours tidied (read as meant): 1" in out
    places = {p["id"]: p for p in json.loads(cli("list", "--format", "json").stdout)}
    assert places["cafe-1-paris"]["opening_hours"] == "Mo,Th 11:30-22:00"
    assert places["cafe-2-paris"]["opening_hours"] == "Mo-Fr 08:00-18:00"
