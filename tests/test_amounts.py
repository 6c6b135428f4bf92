"""Amounts as people type them (#15.8): --budget and --price-*."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nomadspot.amounts import parse_amount
from nomadspot.errors import UsageError

from .conftest import Cli


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("40", 40.0),
        ("40.5", 40.5),
        ("40,5", 40.5),
        ("40,50", 40.5),
        ("40 €", 40.0),
        ("40€", 40.0),
        ("€40", 40.0),
        ("EUR 40", 40.0),
        ("40 eur", 40.0),
        ("40 euros", 40.0),
        ("40\u00a0€", 40.0),
        (" 0 ", 0.0),
        ("12,345", 12.345),
    ],
)
def test_amounts(text: str, value: float) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    "text", ["", "-1", "1e300", "inf", "nan", "40 $", "1.000.5", "1 000", "quarante", "40 €€"]
)
def test_bad_amounts_name_the_option_and_the_accepted_forms(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_amount(text, "--budget")
    assert caught.value.exit_code == 2
    assert caught.value.message.startswith("--budget ")
    assert "'40,5'" in caught.value.message


@given(st.integers(0, 10**8), st.integers(0, 99), st.sampled_from(["{}", "{} €", "{}€", "EUR {}"]))
def test_amounts_round_trip(units: int, cents: int, form: str) -> None:
    for decimal in (".", ","):
        text = form.format(f"{units}{decimal}{cents:02d}")
        assert math.isclose(parse_amount(text), units + cents / 100)


@given(st.text(max_size=20))
def test_any_text_is_an_amount_or_a_usage_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except UsageError:
        return
    assert math.isfinite(value) and value >= 0


def test_add_and_edit_take_french_prices(cli: Cli, catalogue_path: Path) -> None:
    cli("add", "P", "--kind", "cafe", "--city", "Lyon", "--price-hour", "4,50 €")
    cli("edit", "p", "--price-day", "EUR 15", "--price-room-hour", "30€")
    text = catalogue_path.read_text(encoding="utf-8")
    assert "hour = 4.5\nday = 15\nroom_hour = 30\n" in text


def test_find_takes_a_french_budget(cli: Cli) -> None:
    cli("init", "--examples")
    assert cli("find", "--budget", "40,5 €", "--format", "ids").stdout
    error = cli("find", "--budget", "beaucoup", code=2)
    assert "--budget 'beaucoup' is not an amount" in error.stderr
