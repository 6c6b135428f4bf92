"""``nomadspot edit REF`` with no field option: the place's TOML in $VISUAL/$EDITOR.

The catalogue is not locked while the editor is open (that can take minutes); the change
is written under the lock afterwards, and only if the place was not changed meanwhile."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from nomadspot import codec, refs, store
from nomadspot.cli.common import eprint
from nomadspot.errors import CatalogueError, NomadspotError, NoResultError, UsageError
from nomadspot.model import Place


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi; values with arguments (``code --wait``) work."""
    value = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        command = shlex.split(value)
    except ValueError as error:
        raise UsageError(f"cannot understand the editor command {value!r}: {error}") from error
    if not command:
        raise UsageError("$VISUAL/$EDITOR is empty", hint="export EDITOR=nano, for example")
    return command


def place_text(place: Place) -> str:
    import tomli_w

    header = (
        "# Edit this place, save and close the editor. Comments are not kept.\n"
        "# Amenities: true = has it, false = known not to have it, remove the line = unknown.\n"
    )
    return header + tomli_w.dumps({"place": codec.encode_place(place)})


def parse_place(text: str) -> Place:
    """The edited place, validated exactly as a catalogue place is."""
    document = store.parse_toml(text, Path("the edited text"))
    raw = document.get("place")
    if not isinstance(raw, dict):
        raise UsageError("the edited text must hold one [place] table")
    try:
        decoded = codec.decode({"version": codec.FORMAT_VERSION, "place": [raw]})
    except codec.InvalidCatalogue as invalid:
        raise UsageError("; ".join(str(problem) for problem in invalid.problems)) from invalid
    return decoded.places[0]


def same_place(one: Place, other: Place) -> bool:
    """Whether two places would be written the same. Not ``==``: NaN (kept in a key
    nomadspot does not know) is not equal to itself, and ``True == 1`` hides a change of
    type that the file would show."""
    return one is other or place_text(one) == place_text(other)


def run_editor(command: list[str], path: Path) -> None:
    try:
        completed = subprocess.run([*command, str(path)], check=False)
    except OSError as error:
        raise UsageError(
            f"cannot start the editor {command[0]!r}: {error.strerror}",
            hint="set $VISUAL or $EDITOR",
        ) from error
    if completed.returncode != 0:
        raise UsageError(
            f"the editor {command[0]!r} exited with {completed.returncode}; nothing was saved"
        )


def _ask_again(error: NomadspotError) -> bool:
    from nomadspot.output.sanitize import one_line

    eprint(f"Error: {one_line(error.message)}")
    if not sys.stdin.isatty():
        return False
    return typer.confirm("Edit again?", default=True)


def edit_in_editor(path: Path, ref: str) -> None:
    current = store.load(path)
    if current is None:
        raise NoResultError(f"no catalogue at {path} yet", hint="create it with 'nomadspot init'")
    original = refs.resolve(ref, current.places)
    command = editor_command()
    folder = Path(tempfile.mkdtemp(prefix="nomadspot-"))
    draft = folder / f"{original.id}.toml"
    draft.write_text(place_text(original), encoding="utf-8")
    edited = _edit_until_valid(command, draft)
    if same_place(edited, original):
        shutil.rmtree(folder, ignore_errors=True)
        eprint("No change.")
        return

    def save(catalogue: store.Catalogue) -> tuple[store.Catalogue, str]:
        current_place = catalogue.get(original.id)
        if current_place is None or not same_place(current_place, original):
            raise CatalogueError(
                f"{original.id} was changed by another command while you "
                f"were editing; nothing was saved (your edit is kept in {draft})",
                hint="run the edit again",
            )
        if edited.id != original.id and catalogue.get(edited.id) is not None:
            raise UsageError(
                f"another place already has the id {edited.id!r}; nothing was saved "
                f"(your edit is kept in {draft})"
            )
        places = [edited if p.id == original.id else p for p in catalogue.places]
        return catalogue.with_places(places), edited.id

    try:
        updated = store.update(path, save)
    except NomadspotError as error:
        if str(draft) not in error.message:  # a lock or a write failed: nothing to keep
            shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    eprint(f"Updated {updated}.")


def _edit_until_valid(command: list[str], draft: Path) -> Place:
    """The edited place; on an error, offer to edit again (on a terminal). A draft that is
    given up is removed with its folder: nothing was saved, as the message says."""
    while True:
        try:
            run_editor(command, draft)
        except NomadspotError:
            shutil.rmtree(draft.parent, ignore_errors=True)
            raise
        try:
            return parse_place(draft.read_text(encoding="utf-8"))
        except (NomadspotError, UnicodeDecodeError) as error:
            problem = error if isinstance(error, NomadspotError) else UsageError(str(error))
            if _ask_again(problem):
                continue
            shutil.rmtree(draft.parent, ignore_errors=True)
            raise UsageError(f"{problem.message}; nothing was saved") from error
