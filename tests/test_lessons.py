"""Exercise checkers of the course: each accepts the right answer (found here
by another route than the checker's own) and refuses a wrong one."""
import functools
import tempfile
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import fsolve

import nbblox as nb
from nbblox.lessons import EXERCISES, check, firing_rate


def right_answers():
    fhn = nb.blox.FitzHughNagumo(name="f")
    rest = nb.simulate(fhn, 2000.0, dt=0.05)["f.V"][-1]
    hopf = [s.param_value for s in nb.continuation(fhn, "f.I", (0.0, 2.0)).special_points
            if s.kind == "H"][0]
    hh = nb.simulate(nb.blox.HodgkinHuxley(name="hh", I=10.0), 1000.0, dt=0.005)
    # Wilson-Cowan at c1 = 24, P = 0.5: count distinct roots from a grid of fsolve starts
    wc = nb.compile(nb.blox.WilsonCowan(name="wc"))
    p = wc.param_vector({"wc.c1": 24.0, "wc.P": 0.5})
    roots = []
    for e0 in np.linspace(0.0, 0.5, 11):
        for i0 in np.linspace(0.0, 0.5, 11):
            z, info, ok, _ = fsolve(lambda z: wc.rhs(z, params=p), [e0, i0], full_output=True)
            if ok == 1 and np.all((z >= 0) & (z <= 0.5)) and np.abs(wc.rhs(z, params=p)).max() < 1e-10:
                if not any(np.abs(z - r).max() < 1e-6 for r in roots):
                    roots.append(z)
    # Jansen & Rit 1995: alpha near 10 Hz at p = 220 /s (FFT of an independent run)
    jr = nb.simulate(nb.blox.JansenRit(name="jr"), 5000.0, dt=0.05, method="heun")
    keep = jr.t > 1000.0
    x = (jr["jr.y1"] - jr["jr.y2"])[keep]
    freqs = np.fft.rfftfreq(x.size, d=0.05 / 1000.0)
    alpha = freqs[np.argmax(np.abs(np.fft.rfft(x - x.mean())))]
    assert 8.0 < alpha < 12.0
    # Morris-Lecar Hopf set: rest loses stability where a small kick stops decaying
    ml = nb.compile(nb.blox.MorrisLecar(name="ml", preset="hopf"))
    def grows(I):
        fp = nb.fixed_points(ml, params={"ml.I": I}, bounds={"ml.V": (-70, 40), "ml.w": (0, 1)})
        J = ml.jacobian(np.array([fp[0].state["ml.V"], fp[0].state["ml.w"]]),
                        params={"ml.I": I})
        return np.linalg.eigvals(J).real.max() > 0
    lo, hi = 80.0, 100.0
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if grows(mid) else (mid, hi)
    # LIF rate from a fine simulation (the checker uses the closed form)
    lif = nb.simulate(nb.blox.LIF(name="l", I=2.5), 2000.0, dt=0.005, method="euler")
    lif_rate = 1000.0 / np.mean(np.diff(lif.spikes["time"]))
    # COBA: median CV computed here with numpy from the lesson network's spikes
    from nbblox.lessons import coba_network
    sol = nb.simulate(coba_network(), 1000.0, dt=0.1, method="euler", record=["net[0].v"],
                      stride=10)
    cvs = []
    for n in range(4000):
        st = np.sort(sol.spikes["time"][sol.spikes["index"] == n])
        if st.size >= 3:
            cvs.append(np.diff(st).std() / np.diff(st).mean())
    # lesson 7: the bidirectional ring, counted on the circuit itself
    nodes = [nb.blox.WilsonCowan(name=f"n{i}") for i in range(5)]
    Wr = np.zeros((5, 5))
    Wr[np.arange(5), (np.arange(5) + 1) % 5] = 1.2
    ring = nb.Circuit.from_adjacency(nodes, Wr + Wr.T)
    # lesson 9: the delays nbblox puts on the delayed whole-brain circuit
    cx = nb.data.connectome("tvb76")
    delayed = cx.to_circuit(nb.blox.WilsonCowan, coupling=0.2, speed=5.0)
    # lesson 10: FHN's first Hopf point at a = 0.5 by continuation (the checker: closed form)
    hopf_a05 = [s.param_value for s in nb.continuation(nb.blox.FitzHughNagumo(name="f", a=0.5),
                                                       "f.I", (0.0, 2.0)).special_points
                if s.kind == "H"][0]
    # lesson 11: the circuit file written as the lesson does
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b", P=0.5)
    folder = Path(tempfile.mkdtemp())
    nb.Circuit([a, b], name="pair").connect(a, b, weight=1.5).to_json(folder / "pair.json")
    return {
        "ring_connections": len(ring.connections),
        "longest_delay_ms": max(cn.delay for cn in delayed.connections),
        "fhn_hopf_I_a05": hopf_a05,
        "pair_file": folder / "pair.json",
        "lif_rate": lif_rate,
        "coba_irregular": float(np.median(cvs)),
        "ml_hopf_I": hi,
        "wc_bistable_count": len(roots),
        "jr_alpha_Hz": alpha,
        "fhn_rest_V": rest,
        "fhn_hopf_I": hopf,
        # rheobase for repetitive firing of the HH model at 6.3 degC is about
        # 6.2-6.3 uA/cm^2 (e.g. Ermentrout & Terman 2010; Izhikevich 2007, ch. 7)
        "hh_rheobase": 6.25,
        "hh_rate_10": firing_rate(hh, "hh.V", t_min=100.0),
        # Song, Miller & Abbott 2000: one pair s ms apart, A_plus * exp(-s/tau_pre)
        "stdp_pair_dw": 0.01 * np.exp(-15.0 / 20.0),
    }


