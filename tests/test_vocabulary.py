"""Kinds, amenities and text folding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomadspot.errors import UsageError
from nomadspot.text import fold, slug
from nomadspot.vocabulary import (
    AMENITY_KEYS,
    KIND_KEYS,
    find_amenity,
    find_kind,
    parse_amenity,
    parse_kind,
)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("café", "cafe"),
        ("CAFE", "cafe"),
        ("coffee shop", "cafe"),
        ("Pépinière", "pepiniere"),
        ("pépinière d'entreprises", "pepiniere"),
        ("incubator", "pepiniere"),
        ("hall d'hôtel", "hotel_lobby"),
        ("Hôtel", "hotel_lobby"),
        ("hotel_lobby", "hotel_lobby"),
        ("centre d'affaires", "business_centre"),
        ("Business Center", "business_centre"),
        ("télécentre", "telecentre"),
        ("tiers-lieu", "tiers_lieu"),
        ("Tiers Lieu", "tiers_lieu"),
        ("bibliothèque", "library"),
        ("médiathèque", "library"),
        ("espace de coworking", "coworking"),
        ("bar", "brasserie"),
        ("fast-food", "fast_food"),
    ],
)
def test_kind_words(word: str, kind: str) -> None:
    assert parse_kind(word).value == kind


@pytest.mark.parametrize(
    ("word", "amenity"),
    [
        ("Wi-Fi", "wifi"),
        ("internet", "wifi"),
        ("prises", "power"),
        ("sockets", "power"),
        ("outlets", "power"),
        ("salle de réunion", "meeting_room"),
        ("meeting-room", "meeting_room"),
        ("calme", "quiet"),
        ("clim", "air_conditioning"),
        ("terrasse", "outdoor"),
        ("PMR", "accessible"),
        ("phone booth", "phone_booth"),
    ],
)
def test_amenity_words(word: str, amenity: str) -> None:
    assert parse_amenity(word).value == amenity


def test_every_canonical_key_names_itself() -> None:
    assert all(parse_kind(key).value == key for key in KIND_KEYS)
    assert all(parse_amenity(key).value == key for key in AMENITY_KEYS)


def test_unknown_words_are_usage_errors_listing_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        parse_kind("spaceship")
    assert caught.value.exit_code == 2 and "coworking" in (caught.value.hint or "")
    assert find_amenity("teleporter") is None and find_kind("") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Neuilly-sur-Seine", "neuilly sur seine"),
        ("Alençon", "alencon"),
        ("VIENNE", "vienne"),
        ("l'Orne", "l’orne"),
        ("Œuvre", "oeuvre"),
        ("  Saint  Étienne ", "saint-etienne"),
    ],
)
def test_fold_equates_what_people_consider_the_same(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@given(st.text())
def test_fold_is_idempotent_and_slug_is_an_id(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug(text))
    assert slug(text) == slug(text).strip("-")
