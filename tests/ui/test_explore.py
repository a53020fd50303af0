"""explore() logic, headless: set() and sliders push new data through the
Pipe without recompiling, failures keep the last good plot, bursts collapse
to the latest value, and to_code() reproduces the run."""
import asyncio

import numpy as np
import pytest

import nbblox as nb

import holoviews as hv
import panel as pn


@pytest.fixture(scope="module")
def fhn_sys():
    return nb.compile(nb.blox.FitzHughNagumo(name="fhn"))


@pytest.fixture
def ex(fhn_sys):
    return nb.explore(fhn_sys, vars=["V", "fhn.w"], t_end=100.0, dt=0.05)


def growth():
    """dx/dt = a x: blows up (SimulationError) for a large positive a."""
    return nb.Blox.from_equations("dx/dt = a*x", name="g", init={"x": 1.0},
                                  params={"a": (-1.0, (-1, 5), "1/ms", "growth rate")})


def test_set_updates_pipe_with_new_data(ex):
    before = ex.pipe.data
    assert before["params"]["fhn.I"] == 0.0
    sol = ex.set({"fhn.I": 1})   # an int, as Panel sliders sometimes send
    data = ex.pipe.data
    assert isinstance(ex.params["fhn.I"], float) and data["params"]["fhn.I"] == 1.0
    assert data["run"] == before["run"] + 1
    # the pushed data is the decimated run now shown, and it differs from before
    ref = nb.simulate(ex.system, 100.0, dt=0.05, params={"fhn.I": 1.0})
    np.testing.assert_allclose(data["columns"]["fhn.V"].max(), ref["fhn.V"].max())
    assert not np.allclose(before["columns"]["fhn.V"][-50:], data["columns"]["fhn.V"][-50:])
    assert sol is ex.last and ex.error is None
    # the slider followed the value set from code
    assert ex.controls.slider("fhn.I")[0].value == 1.0


def test_slider_drives_the_same_path_and_never_recompiles(ex):
    kernel = ex.system._k.run_rk4
    sigs = len(kernel.signatures)
    slider = ex.controls.slider("fhn.a")[0]
    run = ex.n_runs
    slider.value = 0.9
    assert ex.params["fhn.a"] == 0.9 and ex.n_runs == run + 1
    assert ex.pipe.data["params"]["fhn.a"] == 0.9
    slider.value = 1            # int from the browser: coerced, no new specialisation
    assert ex.system._k.run_rk4 is kernel and len(kernel.signatures) == sigs


def test_view_renders_pipe_data(ex):
    ex.set({"fhn.I": 0.6})
    el = ex.timeseries_view()[()]
    curves = list(el)
    assert [c.label for c in curves] == ["V", "w"]      # one blox: its name is in the title
    np.testing.assert_array_equal(curves[0].dimension_values(0), ex.pipe.data["t"])
    assert len(curves[0]) <= ex.max_points


def test_blowup_keeps_last_good_plot_and_says_why():
    ex = nb.explore(growth(), t_end=200.0, dt=0.01)
    good = ex.pipe.data
    sol = ex.set({"g.a": 5.0})
    assert ex.pipe.data is good and sol is ex.last   # nothing pushed
    assert "diverged" in ex.error and "g.x" in ex.error
    assert "showing the last good run" in ex.controls.status.object
    # the divergence message is shown once (in the alert), not again in the status line
    page_text = ex.controls.status.object + ex.controls.alert.object
    assert page_text.count("diverged") == 1 and ex.controls.alert.visible
    ex.set({"g.a": -0.5})
    assert ex.error is None and ex.pipe.data["params"]["g.a"] == -0.5


def test_bad_names_and_values_are_clear(fhn_sys, ex):
    with pytest.raises(nb.ParameterError, match="Did you mean 'fhn.V'"):
        nb.explore(fhn_sys, vars=["fhn.VV"])
    with pytest.raises(nb.ParameterError, match="Did you mean .*'fhn.tau'"):
        ex.set({"fhn.tua": 1.0})
    with pytest.raises(nb.ParameterError, match="physical range"):
        ex.set({"fhn.tau": -1.0})
    with pytest.raises(nb.ParameterError, match="must be a number"):
        ex.set({"fhn.I": "abc"})
    with pytest.raises(nb.ParameterError, match="unknown view"):
        nb.explore(fhn_sys, views=("timeseries", "phaseplane"))