WRONG = {"lif_rate": 100.0, "coba_irregular": 0.1, "ml_hopf_I": 80.0, "wc_bistable_count": 1, "jr_alpha_Hz": 20.0, "fhn_rest_V": 0.0, "fhn_hopf_I": 1.0, "hh_rheobase": 2.0, "hh_rate_10": 40.0,
         "stdp_pair_dw": 0.01, "ring_connections": 5, "longest_delay_ms": 10.0,
         "fhn_hopf_I_a05": 0.33}


def _wrong_pair_file():
    a = nb.blox.WilsonCowan(name="a")
    b = nb.blox.WilsonCowan(name="b", P=0.5)
    path = Path(tempfile.mkdtemp()) / "pair.json"
    nb.Circuit([a, b], name="pair").connect(a, b, weight=2.0).to_json(path)
    return path


def test_every_checker_accepts_the_right_answer_and_refuses_a_wrong_one():
    WRONG["pair_file"] = _wrong_pair_file()
    answers = right_answers()
    assert set(answers) | set(DYNAMICS) | set(NETWORKS) == set(EXERCISES)
    for name, value in answers.items():
        ok = check(name, value)
        assert ok, ok.message
        bad = check(name, WRONG[name])
        assert not bad and "not right yet" in bad.message


def test_no_answer_yet_and_nonsense():
    r = check("hh_rate_10", None)
    assert not r and "no answer yet" in r.message and "green" not in r._repr_html_()
    word = check("hh_rate_10", "fast")              # a ✘ with a hint, not a traceback
    assert not word and "not a number" in word.message
    arr = check("fhn_rest_V", np.array([-1.2, -1.19, -1.1994]))   # the whole trace (issue 16)
    assert not arr and "3 values" in arr.message and "pick the one" in arr.message
    assert check("fhn_rest_V", np.array([-1.1994]))                # one value in an array is fine


# -- lessons 13-15: each answer by a route independent of the checker's ---------

def _hr_rhs(t, u, I=2.0, a=1.0, b=3.0, c=1.0, d=5.0, r=0.001, s=4.0, xR=-1.6):
    """Hindmarsh & Rose (1984), written out here (not nbblox's text)."""
    x, y, z = u
    return [y - a * x**3 + b * x**2 - z + I, c - d * x**2 - y, r * (s * (x - xR) - z)]


def _hr_start_z(I=2.0, a=1.0, b=3.0, c=1.0, d=5.0):
    """Fold of the fast subsystem where rest ends: equilibria satisfy
    z = I + c + (b - d) x^2 - a x^3, whose local minimum is at x = 2(b - d)/(3a)."""
    x = 2 * (b - d) / (3 * a)
    return I + c + (b - d) * x**2 - a * x**3


def _hr_spikes_per_burst_scipy():
    """LSODA on the equations above (rtol 1e-9), from the catalog's initial state."""
    from scipy.integrate import solve_ivp
    t = np.arange(0.0, 4000.0, 0.01)
    sol = solve_ivp(_hr_rhs, (0.0, 4000.0), [-1.6, -11.8, 0.0], t_eval=t, method="LSODA",
                    rtol=1e-9, atol=1e-9)
    x = sol.y[0]
    st = t[1:][(x[1:] >= 1.0) & (x[:-1] < 1.0)]
    starts = np.flatnonzero(np.diff(st) > 50.0) + 1
    sizes = [len(b) for b in np.split(st, starts)][1:-1]
    assert len(set(sizes)) == 1, sizes          # regular bursting: every burst alike
    return sizes[0]


@functools.lru_cache(maxsize=None)
def _noisy_lif_numpy(n=1000, t_end=2000.0, dt=0.02, seed=7, mu=15.0, sigma=5.0, tau=20.0,
                     th=20.0, vr=10.0, t_ref=2.0, transient=200.0):
    """Euler-Maruyama in numpy (Brunel 2000's tau dV/dt = mu - V + sigma sqrt(tau) xi):
    the rate (Hz) and the CV of the intervals of all neurons pooled (they are alike;
    a per-neuron CV of a short run is biased low), without nbblox's kernels."""
    rng = np.random.default_rng(seed)
    V = np.full(n, vr)
    ref_until = np.zeros(n)
    spikes = [[] for _ in range(n)]
    steps = int(round(t_end / dt))
    kick = sigma * np.sqrt(dt / tau)
    for k in range(steps):
        t = (k + 1) * dt
        free = t > ref_until
        V[free] += dt * (mu - V[free]) / tau + kick * rng.standard_normal(free.sum())
        fired = np.flatnonzero(V > th)
        for i in fired:
            spikes[i].append(t)
        V[fired] = vr
        ref_until[fired] = t + t_ref
    late = [np.array(s)[np.array(s) > transient] for s in spikes]
    rate = sum(s.size for s in late) / n / ((t_end - transient) / 1000.0)
    isi = np.concatenate([np.diff(s) for s in late])
    return rate, float(isi.std() / isi.mean())


