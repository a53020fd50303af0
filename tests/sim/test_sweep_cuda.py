"""nb.sweep(backend="cuda"): one thread per parameter set, generated from the
same SymPy expressions as the CPU kernels.  CI has no GPU, so the kernel runs
on numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1 is read when numba.cuda is
first imported, hence a subprocess)."""
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import numpy as np, nbblox as nb
    s = nb.compile(nb.blox.FitzHughNagumo(name="fhn"))
    vals = {"fhn.I": [0.0, 0.6, 1.2], "fhn.a": [0.7, 0.8]}
    from nbblox.compile.schemes import select
    for m in select(backend="cuda", exponential=False):
        a = nb.sweep(s, vals, t_end=4.0, dt=0.05, method=m, traces=True, stride=2,
                     measure=["max", "final"])
        b = nb.sweep(s, vals, t_end=4.0, dt=0.05, method=m, traces=True, stride=2,
                     measure=["max", "final"], backend="cuda")
        assert b.attrs["backend"] == "cuda"
        assert np.array_equal(a["trace"].values, b["trace"].values), m
        assert np.array_equal(a["final"].values, b["final"].values), m
    # exponential schemes on equations linear in their own variable
    leak = nb.Blox.from_equations("dV/dt = (-V + I*w*w)/tau\\ndw/dt = (V*V - w)/5",
                                  name="c", params={"I": 1.0, "tau": 10.0},
                                  init={"V": 0.5, "w": 0.2})
    for m in select(backend="cuda", exponential=True):
        a = nb.sweep(leak, {"c.I": [0.5, 2.0]}, t_end=4.0, dt=0.1, method=m, traces=True)
        b = nb.sweep(leak, {"c.I": [0.5, 2.0]}, t_end=4.0, dt=0.1, method=m, traces=True,
                     backend="cuda")
        assert np.array_equal(a["trace"].values, b["trace"].values), m
    # a coupled circuit: the coupling loop runs inside each thread
    wa, wb = nb.blox.WilsonCowan(name="a"), nb.blox.WilsonCowan(name="b")
    c = nb.Circuit([wa, wb])
    c.connect(wa, wb, weight=1.5)
    c.connect(wb, wa, weight=0.5)
    s2 = nb.compile(c)
    p = s2.param_names[0]
    vals = {p: [s2.params[p], 2 * s2.params[p]]}
    a = nb.sweep(s2, vals, t_end=2.0, dt=0.1, traces=True, measure="max")
    b = nb.sweep(s2, vals, t_end=2.0, dt=0.1, traces=True, measure="max", backend="cuda")
    assert np.array_equal(a["trace"].values, b["trace"].values)
    one = nb.simulate(s2, 2.0, dt=0.1, params={p: vals[p][1]})
    assert np.array_equal(b["trace"].values[1], one.values)
    ga = nb.sweep(s2, {"coupling": [0.0, 2.0]}, t_end=2.0, dt=0.1, measure="final")
    gb = nb.sweep(s2, {"coupling": [0.0, 2.0]}, t_end=2.0, dt=0.1, measure="final",
                  backend="cuda")
    assert np.array_equal(ga["final"].values, gb["final"].values)
    # divergence is detected per thread
    g = nb.Blox.from_equations("dx/dt = r*x", params={"r": 0.0}, name="g", init={"x": 1.0})
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = nb.sweep(g, {"g.r": [0.0, 500.0]}, t_end=20.0, dt=0.1, backend="cuda",
                     measure="max")
    assert r["diverged"].values.tolist() == [False, True]
    print("CUDA-SIM-OK")
""")


def _run(code, sim):
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    if sim:
        env["NUMBA_ENABLE_CUDASIM"] = "1"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=600)


def test_cuda_simulator_matches_cpu_exactly():
    r = _run(SCRIPT, sim=True)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "CUDA-SIM-OK" in r.stdout


def test_no_gpu_gives_a_clear_error_naming_the_fix():
    code = textwrap.dedent("""
        import nbblox as nb
        from nbblox.sim.sweep.cuda import cuda_ready
        if cuda_ready()[0]:
            print("HAS-GPU")
        else:
            try:
                nb.sweep(nb.blox.FitzHughNagumo(name="f"), {"f.I": [0.1]}, t_end=1.0,
                         dt=0.1, backend="cuda")
            except nb.SimulationError as e:
                print("ERR:", e)
    """)
    r = _run(code, sim=False)
    assert r.returncode == 0, r.stderr[-3000:]
    if "HAS-GPU" in r.stdout:  # a machine with a GPU: nothing to refuse
        return
    assert "ERR:" in r.stdout
    assert "NVIDIA GPU" in r.stdout and "backend='cpu'" in r.stdout
    assert "NUMBA_ENABLE_CUDASIM=1" in r.stdout


OUTPUT_READS_INPUT = textwrap.dedent("""
    import numpy as np, nbblox as nb
    pre = nb.blox.HodgkinHuxley(name="pre", I=10.0)
    post = nb.blox.HodgkinHuxley(name="post")
    syn = nb.blox.AMPA(name="syn")
    c = nb.Circuit([pre, post, syn])
    c.connect(pre, syn).connect(syn, post)   # AMPA's I = g r (E - V_post) reads V_post
    s = nb.compile(c)
    for m in ("rk4", "euler"):
        a = nb.sweep(s, {"syn.g": [0.5, 2.0]}, t_end=5.0, dt=0.01, method=m, traces=True,
                     stride=10)
        b = nb.sweep(s, {"syn.g": [0.5, 2.0]}, t_end=5.0, dt=0.01, method=m, traces=True,
                     stride=10, backend="cuda")
        assert np.array_equal(a["trace"].values, b["trace"].values), m
    print("CUDA-SIM-OK")
""")


def test_cuda_outputs_read_their_inputs_of_this_stage():
    """The CUDA kernel makes the output passes of the CPU kernels
    (compile.emit.output_passes): an AMPA synapse's current reads this stage's
    V_post.  Same traces bit for bit; before (bugs2, session 30) the kernel
    read V_post from the previous stage's sums: 0.30 mV (rk4) and 1.2 mV
    (euler) from the CPU sweep in 5 ms."""
    r = _run(OUTPUT_READS_INPUT, sim=True)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "CUDA-SIM-OK" in r.stdout
