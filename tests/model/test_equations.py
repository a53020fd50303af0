"""The equation language: what parses, what is refused, and how errors point."""
import pytest
import sympy as sp

import nbblox as nb
from nbblox.exceptions import EquationError, ParameterError
from nbblox.model.equations import parse_assignments, parse_equations, parse_expression


def test_parses_states_aux_and_comments():
    eq = parse_equations("""
        # FitzHugh-Nagumo
        cubic = V - V**3/3      # auxiliary
        dV/dt = cubic - w + I
        dw/dt = (V + a - b*w)/tau
    """)
    assert eq.states == ("V", "w")
    assert list(eq.aux) == ["cubic"]
    V, w, I = sp.symbols("V w I", real=True)
    assert sp.simplify(eq.substituted()["V"] - (V - V**3 / 3 - w + I)) == 0
    assert eq.lines == {"cubic": 3, "V": 4, "w": 5}


def test_parenthesised_expression_may_span_lines():
    eq = parse_equations("dx/dt = (a*x +\n   b)")
    a, b, x = sp.symbols("a b x", real=True)
    assert eq.rhs["x"] == a * x + b


def test_functions_and_constants_translate_to_sympy():
    e = parse_expression("exp(x) + sqrt(y) + abs(z) + max(x, y) + heaviside(x) + pi")
    names = {type(a).__name__ for a in sp.preorder_traversal(e)}
    assert {"exp", "Abs", "Max", "Heaviside"} <= names
    assert sp.pi in e.atoms(sp.NumberSymbol)


@pytest.mark.parametrize("text, fragment", [
    ('dV/dt = __import__("os")', "unknown function '__import__'"),
    ("dV/dt = V.real", "attribute access is not allowed"),
    ("dV/dt = (lambda q: q)(V)", "only plain function calls"),
    ("dV/dt = lambda: 1", "lambda is not allowed"),
    ("dV/dt = V[0]", "indexing is not allowed"),
    ("dV/dt = exp(x=V)", "takes no keyword arguments"),
    ("dV/dt = open('f')", "unknown function 'open'"),
    ("dV/dt = _secret", "may not start with '_'"),
    ("dV/dt = 'text'", "only numbers are allowed"),
    ("dV/dt = V if V else 0", "IfExp is not allowed"),
    ("dV/dt = V > 0", "comparison is only allowed in a condition"),
    ("dV/dt = exp(V, V)", "exp() takes 1 argument"),
    ("dV/dt = V // 2", "operator 'FloorDiv' is not allowed"),
])
def test_forbidden_constructs_are_refused_with_a_reason(text, fragment):
    with pytest.raises(EquationError, match=None) as err:
        parse_equations(text, blox="cell")
    assert fragment in str(err.value)
    assert "blox 'cell'" in str(err.value) and "line 1" in str(err.value)


def test_syntax_error_reports_line_and_column():
    with pytest.raises(EquationError) as err:
        parse_equations("dV/dt = V\ndw/dt = V +* 2", blox="fhn")
    e = err.value
    assert e.lineno == 2 and e.column == 12
    assert "syntax error" in str(e) and "dw/dt = V +* 2" in str(e)


def test_trailing_operator_puts_the_caret_where_the_operand_is_missing():
    """Issue 16: Python reports 'V +' at offset 0, so the caret sat under the 'V'."""
    with pytest.raises(EquationError) as err:
        parse_equations("dV/dt = V +", blox="fhn")
    e = err.value
    assert e.column == len("dV/dt = V +") + 1 and "ends with '+'" in str(e)
    caret_line = str(e).splitlines()[-1]
    assert caret_line.index("^") == str(e).splitlines()[-2].index("+") + 1