def _tm_amplitudes(rate, n, U, tau_D, tau_F):
    """EPSCs of a regular train by the recursion of Markram, Wang & Tsodyks (1998):
    u_n = u_{n-1} e^{-T/tau_F} + U (1 - u_{n-1} e^{-T/tau_F}),
    R_n = R_{n-1} (1 - u_{n-1}) e^{-T/tau_D} + 1 - e^{-T/tau_D}, EPSC_n = u_n R_n."""
    T = 1000.0 / rate
    u, R, out = U, 1.0, []
    for _ in range(n):
        out.append(u * R)
        R = R * (1 - u) * np.exp(-T / tau_D) + 1 - np.exp(-T / tau_D)
        u = u * np.exp(-T / tau_F) + U * (1 - u * np.exp(-T / tau_F))
    return out


def _tm_best_rate_formula():
    from scipy.optimize import minimize_scalar
    from nbblox.lessons.dynamics import FACILITATING
    last = lambda f: _tm_amplitudes(f, 400, **FACILITATING)[-1]
    return minimize_scalar(lambda f: -last(f), bounds=(1.0, 60.0), method="bounded").x


#: lesson 13-15 exercises: name -> (independent route, a wrong answer)
DYNAMICS = {
    "hr_burst_start_z": (_hr_start_z, 3.0),             # the other fold (spiking's end)
    "hr_spikes_per_burst": (_hr_spikes_per_burst_scipy, 8),
    "lif_noise_rate": (lambda: _noisy_lif_numpy()[0], 15.0),
    "lif_noise_cv": (lambda: _noisy_lif_numpy()[1], 1.0),   # Poisson's CV
    # Tsodyks & Markram 1997: PPR = 1 - U e^{-dt/tau_D} without facilitation
    "tm_paired_pulse_ratio": (lambda: 1 - 0.5 * np.exp(-50.0 / 800.0), 0.5),
    # Tsodyks, Pawelzik & Markram 1998: peak near 1/sqrt(U tau_D tau_F) = 22 Hz
    "tm_best_rate": (_tm_best_rate_formula, 40.0),
}


@pytest.mark.parametrize("name", sorted(DYNAMICS))
def test_lesson_13_to_15_checkers_agree_with_an_independent_route(name):
    route, wrong = DYNAMICS[name]
    value = route()
    ok = check(name, value)
    assert ok, ok.message
    bad = check(name, wrong)
    assert not bad and "not right yet" in bad.message


def test_tm_best_rate_is_near_the_peak_frequency_estimate():
    """Tsodyks, Pawelzik & Markram (1998): the stationary EPSC of a facilitating
    synapse peaks near 1/sqrt(U tau_D tau_F)."""
    from nbblox.lessons.dynamics import FACILITATING as F
    estimate = 1000.0 / np.sqrt(F["U"] * F["tau_D"] * F["tau_F"])
    assert abs(_tm_best_rate_formula() - estimate) < 0.1 * estimate


# -- lessons 16-17: network rhythms and composites, by independent routes -----

#: Brian2's example of Brunel & Hakim (1999) (frompapers/Brunel_Hakim_1999.py, 2.9
#: syntax), 1 s with seeds 1-5: the peak of the population-rate spectrum after 100 ms, Hz
#: (the runs recorded in tests/sim/test_brian2_conventions.py).  Lesson 16's run is the
#: same protocol (1 s, 100 ms skipped; it was 2 s before session 29).
BRIAN2_BH_HZ = [137.35, 137.75, 137.43, 137.91, 137.92]


def _bh_mean_field_rate():
    """The asynchronous state's self-consistent Siegert rate (Brunel & Hakim 1999,
    eqs. 8-10), written out here with scipy (not nbblox.examples.rhythms)."""
    from scipy import integrate, special
    from scipy.optimize import brentq
    C, J, tau = 1000, 0.1, 20.0

    def siegert(nu):
        k = nu / 1000.0 * tau * C
        mu, sd = 25.0 - J * k, np.sqrt(1.0 + J * J * k)
        I, _ = integrate.quad(lambda u: special.erfcx(-u), (10.0 - mu) / sd, (20.0 - mu) / sd)
        return 1000.0 / (2.0 + tau * np.sqrt(np.pi) * I)

    return brentq(lambda nu: siegert(nu) - nu, 0.01, 400.0)


