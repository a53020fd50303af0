"""nb.citation: the papers of every model, learning rule and method a result
used, parsed from the catalog's citation strings into text and BibTeX."""
import re

import numpy as np
import pytest

import nbblox as nb
from nbblox.io.citation import parse_citation
from nbblox.model.library import CATALOG


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_catalog_citation_parses_into_references(name):
    text = CATALOG[name].citation
    refs = parse_citation(text)
    if text == "(elementary input)":
        assert refs == []
        return
    assert refs, text
    for doi in re.findall(r"doi:(\S+?)\.?(?:;|$)", text):
        assert doi in [r.doi for r in refs], (doi, text)     # no DOI lost
    for r in refs:
        if r.year:
            assert r.authors and r.authors[0][0].isupper(), r.text
            assert f"({r.year})" in r.text
        entry = r.bibtex()
        assert entry.count("{") == entry.count("}")


def test_a_simulation_cites_its_models_once_and_its_integrator():
    c = nb.Circuit([nb.blox.MontbrioPazoRoxin(name="m"), nb.blox.QIF(name="q"),
                    nb.blox.HodgkinHuxley(name="hh")])
    sol = nb.simulate(c, 2.0, dt=0.01, method="rk4")
    refs = nb.citation(sol)
    keys = [r.key for r in refs]
    # Montbrio et al. 2015 is cited by two blox (once with, once without its DOI)
    assert keys.count("Montbrio2015") == 1
    mpr = refs[keys.index("Montbrio2015")]
    assert mpr.used_for == ["Montbrió–Pazó–Roxin (m)", "Quadratic integrate-and-fire (q)"]
    assert {"Hodgkin1952", "Ermentrout1986", "Kutta1901", "Lam2015"} <= set(keys)
    bib = refs.bibtex()
    assert "@article{Hodgkin1952," in bib and "pages = {500--544}" in bib
    assert "doi = {10.1113/jphysiol.1952.sp004764}" in bib
    assert "[1] Montbrio E, Pazo D, Roxin A (2015)" in str(refs)


def test_methods_follow_the_run():
    ou = nb.blox.OUNoise(name="ou")
    keys = lambda obj: [r.key for r in nb.citation(obj)]   # noqa: E731
    assert "Rumelin1982" in keys(nb.simulate(ou, 2.0, dt=0.1, method="heun", seed=1))
    assert "Maruyama1955" in keys(nb.simulate(ou, 2.0, dt=0.1, method="em", seed=1))
    fhn = nb.blox.FitzHughNagumo(name="fhn")
    adaptive = keys(nb.simulate(fhn, 5.0, dt=0.5, method="BDF"))
    assert {"Shampine1997", "Virtanen2020"} <= set(adaptive)
    assert "Maruyama1955" not in keys(nb.simulate(fhn, 2.0, dt=0.1, method="euler"))
    # schemes without an entry in METHOD_PAPERS cite what their declaration in
    # compile/schemes.py cites (a new scheme needs no edit of io/citation.py)
    assert "Runge1895" in keys(nb.simulate(fhn, 2.0, dt=0.1, method="midpoint"))
    hh = keys(nb.simulate(nb.blox.HodgkinHuxley(name="hh"), 1.0, dt=0.01,
                          method="exponential_euler"))
    assert {"MacGregor1987", "Hochbruck2010"} <= set(hh) and "ref" not in hh
    assert "Kuznetsov2004" in keys(nb.continuation(fhn, "fhn.I", (0.0, 1.0)))
    assert keys(nb.Circuit([fhn])) == ["FitzHugh1961", "Nagumo1962"]   # a model alone


def test_learning_rules_are_cited():
    LIF = nb.BloxType("LIFc", "dV/dt = (-V + I)/10", params={"I": 1.5}, spike="V > 1",
                      reset="V = 0", kind="neuron")
    a, b = nb.Population(LIF, 2, name="a"), nb.Population(LIF, 2, name="b")
    c = nb.Circuit([a, b])
    c.connect(a, b, weight=0.1, on_pre="V += w", p=1.0, seed=0, plasticity=nb.STDP())
    refs = nb.citation(c)
    assert [r.key for r in refs] == ["Song2000"]
    assert refs[0].used_for == ["STDP learning rule (a->b)"]


def test_a_loaded_result_cites_the_same_papers(tmp_path):
    sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh"), 2.0, dt=0.01)
    back = nb.load(sol.save(tmp_path / "hh.nc"))
    assert str(nb.citation(back)) == str(nb.citation(sol))


def test_custom_citation_text_is_escaped_in_bibtex():
    T = nb.BloxType("Odd", "dx/dt = -x", citation="Smith J (2020). 100% {weird} & #1 \\ model. "
                    "J Odd 1:1-2. doi:10.1/x_y")
    bib = nb.citation(nb.Circuit([T(name="o")])).bibtex()
    assert r"100\% \{weird\} \& \#1 \textbackslash{} model" in bib and "{10.1/x_y}" in bib
    assert bib.count("{") - bib.count(r"\{") == bib.count("}") - bib.count(r"\}")
    assert np.all([line.startswith(("%", "@", "  ", "}")) for line in bib.strip().splitlines()
                   if line])
