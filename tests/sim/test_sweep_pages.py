"""Streamed lockstep blocks laid out in whole pages (nbblox/sim/sweep/pages.py):
each block's hot rows side by side within one page, so that no load can alias
another array's store (4K aliasing), and the same numbers as before."""
from __future__ import annotations

import numpy as np
import pytest

import nbblox as nb
from nbblox.sim.sweep import pages, stream
from nbblox.sim.sweep.lockstep import PAGE

I = np.linspace(0.0, 2.0, 300)   # 5 blocks of 64 lanes (the last one padded)


def _fhn():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn", init={"V": 0.0, "w": 0.0}))


def _spy(monkeypatch):
    """The arrays every streamed lockstep kernel call receives."""
    calls, orig = [], stream._kernel

    def kernel(*a, **k):
        f = orig(*a, **k)

        def call(*args):
            calls.append(args)
            return f(*args)
        return call
    monkeypatch.setattr(stream, "_kernel", kernel)
    return calls


def _sweep(s, measure, method="euler", **kw):
    return nb.sweep(s, {"fhn.I": I}, t_end=60.0, dt=0.05, method=method, record=["fhn.V"],
                    measure=measure, threshold=1.0, **kw)


def _spans_mod_page(a, lo, hi):
    """The bytes [lo, hi) of every block row of ``a``, as offsets within a page."""
    starts = {(a[k].ctypes.data + lo) % PAGE for k in range(a.shape[0])}
    return [(s, s + hi - lo) for s in starts]


def test_a_rate_sweep_puts_states_varied_parameter_and_count_row_side_by_side(monkeypatch):
    calls = _spy(monkeypatch)
    _sweep(_fhn(), "rate", fastmath=True)
    (x, p, _w, _s, _d, *_rest), = [c for c in calls if c[0].ndim == 2]
    acc = calls[-1][12]
    # every block row whole pages, so all blocks share one place in a page
    assert x.strides[0] % PAGE == 0 and p.strides[0] % PAGE == 0 and acc.strides[0] % PAGE == 0
    row = 64 * 8                                   # one state or parameter of 64 lanes
    hot = {"x": _spans_mod_page(x, 0, 2 * row),    # V and w
           "p": _spans_mod_page(p, 0, row),        # I (a, b, tau are loaded once)
           "count": _spans_mod_page(acc, 6 * row, 7 * row)}
    assert all(len(v) == 1 for v in hot.values())
    spans = sorted(v[0] for v in hot.values())
    assert all(b <= PAGE for _, b in spans)        # none wraps around a page
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1)), spans


def test_the_fold_after_the_step_keeps_the_old_layout(monkeypatch):
    calls = _spy(monkeypatch)
    _sweep(_fhn(), ["mean", "max"], fastmath=True)    # touches every accumulator row
    x, acc = calls[-1][0], calls[-1][12]
    assert x.shape[1] == 128 and acc.shape[1] == stream.NACC


@pytest.mark.parametrize("method", ["euler", "rk4"])
@pytest.mark.parametrize("measure", ["rate", ["rate", "period"], "final"])
@pytest.mark.parametrize("fastmath", [False, True])
def test_pages_change_where_the_arrays_lie_not_the_numbers(monkeypatch, method, measure,
                                                           fastmath):
    s = _fhn()
    on = _sweep(s, measure, method, fastmath=fastmath)
    monkeypatch.setattr(pages, "PAGES", False)
    off = _sweep(s, measure, method, fastmath=fastmath)
    for name in on.data_vars:
        np.testing.assert_array_equal(on[name].values, off[name].values, err_msg=name)
    if measure == "rate":
        assert int(np.nansum(on["rate"].values)) > 0    # it did count crossings


def test_hot_spans_that_do_not_fit_in_a_page_keep_the_old_layout():
    from nbblox.sim.sweep.lockstep import lockstep_plan
    s = _fhn()
    plan = lockstep_plan(s, 64, frozenset())    # all four parameters vary: 4 x 512 bytes
    assert pages.block_pages(plan, ((0, 0),), "n", 1, 12) is not None   # 1024 + 2048 + 512
    wide = lockstep_plan(s, 256, frozenset())   # 256 lanes: the states alone fill a page
    assert pages.block_pages(wide, ((0, 0),), "n", 1, 12) is None