def _wilson_cowan_frequency(tau=5.0, t_end=2000.0, discard=500.0):
    """Wilson & Cowan (1972) written out here (subtracted sigmoid, limit-cycle set
    c1..c4 = 16, 12, 15, 3, P = 1.25), LSODA at rtol 1e-9: the frequency (Hz) of
    E from its upward crossings of the midpoint of its range after ``discard`` ms."""
    from scipy.integrate import solve_ivp

    def S(x, a, th):
        return 1 / (1 + np.exp(-a * (x - th))) - 1 / (1 + np.exp(a * th))

    def rhs(t, u):
        E, I = u
        kE, kI = 1 - 1 / (1 + np.exp(1.3 * 4.0)), 1 - 1 / (1 + np.exp(2.0 * 3.7))
        return [(-E + (kE - E) * S(16 * E - 12 * I + 1.25, 1.3, 4.0)) / tau,
                (-I + (kI - I) * S(15 * E - 3 * I, 2.0, 3.7)) / tau]

    t = np.arange(discard, t_end, 0.01)
    E = solve_ivp(rhs, (0.0, t_end), [0.1, 0.05], t_eval=t, method="LSODA", rtol=1e-9,
                  atol=1e-12).y[0]
    mid = 0.5 * (E.min() + E.max())
    up = t[1:][(E[1:] >= mid) & (E[:-1] < mid)]
    return 1000.0 / np.diff(up).mean()


#: lesson 16-17 exercises: name -> (independent route, a wrong answer)
NETWORKS = {
    # rate of a noise-free LIF at mu_ext = 25 mV (no network): 1/(t_ref + tau ln 3)
    "bh_rate": (_bh_mean_field_rate, 1000.0 / (2.0 + 20.0 * np.log(3.0))),
    "bh_frequency": (lambda: float(np.mean(BRIAN2_BH_HZ)), 1000.0 / (2 * 2.0)),   # 1/(2D)
    "bh_cycles_per_spike": (lambda: float(np.mean(BRIAN2_BH_HZ)) / _bh_mean_field_rate(),
                            1.0),                                   # firing every cycle
    # 3 columns x 4 inner connections + 2 links x 2 targets of the port 'drive'
    "chain_connections": (lambda: 3 * 4 + 2 * 2, 4),                # the links alone
    "column_frequency_tau5": (_wilson_cowan_frequency, 20.0),       # tau = 10 ms: 20.0 Hz
}


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_lesson_16_17_checkers_agree_with_an_independent_route(name):
    route, wrong = NETWORKS[name]
    ok = check(name, route())
    assert ok, ok.message
    bad = check(name, wrong)
    assert not bad and "not right yet" in bad.message


def test_bh_mean_field_and_rate_model_match_the_examples_module():
    """The lesson's helpers agree with the formulas written out here: the
    mean-field rate, and the onset frequency of tau r' = -r - G r(t - D),
    tan(w D) = -w tau (Brunel & Hakim 2008), which tends to 1/(4D) for D << tau."""
    from scipy.optimize import brentq
    from nbblox.examples.rhythms import mean_field_rate, rate_model_frequency
    assert mean_field_rate()[0] == pytest.approx(_bh_mean_field_rate(), rel=1e-6)
    for tau, D in [(20.0, 2.0), (20.0, 4.0), (10.0, 1.0)]:
        x = brentq(lambda w: np.tan(w * D) + w * tau, np.pi / (2 * D) + 1e-9, np.pi / D - 1e-9)
        assert rate_model_frequency(tau, D) == pytest.approx(1000.0 * x / (2 * np.pi))
        assert 1000.0 / (4 * D) < rate_model_frequency(tau, D) < 1000.0 / (2 * D)
    assert rate_model_frequency(1e6, 2.0) == pytest.approx(125.0, rel=1e-3)


def test_halving_tau_doubles_the_wilson_cowan_frequency():
    """Time rescaling, the reason behind exercise column_frequency_tau5: with
    both time constants halved the same orbit is run twice as fast."""
    assert _wilson_cowan_frequency(5.0) == pytest.approx(2 * _wilson_cowan_frequency(10.0),
                                                         rel=1e-3)


# -- what students type --------------------------------------------------------

@pytest.mark.parametrize("answer", [10, 10.0, np.int64(10), np.float32(10.0), np.array(10),
                                    np.array([10.0]), [10], (10.0,), "10", "10 connections",
                                    " 1e1 ", "10 connection"])
def test_checker_accepts_the_forms_a_student_would_try(answer):
    r = check("ring_connections", answer)
    assert r, r.message


@pytest.mark.parametrize("answer, hint", [
    ("0.2 uA/cm^2", "not right yet"),       # units accepted, value wrong
    ("68 Hz", "this answer is in uA/cm^2, not Hz"),
    ("fast", "is not a number"),
    (True, "not True or False"),
    (np.array([6.0, 7.0]), "has 2 values"),
    ([], "has 0 values"),
    (float("nan"), "finite number"),
    (np.inf, "finite number"),
    (1 + 2j, "not complex"),
    ({"I": 6.2}, "must be a number"),
    (..., "no answer yet"),
    (None, "no answer yet"),
])
def test_checker_answers_a_malformed_answer_with_a_hint(answer, hint):
    r = check("hh_rheobase", answer)       # its truth is never computed for these
    assert not r and hint in r.message, r.message
    assert "Traceback" not in repr(r)


