"""Places a fresh export of the same source no longer holds."""

from __future__ import annotations

from nomadspot.interop.vanished import Vanished, extent, family, vanished
from nomadspot.model import Place
from nomadspot.vocabulary import Kind


def place(
    source: str | None,
    lat: float | None = 48.86,
    lon: float | None = 2.34,
    kind: Kind = Kind.CAFE,
) -> Place:
    return Place(id=str(source), name="P", kind=kind, city="Paris", lat=lat, lon=lon, source=source)


FILE = [place("osm:node/1", 48.85, 2.33), place("osm:node/2", 48.87, 2.35)]


def test_families() -> None:
    assert family("osm:way/3") == "osm:"
    assert family("census:tiers-lieux-2019/37") == "census:tiers-lieux-2019/"
    assert family("my notes") is None
    assert family(None) is None


def test_an_element_gone_from_the_same_area_and_kind_vanished() -> None:
    existing = [
        place("osm:node/1"),  # still there
        place("osm:node/9", 48.86, 2.34),  # gone: inside the box, a café
        place("osm:node/8", 48.80, 2.34),  # outside the box: the file says nothing
        place("osm:node/7", kind=Kind.COWORKING),  # a kind the file does not bring
        place(None),  # added by hand
        place("census:tiers-lieux-2019/4"),  # another source
        place("osm:node/6", None, None),  # no coordinates
    ]
    assert vanished(existing, FILE) == Vanished((1,), covered=2)


def test_a_record_skipped_by_the_import_still_exists() -> None:
    existing = [place("osm:node/9")]
    assert vanished(existing, FILE, seen=["osm:node/9"]).positions == ()


def test_a_file_of_no_known_source_says_nothing_vanished() -> None:
    assert extent([place(None), place("x:1")]) is None
    assert vanished([place("osm:node/9")], [place(None, 48.0, 2.0), place(None, 49.0, 3.0)]) == (
        Vanished()
    )
    assert vanished([place("osm:node/9")], []) == Vanished()


def test_a_narrower_query_is_not_taken_for_closures() -> None:
    """Ten cafés imported; the new file holds four of them (only those with wifi)."""
    existing = [place(f"osm:node/{n}", 48.85 + n / 1000, 2.33) for n in range(10)]
    narrower = [place(f"osm:node/{n}", 48.85 + n / 1000, 2.33) for n in (0, 3, 6, 9)]
    assert vanished(existing, narrower) == Vanished((), covered=10, refused=True)
    one_gone = [p for p in existing if p.source != "osm:node/4"]
    assert vanished(existing, one_gone) == Vanished((4,), covered=10)
