"""nbblox._gcpause.paused: no automatic collection inside the block, and the
collector exactly as it was after it (issue 17, cold start: the first explorer
of a kernel made four full collections over the objects it had just imported)."""
import gc

import pytest

import nbblox as nb
from nbblox._gcpause import paused


def _collections_while(fn):
    seen = []
    cb = lambda phase, info: seen.append(info["generation"]) if phase == "start" else None
    gc.callbacks.append(cb)
    try:
        fn()
    finally:
        gc.callbacks.remove(cb)
    return seen


def _cycles(n=200_000):
    junk = []
    for _ in range(n):
        a = []
        a.append(a)          # a reference cycle: only the cyclic collector frees it
        junk.append(a)
    return junk


def test_no_collection_inside_the_block_and_collections_after_it():
    with paused():
        inside = _collections_while(_cycles)
    after = _collections_while(_cycles)
    assert inside == []
    assert after            # 200 000 new objects: the collector runs again


def test_the_collector_is_back_on_after_an_error():
    with pytest.raises(RuntimeError):
        with paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_the_user_turned_off_stays_off():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_explore_and_its_display_leave_the_collector_on():
    ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0,
                    views=("timeseries", "phase_plane"))
    assert gc.isenabled()
    ex._repr_mimebundle_()
    assert gc.isenabled()