@pytest.mark.parametrize("answer", ["0.33 uA/cm²", "0.33 µA/cm^2", "0.33 uA/cm2",
                                    "0.33 uA / cm**2", np.float64(0.33)])
def test_units_may_be_written_the_usual_ways(answer):
    from nbblox.lessons.answers import read_number
    assert read_number(answer, "uA/cm^2") == pytest.approx(0.33)


def test_a_unit_on_a_unitless_answer_and_the_wrong_name():
    r = check("fhn_rest_V", "-1.2 mV")
    assert not r and "no unit" in r.message
    assert check("fhn_rest_V", "-1.1994")
    assert check("fhn_hopf_I", np.array([0.331]))
    with pytest.raises(KeyError, match="Did you mean 'hh_rate_10'"):
        check("hh_rate10", 68)
    missing = check("pair_file", "no/such/file.json")
    assert not missing and "no file" in missing.message
    assert "as text" in check("pair_file", 3).message


def test_pair_file_refuses_a_file_that_is_not_a_circuit(tmp_path):
    bad = tmp_path / "pair.json"
    bad.write_text('{"schema": "not a circuit"}')
    r = check("pair_file", bad)
    assert not r and "is not a circuit file" in r.message


# -- the lesson notebooks and binder/ ------------------------------------------
import importlib.util
import json
import re
import sys
from importlib import metadata
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_guards_its_science_with_checked_outputs(path):
    """nbval compares a cell tagged nbval-check-output only if it was run and kept
    its output (an unrun reference cell is silently skipped): every lesson keeps at
    least two such cells, each with an execution count and an output, and no
    other cell keeps output (inline BokehJS would make megabytes).  Markers live
    in cell tags, not in comments students see."""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    checked = [c for c in code if "nbval-check-output" in c["metadata"].get("tags", [])
               and not c["metadata"].get("nbgrader", {}).get("grade")]
    assert len(checked) >= 2, f"{path.name}: {len(checked)} checked-output cells"
    for c in checked:
        src = "".join(c["source"])[:80]
        assert c["execution_count"] is not None, f"unrun reference cell: {src}"
        assert c["outputs"], f"checked cell without stored output: {src}"
        assert all(o["output_type"] != "error" for o in c["outputs"]), src
    for c in code:
        assert "NBVAL" not in "".join(c["source"]), "test markers belong in cell tags"
        if c not in checked:
            assert not c["outputs"], "".join(c["source"])[:80]
    first = "".join(nb["cells"][0]["source"])
    m = re.search(r"Runs top to bottom in about (\d+) s", first)
    # the number is measured by build.py (under whatever load the machine had), so
    # only its presence is asserted here (the report lists them)
    assert m, "the first cell must state the run time (python lessons/build.py)"