def test_unreadable_line_and_duplicates_and_reserved_names():
    with pytest.raises(EquationError, match="cannot read this line"):
        parse_equations("V' = -V")
    with pytest.raises(EquationError, match="defined twice"):
        parse_equations("dV/dt = -V\ndV/dt = V")
    with pytest.raises(EquationError, match="reserved name"):
        parse_equations("t = 3\ndV/dt = -V")
    with pytest.raises(EquationError, match="no differential equation"):
        parse_equations("a = 3")


def test_auxiliary_used_before_definition():
    with pytest.raises(EquationError, match="'a' uses b before it is defined"):
        parse_equations("a = b + 1\nb = 2\ndx/dt = a")


def test_unknown_symbol_names_line_and_suggests():
    with pytest.raises(EquationError) as err:
        nb.BloxType("Cell", "dV/dt = -V/tau\ndw/dt = V - wx", params={"tau": 1.0})
    msg = str(err.value)
    assert "unknown symbol 'wx'" in msg and "line 2" in msg and "Did you mean 'w'" in msg


def test_derivative_of_undeclared_state_is_refused():
    # an initial value for a state that has no d/dt line
    with pytest.raises(ParameterError, match="'Q', which has no dQ/dt line"):
        nb.BloxType("Cell", "dV/dt = -V", init={"Q": 1.0})
    # a parameter that also has a derivative
    with pytest.raises(EquationError, match="declared as a parameter but has a derivative"):
        nb.BloxType("Cell", "dV/dt = -V\ndk/dt = 1", params={"k": 1.0})


def test_reset_statements_and_conditions():
    assert parse_assignments("V = c; u += d") == [
        ("V", sp.Symbol("c", real=True)),
        ("u", sp.Symbol("u", real=True) + sp.Symbol("d", real=True))]
    cond = parse_expression("V >= 30 and u < 1", condition=True)
    assert isinstance(cond, sp.And)
    with pytest.raises(EquationError, match="not a state"):
        nb.BloxType("N", "dV/dt = -V", spike="V > 1", reset="W = 0")
    with pytest.raises(EquationError, match="needs a spike condition"):
        nb.BloxType("N", "dV/dt = -V", reset="V = 0")


def test_exprel_higher_derivatives_are_finite_at_the_removable_singularity():
    """d^k/dx^k (e^x - 1)/x at 0 is 1/(k+1) (Taylor series sum x^j/(j+1)!); the closed
    forms are 0/0 there, which made HH's Lyapunov coefficient NaN at V = -40 mV."""
    import sympy as sp
    from nbblox.model.symbolic import exprel, exprel1, expreln
    x, s = sp.Symbol("x", real=True), sp.Symbol("s", real=True)
    as_integral = {expreln: lambda k, a: sp.Integral(s**k * sp.exp(a * s), (s, 0, 1)),
                   exprel1: lambda a: sp.Integral(s * sp.exp(a * s), (s, 0, 1))}
    for k in (1, 2, 3):
        d = sp.diff(exprel(x), x, k)
        assert d.subs(x, 0) == sp.Rational(1, k + 1)
        # away from 0 it is the derivative of the closed form
        here = d.subs(x, sp.Rational(3, 10))
        for f, integral in as_integral.items():
            here = here.replace(f, integral)
        closed = sp.diff((sp.exp(x) - 1) / x, x, k).subs(x, sp.Rational(3, 10))
        assert abs(sp.N(here, 20) - sp.N(closed, 20)) < 1e-15


def test_checking_equations_does_not_need_sympy():
    """A warm compile reads equations with the AST checker only (peak memory, cold start)."""
    import subprocess
    import sys
    code = ("import sys\n"
            "from nbblox.model.equations import parse_equations\n"
            "e = parse_equations('x = a*V\\ndV/dt = -V + x + I_syn')\n"
            "assert e.states == ('V',) and e.aux_names == ('x',)\n"
            "assert e.used == {'a', 'x', 'V', 'I_syn'}, e.used\n"
            "assert 'sympy' not in sys.modules\n"
            "print(e.rhs['V'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "I_syn - V + x"
