"""The commands that manage places, through Typer's CliRunner."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from nomadspot import store

from .conftest import Cli


def add_cantine(cli: Cli) -> str:
    result = cli(
        "add",
        "La Cantine",
        "--kind",
        "espace de coworking",
        "--city",
        "Paris",
        "--wifi",
        "--no-quiet",
        "--hours",
        "Mo-Fr 09:00-19:00; PH off",
        "--seats",
        "40",
        "--price-day",
        "15",
        "--tag",
        "events",
    )
    return result.stdout.strip()


def test_version_and_help(cli: Cli) -> None:
    assert cli("--version").stdout.startswith("nomadspot ")
    for command in (
        "init",
        "add",
        "list",
        "show",
        "edit",
        "remove",
        "visit",
        "find",
        "import",
        "export",
        "check",
        "config",
    ):
        assert "Examples:\n  nomadspot" in cli(command, "--help").stdout, command


def test_init_creates_an_empty_catalogue_and_refuses_to_overwrite(
    cli: Cli, catalogue_path: Path
) -> None:
    cli("init")
    assert store.load(catalogue_path) == store.Catalogue(path=catalogue_path)
    before = catalogue_path.read_bytes()
    result = cli("init", "--examples", code=3)
    assert "already exists" in result.stderr
    assert catalogue_path.read_bytes() == before


def test_init_with_examples(cli: Cli, catalogue_path: Path) -> None:
    cli("init", "--examples")
    loaded = store.load(catalogue_path)
    assert loaded is not None and len(loaded.places) == 12


def test_add_prints_only_the_new_id_and_writes_canonical_keys(
    cli: Cli, catalogue_path: Path
) -> None:
    assert add_cantine(cli) == "la-cantine-paris"
    place = store.load(catalogue_path).get("la-cantine-paris")  # type: ignore[union-attr]
    assert place is not None
    assert place.kind.value == "coworking"
    assert place.amenities == {"wifi": True, "quiet": False}
    assert place.seats == 40 and place.price is not None and place.price.day == 15
    text = catalogue_path.read_text()
    assert 'kind = "coworking"' in text and "version = 1" in text


def test_add_refuses_a_duplicate_id(cli: Cli, catalogue_path: Path) -> None:
    add_cantine(cli)
    before = catalogue_path.read_bytes()
    result = cli("add", "La cantine", "--kind", "cafe", "--city", "paris", code=2)
    assert "already exists" in result.stderr
    assert result.stdout == ""
    assert catalogue_path.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "spaceship", "--city", "Lyon"], "unknown kind 'spaceship'"),
        (
            ["--kind", "cafe", "--city", "Lyon", "--hours", "8h-18h sauf lundi"],
            "invalid opening_hours",
        ),
        (["--kind", "cafe", "--city", "Lyon", "--lat", "45"], "--lat and --lon go together"),
        (["--kind", "cafe", "--city", "Lyon", "--lat", "95", "--lon", "3"], "between -90 and 90"),
        (["--kind", "cafe", "--city", "Lyon", "--amenity", "teleporter"], "unknown amenity"),
        (["--kind", "cafe", "--city", "Lyon", "--country", "France"], "two-letter ISO code"),
        (["--kind", "cafe", "--city", "  "], "--city must not be empty"),
        (["--kind", "cafe", "--city", "Lyon", "--seats", "-3"], "--seats must be between 0 and"),
        (["--kind", "cafe", "--city", "Lyon", "--seats", "9999999"], "--seats must be between"),
        (
            ["--kind", "cafe", "--city", "Lyon", "--price-hour", "1e300"],
            "--price-hour must be an amount such as",
        ),
        (["--kind", "cafe", "--city", "Lyon", "--price-day", "nan"], "--price-day"),
        (
            ["--kind", "cafe", "--city", "Lyon", "--price-day", "inf"],
            "--price-day must be an amount such as",
        ),
        (["--kind", "cafe"], "Missing option '--city'"),
        (["--kind", "cafe", "--city", "Lyon", "--bogus"], "No such option: --bogus"),
    ],
)
def test_add_bad_input_is_one_error_line_and_exit_2(
    cli: Cli, catalogue_path: Path, args: list[str], message: str
) -> None:
    result = cli("add", "Le Café", *args, code=2)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: ") and message in lines[0], result.stderr
    assert all(line.startswith("hint: ") for line in lines[1:])
    assert "Traceback" not in result.stderr
    assert not catalogue_path.exists()


def test_vocabulary_accepts_french_and_aliases(cli: Cli, catalogue_path: Path) -> None:
    cli(
        "add",
        "Hôtel du Parc",
        "--kind",
        "Hall d'Hôtel",
        "--city",
        "Vienne",
        "--amenity",
        "Salle de Réunion",
        "--amenity",
        "prises",
        "--no-amenity",
        "clim",
    )
    place = store.load(catalogue_path).places[0]  # type: ignore[union-attr]
    assert place.kind.value == "hotel_lobby"
    assert place.amenities == {"meeting_room": True, "power": True, "air_conditioning": False}


def test_list_sorted_by_city_then_name_in_every_format(cli: Cli) -> None:
    cli("add", "Zèbre", "--kind", "cafe", "--city", "Alençon")
    cli("add", "Atelier", "--kind", "cafe", "--city", "Vienne")
    cli("add", "Brasserie", "--kind", "bar", "--city", "Alençon", "--wifi")
    assert cli("list", "--format", "ids").stdout.split() == [
        "brasserie-alencon",
        "zebre-alencon",
        "atelier-vienne",
    ]
    tsv = cli("list").stdout.splitlines()  # not a terminal: tsv with a header
    assert tsv[0].split("\t")[:4] == ["id", "name", "kind", "city"]
    assert len(tsv) == 4
    data = json.loads(cli("list", "--format", "json").stdout)
    assert [place["id"] for place in data] == [
        "brasserie-alencon",
        "zebre-alencon",
        "atelier-vienne",
    ]
    assert data[0]["amenities"] == {"wifi": True}
    csv_lines = cli("list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,name,kind,city")
    table = cli("list", "--format", "table").stdout
    assert "Brasserie" in table and "✓" in table and "?" in table


def test_list_filters_and_exit_1_when_nothing_matches(cli: Cli) -> None:
    cli("add", "Zèbre", "--kind", "cafe", "--city", "Neuilly-sur-Seine", "--tag", "Calme")
    cli("add", "Atelier", "--kind", "coworking", "--city", "Vienne")
    assert (
        cli("list", "--city", "neuilly sur seine", "--format", "ids").stdout
        == "zebre-neuilly-sur-seine\n"
    )
    assert cli("list", "--kind", "coworking", "--format", "ids").stdout == "atelier-vienne\n"
    assert cli("list", "--tag", "calme", "--format", "ids").stdout == "zebre-neuilly-sur-seine\n"
    result = cli("list", "--city", "Lyon", code=1)
    assert result.stdout == "" and "no place matches" in result.stderr


def test_list_unknown_format_is_exit_2(cli: Cli) -> None:
    cli("add", "Atelier", "--kind", "coworking", "--city", "Vienne")
    assert "unknown format 'xml'" in cli("list", "--format", "xml", code=2).stderr


def test_read_only_commands_use_the_example_catalogue_with_one_note(
    cli: Cli, catalogue_path: Path
) -> None:
    result = cli("list", "--format", "ids")
    assert "la-cantine-paris" in result.stdout
    assert result.stderr.count("example catalogue") == 1
    assert not catalogue_path.exists()


def test_markup_and_control_characters_never_reach_the_table(cli: Cli) -> None:
    cli("add", "[bold red]x[/] \x1b[31mred\x07", "--kind", "cafe", "--city", "Lyon")
    table = cli("list", "--format", "table").stdout
    assert "[bold red]x[/]" in table
    assert "\x1b" not in table and "\x07" not in table
    assert "\\x1b[31mred\\x07" in table


def test_show_prints_everything_and_the_week(cli: Cli) -> None:
    add_cantine(cli)
    cli("visit", "la-cantine", "--rating", "4", "--wifi-mbps", "35.5", "--note", "Busy")
    out = cli("show", "la cantine", "--format", "table").stdout
    assert "La Cantine" in out and "coworking" in out and "events" in out
    assert "✓ wifi" in out and "✗ quiet" in out and "? power" in out
    assert "Mon 23 Nov" in out and "09:00–19:00" in out  # NOMADSPOT_NOW is Monday 23rd
    data = json.loads(cli("show", "la-cantine-paris", "--format", "json").stdout)
    assert data["id"] == "la-cantine-paris"
    assert len(data["week"]) == 7
    assert data["visits"][0] == {
        "date": "2026-11-23",
        "rating": 4,
        "wifi_mbps": 35.5,
        "note": "Busy",
    }


def test_references_by_prefix_name_ambiguous_and_missing(cli: Cli) -> None:
    cli("add", "La Cantine", "--kind", "coworking", "--city", "Paris")
    cli("add", "La Cantine", "--kind", "coworking", "--city", "Rennes")
    cli("add", "Mutinerie", "--kind", "coworking", "--city", "Paris")
    assert cli("show", "mut", "--format", "ids").stdout == "mutinerie-paris\n"
    assert cli("show", "MUTINERIE", "--format", "ids").stdout == "mutinerie-paris\n"
    ambiguous = cli("show", "la cantine", code=2)
    assert "matches 2 places" in ambiguous.stderr
    assert "la-cantine-paris" in ambiguous.stderr and "la-cantine-rennes" in ambiguous.stderr
    missing = cli("show", "mutinery", code=1)
    assert "no place matches 'mutinery'" in missing.stderr
    assert "closest: mutinerie-paris" in missing.stderr


def test_edit_with_flags(cli: Cli, catalogue_path: Path) -> None:
    add_cantine(cli)
    cli(
        "edit",
        "la-cantine",
        "--seats",
        "50",
        "--power",
        "--tag",
        "wifi-fast",
        "--address",
        "151 rue Montmartre",
        "--hours",
        "",
    )
    place = store.load(catalogue_path).get("la-cantine-paris")  # type: ignore[union-attr]
    assert place is not None
    assert place.seats == 50 and place.amenities["power"] is True
    assert place.tags == ("events", "wifi-fast")
    assert place.address == "151 rue Montmartre"
    assert place.opening_hours is None


def test_edit_bad_value_changes_nothing(cli: Cli, catalogue_path: Path) -> None:
    add_cantine(cli)
    before = catalogue_path.read_bytes()
    cli("edit", "la-cantine", "--hours", "whenever", code=2)
    cli("edit", "nowhere", "--seats", "3", code=1)
    assert catalogue_path.read_bytes() == before


def _script_editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor.py"
    script.write_text(
        "import sys, pathlib\npath = pathlib.Path(sys.argv[-1])\ntext = path.read_text()\n" + body
    )
    return f"{sys.executable} {script} --wait"


def test_edit_in_editor_validates_and_saves(
    cli: Cli, catalogue_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_cantine(cli)
    monkeypatch.setenv(
        "EDITOR",
        _script_editor(tmp_path, "path.write_text(text.replace('seats = 40', 'seats = 44'))\n"),
    )
    cli("edit", "la-cantine")
    assert store.load(catalogue_path).get("la-cantine-paris").seats == 44  # type: ignore[union-attr]


def test_edit_in_editor_invalid_result_saves_nothing(
    cli: Cli, catalogue_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_cantine(cli)
    before = catalogue_path.read_bytes()
    monkeypatch.setenv(
        "VISUAL",
        _script_editor(
            tmp_path, "path.write_text(text.replace('seats = 40', 'seats = \"lots\"'))\n"
        ),
    )
    result = cli("edit", "la-cantine", code=2)
    assert "seats" in result.stderr and "nothing was saved" in result.stderr
    assert catalogue_path.read_bytes() == before


def test_edit_with_a_failing_editor_saves_nothing(
    cli: Cli, catalogue_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_cantine(cli)
    before = catalogue_path.read_bytes()
    monkeypatch.setenv("EDITOR", _script_editor(tmp_path, "sys.exit(3)\n"))
    assert "exited with 3" in cli("edit", "la-cantine", code=2).stderr
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    assert "cannot start the editor" in cli("edit", "la-cantine", code=2).stderr
    assert catalogue_path.read_bytes() == before


def test_remove_needs_yes_off_a_terminal(cli: Cli, catalogue_path: Path) -> None:
    add_cantine(cli)
    assert "--yes" in cli("remove", "la-cantine", code=2).stderr
    cli("remove", "la-cantine", "--yes")
    assert store.load(catalogue_path).places == ()  # type: ignore[union-attr]
    cli("remove", "la-cantine", "--yes", code=1)


def test_visit_logs_and_validates(cli: Cli, catalogue_path: Path) -> None:
    add_cantine(cli)
    cli("visit", "la-cantine", "--rating", "5", "--date", "2026-11-01")
    cli("visit", "la-cantine", "--rating", "3")
    place = store.load(catalogue_path).get("la-cantine-paris")  # type: ignore[union-attr]
    assert [v.rating for v in place.visits] == [5, 3]
    assert place.average_rating == 4
    cli("visit", "la-cantine", "--rating", "6", code=2)
    cli("visit", "la-cantine", "--date", "yesterday-ish", code=2)


def test_check_reports_every_problem_and_exits_3(cli: Cli, catalogue_path: Path) -> None:
    catalogue_path.parent.mkdir(parents=True)
    catalogue_path.write_text(
        "version = 1\n"
        "[[place]]\nid='a'\nname='A'\nkind='cafe'\ncity='Lyon'\nopening_hours='8h-18h'\n"
        "[place.amenities]\nteleporter=true\n"
        "[[place]]\nid='b'\nname='B'\nkind='cafe'\ncity='Lyon'\n"
    )
    before = catalogue_path.read_bytes()
    result = cli("check", code=3)
    assert "error: place a, field 'opening_hours'" in result.stdout
    assert "warning: place a, field 'amenities.teleporter'" in result.stdout
    assert "1 error" in result.stderr
    assert catalogue_path.read_bytes() == before


def test_check_on_a_valid_catalogue(cli: Cli) -> None:
    add_cantine(cli)
    result = cli("check")
    assert result.stdout == "" and "0 errors" in result.stderr


def test_check_warns_about_hours_kept_as_given(cli: Cli, catalogue_path: Path) -> None:
    catalogue_path.parent.mkdir(parents=True)
    catalogue_path.write_text(
        'version = 1\n[[place]]\nid = "p"\nname = "P"\nkind = "cafe"\ncity = "Lyon"\n'
        'opening_hours_raw = "8h-18h sauf lundi"\n',
        encoding="utf-8",
    )
    result = cli("check")  # a warning alone: exit 0
    assert result.stdout.startswith("warning: place p, field 'opening_hours_raw': ")
    assert "'8h-18h sauf lundi' kept as given" in result.stdout
    assert "0 errors, 1 warning" in result.stderr


def test_commands_on_a_broken_file_exit_3_and_leave_it(cli: Cli, catalogue_path: Path) -> None:
    catalogue_path.parent.mkdir(parents=True)
    catalogue_path.write_bytes(b"version = 1\n[[place]\n")
    for args in (
        ["list"],
        ["check"],
        ["add", "X", "--kind", "cafe", "--city", "Lyon"],
        ["find", "--wifi"],
        ["visit", "x"],
        ["remove", "x", "--yes"],
    ):
        result = cli(*args, code=3)
        assert result.stderr.startswith("Error: ") and "line 2" in result.stderr, args
        assert "Traceback" not in result.stderr
    assert catalogue_path.read_bytes() == b"version = 1\n[[place]\n"


def test_config_shows_paths_and_defaults(cli: Cli, catalogue_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text('[defaults]\ncity = "Vienne"\npeople = 4\n[weights]\nrating = 0.5\n')
    out = cli("config").stdout
    assert f"catalogue = {catalogue_path}" in out
    assert "defaults.city = Vienne" in out and "defaults.people = 4" in out
    assert "weights.rating = 0.5" in out


def test_bad_config_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir()
    config.write_text("[defaults]\npeople = 'many'\n")
    assert "people must be a whole number" in cli("config", code=2).stderr


def test_debug_shows_the_traceback(
    cli: Cli, catalogue_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOMADSPOT_DEBUG", "1")
    result = cli("show", "nothing-here", code=1)
    assert "Traceback" in result.stderr


def test_json_is_one_line_in_a_pipe_and_indented_on_a_terminal(cli: Cli) -> None:
    import io

    from nomadspot.output import Sink
    from nomadspot.output.plain import JsonRenderer
    from nomadspot.store import example

    piped = cli("list", "--format", "json").stdout  # CliRunner's stdout is no terminal
    assert piped.count("\n") == 1 and json.loads(piped)[0]["id"]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    JsonRenderer(Sink(screen)).places(example().places[:1])
    assert screen.getvalue().startswith('[\n  {\n    "id": ')
    assert len(json.loads(screen.getvalue())) == 1


def test_show_gives_real_sun_times_for_the_place(cli: Cli) -> None:
    cli(
        "add",
        "Parc",
        "--kind",
        "other",
        "--city",
        "Paris",
        "--lat",
        "48.8566",
        "--lon",
        "2.3522",
        "--hours",
        "Mo-Su sunrise-sunset",
    )
    week = json.loads(cli("show", "parc-paris", "--format", "json").stdout)["week"]
    # Monday 23 November 2026 in Paris: sunrise about 08:11, sunset about 17:02 (not the
    # library's default 07:00-19:00).
    assert week[0]["date"] == "2026-11-23"
    assert week[0]["hours"].startswith("08:1") and "17:0" in week[0]["hours"]


# --- the new facts: sockets, time limit, status, checked, private ------------------------


def add_with_new_facts(cli: Cli) -> str:
    return cli(
        "add",
        "Le Troquet",
        "--kind",
        "café",
        "--city",
        "Lyon",
        "--sockets",
        "limited",
        "--time-limit",
        "2h",
        "--status",
        "temporarily_closed",
        "--checked",
        "20/11/2026",
        "--private",
        "wifi_password=s3cret",
        "--private",
        "ssid=Troquet",
        "--amenity",
        "visio",
    ).stdout.strip()


def test_add_and_edit_set_the_new_facts(cli: Cli, catalogue_path: Path) -> None:
    assert add_with_new_facts(cli) == "le-troquet-lyon"
    text = catalogue_path.read_text()
    assert 'sockets = "limited"' in text and 'time_limit = "2h"' in text
    assert "checked = 2026-11-20" in text and 'status = "temporarily_closed"' in text
    assert "[place.private]" in text and 'wifi_password = "s3cret"' in text
    assert "calls = true" in text
    cli("edit", "le-troquet-lyon", "--private", "wifi_password=", "--status", "open")
    place = store.load(catalogue_path).get("le-troquet-lyon")  # type: ignore[union-attr]
    assert place is not None and place.private == {"ssid": "Troquet"}
    assert place.status.value == "open" and place.has("power") is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sockets", "tons"], "unknown sockets value 'tons'"),
        (["--time-limit", "forever"], "'forever' is not a duration"),
        (["--status", "gone"], "unknown status 'gone'"),
        (["--checked", "2026-12-25"], "is in the future"),
        (["--private", "novalue"], "must look like KEY=VALUE"),
        (["--sockets", "none", "--power"], "contradicts --power"),
    ],
)
def test_bad_new_facts_are_exit_2(
    cli: Cli, catalogue_path: Path, args: list[str], message: str
) -> None:
    result = cli("add", "X", "--kind", "cafe", "--city", "Lyon", *args, code=2)
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert not catalogue_path.exists()


def test_show_prints_the_new_facts_readings_and_private_values(cli: Cli) -> None:
    add_with_new_facts(cli)
    cli("visit", "le-troquet-lyon", "--wifi-mbps", "30", "--date", "hier")
    cli("visit", "le-troquet-lyon", "--wifi-mbps", "50", "--date", "01/11/2026")
    out = cli("show", "le-troquet-lyon", "--format", "table").stdout
    assert "status" in out and "temporarily_closed" in out
    assert "sockets" in out and "limited" in out and "time limit" in out and "2h" in out
    assert "last checked   2026-11-22" in out  # the visit of yesterday is newer
    assert "wifi speed" in out and "40 Mbps" in out
    assert "2026-11-01 50 Mbps, 2026-11-22 30 Mbps" in out
    assert "wifi_password = s3cret" in out
    assert "has            ✓ wifi  ✓ power  ✓ calls" in out  # measured wifi: it has wifi
    assert out.count("? ") == 1  # the unknown amenities once, on one line


def test_visit_takes_french_dates_and_refuses_the_future(cli: Cli, catalogue_path: Path) -> None:
    add_cantine(cli)
    cli("visit", "la-cantine-paris", "--date", "hier")
    cli("visit", "la-cantine-paris", "--date", "aujourd'hui")
    cli("visit", "la-cantine-paris", "--date", "20/11/2026")
    place = store.load(catalogue_path).get("la-cantine-paris")  # type: ignore[union-attr]
    assert place is not None
    assert [visit.date.isoformat() for visit in place.visits] == [
        "2026-11-20",
        "2026-11-22",
        "2026-11-23",
    ]
    assert place.checked is not None and place.checked.isoformat() == "2026-11-23"
    assert "in the future" in cli("visit", "la-cantine-paris", "--date", "demain", code=2).stderr
    assert "in the future" in cli("visit", "la-cantine", "--date", "2027-01-01", code=2).stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_private_values_stay_out_of_list_unless_asked(cli: Cli, fmt: str) -> None:
    add_with_new_facts(cli)
    assert "s3cret" not in cli("list", "--format", fmt).stdout
    if fmt == "json":
        data = json.loads(cli("list", "--format", fmt, "--include-private").stdout)
        assert data[0]["private"]["wifi_password"] == "s3cret"


@pytest.mark.parametrize("fmt", ["geojson", "csv", "json", "toml"])
def test_private_values_stay_out_of_exports_unless_asked(cli: Cli, fmt: str) -> None:
    add_with_new_facts(cli)
    assert "s3cret" not in cli("export", "--format", fmt).stdout
    assert "s3cret" in cli("export", "--format", fmt, "--include-private").stdout


def test_edit_in_editor_keeps_private_values(
    cli: Cli, catalogue_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_with_new_facts(cli)
    monkeypatch.setenv(
        "EDITOR", _script_editor(tmp_path, "path.write_text(text.replace('2h', '3h'))\n")
    )
    cli("edit", "le-troquet-lyon")
    place = store.load(catalogue_path).get("le-troquet-lyon")  # type: ignore[union-attr]
    assert place is not None and place.private["wifi_password"] == "s3cret"
    assert place.time_limit is not None and place.time_limit.total_seconds() == 3 * 3600


def test_csv_export_then_import_round_trips_every_field(
    cli: Cli, catalogue_path: Path, tmp_path: Path
) -> None:
    add_with_new_facts(cli)
    cli("edit", "le-troquet-lyon", "--tag", "a;b", "--tag", "back\\slash", "--wifi-mbps", "42")
    exported = tmp_path / "out.csv"
    cli("export", "--format", "csv", "--output", str(exported))
    other = tmp_path / "other.toml"
    cli("--catalogue", str(other), "import", str(exported))
    before = store.load(catalogue_path).get("le-troquet-lyon")  # type: ignore[union-attr]
    after = store.load(other).get("le-troquet-lyon")  # type: ignore[union-attr]
    assert before is not None and after is not None
    assert after.tags == ("a;b", "back\\slash")
    assert after == before.without_private()
    cli("export", "--format", "csv", "--output", str(exported), "--include-private")
    cli("--catalogue", str(tmp_path / "third.toml"), "import", str(exported))
    assert store.load(tmp_path / "third.toml").get("le-troquet-lyon") == before  # type: ignore[union-attr]


# --- stale -------------------------------------------------------------------------------


def test_stale_lists_never_checked_first_then_the_oldest(cli: Cli) -> None:
    cli("add", "Old", "--kind", "cafe", "--city", "Lyon", "--checked", "2023-05-01")
    cli("add", "Never", "--kind", "cafe", "--city", "Lyon", "--wifi")
    cli("add", "Fresh", "--kind", "cafe", "--city", "Lyon", "--checked", "hier")
    assert cli("stale", "--format", "ids").stdout == "never-lyon\nold-lyon\n"
    data = json.loads(cli("stale", "--format", "json").stdout)
    assert data[0] == {
        "id": "never-lyon",
        "name": "Never",
        "kind": "cafe",
        "city": "Lyon",
        "last_checked": None,
        "unknown": ["hours", "power", "quiet", "calls", "sockets", "seats", "price", "coordinates"],
    }
    assert data[1]["last_checked"] == "2023-05-01"
    table = cli("stale", "--format", "table").stdout
    assert "never" in table and "2023-05-01" in table and "Fresh" not in table
    tsv = cli("stale", "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "id\tname\tkind\tcity\tlast_checked\tunknown"
    assert cli("stale", "--older-than", "4y", "--format", "ids").stdout == "never-lyon\n"
    assert cli("stale", "--city", "Paris", code=1).stderr.startswith("Error: ")
    assert "not an age" in cli("stale", "--older-than", "soon", code=2).stderr


def test_stale_table_fits_80_columns(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    cli("add", "Laboratoire Ouvert Grenoblois", "--kind", "fablab", "--city", "Grenoble")
    lines = cli("stale", "--format", "table").stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].split()[:3] == ["id", "name", "city"] and "never" in lines[1]


def test_stale_exit_1_when_every_place_is_fresh(cli: Cli) -> None:
    cli("add", "Fresh", "--kind", "cafe", "--city", "Lyon", "--checked", "today")
    assert "checked within 1y" in cli("stale", code=1).stderr


# --- remove: exact references off a terminal; declining is exit 0 --------------------


def test_remove_yes_takes_only_an_exact_id_or_name(cli: Cli, catalogue_path: Path) -> None:
    cli("add", "Starbucks", "--kind", "cafe", "--city", "Paris")
    cli("add", "Starbucks", "--kind", "cafe", "--city", "Paris", "--id", "starbucks-paris-2")
    cli("remove", "starbucks-paris", "--yes")
    missing = cli("remove", "starbucks-paris", "--yes", code=1)  # no prefix fallback
    assert "no place matches 'starbucks-paris'" in missing.stderr
    assert [p.id for p in store.load(catalogue_path).places] == ["starbucks-paris-2"]  # type: ignore[union-attr]
    cli("remove", "starbucks", "--yes")  # the exact name, now of one place
    assert store.load(catalogue_path).places == ()  # type: ignore[union-attr]


def test_declining_remove_at_the_prompt_is_exit_0(catalogue_path: Path) -> None:
    import os
    import pty
    import subprocess

    from .test_subprocess import run

    run("add", "Le Café", "--kind", "cafe", "--city", "Lyon")
    before = catalogue_path.read_bytes()
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "nomadspot", "remove", "le-cafe"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(follower)
    os.write(leader, b"n\n")
    out, err = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, err
    assert "nothing removed" in err and out == ""
    assert catalogue_path.read_bytes() == before


# --- cities as the gazetteer spells them ----------------------------------------------


def test_a_typed_city_is_stored_capitalised(cli: Cli, catalogue_path: Path) -> None:
    cli("add", "Le Café", "--kind", "cafe", "--city", "vienne")
    cli("add", "Le Bar", "--kind", "cafe", "--city", "lyon")
    cli("edit", "le-bar", "--city", "grenoble")
    cities = sorted(p.city for p in store.load(catalogue_path).places)  # type: ignore[union-attr]
    assert cities == ["Grenoble", "Vienne"]


def test_list_fits_80_columns_without_one_letter_columns(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    cli("add", "Laboratoire Ouvert Grenoblois", "--kind", "fablab", "--city", "Grenoble")
    cli("add", "Cowork In Grenoble", "--kind", "coworking", "--city", "Grenoble", "--seats", "30")
    lines = cli("list", "--format", "table").stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = ["id", "name", "kind", "city", "wifi", "power", "room", "quiet", "seats"]
    assert lines[0].split() == header
    assert "Grenoble" in lines[1] and "coworking" in lines[1] and "30" in lines[1]


def test_a_typed_city_takes_the_spelling_the_catalogue_has(cli: Cli, catalogue_path: Path) -> None:
    cli("add", "Le Café", "--kind", "cafe", "--city", "Saint-Étienne")
    cli("add", "Le Bar", "--kind", "cafe", "--city", "SAINT ETIENNE")
    cities = {p.city for p in store.load(catalogue_path).places}  # type: ignore[union-attr]
    assert cities == {"Saint-Étienne"}


def test_exit_codes_of_the_new_commands_through_a_real_process(catalogue_path: Path) -> None:
    from .test_subprocess import run

    added = run("add", "Le Café", "--kind", "cafe", "--city", "lyon", "--checked", "1/11/2026")
    assert added.stdout == "le-cafe-lyon\n"
    fresh = run("stale")
    assert (fresh.returncode, fresh.stdout) == (1, "") and fresh.stderr.startswith("Error: ")
    stale = run("stale", "--older-than", "2w")
    assert stale.returncode == 0 and stale.stdout.splitlines()[1].startswith("le-cafe-lyon\t")
    future = run("visit", "le-cafe-lyon", "--date", "demain")
    assert future.returncode == 2 and "in the future" in future.stderr
    assert run("remove", "le-cafe-l", "--yes").returncode == 1  # a prefix, off a terminal
    assert run("remove", "le-cafe-lyon", "--yes").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--format", "JSON"),
        ("show", "la-cantine-paris", "--format", "Json"),
        ("stale", "--format", "CSV"),
        ("find", "--city", "Paris", "--format", "TSV"),
        ("export", "--format", "GeoJSON"),
    ],
)
def test_a_format_is_read_in_any_case(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli(*args).stdout
