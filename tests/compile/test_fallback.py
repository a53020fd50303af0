"""Without numba (e.g. in a browser-side Python) nbblox falls back to the
NumPy reference backend automatically, with one clear notice."""
import os
import subprocess
import sys
import textwrap


def test_without_numba_the_reference_backend_is_used_with_one_notice():
    script = textwrap.dedent("""
        import sys, warnings
        warnings.simplefilter("always")
        import nbblox as nb
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            a = nb.simulate(nb.blox.FitzHughNagumo(name="f", I=0.5), 5.0, dt=0.01)
            b = nb.simulate(nb.blox.FitzHughNagumo(name="g", I=0.5), 5.0, dt=0.01)
        notices = [str(x.message) for x in w if "numba is not available" in str(x.message)]
        print(a.info["backend"], b.info["backend"], len(notices), "numba" in sys.modules)
        print(repr(float(a["f.V"][-1])))
    """)
    env = dict(os.environ, NBBLOX_DISABLE_NUMBA="1")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    backend_a, backend_b, n_notices, _ = out[0].split()
    assert (backend_a, backend_b, n_notices) == ("numpy", "numpy", "1")
    # same answer as the numba kernels
    import nbblox as nb
    ref = nb.simulate(nb.blox.FitzHughNagumo(name="f", I=0.5), 5.0, dt=0.01)
    assert abs(float(out[1]) - ref["f.V"][-1]) < 1e-12
