"""Generated source: safe identifiers only, and deterministic."""
import re

import nbblox as nb
from nbblox.compile.codegen import generate_source
from nbblox.compile.layout import build_layout


def test_generated_code_contains_no_user_identifiers():
    # user symbols that are Python builtins or keywords-ish must never reach the code
    T = nb.BloxType("Evil", "dprint/dt = -open*print + exec", params={"open": 1.0, "exec": 2.0})
    src = generate_source(build_layout(nb.Circuit([T(name="e")])))
    body = src.split("def rhs", 1)[1]
    assert not re.search(r"\b(open|print|exec)\b", body)
    sol = nb.simulate(T(name="e"), 1.0, dt=0.1)
    assert abs(sol["e.print"][-1] - 2.0 * (1 - 2.718281828459045 ** -1.0)) < 1e-4


def test_source_is_deterministic_and_independent_of_values():
    a = build_layout(nb.Circuit([nb.blox.HodgkinHuxley(name="x", I=1)]))
    b = build_layout(nb.Circuit([nb.blox.HodgkinHuxley(name="y", I=9)]))
    assert generate_source(a) == generate_source(b)


def test_population_of_one_type_is_one_loop():
    bs = [nb.blox.WilsonCowan(name=f"n{i}") for i in range(50)]
    c = nb.Circuit(bs)
    rhs = lambda c: generate_source(build_layout(c)).split("def rhs", 1)[1].split("def jac")[0]
    assert rhs(c).count("for i in range(50):") == 1   # no connections: no coupling code
    c.connect(bs[0], bs[1])
    assert rhs(c).count("for i in range(50):") == 2   # outputs loop + model loop
    assert rhs(c).count("math.exp") < 10              # code does not grow with n


def _rk4_with_rhs(s, x, dt, nsteps, params):
    """Classical RK4 through System.rhs (no time loop, nothing hoisted)."""
    p = s.param_vector(params)
    for step in range(nsteps):
        t = step * dt
        k1 = s.rhs(x, t, p)
        k2 = s.rhs(x + 0.5 * dt * k1, t + 0.5 * dt, p)
        k3 = s.rhs(x + 0.5 * dt * k2, t + 0.5 * dt, p)
        k4 = s.rhs(x + dt * k3, t + dt, p)
        x = x + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return x


def test_parameter_work_is_hoisted_out_of_the_time_loop_without_changing_bits():
    import numpy as np
    layout = build_layout(nb.Circuit([nb.blox.HodgkinHuxley(name="hh")]))
    src = generate_source(layout)
    run = src.split("def run_rk4(", 1)[1].split("\n@njit", 1)[0]
    before, loop = run.split("for step in range(step0, nsteps):", 1)
    # the temperature factor 3**((T - 6.3)/10) is computed once per call, not per stage
    assert "hc0_0 = (3.0**" in before and "3.0**" not in loop
    assert "q8 = hq0_8" in loop and not re.search(r"\bp\[", loop)
    # same bits as RK4 through rhs (which recomputes everything), and a
    # parameter changed between calls reaches the hoisted value
    s = nb.compile(nb.blox.HodgkinHuxley(name="hh"))
    x0 = s.x0.copy()
    for T in (6.3, 20.0):
        sol = nb.simulate(s, 2.0, dt=0.01, method="rk4", params={"hh.T": T}, x0=x0)
        want = _rk4_with_rhs(s, x0.copy(), 0.01, 200, {"hh.T": T})
        np.testing.assert_array_equal(sol.final_state, want)
