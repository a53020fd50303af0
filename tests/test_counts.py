"""Counts agree with their nouns (issue 16 item 1: the circuit card said
"2 blox, 1 connections"); every such text goes through ``nbblox._text.counted``."""
import nbblox as nb


def test_counted():
    from nbblox._text import counted
    assert [counted(n, "connection") for n in (0, 1, 2)] == \
        ["0 connections", "1 connection", "2 connections"]
    assert counted(1, "blox") == "1 blox" and counted(4, "blox") == "4 blox"
    assert counted(2, "extremum", "extrema") == "2 extrema"


def test_reprs_of_a_one_state_one_parameter_model():
    decay = nb.BloxType("Decay", "dx/dt = -k*x", params={"k": 1.0}, init={"x": 1.0})
    system = nb.compile(decay(name="d"), backend="numpy")
    assert "1 state, 1 parameter," in repr(system), repr(system)
    sol = nb.simulate(system, 1.0, dt=0.1)
    assert "1 variable " in repr(sol) and "variables" not in repr(sol), repr(sol)
