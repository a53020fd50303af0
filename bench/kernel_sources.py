"""Every generated kernel module text, in every variant, over many circuits:
a check that a change to the code generator or its passes changes no text.

    PYTHONPATH=<tree before> python -m bench.kernel_sources before.json
    PYTHONPATH=<tree after>  python -m bench.kernel_sources after.json
    python -m bench.kernel_sources --compare before.json after.json

Circuits: every catalog blox alone and as a population of 3, and seven networks
(coupled, delayed, dense, spiking with delays, STDP).  Variants: strict, fastmath,
the streaming sweep loops for several accumulator sets (strict and fastmath), the
lockstep blocks of 8 and 32 lanes (strict and fastmath, with streams).
``SNAP_ONLY`` (a regex on the circuit tags) and ``SNAP_FEATS`` (comma-separated
accumulator sets) cut the run.  ``--compare`` reports byte-identical texts, texts
with the same Python AST, and different ones.  Written for issue 22 item 2
(docs/DESIGN-NOTES.md, "ir2 (session 29)").
"""
import ast
import json
import os
import re
import sys
import time
from pathlib import Path

import nbblox as nb


def _ring(blox, edges, **kw):
    c = nb.Circuit(blox)
    for i, j, w in edges:
        c.connect(blox[i], blox[j], weight=w, **kw)
    return c


def circuits():
    """``{tag: circuit}``: the catalog (alone, as a population of 3) and seven networks."""
    out = {}
    for name, cls in nb.blox.CATALOG.items():
        try:
            b = cls(name="a")
        except Exception as e:   # a blox that needs arguments
            print("skip", name, e)
            continue
        out[f"one_{name}"] = b
        try:
            out[f"pop_{name}"] = nb.Population(b.type, n=3, name="P")
        except Exception as e:
            print("no population", name, e)
    fhn = [nb.blox.FitzHughNagumo(name=f"f{i}") for i in range(3)]
    out["fhn_ring"] = _ring(fhn, [(0, 1, 0.3), (1, 2, 0.2), (2, 0, 0.1)])
    w = [nb.blox.WilsonCowan(name=f"w{i}", P=0.5 + 0.3 * i) for i in range(3)]
    c = _ring(w, [(0, 1, 1.5)], delay=2.0)
    c.connect(w[1], w[2], weight=1.2)
    c.connect(w[2], w[0], weight=0.8, delay=1.3)
    out["wc_delays"] = c
    out["wc_pair"] = _ring([nb.blox.WilsonCowan(name=f"w{i}") for i in range(2)], [(0, 1, 1.0)])
    P = nb.Population(nb.blox.WilsonCowan(name="x").type, n=12, name="P")
    c = nb.Circuit([P])
    c.connect(P, P, weight=0.1, p=1.0, seed=0)   # dense coupling (plan mode 2)
    out["wc_dense"] = c
    from nbblox.examples.chain import column_chain
    out["chain"] = column_chain()
    sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "compile"))
    from test_kernels_bitwise import COBA
    E, I = nb.Population(COBA, n=16, name="E"), nb.Population(COBA, n=4, name="I")
    c = nb.Circuit([E, I], name="coba")
    for k, tgt in enumerate((E, I)):
        c.connect(E, tgt, weight=3.0, on_pre="ge += w", p=0.3, seed=k)
        c.connect(I, tgt, weight=20.0, on_pre="gi += w", p=0.3, seed=k + 5, delay=1.0)
    out["coba"] = c
    pre, post = nb.Population(COBA, n=5, name="pre"), nb.Population(COBA, n=3, name="post")
    c = nb.Circuit([pre, post])
    c.connect(pre, post, weight=0.5, on_pre="gi += w", p=1.0, seed=1, plasticity=nb.STDP())
    out["stdp"] = c
    return out


FEATS = tuple(os.environ.get("SNAP_FEATS", "msc,m,s,c,,ms,sc").split(","))


def variants(L, tag):
    """``{"<tag>/<variant>": module text}`` of layout ``L``."""
    from nbblox.compile.kernels import module_source
    from nbblox.sim.sweep import lockstep as ls
    out = {"strict": module_source(L), "fast": module_source(L, fastmath=True)}
    if not L.needs_full_kernel:
        for f in FEATS:
            out[f"stream_{f}"] = module_source(L, stream=f)
            out[f"fstream_{f}"] = module_source(L, fastmath=True, stream=f)
        for B in (8, 32):
            big = ls._replicated_layout(L, B)
            for fm in (False, True):   # the plan's text: fused loops (codegen's fuse)
                tag_b = f"ls{B}" + "f" * fm
                kw = dict(fastmath=fm, or_check=True, fuse=True)
                out[tag_b] = module_source(big, **kw)
                for f in ("msc", "c"):
                    out[f"{tag_b}_stream_{f}"] = module_source(big, stream=f, **kw)
                if L.groups[0].btype.params:   # a parameter loaded once (uniform_params)
                    out[f"{tag_b}_uniform"] = module_source(big, uniform=((0, 0),), **kw)
    return {f"{tag}/{k}": v for k, v in out.items()}


def _ast(src):
    """The module's AST, without a module-level ``N_SPIKING = ...`` after
    ``import numba`` (the streaming text before session 29 copied it along
    with the last ``run_<m>``)."""
    mod = ast.parse(src)
    body, after = [], False
    for st in mod.body:
        if isinstance(st, ast.Import) and st.names[0].name == "numba":
            after = True
        elif after and isinstance(st, ast.Assign) and ast.unparse(st.targets[0]) == "N_SPIKING":
            continue
        body.append(st)
    mod.body = body
    return ast.dump(mod)


def compare(path_a, path_b):
    """Print how many texts of ``path_b`` are byte- or AST-identical to ``path_a``'s;
    the keys that differ are returned."""
    a, b = json.loads(Path(path_a).read_text()), json.loads(Path(path_b).read_text())
    missing = set(b) - set(a)
    assert not missing, sorted(missing)[:10]
    kinds, bad = {}, []
    for k in b:
        col = 0 if a[k] == b[k] else 1 if _ast(a[k]) == _ast(b[k]) else 2
        kinds.setdefault(k.split("/")[1], [0, 0, 0])[col] += 1
        if col == 2:
            bad.append(k)
    tot = [sum(v[i] for v in kinds.values()) for i in range(3)]
    print(f"{len(b)} sources: byte-identical {tot[0]}, AST-identical {tot[1]}, different {tot[2]}")
    for kind, v in sorted(kinds.items()):
        print(f"  {kind:18s} bytes={v[0]} ast={v[1]} diff={v[2]}")
    return bad


def main(argv):
    if argv[:1] == ["--compare"]:
        return 1 if compare(argv[1], argv[2]) else 0
    t0, res = time.time(), {}
    only = os.environ.get("SNAP_ONLY")
    for tag, c in circuits().items():
        if only and not re.search(only, tag):
            continue
        try:
            L = nb.compile(c).layout
        except Exception as e:   # a blox that needs wiring to compile
            print("not compiled:", tag, type(e).__name__, e)
            continue
        res.update(variants(L, tag))
    Path(argv[0]).write_text(json.dumps(res))
    print(len(res), "sources", round(time.time() - t0, 1), "s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
