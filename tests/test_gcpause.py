"""Pausing the cyclic garbage collector restores it as it was, whatever happens inside."""

from __future__ import annotations

import gc

import pytest

from nomadspot import gcpause


def test_paused_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():  # nested: the outer pause still holds after
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error() -> None:
    with pytest.raises(KeyError), gcpause.paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_kept_objects_are_frozen_out_of_later_collections() -> None:
    """With ``keep``, what the block made is in the permanent generation: collections
    after the pause do not walk it; reference counting still frees it."""
    gc.unfreeze()
    try:
        with gcpause.paused(keep=True):
            kept = [[number] for number in range(1000)]
        assert gc.get_freeze_count() >= len(kept)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    with gcpause.paused():
        fresh = [[number] for number in range(10)]
    assert fresh and gc.get_freeze_count() == 0