def test_burst_of_requests_collapses_to_latest(ex):
    values = np.linspace(0.0, 1.0, 20)

    async def drag():
        for v in values:          # 20 slider messages arrive before the loop turns
            ex.request({"fhn.I": float(v)})
        await asyncio.sleep(0)
        await asyncio.sleep(0)

    run = ex.n_runs
    asyncio.run(drag())
    assert ex.params["fhn.I"] == 1.0 and ex.pipe.data["params"]["fhn.I"] == 1.0
    assert ex.n_runs == run + 1   # one run, with the final value; none queued


def test_request_from_another_thread_mid_run_is_not_lost(ex, monkeypatch):
    """ipykernel 7 delivers widget messages on a subshell thread: a slider
    value that lands while the main thread is still running the previous
    value must be the one finally shown, and the flush must end idle."""
    import threading
    started, release = threading.Event(), threading.Event()
    compute = ex._compute

    def slow_compute(job):
        if job[0]["fhn.I"] == 0.25:
            started.set()
            release.wait(10)
        return compute(job)

    monkeypatch.setattr(ex, "_compute", slow_compute)
    main = threading.Thread(target=ex.request, args=({"fhn.I": 0.25},))
    main.start()
    assert started.wait(10)
    ex.request({"fhn.I": 0.75})       # the other thread: the run of 0.25 is in flight
    release.set()
    main.join(10)
    assert ex.params["fhn.I"] == 0.75
    assert ex.last.params["fhn.I"] == 0.75 and ex.pipe.data["params"]["fhn.I"] == 0.75
    assert not ex._busy and not ex._pending


def test_a_failing_status_line_does_not_stop_later_runs(ex, monkeypatch, caplog):
    """A display that cannot be patched (Panel refuses a layout shown in two
    documents) is logged; the next slider value still runs and is shown."""
    def broken():
        raise RuntimeError("Models must be owned by only a single document")

    monkeypatch.setattr(ex.controls, "show_status", broken)
    ex.request({"fhn.I": 0.3})
    ex.request({"fhn.I": 0.6})
    assert ex.last.params["fhn.I"] == 0.6 and not ex._busy
    assert "status line not updated" in caplog.text


def test_run_settings_and_reset(ex):
    ex.set({"fhn.I": 0.4}, method="euler", dt=0.02)
    assert ex.last.info["method"] == "euler" and ex.last.info["dt"] == 0.02
    assert ex.controls.method.value == "euler"
    ex.controls.dt.value = 0.01
    assert ex.last.info["dt"] == 0.01
    ex.reset()
    assert ex.params["fhn.I"] == 0.0 and ex.last.info["method"] == "rk4"
    assert ex.controls.slider("fhn.I")[0].value == 0.0


def test_to_code_reproduces_parameters_and_data(ex):
    ex.set({"fhn.I": 0.75, "fhn.b": 0.5})
    code = ex.to_code()
    assert code.startswith("# nbblox ") and "numba" in code.splitlines()[0]
    ns = {}
    exec(compile(code, "<explorer code>", "exec"), ns)   # generated by us, not user text
    sol = ns["sol"]
    assert sol.params["fhn.I"] == 0.75 and sol.params["fhn.b"] == 0.5
    np.testing.assert_allclose(sol["fhn.V"], ex.last["fhn.V"])
    assert ns["params"] == {"fhn.I": 0.75, "fhn.b": 0.5}
    ex.controls.show_code()
    assert ex.controls.code.visible and "nb.simulate" in ex.controls.code.value


def test_sliders_from_metadata_grouped_and_filtered():
    blox = [nb.blox.FitzHughNagumo(name=f"n{i}") for i in range(20)]
    ex = nb.explore(nb.Circuit(blox), t_end=20.0)
    c = ex.controls
    assert "80 of 80 parameters (first 60" in c.count.object
    s, row = c.slider("n3.tau")
    info = nb.blox.FitzHughNagumo.params["tau"]
    assert (s.start, s.end, s.step) == (*info.slider_bounds, info.slider_step)
    assert getattr(s, "label", s.name) == "tau (ms) · recovery time scale"
    assert "recovery time scale" in row[1].value.content      # a text-node tooltip
    c.filter.value = "n7."
    assert "4 of 80" in c.count.object
    (card,) = c.groups.objects
    assert card.title.startswith("n7") and len(card.objects) == 4


