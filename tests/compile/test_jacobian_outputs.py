"""``System.jacobian`` includes the chain rule through outputs that read
inputs (a conductance synapse's ``I = -g r (V_post - E)``, with ``V_post``
wired from the postsynaptic neuron): d out/d u . du/dx, du/dx settled in as
many passes as the outputs (nbblox.compile.emit.output_passes).

Before (1bd47d3), both backends left that term out: on HH -> AMPA -> HH,
at the state :func:`away_from_rest` gives, the analytic Jacobian differed from
central finite differences of ``System.rhs`` by 0.068 (the missing
d I/d V_post = -g r entries); after, by 9.2e-9 (the differences' own error).  Every comparison is against central differences of
``System.rhs`` of the same backend, so it also holds where ``rhs`` is right
and ``jac`` is not.  Circuits: Hodgkin & Huxley (1952) neurons with the AMPA
and GABA_A kinetic synapses of Destexhe, Mainen & Sejnowski (1994), and a
chain of Tsodyks-Markram (1997) synapses.
"""
import hashlib

import numpy as np
import pytest

import nbblox as nb
from nbblox.compile.codegen import generate_source
from nbblox.compile.expressions import group_expressions, reads_inputs
from nbblox.compile.layout import build_layout


def _body(src):
    """Kernel text less its jit-helper import line (it grows with each new helper)."""
    return "\n".join(l for l in src.splitlines() if not l.startswith("from nbblox.compile.jit"))

Rate = nb.BloxType("RateSrc", "dr/dt = (0.04 - r)/20", init={"r": 0.03}, outputs={"r": "r"})
Sink = nb.BloxType("RateSink", "dy/dt = -y/10 + I_in", inputs=("I_in",))


def hh_ampa_hh():
    pre = nb.blox.HodgkinHuxley(name="pre", I=10.0)
    post = nb.blox.HodgkinHuxley(name="post")
    syn = nb.blox.AMPA(name="syn")
    return nb.Circuit([pre, post, syn]).connect(pre, syn).connect(syn, post)


def hh_chain():
    """HH -> AMPA -> HH -> GABA_A -> HH -> AMPA -> HH: two synapses of one
    type and one of another, each reading its own target's voltage."""
    n = [nb.blox.HodgkinHuxley(name=f"n{k}", I=10.0 if k == 0 else 0.0) for k in range(4)]
    s = [nb.blox.AMPA(name="s0"), nb.blox.GABAA(name="s1"), nb.blox.AMPA(name="s2", g=0.3)]
    c = nb.Circuit([*n, *s])
    for k in range(3):
        c.connect(n[k], s[k]).connect(s[k], n[k + 1])
    return c


def tm_chain(n=3):
    """rate -> TM -> TM -> TM -> sink: each TM's output A u x r_pre reads
    its input, which is the previous TM's output (a chain within one group)."""
    src, sink = Rate(name="src"), Sink(name="sink")
    tms = [nb.blox.TsodyksMarkram(name=f"tm{k}", U=0.2 + 0.1 * k, A=1.0 + k) for k in range(n)]
    c = nb.Circuit([src, *tms, sink])
    c.connect(src, tms[0], weight=1.5)
    for a, b in zip(tms, tms[1:]):
        c.connect(a, b, weight=2.0)
    return c.connect(tms[-1], sink, weight=3.0)


def fhn_pair():
    a, b = nb.blox.FitzHughNagumo(name="a", I=0.5), nb.blox.FitzHughNagumo(name="b")
    c = nb.Circuit([a, b])
    c.connect(a, b, weight=0.3)
    return c.connect(b, a, weight=-0.2)


def away_from_rest(s):
    """A state where every term shows: synapses half open, voltages apart."""
    x = np.array(s.x0, dtype=float)
    rng = np.random.default_rng(3)
    for i, name in enumerate(s.state_names):
        if name.endswith((".r", ".x", ".u")):
            x[i] = rng.uniform(0.2, 0.8)
        elif name.endswith(".V"):
            x[i] += rng.uniform(-15.0, 15.0) if "n" in name or "p" in name else rng.uniform(-1, 1)
    return x


def central_differences(s, x):
    J = np.empty((x.size, x.size))
    for j in range(x.size):
        h = 1e-6 * max(1.0, abs(x[j]))
        e = np.zeros(x.size)
        e[j] = h
        J[:, j] = (s.rhs(x + e) - s.rhs(x - e)) / (2 * h)
    return J


CIRCUITS = {"hh_ampa_hh": hh_ampa_hh, "hh_chain": hh_chain, "tm_chain": tm_chain,
            "fhn_pair": fhn_pair}


