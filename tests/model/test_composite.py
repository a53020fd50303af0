"""Composites: a Circuit as one block of another (ports, dotted paths, nesting,
promoted parameters), flattened for the compiler, saved and rebuilt."""
import json

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError, CompileError, ParameterError


def decay(name, k=1.0):
    return nb.Blox.from_equations("dx/dt = -k*x + u", params={"k": (k, (0, 5), "1/ms", "")},
                                  name=name, type_name="Decay", inputs=("u",),
                                  init={"x": 1.0})


def cell(name="cell"):
    """Two decays in series, ports: in -> a.u (and b.u at half), out <- b.x."""
    c = nb.Circuit([decay("a"), decay("b", 2.0)], name=name)
    c.connect("a", "b", weight=0.5)
    return c.expose(inputs={"in": {"a.u": 1.0, "b.u": 0.5}}, outputs={"out": "b.x"})


def test_wilson_cowan_column_is_the_one_blox_model_written_as_a_circuit():
    """Wilson & Cowan (1972): nb.blox.WilsonCowan in one blox, and the column of two
    WilsonCowanPopulation blox + four connections, give the same trajectories
    (limit-cycle defaults: E oscillates between ~0.12 and ~0.27)."""
    col = nb.blox.WilsonCowanColumn(name="col")
    a = nb.simulate(col, 200.0, dt=0.05, backend="numpy")
    b = nb.simulate(nb.blox.WilsonCowan(name="wc"), 200.0, dt=0.05, backend="numpy")
    np.testing.assert_allclose(a["E.A"], b["wc.E"], atol=1e-12)
    np.testing.assert_allclose(a["I.A"], b["wc.I"], atol=1e-12)
    late = b["wc.E"][b.t > 100]
    assert late.max() - late.min() > 0.1        # a limit cycle, not a fixed point


def test_ports_resolve_to_leaf_connections_with_factors():
    outer = nb.Circuit([cell("c1"), cell("c2")], name="outer")
    outer.connect("c1", "c2", weight=2.0)                 # port out -> port in
    got = sorted((k.src, k.dst, k.input, k.weight) for k in outer.connections)
    assert got == [("c1.b", "c2.a", "u", 2.0), ("c1.b", "c2.b", "u", 1.0)]
    outer.connect("c2.b", "c1.a", weight=0.25)           # reach a member by path
    assert outer.connections[-1].src == "c2.b" and outer["c2.b"].params["k"] == 2.0
    assert "c1.a" in outer and "c1.z" not in outer and "c1" in outer


def test_nesting_to_any_depth_gives_hierarchical_names():
    level = cell("L0")
    for depth in range(1, 4):       # each level wraps the previous one and re-exports its ports
        level = nb.Circuit([level], name=f"L{depth}").expose(
            inputs={"in": f"L{depth - 1}.in"}, outputs={"out": f"L{depth - 1}.out"})
    top = nb.Circuit([level, decay("src")], name="top")
    top.connect("src", "L3", weight=3.0)
    s = nb.compile(top, backend="numpy")
    assert "L3.L2.L1.L0.a.x" in s.state_names and "L3.L2.L1.L0.b.k" in s.param_names
    w = {(k.src, k.dst): k.weight for k in top.connections}
    assert w == {("src", "L3.L2.L1.L0.a"): 3.0, ("src", "L3.L2.L1.L0.b"): 1.5}
    # the flat circuit is the one a user would write by hand
    flat = top.flatten()
    assert sorted(flat.blox) == ["L3.L2.L1.L0.a", "L3.L2.L1.L0.b", "src"]
    assert len(flat.connections) == 3


