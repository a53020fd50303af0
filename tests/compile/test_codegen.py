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
