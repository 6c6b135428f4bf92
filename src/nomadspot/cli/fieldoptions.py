"""The options of ``add`` and ``edit``, made once from the field declaration.

``field_options`` adds to a command one option per declared field that has one
(``fields.PLACE_FIELDS``, ``fields.PRICE_FIELDS``), the ``--wifi/--no-wifi``-style flags,
``--amenity``/``--no-amenity`` and ``--private``. Typer reads a command's parameters from
its signature (``inspect.signature``, which honours ``__signature__``), so the options are
added there, with ``Annotated`` types as any command writes them; the command receives
them as keyword arguments, and ``changes`` turns them into the change that
``nomadspot.editing`` (and the library API) take.
"""

# Without ``from __future__ import annotations``, for Typer: see cli/application.py.

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any

import typer

from nomadspot import fields
from nomadspot.cli.common import complete_amenity, complete_city, complete_kind
from nomadspot.errors import UsageError
from nomadspot.fields import FieldSpec

IncludePrivate = Annotated[
    bool,
    typer.Option(
        "--include-private",
        help="Include each place's [place.private] values (wifi passwords...), left out "
        "by default.",
    ),
]

_COMPLETION: dict[str, Callable[..., Any]] = {"kind": complete_kind, "city": complete_city}
_AMENITY_LISTS = {
    "amenity": ("--amenity", "It has this amenity (repeatable)."),
    "no_amenity": ("--no-amenity", "It is known NOT to have this amenity (repeatable)."),
}


def _option_parameter(spec: FieldSpec, name: str, required: bool) -> inspect.Parameter:
    assert spec.option is not None
    value_type: Any = spec.type.option_type
    if spec.type.repeatable:
        value_type = list[value_type]
    option = typer.Option(
        spec.option.flag,
        help=spec.option.help,
        metavar=spec.option.metavar,
        show_default=False,
        autocompletion=_COMPLETION.get(spec.name),
    )
    annotation: Any = Annotated[value_type if required else value_type | None, option]
    default = inspect.Parameter.empty if required else None
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _parameters(required: Iterable[str], skip: Iterable[str]) -> list[inspect.Parameter]:
    required, skip = set(required), set(skip)
    made = [
        _option_parameter(spec, spec.name, spec.name in required)
        for spec in fields.PLACE_FIELDS
        if spec.option is not None and spec.name not in skip
    ]
    for amenity, help_text in fields.FLAG_AMENITIES:
        flag = amenity.replace("_", "-")
        option = typer.Option(f"--{flag}/--no-{flag}", help=help_text, show_default=False)
        made.append(_keyword(amenity, Annotated[bool | None, option]))
    for name, (flag, help_text) in _AMENITY_LISTS.items():
        option = typer.Option(
            flag, help=help_text, metavar="AMENITY", autocompletion=complete_amenity
        )
        made.append(_keyword(name, Annotated[list[str] | None, option]))
    made += [
        _option_parameter(spec, spec.flat, required=False)
        for spec in fields.PRICE_FIELDS
        if spec.option is not None
    ]
    private = fields.PRIVATE_OPTION
    option = typer.Option(private.flag, metavar=private.metavar, help=private.help)
    made.append(_keyword("private", Annotated[list[str] | None, option]))
    return made


def _keyword(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


def field_options(
    *, required: Iterable[str] = (), skip: Iterable[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give the command an option per field (``required`` ones without a default,
    ``skip`` ones left out). The command takes them as ``**values``."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = [
            parameter
            for parameter in inspect.signature(command).parameters.values()
            if parameter.kind is not inspect.Parameter.VAR_KEYWORD
        ]
        added = _parameters(required, skip)

        @functools.wraps(command)
        def run(**values: Any) -> None:
            command(**values)

        positional = [p for p in own if p.kind is not inspect.Parameter.KEYWORD_ONLY]
        keywords = [p for p in own if p.kind is inspect.Parameter.KEYWORD_ONLY]
        parameters = [*positional, *added, *keywords]
        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def changes(values: Mapping[str, Any]) -> dict[str, Any]:
    """The options' values as a change for ``nomadspot.editing`` (None: not given)."""
    from nomadspot.editing import amenity_flags

    result: dict[str, Any] = {
        spec.name: values[spec.name]
        for spec in fields.PLACE_FIELDS
        if spec.name in values and values[spec.name] not in (None, [])
    }
    result.update(
        (spec.flat, values[spec.flat])
        for spec in fields.PRICE_FIELDS
        if values.get(spec.flat) is not None
    )
    amenities = amenity_flags(
        flags={amenity: values.get(amenity) for amenity, _ in fields.FLAG_AMENITIES},
        have=values.get("amenity"),
        have_not=values.get("no_amenity"),
    )
    if amenities:
        result["amenities"] = amenities
    if values.get("private"):
        result["private"] = private_pairs(values["private"])
    return result


def private_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """``--private KEY=VALUE`` pairs; an empty VALUE stays empty (it removes the key)."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(
                f"--private {pair!r} must look like KEY=VALUE",
                hint="e.g. --private wifi_password=s3cret",
            )
        found[key.strip()] = value
    return found
