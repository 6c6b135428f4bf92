"""The lines ``import`` prints: what changed, what was skipped and why, which facts the
file gave, what was marked closed, and the likely duplicates to look at."""

from __future__ import annotations

from collections import Counter

from nomadspot.duplicates import describe
from nomadspot.interop.importing import ImportBatch, MergeResult
from nomadspot.interop.vanished import MAX_VANISHED_SHARE
from nomadspot.vocabulary import Status

# Pairs named one a line; the rest are counted (``check`` lists them all).
SHOWN_DUPLICATES = 10
SHOWN_CLOSED = 10
# How many places of a kind a file must bring for its missing ones to be worth a word.
MENTIONED_KIND = 3


def summary_lines(batch: ImportBatch, result: MergeResult, dry_run: bool = False) -> list[str]:
    verb = "would add" if dry_run else "added"
    lines = [
        f"{verb} {result.added}, updated {result.updated}, unchanged {result.unchanged}, "
        f"skipped {sum(batch.skipped.values())} (of {batch.total} records)"
    ]
    if batch.skipped:
        ordered = sorted(batch.skipped.items(), key=lambda item: (-item[1], item[0]))
        lines.append("skipped: " + ", ".join(f"{reason} {count}" for reason, count in ordered))
    if batch.tidied_hours:
        lines.append(f"opening_hours tidied (read as meant): {batch.tidied_hours}")
    if batch.raw_hours:
        lines.append(f"opening_hours kept as given (did not parse): {batch.raw_hours}")
    facts = fact_counts(batch)
    if facts:
        lines.append("facts from the file: " + ", ".join(f"{k} {n}" for k, n in facts.items()))
    lines += closed_lines(batch, result, dry_run)
    lines += duplicate_lines(result)
    return lines


def fact_counts(batch: ImportBatch) -> dict[str, int]:
    """How many imported places the file told their sockets, last check, closure."""
    counts = {
        "sockets": sum(1 for place in batch.places if place.sockets is not None),
        "last checked": sum(1 for place in batch.places if place.checked is not None),
        "closed": sum(1 for place in batch.places if place.status is not Status.OPEN),
    }
    return {name: count for name, count in counts.items() if count}


def closed_lines(batch: ImportBatch, result: MergeResult, dry_run: bool) -> list[str]:
    # A kind the file barely holds (the Paris cafés export has one restaurant) is no
    # query of that kind: not closing its places needs no word.
    brought = Counter(place.kind for place in batch.places)
    lines = [
        f"not marked closed: {count} {kind.value} places of this file's area are missing from "
        f"it, more than {MAX_VANISHED_SHARE:.0%} of them (another query than last time?)"
        for kind, count in result.not_closed.items()
        if brought[kind] >= MENTIONED_KIND
    ]
    if not result.closed:
        return lines
    verb = "would mark" if dry_run else "marked"
    shown = ", ".join(result.closed[:SHOWN_CLOSED])
    more = len(result.closed) - SHOWN_CLOSED
    return [
        *lines,
        f"{verb} closed, no longer in the file: {len(result.closed)} ({shown}"
        + (f", … {more} more)" if more > 0 else ")"),
    ]


def duplicate_lines(result: MergeResult) -> list[str]:
    pairs = result.duplicates
    if not pairs:
        return []
    lines = [f"likely duplicates (same kind, similar name, close by): {len(pairs)}"]
    lines += [f"  {describe(pair)}" for pair in pairs[:SHOWN_DUPLICATES]]
    if len(pairs) > SHOWN_DUPLICATES:
        lines.append(f"  … {len(pairs) - SHOWN_DUPLICATES} more: nomadspot check lists them")
    return lines
