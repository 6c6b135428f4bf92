"""Skip reasons and the error of a file where every record was skipped."""

from __future__ import annotations

from nomadspot.interop import reasons


def test_the_main_reason_and_its_option_are_named() -> None:
    error = reasons.nothing_imported("census.csv", {reasons.NO_CITY: 3, reasons.NO_KIND: 1509})
    assert error.exit_code == 2
    assert error.message == (
        "nothing imported from census.csv: all 1,512 records skipped "
        "(1,509 no usable kind, 3 no city)"
    )
    assert error.hint is not None
    assert "--kind K" in error.hint
    assert "--map kind=COLUMN" in error.hint


def test_every_reason_has_a_hint_entry() -> None:
    names = [
        value for name, value in vars(reasons).items() if name.isupper() and isinstance(value, str)
    ]
    assert set(names) == set(reasons.HINTS)


def test_one_record() -> None:
    error = reasons.nothing_imported("x.geojson", {reasons.NO_NAME: 1})
    assert error.message.endswith("all 1 record skipped (1 no name)")
    assert error.hint is not None and "--map name=COLUMN" in error.hint