def test_composite_and_hand_flattened_circuit_are_the_same_system():
    brain = nb.Circuit([cell("r1"), cell("r2")], name="brain").connect("r1", "r2", weight=0.7)
    hand = nb.Circuit(name="brain")
    for r in ("r1", "r2"):
        a, b = decay("a"), decay("b", 2.0)
        a.name, b.name = f"{r}.a", f"{r}.b"      # what flattening does
        hand.blox.update({a.name: a, b.name: b})
    for src, dst, w in (("r1.a", "r1.b", 0.5), ("r2.a", "r2.b", 0.5), ("r1.b", "r2.a", 0.7),
                        ("r1.b", "r2.b", 0.35)):
        hand.connections.append(nb.Connection(src, dst, w, 0.0, "x", "u"))
    s1, s2 = nb.compile(brain, backend="numpy"), nb.compile(hand, backend="numpy")
    assert s1.layout.structure_key == s2.layout.structure_key
    assert s1.state_names == s2.state_names and s1.param_names == s2.param_names
    x = np.linspace(0.1, 0.8, len(s1.x0))
    np.testing.assert_array_equal(s1.rhs(x), s2.rhs(x))


def test_port_and_member_errors_say_what_exists():
    with pytest.raises(CircuitError, match="'zz' is not in circuit 'c'.*Members: a"):
        nb.Circuit([decay("a")], name="c", inputs={"in": "zz.u"})
    with pytest.raises(CircuitError, match="has no input 'v'; inputs: u"):
        nb.Circuit([decay("a")], name="c", inputs={"in": "a.v"})
    outer = nb.Circuit([cell("c1"), nb.Circuit([decay("a")], name="bare")])
    with pytest.raises(CircuitError, match="no input port 'inn'; its input ports: in"):
        outer.connect("c1", "c1", input="inn")
    with pytest.raises(CircuitError, match="composite 'bare' has no output ports"):
        outer.connect("bare", "c1")
    with pytest.raises(CircuitError, match="already has a composite named 'c1'.*copy"):
        outer.add(cell("c1"))
    with pytest.raises(CircuitError, match="must start with a letter"):
        outer.add(cell("bad.name"))
    with pytest.raises(CircuitError, match="cannot contain itself"):
        outer.composites["c1"].add(outer)
    with pytest.raises(CircuitError, match="'a' in circuit .* is a Blox, not a composite"):
        outer["c1.a.x"]


def test_copies_are_independent():
    col = nb.blox.WilsonCowanColumn(name="col")
    r1, r2 = col.copy("r1"), col.copy("r2")
    r1["E"].params["P"] = 2.0
    assert r2["E"].params["P"] == col["E"].params["P"] == 1.25
    assert r1.name == "r1" and r1.promoted == {"tau": "*.tau"} and r1.outputs == {"E": "E.A"}


def test_promoted_parameter_sets_every_match_and_reads_their_common_value():
    brain = nb.Circuit([nb.blox.WilsonCowanColumn(name=r) for r in ("r1", "r2")])
    s = nb.compile(brain, backend="numpy")
    assert s.params["r1.tau"] == 10.0
    s.params["r1.tau"] = 4.0
    assert (s.params["r1.E.tau"], s.params["r1.I.tau"], s.params["r2.E.tau"]) == (4.0, 4.0, 10.0)
    assert s.params.match("r1.tau") == ["r1.E.tau", "r1.I.tau"]
    with pytest.raises(ParameterError, match="outside its physical range"):
        s.params["r2.tau"] = -1.0
    s.params["r1.I.tau"] = 6.0
    with pytest.raises(ParameterError, match="'r1.tau' sets 2 parameters that now differ"):
        s.params["r1.tau"]
    sol = nb.simulate(s, 5.0, dt=0.1, params={"r2.tau": 2.0})
    assert sol.params["r2.I.tau"] == 2.0
    assert s.parameter_info("r2.tau").unit == "ms"
    col = nb.blox.WilsonCowanColumn(name="col")
    with pytest.raises(CircuitError, match="matches no parameter.*symbols"):
        col.promote("g", "*.g_Na")
    with pytest.raises(CircuitError, match="a member has that name"):
        col.promote("E", "*.tau")