def test_two_wilson_cowan_sliders_are_grouped_named_and_found_by_words():
    """Issue 16: one long column of 28 sliders named c1..c4."""
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5)
    ctl = nb.explore(c, t_end=20.0).controls
    cards = ctl.groups.objects
    assert [k.title for k in cards] == ["a · Wilson–Cowan", "b · Wilson–Cowan",
                                        "connection weights"]
    assert [k.collapsed for k in cards] == [False, True, True]   # 29 sliders: first open
    assert [len(k.objects) for k in cards] == [14, 0, 0]         # folded: built when opened
    cards[1].collapsed = False
    assert len(cards[1].objects) == 14
    label = getattr(ctl.slider("a.c1")[0], "label", None) or ctl.slider("a.c1")[0].name
    assert label == "c1 · E → E coupling"
    ctl.filter.value = "coupling"                            # words of the description
    assert "8 of 29" in ctl.count.object         # 28 parameters and the a→b weight
    assert [len(k.objects) for k in ctl.groups.objects] == [4, 4]
    assert not any(k.collapsed for k in ctl.groups.objects)  # a filtered view shows all


def test_connection_weight_slider_reruns_without_recompiling():
    """Issue 16: the builder's explorer had no slider for connection weights.
    "Without recompiling" is the same kernel object with no new specialisation
    (not a time: issue 24)."""
    a, b = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5)
    ex = nb.explore(c, vars=["b.E"], t_end=50.0)
    s, row = ex.controls.slider("a→b")
    assert (s.start, s.end, s.value) == (0.0, 4.5, 1.5)
    before = ex.last["b.E"].copy()
    kernel = ex.system._k.run_rk4
    sigs = len(kernel.signatures)
    ex.controls._slid("a→b", 0.0)                      # what the slider sends
    ex._flush()
    assert ex.system._k.run_rk4 is kernel and len(kernel.signatures) == sigs
    assert ex.weights == {"a→b": 0.0} and "a→b = 0" in ex.status()
    alone = nb.simulate(nb.Circuit([nb.blox.WilsonCowan(name="b")]), 50.0)
    np.testing.assert_allclose(ex.last["b.E"], alone["b.E"], rtol=1e-12)   # b now uncoupled
    assert not np.allclose(before, ex.last["b.E"])
    assert c.connections[0].weight == 1.5 and nb.compile(c).weights[0] == 1.5   # caller's untouched
    ns = {}
    exec(compile(ex.to_code(), "<explorer code>", "exec"), ns)      # generated by us
    np.testing.assert_allclose(ns["sol"]["b.E"], ex.last["b.E"])      # the code has the weight


def test_slider_arithmetic_does_not_reach_the_exported_code(fhn_sys):
    ex = nb.explore(fhn_sys, t_end=20.0)
    ex.controls._slid("fhn.I", 1.2999999999999998)            # what a FloatSlider sends
    ex._flush()
    assert ex.params["fhn.I"] == 1.3
    assert "'fhn.I': 1.3" in ex.to_code() and "1.2999999999999998" not in ex.to_code()


def test_phase_plane_tap_and_live_update(fhn_sys):
    ex = nb.explore(fhn_sys, t_end=100.0, views=("timeseries", "phase_plane"))
    pp = ex.phase_plane
    assert pp.xy == ["fhn.V", "fhn.w"]
    assert [f.stability for f in pp.fixed] == ["stable focus"]
    ex.tap(1.5, 0.5)
    (x, y, xs, ys) = pp.taps[0]
    assert (xs[0], ys[0]) == pytest.approx((1.5, 0.5))
    nc_before = pp.payload["xl"][0].copy()
    ex.set({"fhn.I": 0.5})
    assert [f.stability for f in pp.fixed] == ["unstable focus"]   # past the Hopf at I~0.33
    assert not np.array_equal(nc_before.shape, pp.payload["xl"][0].shape) or \
        not np.allclose(nc_before, pp.payload["xl"][0])
    el = pp.dmap[()]
    assert "Segments" in str(el) and "Points" in str(el)      # direction arrows, fixed points
    assert [e.label for e in el if e.label.endswith("/dt = 0)")] == [
        "V-nullcline (dV/dt = 0)", "w-nullcline (dw/dt = 0)"]


