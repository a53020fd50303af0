"""Units (pint): equation lines and connections that disagree are errors naming
the line or both ends; unit= on the weight converts; models without units are
never checked."""
import subprocess
import sys

import numpy as np
import pytest

import nbblox as nb
from nbblox.exceptions import CircuitError, EquationError
from nbblox.model.library import CATALOG
from nbblox.model.units import UnitError, check_equations, output_unit


def leaky(text="dV/dt = (E - V)/tau + I/C", **units):
    return nb.BloxType("Leaky", text, units=units or {"V": "mV"},
                       params={"E": (-65.0, None, "mV"), "tau": (10.0, None, "ms"),
                               "I": (0.0, None, "uA/cm^2"), "C": (1.0, None, "uF/cm^2"),
                               "g": (0.1, None, "mS/cm^2")})


def test_every_catalog_type_with_units_is_consistent():
    checked = [n for n, t in CATALOG.items() if t.units]
    assert {"HodgkinHuxley", "WilsonCowan", "JansenRit", "AMPA", "WilsonCowanPopulation"} \
        <= set(checked)
    for n in checked:
        check_equations(CATALOG[n])      # raises EquationError naming the line if not


def test_a_consistent_line_passes_and_a_wrong_one_is_reported_with_its_line():
    leaky()                                                   # mV/ms on both sides
    with pytest.raises(EquationError) as err:
        leaky("x = I/C\ndV/dt = x*tau")            # uA/uF*ms is mV, not mV/ms
    assert err.value.lineno == 2 and "dV/dt must be in mV/ms" in str(err.value)
    assert "right-hand side is in uA*ms/uF" in str(err.value) and "dV/dt = x*tau" in str(err.value)
    with pytest.raises(EquationError, match=r"line 2\] units disagree: the sum "
                                            r"'\(E - V\) / tau \+ x \* tau' mixes mV/ms and"):
        leaky("x = I/C\ndV/dt = (E - V)/tau + x*tau")
    with pytest.raises(EquationError, match=r"line 1\] units disagree: the sum 'E - g'"):
        leaky("dV/dt = (E - g)/tau")
    with pytest.raises(EquationError, match=r"exp\(\) needs a dimensionless argument, but "
                                            r"'V' is in mV"):
        leaky("dV/dt = (E - V)/tau*exp(V)")
    with pytest.raises(EquationError, match="'x' is declared in mV but its expression is in"):
        leaky("x = I/C\ndV/dt = (E - V)/tau", V="mV", x="mV")
    with pytest.raises(EquationError, match=r"output .I_out.: declared in uA/cm\^2 but the "
                                            r"expression .V. is in mV"):
        nb.BloxType("L2", "dV/dt = (E - V)/tau", outputs={"I_out": "V"},
                    units={"V": "mV", "I_out": "uA/cm^2"},
                    params={"E": (-65.0, None, "mV"), "tau": (10.0, None, "ms")})


def test_numbers_are_wildcards_so_rate_functions_pass():
    # 0.1/exprel(-(V + 40)/10): the numbers carry mV and 1/ms in the paper
    leaky("a = 0.1/exprel(-(V + 40)/10)\ndV/dt = a*(E - V)")


def test_bad_unit_text_and_bad_units_keys_are_refused():
    with pytest.raises(CircuitError, match="unit 'furlongs per fortnightx' is not a unit"):
        nb.BloxType("B", "dV/dt = -V/tau", units={"V": "mV"},
                    params={"tau": (1.0, None, "furlongs per fortnightx")})
    with pytest.raises(nb.ParameterError, match="units= gives 'W'"):
        nb.BloxType("B", "dV/dt = -V", units={"W": "mV"})