def _build():
    spec = importlib.util.spec_from_file_location("lesson_build", REPO / "lessons" / "build.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_both_editions_are_built_from_the_current_source(path):
    """The notebooks are what lessons/build.py makes of lessons/src today (no
    edit of a notebook by hand, no source change left unbuilt), and each
    exercise has an answer cell and a graded hidden test: the instructor edition
    runs the hidden tests under nbval, the student edition has neither
    solutions nor hidden tests."""
    build = _build()
    src = REPO / "lessons" / "src" / (path.stem + ".py")
    want = build.mark_exercises(build.parse(src.read_text()), path.stem)
    got = nbformat.read(path, 4)
    assert [c.source for c in got.cells[1:]] == [c.source for c in want[1:]], \
        f"{path.name} is stale: run python lessons/build.py {path.stem[:2]}"
    assert [c.metadata.get("nbgrader") for c in got.cells] == \
        [c.metadata.get("nbgrader") for c in want]
    graded = [c for c in got.cells if c.metadata.get("nbgrader", {}).get("grade")]
    answers = [c for c in got.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert graded and len(graded) == len(answers)
    for c in graded:   # stderr in a graded cell would cost the student the point
        assert "nbval-check-output" in c.metadata.get("tags", []) and not c.outputs
        assert "assert nb.lessons.check(" in c.source
    student = nbformat.read(REPO / "lessons" / "student" / path.name, 4)
    assert student.cells[1:] == build.student_edition(got).cells[1:]
    text = "\n".join(c.source for c in student.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert not any(c.get("outputs") for c in student.cells)
    # test markers are the instructor's: students see no nbval tag either
    assert not [t for c in student.cells for t in c.metadata.get("tags", []) if "nbval" in t]


#: every lesson (all rebuilt since build.py numbers its cells)
NUMBERED = sorted(p.name[:2] for p in (REPO / "lessons" / "src").glob("[0-9][0-9]_*.py"))


def test_rebuilding_an_unchanged_lesson_writes_the_same_bytes(tmp_path):
    """Cell ids come from the lesson and the cell's place (nbformat's are random),
    so a rebuild without execution writes both editions byte for byte again, and
    writes exactly the stored notebooks of the lessons rebuilt since: a diff of
    a rebuild shows only what changed."""
    build = _build()
    build.HERE, build.STUDENT = tmp_path, tmp_path / "student"
    (tmp_path / "src").mkdir()
    for lesson in NUMBERED:
        [src] = (REPO / "lessons" / "src").glob(f"{lesson}_*.py")
        name = src.stem + ".ipynb"
        (tmp_path / "src" / src.name).write_bytes(src.read_bytes())
        (tmp_path / name).write_bytes((REPO / "lessons" / name).read_bytes())
        out = build.build(tmp_path / "src" / src.name, execute=False)
        first = out.read_bytes(), (tmp_path / "student" / name).read_bytes()
        build.build(tmp_path / "src" / src.name, execute=False)
        assert (out.read_bytes(), (tmp_path / "student" / name).read_bytes()) == first, name
        assert first == ((REPO / "lessons" / name).read_bytes(),
                         (REPO / "lessons" / "student" / name).read_bytes()), \
            f"{name}: a rebuild of the unchanged source changes the stored notebooks"
        ids = [c.id for c in nbformat.read(out, 4).cells]
        assert ids == [f"{src.stem}-{k:03d}" for k in range(len(ids))]


def _pins():
    pins = {}
    for line in (REPO / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip()] = version.strip()
    return pins


def test_binder_requirements_pin_the_versions_tested_here():
    """binder/requirements.txt pins exactly what this environment runs the
    lessons with, and installs nbblox itself (repo2docker ignores
    pyproject.toml once binder/ exists)."""
    lines = [l.strip() for l in (REPO / "binder" / "requirements.txt").read_text().splitlines()]
    assert "." in lines
    pins = _pins()
    for needed in ("numpy", "numba", "holoviews", "bokeh", "panel", "anywidget", "tvb-data"):
        assert needed in pins, f"{needed} is not pinned in binder/requirements.txt"
    wrong = {n: (v, metadata.version(n)) for n, v in pins.items() if metadata.version(n) != v}
    assert not wrong, f"pinned vs installed: {wrong}"
    # Binder's base image brings these; pinning them would fight its env
    assert not {"jupyterlab", "notebook", "ipywidgets", "jupyter_server"} & set(pins)


def test_binder_runtime_and_postbuild():
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    assert runtime == f"python-{sys.version_info[0]}.{sys.version_info[1]}", \
        "binder/runtime.txt should name the Python the lessons are tested with"
    post = REPO / "binder" / "postBuild"
    text = post.read_text()
    assert post.stat().st_mode & 0o111, "postBuild must be executable"
    assert "set -e" in text                      # errors are otherwise ignored by repo2docker
    assert "nbblox.warm_cache" in text and "lessons/*.ipynb" in text


def test_served_gallery_lists_every_lesson_once_by_its_title():
    """`nbblox serve lessons/` lists each lesson once (not again from
    lessons/student/), titled by its first heading."""
    from nbblox.ui.serve import collect_apps
    apps, titles = collect_apps(REPO / "lessons")
    lessons = [slug for slug in apps if slug[:2].isdigit()]
    assert sorted(lessons) == [p.stem for p in LESSONS]
    for p in LESSONS:
        assert titles[p.stem].startswith(f"Lesson {int(p.stem[:2])} ")
    # the student folder on its own is a gallery too (what Binder students open)
    student, _ = collect_apps(REPO / "lessons" / "student")
    assert sorted(student) == [p.stem for p in LESSONS]


# -- issue 21, audited: every checker, every new lesson, no answer above its exercise

def _numeric_exercises():
    from nbblox.lessons.answers import Numeric
    return sorted(n for n, (f, _) in EXERCISES.items()
                  if isinstance(getattr(f, "func", None), Numeric))


@pytest.mark.parametrize("name", _numeric_exercises())
def test_every_checker_reads_the_forms_a_student_would_try(name, monkeypatch):
    """Each numeric checker (not only the two tested above) takes a number, a
    numpy scalar, a one-element array or list and a string with its own unit,
    and answers a malformed answer with a hint.  The truth is replaced by 2.5
    so that no model is simulated: what is tested is the reading."""
    ex = EXERCISES[name][0].func
    monkeypatch.setattr(ex, "truth", lambda: 2.5)
    unit = f" {ex.unit}" if ex.unit else ""
    for answer in (2.5, np.float64(2.5), np.float32(2.5), np.array(2.5), np.array([2.5]),
                   [2.5], "2.5", f" 2.5{unit} ", "25e-1"):
        r = check(name, answer)
        assert r, f"{name}: {answer!r} refused: {r.message}"
    wrong = check(name, 2.5 + ex.tol + 1.0)
    assert not wrong and "not right yet" in wrong.message and ex.hint in wrong.message
    other_unit = "2.5 furlongs"
    for answer, hint in [("fast", "is not a number"), (np.array([2.5, 3.0]), "has 2 values"),
                         (other_unit, f"in {ex.unit}, not furlongs" if ex.unit else "no unit"),
                         (None, "no answer yet"), (..., "no answer yet"),
                         (float("nan"), "finite number"), (True, "not True or False")]:
        r = check(name, answer)
        assert not r and hint in r.message, f"{name}: {answer!r} -> {r.message}"
        assert "Traceback" not in repr(r)


NEW_LESSONS = [p for p in LESSONS if p.stem[:2] in {"13", "14", "15", "16", "17"}]


def _graded_names(nb):
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


#: new lessons whose honest run time is over the issue's 60 s: known and open (strict
#: xfail, so a fix shows up).  Lesson 16 simulated 5000 neurons with 5 million synapses
#: for 11 network-seconds: 112 s at load 7 (course2, session 28), 202 s at load 10-13
#: (course, session 29).  Now 4 network-seconds (1 s as in Brian2's reference runs, the
#: checker's own 1 s, the unconnected control on the same compiled system, two delays of
#: 0.5 s) and about 20 s of kernel CPU: 84 s at load 10 by build.py (first run), so about
#: 60 s needs a load near 7 (DESIGN-NOTES, "course (session 29)").  l16 (session 30): the
#: checker reuses the lesson's run (nbblox.sim.memo) and 5-million-synapse arrays are copied
#: less: kernel CPU 17 -> 13 s; first run 69 s at load 12 (stated), warm cache 34 s at
#: load 7, 59-68 s at load 9-10 (DESIGN-NOTES, "l16 (session 30)").  Still over 60 s as
#: stated (a first run at this machine's usual load), so still open.  delays (session 30):
#: section 5 runs the compiled system with delays= instead of two new circuits: 0.5-0.8 s
#: less CPU (build.py first runs 17-20 s -> 15-18 s at load 1.4-1.8); the stated 70 s at
#: load 12 is kept (not re-measured at that load), so still open.  l16b (session 31): 2
#: network-seconds instead of 3 (the unconnected control 400 ms, compared with the network
#: in the same 100-400 ms window; the delays 1 and 4 ms 300 ms each) and no scipy.signal
#: import (nb.spectrum's Welch in numpy): kernel CPU of a first run 11.8-12.0 -> 10.7 s;
#: 55 s at load 13 by build.py (DESIGN-NOTES, "l16b (session 31)").  Closed.
TOO_SLOW = set()


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xfail(
    strict=True, reason="runs over 60 s (TOO_SLOW)")) if p.stem in TOO_SLOW else p
    for p in NEW_LESSONS], ids=[p.stem for p in NEW_LESSONS])
