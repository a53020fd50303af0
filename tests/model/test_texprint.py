"""How equations are typeset (nbblox/model/texprint.py; issue 16, three defects seen in
served lessons): ``exprel`` shown as the quotient it stands for, the Ornstein-Uhlenbeck
noise term as in its paper, dotted names as one symbol.  Each LaTeX string checked
here differs from what SymPy's own printer gave."""
import math

import numpy as np
import pytest
import sympy as sp

import nbblox as nb
from nbblox.compile.jit import exprel as kernel_exprel, exprel1 as kernel_exprel1
from nbblox.model.blox import latex_equations
from nbblox.model.symbolic import exprel, exprel1, expreln
from nbblox.model.texprint import _display_form, display_latex, latex, symbol_latex

V, x, tau, sigma, xi, mu, D = sp.symbols("V x tau sigma xi mu D", real=True)


def _rows(btype):
    tex = latex_equations(btype)
    body = tex.removeprefix(r"$$\begin{aligned}").removesuffix(r"\end{aligned}$$")
    return dict(row.split(" &= ") for row in body.split(r"\\ "))


def test_hodgkin_huxley_rates_show_the_quotient_not_exprel():
    """Hodgkin & Huxley (1952) eq. 12/13 in the modern sign convention (Dayan & Abbott
    2001, eq. 5.22): alpha_m = 0.1 (V + 40) / (1 - exp(-0.1 (V + 40))), alpha_n =
    0.01 (V + 55) / (1 - exp(-0.1 (V + 55))).  SymPy printed
    \\frac{1}{\\operatorname{exprel}{\\left(- \\frac{V}{10} - 4 \\right)}}."""
    rows = _rows(nb.blox.HodgkinHuxley)
    assert rows[r"\alpha_{m}"] == r"\frac{V + 40}{10 \left(1 - e^{- (V + 40)/10}\right)}"
    assert rows[r"\alpha_{n}"] == r"\frac{0.01 \left(V + 55\right)}{1 - e^{- (V + 55)/10}}"
    # exponents factored, with a slash (a fraction in a superscript is too small to read)
    assert rows[r"\beta_{m}"] == r"4 e^{- (V + 65)/18}"          # was -V/18 - 65/18
    assert rows[r"\phi"] == r"3^{(T - 6.3)/10}"
    assert "exprel" not in latex_equations(nb.blox.HodgkinHuxley)
    assert "exprel" not in latex_equations(nb.blox.WangBuzsaki)


@pytest.mark.parametrize("expr", [1 / exprel(-(V + 40) / 10), sp.Float(0.1) / exprel(-(V + 55) / 10),
                                  exprel(V / 7 + 2), 3 * exprel(-V / 4) ** 2])
def test_the_shown_quotient_equals_the_kernels_exprel(expr):
    """The printed form is the printer's rewrite of the expression: evaluated, it must
    equal the expression with exprel computed as the kernels compute it (expm1(x)/x).
    (Away from the 0/0 that exprel removes: there the quotient loses digits.)"""
    shown = _display_form(expr)
    assert not shown.has(exprel)
    f_shown = sp.lambdify(V, shown, "math")
    f_kernel = sp.lambdify(V, expr, [{"exprel": kernel_exprel}, "math"])
    for v in (-90.0, -65.0, -40.3, -39.9, -20.0, 0.7, 30.0):
        assert math.isclose(f_shown(v), f_kernel(v), rel_tol=1e-9), v


def test_exprel1_is_shown_as_its_closed_form_and_equals_the_kernels():
    assert latex(exprel1(x)) == r"\frac{x e^{x} - e^{x} + 1}{x^{2}}"
    f = sp.lambdify(x, _display_form(exprel1(x)), "math")
    for v in (-3.0, -0.5, 0.25, 2.0):
        assert math.isclose(f(v), kernel_exprel1(v), rel_tol=1e-12)
    # higher derivatives (analysis only): the integral that defines them
    assert latex(expreln(2, x)) == r"\int_{0}^{1} s^{2} e^{x s}\, ds"


