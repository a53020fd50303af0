"""What a plot's text says (issue 16, vizfix): derived series (``nb.bold``)
are labelled as what they are, not cut at a dot ("E)"); a long run's time axis
reads as plain numbers ("200,000", not "2.000e+5"), in every panel, the raster
and the hover; a static bifurcation diagram puts its legend above the data,
also in ``br.plot() * cycles.plot()``, in words short enough for two columns
at the explorer's least width."""
import holoviews as hv
import numpy as np
import pytest
from bokeh.models import HoverTool, Legend, NumeralTickFormatter, PrintfTickFormatter

import nbblox as nb
from nbblox.sim.solution import Solution
from nbblox.viz import bifurcation
from nbblox.viz.units import axis_label, short_names


def _activity(t_end=240000.0, step=20.0):
    t = np.arange(0.0, t_end + step, step)
    x = 0.1 + 0.05 * np.random.default_rng(0).random((2, t.size))
    return Solution(t, ["rA1.E", "rA2.E"], x, info={"method": "heun", "dt": 0.8})


def _figures(el):
    fig = hv.render(el, backend="bokeh")
    return [fig] if hasattr(fig, "xaxis") else [p for p, *_ in fig.children]


@pytest.fixture(scope="module")
def bold():
    return nb.bold(_activity(), tr=2000.0)


def test_bold_plot_says_bold_with_its_unit_not_a_name_cut_at_a_dot(bold):
    for el in (bold.plot(), bold.plot(vars=bold.names[0])):
        c = el.get(0)
        assert c.vdims[0].label == "BOLD signal change (%)"
        fig, = _figures(el)
        assert fig.yaxis[0].axis_label == "BOLD signal change (%)"
        # the title names the quantity and its sampling, not the integrator's dt
        assert fig.title.text == "BOLD signal change · balloon-windkessel, TR = 2 s"
    assert [c.label for c in bold.plot()] == ["bold(rA1.E)", "bold(rA2.E)"]


def test_derived_names_are_not_taken_apart_at_their_dots():
    assert short_names(["bold(r0.E)"]) == ["bold(r0.E)"]
    assert axis_label(["bold(r0.E)", "bold(r1.E)"]) == "bold(r0.E), bold(r1.E)"
    assert short_names(["hh.V", "hh.m"]) == ["V", "m"]            # states still are
    assert axis_label(["c1.E.A", "c2.E.A"]) == "A"


def test_spectrum_of_bold_carries_its_unit(bold):
    sp = nb.spectrum(bold, discard=20000.0)
    assert sp.plot().get(0).vdims[0].pprint_label == "power (%²/Hz)"


def test_bold_survives_save_and_load_with_its_label(bold, tmp_path):
    back = nb.load(bold.save(str(tmp_path / "bold.nc")))
    assert back.plot().get(0).vdims[0].label == "BOLD signal change (%)"


def test_a_long_runs_time_axes_are_plain_numbers_everywhere():
    sol = _activity()
    for el in (sol.plot(), sol.plot(overlay=False), nb.bold(sol, tr=2000.0).plot()):
        for fig in _figures(el):
            f = fig.xaxis[0].formatter
            assert isinstance(f, NumeralTickFormatter) and f.format == "0,0.[000]", f
            tips = [t for h in fig.select(type=HoverTool) for t in h.tooltips]
            assert any(v == "@{time}{0,0.[000]}" for _, v in tips), tips
    # HH with spikes: two linked panels and the raster below them
    hh = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), 50.0)
    figs = _figures(hh.plot(raster=True, stamp=True))
    assert len(figs) == 3
    assert all(isinstance(f.xaxis[0].formatter, NumeralTickFormatter) for f in figs)
    assert all(f.below[-1].text.startswith("nbblox") for f in figs)    # stamp kept too
    # rendered twice (two cells): a fresh formatter each time, no shared Bokeh model
    el = sol.plot()
    assert _figures(el)[0].xaxis[0].formatter is not _figures(el)[0].xaxis[0].formatter


def test_a_users_time_formatter_wins():
    fig, = _figures(_activity().plot().opts(xformatter="%d", backend="bokeh"))
    assert isinstance(fig.xaxis[0].formatter, PrintfTickFormatter)


@pytest.fixture(scope="module")
def fhn_branches():
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    br = nb.continuation(s, "fhn.I", (0.0, 2.0))
    return br, nb.continuation(s, "fhn.I", (0.0, 2.0), start=br.special("H")[0])


def test_static_bifurcation_legend_is_above_the_data_also_after_a_star(fhn_branches):
    br, cyc = fhn_branches
    for el in (br.plot(), cyc.plot(), br.plot() * cyc.plot()):
        fig, = _figures(el)
        legends = [m for side in ("right", "below", "center", "left") for m in getattr(fig, side)
                   if isinstance(m, Legend)]
        assert not legends, legends            # not beside or over the data
        legend, = [m for m in fig.above if isinstance(m, Legend)]
        assert legend.ncols == 2 and legend.items
    fig, = _figures(br.plot() * cyc.plot())
    legend, = [m for m in fig.above if isinstance(m, Legend)]
    assert {i.label.value for i in legend.items} >= {
        "stable equilibria", "unstable equilibria", "stable limit cycles", "H: Hopf bifurcation"}


def test_legend_words_fit_two_columns_at_the_least_width(fhn_branches):
    words = [f"{k}: {v}" for k, v in bifurcation._NAMES.items()]
    words += [e.label for b in fhn_branches for e in b.plot()]
    assert max(len(w) for w in words) <= bifurcation.LEGEND_CHARS, words