def test_new_lessons_have_what_the_issue_asks(path):
    """Issue 21, "four new lessons" (and lesson 17): rendered equations, an
    interactive cell, at least two checked exercises whose values name their
    source, and a stated run time of at most 60 s on this machine."""
    nb = nbformat.read(path, 4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "$$" in md, f"{path.name}: no displayed equation"
    assert re.search(r"nb\.explore\(|hv\.HoloMap\(|hv\.DynamicMap\(|CircuitBuilder\(", code), \
        f"{path.name}: no interactive cell (explorer, slider or builder)"
    names = _graded_names(nb)
    assert len(names) >= 2, f"{path.name}: {names}"
    for name in names:
        ex = EXERCISES[name][0].func
        assert ex.source.strip(), f"{name}: the checker names no source for its value"
    seconds = int(re.search(r"Runs top to bottom in about (\d+) s", nb.cells[0].source).group(1))
    assert seconds <= 60, f"{path.name}: stated run time {seconds} s"


def test_readme_lesson_table_lists_every_lesson():
    """The README's lesson table names every lesson notebook, in order."""
    readme = (REPO / "README.md").read_text()
    table = readme.split("## Lessons", 1)[1].split("\n\n", 2)[1]
    listed = re.findall(r"^\| (\d+) \| `(\w+)` \|", table, re.M)
    assert [stem for _, stem in listed] == [p.stem for p in LESSONS]
    assert [int(n) for n, _ in listed] == [int(p.stem[:2]) for p in LESSONS]


def _figure_cells(src, marker):
    """The set-up cell and every cell containing ``marker`` of a lesson source,
    each as (code, last expression or None)."""
    import ast
    cells = [c.split("\n", 1)[1] for c in src.split("\n# %%") if "\n" in c]
    out = []
    for code in cells:
        if "import nbblox as nb" in code or marker in code:
            tree = ast.parse(code)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            out.append((compile(tree, "lesson", "exec"),
                        last and compile(ast.Expression(last.value), "lesson", "eval")))
    return out


def test_lesson_15_log_rate_axes_label_the_lowest_rate_swept():
    """Lesson 15's facilitating-synapse figure (rates from 2 Hz, ticks 1, 2, 5, ...):
    the axis ended at 2.0000000000000004 Hz, so the 2 Hz tick fell outside and no
    tick was labelled below 5 Hz."""
    import holoviews as hv
    src = (REPO / "lessons" / "src" / "15_synapses.py").read_text()
    ns, figures = {}, []
    for code, last in _figure_cells(src, "xticks=TICKS"):
        exec(code, ns)
        shown = eval(last, ns) if last is not None else None
        if isinstance(shown, hv.core.Dimensioned):
            figures.append(hv.render(shown, backend="bokeh"))
    plots = [f for fig in figures for f in ([fig] if hasattr(fig, "x_range") else
             [c[0] if isinstance(c, tuple) else c for c in fig.children])]
    assert len(plots) == 3, plots
    lowest = [ns["rates"].min()] * 2 + [ns["rates_f"].min()]
    for plot, low in zip(plots, lowest):
        ticks = plot.xaxis[0].ticker.ticks
        shown = [t for t in ticks if plot.x_range.start <= t <= plot.x_range.end]
        assert min(shown) <= low, (plot.x_range.start, shown)


def _elements(obj):
    import holoviews as hv
    if isinstance(obj, hv.Element):
        yield obj
    else:
        for child in obj.values():
            yield from _elements(child)


def test_lesson_8_neuron_plots_carry_units():
    """Issue 16: lesson 8's COBA_LIF explorer labelled its axis 'v', with no unit
    (the type declared none, so nothing could be inferred).  The lesson's type
    is the one nbblox.lessons uses for the checker's network (same equations,
    parameters with units, state units), and every curve of a run of it is
    labelled with its state's unit: v in mV; ge and gi declared dimensionless
    (in units of the leak conductance)."""
    import holoviews as hv
    from nbblox.lessons import coba_cell
    from nbblox.viz.units import pretty_unit, state_unit
    src = (REPO / "lessons" / "src" / "08_ei_network.py").read_text()
    ns = {}
    for code, _ in _figure_cells(src, "nb.BloxType("):
        exec(code, ns)
    cell, ref = ns["cell"].to_dict(), coba_cell().to_dict()
    for d in (cell, ref):
        d["equations"] = [line.strip() for line in d["equations"].strip().splitlines()]
    assert cell == ref
    one = ns["cell"](name="one", Iext=15.0)
    sol = nb.simulate(one, 100.0, dt=0.1, method="euler")
    curves = [e for e in _elements(sol.plot()) if isinstance(e, hv.Curve)]
    seen = set()
    for c in curves:
        name = c.label or c.vdims[0].name
        state = next(s for s in ("v", "ge", "gi") if name.endswith(s) or name == s)
        unit = state_unit(sol.system, f"one.{state}")
        assert unit is not None, f"{state}: no unit"
        label = c.vdims[0].pprint_label
        assert not unit or label.endswith(f"({pretty_unit(unit)})"), (state, label)
        seen.add(state)
    assert seen == {"v", "ge", "gi"}
    assert state_unit(sol.system, "one.v") == "mV"


def _shown_text(path):
    """What a student reads of lesson ``path``: its Markdown and its printed output
    lines (``[(kind, text)]``), as a served page or JupyterLab shows them."""
    import json
    out = []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "markdown":
            out.append(("markdown", "".join(cell["source"])))
        for o in cell.get("outputs", []):
            out += [("output", line) for line in "".join(o.get("text", [])).splitlines()]
    return out


@pytest.mark.parametrize("path", LESSONS, ids=[p.name[:2] for p in LESSONS])
def test_lesson_text_reads_like_finished_prose(path):
    """Defects seen in the gallery (issue 16): units typed as ASCII ("7 uA/cm^2",
    "near 40 uA/cm²"), a printed check that is a bare "True" with nothing saying what
    is true, and the lesson's dashboard pointer given twice ("Share it" and "See it
    as a dashboard").  Lesson 11 teaches ``nbblox serve``: it names itself more."""
    shown = _shown_text(path)
    ascii_units = [t for _, t in shown if "uA/cm" in t]
    assert not ascii_units, f"write µA/cm², not uA/cm: {ascii_units}"
    bare = [t for k, t in shown if k == "output" and t.split()[:1] in (["True"], ["False"])]
    assert not bare, f"printed checks must say what they check: {bare}"
    pointers = sum(t.count(f"nbblox serve lessons/{path.name}") for k, t in shown
                   if k == "markdown")
    assert pointers <= (3 if path.name.startswith("11_") else 1), pointers


def test_lesson_12_prints_the_saved_rule_as_lines_a_student_reads(capsys):
    """Session 32: lesson 12 showed the rule saved in the circuit's JSON as a raw
    Python dict (``{'kind': 'stdp', 'tau_pre': 20.0, ...}``).  The cell now prints
    one "name: value unit" line per entry and shows nothing else."""
    src = (REPO / "lessons" / "src" / "12_learning.py").read_text()
    rule = next(line for line in src.splitlines() if line.startswith("rule = nb.STDP("))
    (setup, _), *cells = _figure_cells(src, "plasticity=rule")
    ns = {}
    exec(setup, ns)
    exec(rule, ns)                     # not the rest of its cell: that one simulates
    assert len(cells) == 1
    for code, last in cells:
        exec(code, ns)
        shown = eval(last, ns) if last is not None else None
        assert not isinstance(shown, dict), f"the cell shows a raw dict: {shown}"
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "kind: stdp" in lines and "tau_pre: 20.0 ms" in lines and "A_plus: 0.01" in lines
    assert not [line for line in lines if "{" in line or "'" in line], lines
