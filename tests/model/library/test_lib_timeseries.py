"""TimeSeriesInput: a recorded series as a table in the blox's parameters,
linearly interpolated inside the compiled kernel (interp() / jit.tinterp)."""
import numpy as np
import pytest

import nbblox as nb

T_END = 200.0


def _hh_with(stim):
    hh = nb.blox.HodgkinHuxley(name="hh")
    return nb.Circuit([stim, hh]).connect(stim, hh)


def test_hh_driven_by_table_matches_constant_and_step_current():
    # Hodgkin & Huxley 1952: at I = 10 uA/cm^2 the squid axon fires repetitively.
    # (1) a flat table of 10 is the constant current I = 10, to rounding;
    # (2) a step stored as a table (jump = two samples at 50 ms) is StepInput(onset=50).
    flat = nb.blox.TimeSeriesInput([0.0, T_END], [10.0, 10.0], name="stim")
    a = nb.simulate(_hh_with(flat), T_END, dt=0.01)
    b = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), T_END, dt=0.01)
    assert np.allclose(a["hh.V"], b["hh.V"], atol=1e-9, rtol=0)
    assert np.sum((b["hh.V"][1:] > 0) & (b["hh.V"][:-1] <= 0)) >= 10     # it fires
    step = nb.blox.TimeSeriesInput([0.0, 50.0, 50.0, T_END], [0.0, 0.0, 10.0, 10.0],
                                   name="stim")
    ref = nb.blox.StepInput(name="stim", amp=10.0, onset=50.0)
    a = nb.simulate(_hh_with(step), T_END, dt=0.01)
    b = nb.simulate(_hh_with(ref), T_END, dt=0.01)
    assert np.allclose(a["hh.V"], b["hh.V"], atol=1e-9, rtol=0)
    assert a["hh.V"][a.t < 50].max() < -60 and a["hh.V"].max() > 20


def test_interpolation_is_linear_and_holds_end_values():
    # the integral of the interpolated series (exact for a piecewise-linear input with
    # RK4 when the kinks lie on the step grid): a ramp 0 -> 4 over [10, 30] then hold
    # 4 to t = 50: area 0.5*20*4 + 20*4 = 120; before t = 10 the first value (1) holds:
    # + 10; total 130.  Non-uniform sampling on purpose.
    stim = nb.blox.TimeSeriesInput([10.0, 12.0, 30.0], [1.0, 1.4, 5.0], name="s",
                                   gain=1.0, offset=-1.0)
    acc = nb.BloxType("Acc", "dq/dt = I_syn")(name="acc")
    c = nb.Circuit([stim, acc]).connect(stim, acc)
    sol = nb.simulate(c, 50.0, dt=0.01)
    assert sol["acc.q"][-1] == pytest.approx(0.5 * 20 * 4 + 20 * 4, abs=1e-9)
    s = nb.compile(c)
    x = np.zeros(len(s.state_names))
    for t in (0.0, 10.0, 11.0, 21.0, 30.0, 99.0):       # numba kernels == NumPy oracle
        want = {0.0: 0.0, 10.0: 0.0, 11.0: 0.2, 21.0: 2.2, 30.0: 4.0, 99.0: 4.0}[t]
        assert s.rhs(x, t)[0] == pytest.approx(want)
        assert s.reference.rhs(t, x, s.params.array, s.weights, s.layout.src,
                               s.layout.dst)[0] == pytest.approx(want)


def test_table_is_live_parameters_and_series_share_a_group():
    stim = nb.blox.TimeSeriesInput([0.0, 100.0], [2.0, 2.0], name="s1")
    other = nb.blox.TimeSeriesInput([0.0, 100.0], [0.0, 6.0], name="s2")
    acc = nb.BloxType("Acc", "dq/dt = I_syn")(name="acc")
    acc2 = nb.BloxType("Acc", "dq/dt = I_syn")(name="acc2")
    c = nb.Circuit([stim, other, acc, acc2]).connect(stim, acc).connect(other, acc2)
    s = nb.compile(c)
    assert len(s.layout.groups) == 2                     # both tables in one group
    sol = nb.simulate(s, 100.0, dt=0.01)
    assert sol["acc.q"][-1] == pytest.approx(200.0) and sol["acc2.q"][-1] == pytest.approx(300.0)
    s.params["s1.Y1"] = 4.0                              # edit the table, no recompile
    assert nb.simulate(s, 100.0, dt=0.01)["acc.q"][-1] == pytest.approx(300.0)


def test_bad_tables_are_refused_clearly():
    with pytest.raises(nb.ParameterError, match=r"'t' holds NaN.*index 1"):
        nb.blox.TimeSeriesInput([0.0, np.nan, 2.0], [1, 2, 3], name="s")
    with pytest.raises(nb.ParameterError, match=r"'values' holds NaN"):
        nb.blox.TimeSeriesInput([0.0, 1.0], [1, np.inf], name="s")
    with pytest.raises(nb.ParameterError, match=r"non-decreasing, but t\[2\] = 1.0 < t\[1\]"):
        nb.blox.TimeSeriesInput([0.0, 5.0, 1.0], [1, 2, 3], name="s")
    with pytest.raises(nb.ParameterError, match="3 samples but 'values' has 2"):
        nb.blox.TimeSeriesInput([0.0, 1.0, 2.0], [1, 2], name="s")
    with pytest.raises(nb.ParameterError, match="at least 2 samples"):
        nb.blox.TimeSeriesInput([0.0], [1.0], name="s")
    with pytest.raises(nb.ParameterError, match="one-dimensional"):
        nb.blox.TimeSeriesInput([[0.0, 1.0]], [[1.0, 2.0]], name="s")
    # hand-written interp() whose table would run past the parameters: refused at build
    with pytest.raises(nb.EquationError, match="needs 3 time parameters"):
        nb.BloxType("Bad", "y = interp(t, a, b, c, 3)", params={"a": 0, "b": 1, "c": 2},
                    outputs={"out": "y"})
    with pytest.raises(nb.EquationError, match="first argument must be t"):
        nb.BloxType("Bad", "dV/dt = interp(V, a, b, c, 2)",
                    params={"a": 0, "b": 1, "c": 2, "d": 3})


def test_table_travels_in_circuit_json():
    stim = nb.blox.TimeSeriesInput([0.0, 5.0, 5.0, 9.0], [0.0, 0.0, 2.0, 3.0], name="s")
    acc = nb.BloxType("Acc", "dq/dt = I_syn")(name="acc")
    c = nb.Circuit([stim, acc]).connect(stim, acc)
    back = nb.Circuit.from_json(c.to_json())
    b = next(x for x in back if x.name == "s")
    assert b.params == stim.params and b.type.key == stim.type.key