def test_bifurcation_cursor_follows_parameter(fhn_sys):
    ex = nb.explore(fhn_sys, t_end=50.0, views=("timeseries", "bifurcation"),
                    bifurcation=("fhn.I", (0.0, 2.0)))
    bv = ex.bifurcation
    assert bv.branch is not None, bv.message
    assert [sp.kind for sp in bv.branch.special_points] == ["H", "H"]
    ex.set({"fhn.I": 1.2})
    vlines = [e for e in bv.dmap[()].traverse(lambda x: x, [hv.VLine])]
    assert vlines and vlines[-1].data == 1.2
    # the cycles born at the first Hopf point are drawn as their max/min envelope
    # (continued in the background: wait for them)
    assert bv.wait(120)
    assert bv.cycles is not None and bv.cycles.period is not None, bv.message
    env = [e for e in bv.dmap[()] if e.label.endswith("limit cycles")]
    ys = np.concatenate([e.dimension_values(1) for e in env])
    assert np.nanmax(ys) == pytest.approx(bv.cycles.max["fhn.V"].max())
    assert np.nanmax(ys) > 1.5                   # the relaxation oscillation's amplitude


def test_bifurcation_range_away_from_the_default_value():
    """Morris-Lecar's Hopf set has I = 0 by default; a view over I in (60, 120) must
    continue from inside that range (it failed, and the failure text, which holds a
    dict, then broke HoloViews' title formatting when the layout was displayed)."""
    ml = nb.compile(nb.blox.MorrisLecar(name="ml", preset="hopf"))
    ex = nb.explore(ml, t_end=50.0, dt=0.05, views=("timeseries", "bifurcation"),
                    bifurcation=("ml.I", (60.0, 120.0)), params={"ml.I": 90.0})
    bv = ex.bifurcation
    assert bv.branch is not None, bv.message
    assert "H" in [sp.kind for sp in bv.branch.special_points]
    assert min(bv.branch.param_values) >= 60.0 - 1e-9


def test_bifurcation_title_keeps_braces_of_a_failure_message(fhn_sys):
    ex = nb.explore(fhn_sys, t_end=20.0, views=("timeseries", "bifurcation"),
                    bifurcation=("fhn.I", (0.0, 2.0)))
    bv = ex.bifurcation
    bv.branch, bv.message = None, "continuation failed: pass params={'fhn.I': value}"
    plot = hv.renderer("bokeh").get_plot(bv._render({"value": 0.5, "run": 1}))
    assert "{'fhn.I': value}" in plot.state.title.text


def test_live_run_chunks_continue_one_run(fhn_sys):
    ex = nb.explore(fhn_sys, t_end=50.0, views=("timeseries", "live"), params={"fhn.I": 0.5})
    live = ex.live
    live.chunk = 10.0
    for _ in range(3):
        assert live.step()
    assert live.t == pytest.approx(30.0)
    ref = nb.simulate(fhn_sys, 30.0, dt=ex.dt, params=ex.params)
    np.testing.assert_allclose(live.x, ref.final_state, rtol=1e-9, atol=1e-12)
    df = live.buffer.data
    assert df["time"].iloc[-1] == pytest.approx(30.0) and np.all(np.diff(df["time"]) > 0)
    live.stop()
    assert live.state == "stopped"


def test_layout_is_a_panel_object(ex):
    import panel as pn
    assert isinstance(ex.layout, pn.FlexBox)      # wraps the views below the controls when narrow
    ex.layout.get_root()
    assert ex.__panel__() is ex.layout


def test_rendered_bokeh_plots_follow_updates(fhn_sys):
    """What a browser receives: the Bokeh models behind the live views change
    data and axis ranges in place (same figure object, no re-render)."""
    ex = nb.explore(fhn_sys, vars=["fhn.V"], t_end=200.0, dt=0.05,
                    views=("timeseries", "phase_plane"))
    r = hv.renderer("bokeh")
    ts, pp = r.get_plot(ex.timeseries_view()), r.get_plot(ex.phase_plane.dmap)
    fig_ts, fig_pp = ts.state, pp.state
    src = [m for m in fig_ts.select({"type": __import__("bokeh").models.ColumnDataSource})
           if "value" in m.data][0]
    y_before = src.data["value"].copy()
    assert fig_ts.y_range.end - fig_ts.y_range.start < 0.5   # resting: a flat line
    ex.set({"fhn.I": 0.3})                                   # one spike, then rest
    assert ts.state is fig_ts and pp.state is fig_pp          # updated in place
    assert not np.array_equal(src.data["value"], y_before)
    assert fig_ts.y_range.end > 1.5 and fig_ts.y_range.start < -1.5
    assert fig_pp.x_range.end - fig_pp.x_range.start > 3.5    # the window grew to the spike