@pytest.mark.parametrize("backend", ["numba", "numpy"])
@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_jacobian_matches_central_differences(name, backend):
    s = nb.compile(CIRCUITS[name](), backend=backend)
    x = away_from_rest(s)
    J, F = s.jacobian(x), central_differences(s, x)
    scale = 1.0 + np.abs(F).max()
    # measured (both backends): 9.2e-9 (hh_ampa_hh, hh_chain), 3.9e-11 (tm_chain),
    # 1.4e-10 (fhn_pair); at 1bd47d3: 0.068 (hh_ampa_hh), 0.15 (hh_chain), 0.082 (tm_chain)
    assert np.abs(J - F).max() < 1e-6 * scale


@pytest.mark.parametrize("name", ["hh_ampa_hh", "tm_chain"])
def test_the_term_through_outputs_is_there(name):
    """The entry the old code missed: d(post.V)'/d(post.V) gains -g r / C
    through the synapse's own current; d(sink.y)'/d(tm0.x) exists only
    through two outputs that read inputs."""
    s = nb.compile(CIRCUITS[name](), backend="numba")
    x = away_from_rest(s)
    J = s.jacobian(x)
    if name == "hh_ampa_hh":
        i, r = s.state_index("post.V"), x[s.state_index("syn.r")]
        without = J[i, i] + s.params["syn.g"] * r / s.params["post.C"]
        F = central_differences(s, x)
        assert abs(F[i, i] - J[i, i]) < 1e-6 < abs(F[i, i] - without)
    else:
        y, x0 = s.state_index("sink.y"), s.state_index("tm0.x")
        u = [x[s.state_index(f"tm{k}.u")] for k in range(3)]
        xs = [x[s.state_index(f"tm{k}.x")] for k in range(3)]
        r = 1.5 * x[s.state_index("src.r")]
        want = 3.0 * 3.0 * u[2] * xs[2] * 2.0 * 2.0 * u[1] * xs[1] * 2.0 * 1.0 * u[0] * r
        assert J[y, x0] == pytest.approx(want, rel=1e-12)
        assert np.allclose(s.jacobian(x), nb.compile(tm_chain(), backend="numpy").jacobian(x),
                           rtol=1e-12, atol=1e-14)


# sha256 of the whole kernel module as the generator at 1bd47d3 (before the
# dense du/dx) printed it: circuits without outputs that read inputs keep
# their text byte for byte, so their kernels and disk cache are unchanged
# (updated by demo6, session 31: the stage loop of run_<m>, bit-identical results;
# by memfull, session 32: run_<m>'s step0 argument, checked by diff; since session 31 hashed without the jit-helper import line, which fexp and
# uniform_col lengthened)
BEFORE = {
    "fhn_pair": "eabd06180221f56a03607bb6ccf000a3a940d802407edebc4794071f648676a1",
    "wc_delays": "a0402c5dcfb1c9f9920941ca107176ca06f159dcc47c8a727c3e0f3687e47ced",
    "hh_gap": "71165aac177594f53c08718af2194bd353cf77a4b891c787fe7d5ba1ff77aca5",
    "fhn_pop": "708cad3db42d23161597031942eb5df28ab3b08d5c7a11ba499cdab5ce023b97",
}


def _no_reader_circuits():
    w = [nb.blox.WilsonCowan(name=f"w{i}") for i in range(3)]
    wc = nb.Circuit(w)
    wc.connect(w[0], w[1], weight=1.5, delay=2.0)
    wc.connect(w[1], w[2], weight=1.2)
    hh = [nb.blox.HodgkinHuxley(name=f"h{i}", I=10.0) for i in range(2)]
    gap = nb.Circuit(hh)
    gap.connect(hh[0], hh[1], weight=0.05, unit="uA/cm^2/mV")
    pop = nb.Population(nb.blox.FitzHughNagumo, n=5, name="pop")
    pc = nb.Circuit([pop])
    pc.connect(pop, pop, weight=0.01)
    return {"fhn_pair": fhn_pair(), "wc_delays": wc, "hh_gap": gap, "fhn_pop": pc}


def test_kernel_text_without_such_outputs_is_byte_identical():
    for name, c in _no_reader_circuits().items():
        L = build_layout(c)
        assert not reads_inputs([group_expressions(g.btype) for g in L.groups])
        src = generate_source(L)
        assert hashlib.sha256(_body(src).encode()).hexdigest() == BEFORE[name], name
        assert "DU" not in src


def test_only_jac_changes_where_outputs_read_inputs():
    """HH -> AMPA -> HH: every kernel but ``jac`` prints as before (the
    sha256 at 1bd47d3 of the module without its ``jac`` function, updated for
    run_<m>'s step0 argument by memfull, session 32; since coba, session 31,
    without the jit-helper import line)."""
    src = generate_source(build_layout(hh_ampa_hh()))
    i = src.index("def jac(")
    j = src.index("@njit", i)
    assert hashlib.sha256(_body(src[:i] + src[j:]).encode()).hexdigest()[:16] == "1cf01d44434dcbb0"
    assert "DU[a, c] += we * DO[b, c]" in src[i:j]