def test_a_connection_between_different_dimensions_is_an_error_naming_both():
    """The issue's case: a Hodgkin-Huxley voltage into a Wilson-Cowan rate input."""
    hh, wc = nb.blox.HodgkinHuxley(name="hh"), nb.blox.WilsonCowan(name="wc")
    c = nb.Circuit([hh, wc])
    with pytest.raises(UnitError) as err:
        c.connect(hh, wc)
    msg = str(err.value)
    assert "output 'V' of 'hh' (HodgkinHuxley) is in mV" in msg
    assert "input 'I_syn' of 'wc' (WilsonCowan) is dimensionless" in msg
    assert "unit='1/mV'" in msg
    assert not c.connections
    c.connect(hh, wc, weight=0.01, unit="1/mV")               # the way out
    assert c.connections[0].unit == "1/mV" and c.connections[0].scale == 1.0
    with pytest.raises(UnitError, match="a weight in 1/ms gives"):
        c.connect(hh, wc, unit="1/ms")


def test_same_dimension_other_scale_is_an_error_and_unit_converts_it():
    volts = nb.BloxType("VoltIn", "dy/dt = u", inputs=("u",), units={"y": "V", "u": "V/ms"})
    ramp = nb.BloxType("Ramp", "dV/dt = k", outputs={"rate": "k"}, units={"V": "mV"},
                       params={"k": (1.0, None, "mV/ms")})
    src = ramp(name="src")
    c = nb.Circuit([src, volts(name="dst")])
    with pytest.raises(UnitError, match=r"mV/ms but input 'u' of 'dst' \(VoltIn\) is in V/ms "
                                        r"\(a factor 0.001\).*unit='1'"):
        c.connect("src", "dst", output="rate")
    c.connect("src", "dst", output="rate", weight=2.0, unit="1")
    k = c.connections[0]
    assert k.scale == pytest.approx(0.001) and k.weight == 2.0
    s = nb.compile(c, backend="numpy")
    assert s.weights[0] == pytest.approx(0.002)              # the kernel sees volts
    back = nb.Circuit.from_json(c.to_json())
    assert back.connections[0].unit == "1" and back.connections[0].scale == pytest.approx(0.001)
    code = c.to_code()
    assert "unit='1'" in code


def test_equal_unit_texts_and_unknown_units_need_no_pint():
    code = ("import sys, nbblox as nb\n"
            "pre, syn, post = nb.blox.HodgkinHuxley(name='pre'), nb.blox.AMPA(name='s'), "
            "nb.blox.HodgkinHuxley(name='post')\n"
            "c = nb.Circuit([pre, syn, post]).connect(pre, syn).connect(syn, post)\n"
            "f = nb.blox.FitzHughNagumo(name='f'); w = nb.blox.WilsonCowan(name='w')\n"
            "nb.Circuit([f, w]).connect(f, w).connect(w, f)\n"
            "print('pint' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_dimensionless_models_without_units_connect_freely():
    f, w = nb.blox.FitzHughNagumo(name="f"), nb.blox.WilsonCowan(name="w")
    c = nb.Circuit([f, w]).connect(f, w, weight=0.3).connect(w, f)
    assert [k.scale for k in c.connections] == [1.0, 1.0]
    assert output_unit(f.type, "V") is None


def test_outputs_without_a_declared_unit_are_inferred():
    t = nb.BloxType("Syn", "dr/dt = -r/tau", inputs=("V_post",),
                    outputs={"I": "-g*r*(V_post - E)"},
                    units={"r": "1", "V_post": "mV"},
                    params={"g": (0.1, None, "mS/cm^2"), "E": (0.0, None, "mV"),
                            "tau": (5.0, None, "ms")})
    assert output_unit(t, "I") == "mS*mV/cm^2"
    hh = nb.blox.HodgkinHuxley(name="hh")
    c = nb.Circuit([t(name="syn"), hh]).connect("syn", hh)   # mS*mV/cm^2 is uA/cm^2
    assert c.connections[0].scale == pytest.approx(1.0)
    np.testing.assert_allclose(nb.compile(c, backend="numpy").weights, [1.0])