def test_json_and_code_round_trip_keep_composites_ports_and_promotions(tmp_path):
    inner = cell("c1")
    inner.promote("k", "*.k")
    outer = nb.Circuit([inner, cell("c2"), decay("drive", 0.5)], name="outer")
    outer.connect("c1", "c2", weight=2.0, delay=1.5)
    outer.connect("drive", "c1")
    outer["c2.b"].params["k"] = 3.0
    outer.expose(inputs={"ext": "c1.in"}, outputs={"y": "c2.out"})
    data = outer.to_dict()
    assert data["version"] == 2 and [c["name"] for c in data["composites"]] == ["c1", "c2"]
    back = nb.Circuit.from_json(outer.to_json())
    assert back == outer and back["c2.b"].params["k"] == 3.0
    assert back.composites["c1"].promoted == {"k": "*.k"} and back.outputs == {"y": "c2.out"}
    ns = {}
    exec(outer.to_code("rebuilt"), ns)
    assert ns["rebuilt"] == outer
    code = outer.to_code()
    assert code.count("def make_") == 2   # c1 and c2 differ (a promotion, a changed k)
    # a circuit without composites is still written as version 1 with the old fields
    plain = nb.Circuit([decay("a")]).to_dict()
    assert plain["version"] == 1 and "composites" not in plain and "inputs" not in plain


def test_identical_copies_share_one_builder_function_in_code():
    brain = nb.Circuit([nb.blox.WilsonCowanColumn(name=r) for r in ("r1", "r2", "r3")])
    code = brain.to_code()
    assert code.count("def make_") == 1 and "make_r1('r3')" in code
    ns = {}
    exec(code, ns)
    assert ns["circuit"] == brain


def test_bad_composite_files_are_refused():
    outer = nb.Circuit([cell("c1")], name="outer")
    data = outer.to_dict()
    data["composites"][0]["inputs"] = {"in": "nobody.u"}
    with pytest.raises(CircuitError, match="'nobody' is not in circuit 'c1'"):
        nb.Circuit.from_json(json.dumps(data))
    data = outer.to_dict()
    data["composites"] = "x"
    with pytest.raises(CircuitError, match="'composites' must be a list"):
        nb.Circuit.from_json(json.dumps(data))
    data = outer.to_dict()
    data["version"] = 3
    with pytest.raises(CircuitError, match="versions 1 to 2"):
        nb.Circuit.from_json(json.dumps(data))


def test_populations_and_projections_inside_composites():
    lif = nb.BloxType("LIFc", "dV/dt = (-V + ge)/10\ndge/dt = -ge/5", spike="V > 1",
                      reset="V = 0")
    col = nb.Circuit([nb.Population(lif, n=5, name="exc")], name="col")
    col.connect("exc", "exc", weight=0.2, on_pre="ge += w", p=0.5, seed=3)
    brain = nb.Circuit([col.copy("r1"), col.copy("r2")], name="brain")
    brain.connect("r1.exc", "r2.exc", weight=0.1, on_pre="ge += w", one_to_one=True)
    flat = brain.flatten()
    assert sorted(p.name for p in flat.projections) == ["r1.exc->r1.exc", "r1.exc->r2.exc",
                                                         "r2.exc->r2.exc"]
    s = nb.compile(brain, backend="numpy")
    assert "r2.exc[4].V" in s.state_names and s.state_indices("r2.exc.V").size == 5
    assert s.match("r2.exc[*].V") == [f"r2.exc[{i}].V" for i in range(5)]
    assert nb.Circuit.from_json(brain.to_json()) == brain


def test_compile_refuses_a_promotion_that_no_longer_matches():
    col = cell("c1").promote("k", "*.k")
    col.promoted["k"] = "*.nothing"            # edited by hand after the check
    with pytest.raises(CompileError, match=r"promoted parameter 'c1.k': selector 'c1.\*.nothing'"):
        nb.compile(nb.Circuit([col]), backend="numpy")
