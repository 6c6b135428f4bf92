"""The config file: its defaults in plain words, canonical names, weights kept sane."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from nomadspot.config import load_config

from .conftest import Cli


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("NOMADSPOT_CONFIG", str(path))
    return path


def test_config_says_unset_values_and_canonical_names(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[defaults]\nneeds = ["wifi", "prises", "Wi-Fi"]\npeople = 3\n')
    lines = cli("config").stdout.splitlines()
    assert "defaults.city = (not set)" in lines
    assert "defaults.needs = wifi, power" in lines
    assert "defaults.people = 3" in lines
    assert "defaults.country = (not set), built-in: FR" in lines
    assert not [line for line in lines if line.endswith("= ")]


def test_config_needs_are_canonical_for_find(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[defaults]\nneeds = ["prises"]\n')
    query = json.loads(cli("find", "--format", "json", code=None).stdout)["query"]
    assert query["needs"] == ["power"]


def test_an_unknown_amenity_in_the_config_names_the_file(cli: Cli, config_file: Path) -> None:
    config_file.write_text('[defaults]\nneeds = ["jacuzzi"]\n')
    result = cli("find", code=2)
    assert result.stderr.startswith(f"Error: {config_file}: [defaults] needs")


@pytest.mark.parametrize("value", ["1e308", "inf", "nan", "-1", "1001", '"high"', "true"])
def test_weights_out_of_range_are_exit_2_naming_the_config(
    cli: Cli, config_file: Path, value: str
) -> None:
    """1e308 made every score 0 (infinity over infinity); a weight is 0 to 1000."""
    config_file.write_text(f"[weights]\ndistance = {value}\n")
    for command in (("find", "--city", "Vienne"), ("config",)):
        result = cli(*command, code=2)
        assert result.stderr.startswith(f"Error: {config_file}: [weights] distance"), value


def test_sane_weights_are_used(cli: Cli, config_file: Path) -> None:
    config_file.write_text("[weights]\ndistance = 100\nwifi = 0\n")
    assert load_config().weights == {"distance": 100, "wifi": 0}
    results = json.loads(cli("find", "--city", "Vienne", "--format", "json").stdout)["results"]
    assert results and all(math.isfinite(r["score"]) and r["score"] > 0 for r in results)


def test_limit_is_a_default_the_config_may_set(config_file: Path) -> None:
    config_file.write_text("[defaults]\nlimit = 5\n")
    assert load_config().limit == 5
    config_file.write_text("[defaults]\nlimit = 0\n")
    with pytest.raises(Exception, match="limit must be a whole number"):
        load_config()