def test_ornstein_uhlenbeck_noise_reads_as_in_the_paper():
    """Uhlenbeck & Ornstein (1930); lesson 14 writes dx/dt = (mu - x)/tau + sigma
    sqrt(2/tau) xi(t).  SymPy printed \\sqrt{2} \\sigma \\xi \\sqrt{\\frac{1}{\\tau}} first, and
    the served page (KaTeX's MathML in Chromium) did not stretch the root over the
    fraction: it looked like a power.  2/tau under the root is one line high."""
    assert _rows(nb.blox.OUNoise) == {
        r"\frac{dx}{dt}": r"\frac{\mu - x}{\tau} + \sigma \sqrt{2 / \tau}\, \xi(t)"}


def test_square_roots_and_noise_in_other_products():
    assert latex(sp.sqrt(1 / tau)) == r"\frac{1}{\sqrt{\tau}}"
    assert latex(-sigma * xi * sp.sqrt(1 / tau)) == r"- \frac{\sigma}{\sqrt{\tau}}\, \xi(t)"
    assert latex(sp.sqrt(2 * D) * xi) == r"\sqrt{2 D}\, \xi(t)"
    assert latex(xi) == r"\xi(t)" and latex(sigma * xi) == r"\sigma\, \xi(t)"
    assert latex(mu - x + xi) == r"\mu - x + \xi(t)"             # noise last in a sum


@pytest.mark.parametrize("name, tex", [
    ("E.A", r"{\mathrm{E}{.}A}"),
    ("col2.E.tau", r"{\mathrm{col2{.}E}{.}\tau}"),
    ("E.I_syn", r"{\mathrm{E}{.}I_{syn}}"),
    ("pop_1.V", r"{\mathrm{pop\_1}{.}V}"),
    ("alpha_m", r"\alpha_{m}"),
])
def test_a_dotted_name_is_one_symbol(name, tex):
    """MathJax set SymPy's 'E.A' as punctuation, "E. A"; a brace group makes the '.'
    an ordinary symbol, and the path (blox names) is upright."""
    assert symbol_latex(name) == tex


def test_a_circuits_equations_print_dotted_names_as_symbols():
    """Lesson 17: ``nb.compile(col).equations()["E.A"]``."""
    E = nb.blox.WilsonCowanPopulation(name="E")
    I_ = nb.blox.WilsonCowanPopulation(name="I")
    col = nb.Circuit([E, I_], name="col").connect(E, E, weight=16.0).connect(I_, E, weight=-12.0)
    eq = nb.compile(col).equations()["E.A"]
    tex = display_latex(eq)
    assert tex.startswith(r"$\displaystyle \frac{- {\mathrm{E}{.}A}")
    assert r"{\mathrm{I}{.}A}" in tex and r"{\mathrm{E}{.}\theta}" in tex
    assert "E.A" not in tex and "E.theta" not in tex
    # a product of two such names keeps them apart (MathJax drew "E.AE.r")
    assert r"{\mathrm{E}{.}A} \cdot {\mathrm{E}{.}r}" in tex
    # the expression itself keeps its plain symbols (Jacobians differentiate by name)
    assert sp.Symbol("E.A", real=True) in eq.free_symbols


def test_printing_never_changes_the_expression():
    e = 1 / exprel(-(V + 40) / 10) + sigma * sp.sqrt(2 / tau) * xi
    before = sp.srepr(e)
    latex(e)
    assert sp.srepr(e) == before and e.has(exprel)


def test_a_matrix_prints():
    m = sp.Matrix([[exprel(x), sp.Symbol("E.A")]])
    tex = latex(m)
    assert "exprel" not in tex and r"{\mathrm{E}{.}A}" in tex
    assert np.isfinite(float(_display_form(exprel(x)).subs(x, 0.5)))