def test_status_of_a_neural_mass_reports_activity_not_spikes():
    ex = nb.explore(nb.blox.WilsonCowan(name="wc"), t_end=50.0)
    assert "spikes" not in ex.status() and "wc.E from" in ex.status()


def test_status_counts_agree_with_their_noun(monkeypatch):
    """The cycles gallery (Morris-Lecar at rest after one spike) said "1 spikes"."""
    ex = nb.explore(nb.blox.FitzHughNagumo(name="fhn"), t_end=50.0)
    for n, says in [(1, "1 spike ("), (0, "0 spikes ("), (3, "3 spikes (")]:
        monkeypatch.setattr(ex, "spike_count", lambda n=n: n)
        assert ex.status().startswith(says), ex.status()


def test_set_takes_selectors_and_promoted_parameters_without_recompiling(ex):
    kernel = ex.system._k.run_rk4
    sigs = len(kernel.signatures)
    ex.set({"*.I": 0.8, "type:FitzHughNagumo.a": 0.75})
    assert ex.params["fhn.I"] == 0.8 and ex.params["fhn.a"] == 0.75
    assert ex.controls.slider("fhn.I")[0].value == 0.8        # the matched slider moved
    assert ex.pipe.data["params"]["fhn.a"] == 0.75
    with pytest.raises(nb.ParameterError, match="matches no parameter"):
        ex.set({"*.g_Na": 1.0})
    assert ex.system._k.run_rk4 is kernel and len(kernel.signatures) == sigs


def test_sliders_are_grouped_by_composite_with_its_promoted_parameter_first():
    brain = nb.Circuit([nb.blox.WilsonCowan(name="drive"), nb.blox.WilsonCowanColumn(name="r1")])
    brain.connect("drive", "r1", weight=0.5)
    ex = nb.explore(brain, t_end=20.0, dt=0.1)
    titles = [c.title for c in ex.controls.groups.objects]
    assert titles == ["drive · Wilson–Cowan", "r1 · composite of 2 blox", "connection weights"]
    card = ex.controls.groups.objects[1]
    card.collapsed = False                                     # folded cards fill when opened
    first = card.objects[0].objects[0]
    assert first.tags == ["r1.tau"] and first.name.startswith("tau (ms)") and first.name.endswith(" · sets both")
    assert [w.objects[0].tags[0] for w in card.objects[1:4]] == ["r1.E.a", "r1.E.theta", "r1.E.r"]
    first.value = 6.0                                          # one slider, both populations
    assert ex.params["r1.E.tau"] == ex.params["r1.I.tau"] == 6.0
    assert ex.controls.slider("r1.I.tau")[0].value == 6.0
    assert ex.last.params["r1.E.tau"] == 6.0
    ex.set({"r1.E.tau": 4.0, "r1.I.tau": 4.0})
    assert first.value == 4.0                                  # the promoted slider follows


def test_a_method_named_otherwise_is_shown_in_the_menu():
    """Lesson 14 explores with ``method="em"`` (Euler-Maruyama): the menu showed blank."""
    ex = nb.explore(nb.blox.FitzHughNagumo(name="f"), method="em")
    assert ex.controls.method.value == "em" and "em" in ex.controls.method.options
    # issue 21: the status line named the run's method "euler" (simulate's canonical name)
    # while the menu said "em"; both now say what the menu says
    assert " · em dt=" in ex.status() and "euler" not in ex.status()
    ex.set({}, method="heun")
    assert " · heun dt=" in ex.status() and ex.controls.method.value == "heun"


def test_a_coba_cell_explorer_fits_v_between_reset_and_threshold():
    """Issue 16: lesson 8's explorer of one COBA cell showed a v axis reaching
    0 mV: the state started at the default 0 (past the threshold Vt = -50 mV: a
    spike at t = 0, then the reset).  The cell starts at rest, so the axis fits
    the dynamics, from the reset (-60 mV) to the threshold (-50 mV), and there is
    no spike at t = 0."""
    cell = nb.lessons.coba_cell()
    ex = nb.explore(cell(name="one", Iext=15.0), vars=["one.v"], t_end=300.0, dt=0.1,
                    method="euler")
    fig = hv.renderer("bokeh").get_plot(ex.timeseries_view()).state
    lo, hi = fig.y_range.start, fig.y_range.end
    assert -62.0 <= lo <= -59.0 and -50.0 <= hi <= -48.0, (lo, hi)
    spikes = ex.last.spikes["time"]
    assert len(spikes) > 3 and min(spikes) > 1.0
