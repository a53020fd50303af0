"""Hostile inputs shared by the security tests (issue 23): circuit files and
equation text that other people send.  Plain data, no assertions here."""
import json

import nbblox as nb

#: the issue's stored-XSS payload (item 1)
PAYLOAD = "<img src=x onerror=alert(document.domain)>"
#: Bokeh pastes the text around a TeX span of a widget title as HTML
TEX_PAYLOAD = "$$x$$ <img src=x onerror=alert(1)>"
#: the circuit's name: a payload, a str.format field and Markdown emphasis
CIRCUIT_NAME = "pair " + PAYLOAD + " {0} **bold**"


def hostile_circuit_dict():
    """The issue's repro: the lesson pair of FitzHugh-Nagumo cells (a -> b) with
    the payload in every free-text field of the circuit file."""
    a, b = nb.blox.FitzHughNagumo(name="a"), nb.blox.FitzHughNagumo(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=0.5)
    d = json.loads(c.to_json())
    d["name"] = CIRCUIT_NAME
    (t,) = d["types"].values()
    t["name"] = "FHN_custom"
    t["title"] = "FHN custom " + TEX_PAYLOAD       # what plot titles and cards show
    t["doc"] = "doc " + PAYLOAD
    t["citation"] = PAYLOAD
    t["params"]["I"]["doc"] = "drive " + PAYLOAD
    t["params"]["I"]["unit"] = "mV" + PAYLOAD
    t["params"]["a"]["unit"] = TEX_PAYLOAD
    return d


def tower():
    """The issue's 243-byte upload: an exact power tower in one equation (item 2)."""
    b = nb.Blox.from_equations("dx/dt = -k*x + I_syn", params={"k": 1.0}, name="x",
                               inputs=["I_syn"])
    d = json.loads(nb.Circuit([b], name="t").to_json())
    (t,) = d["types"].values()
    t["equations"] = "dx/dt = -k*x + I_syn + 10**10**10"
    return json.dumps(d)


def dense_populations(n=22360, p=1.0):
    """Item 4: two populations of ``n`` with all-to-all ``p``: a few hundred bytes of
    JSON that asked for 5e8 synapses (the server grew to 8 GB)."""
    T = nb.BloxType("L", "dV/dt = (-V + I)/tau",
                    params={"I": 20.0, "tau": 20.0, "Vt": 15.0, "Vr": 0.0},
                    spike="V > Vt", reset="V = Vr", kind="neuron")
    a, b = nb.Population(T, 3, "a"), nb.Population(T, 3, "b")
    c = nb.Circuit([a, b], name="dense")
    c.connect(a, b, weight=0.1, on_pre="V += w", p=p, seed=1)
    d = json.loads(c.to_json())
    for pop in d["populations"]:
        pop["n"] = n
    return json.dumps(d)


# -- the hostile-input corpus (issue 23: "0 executed, 0 raw exceptions, 0 runs over 10 s") --

#: a file this corpus must never create (every code-injection payload tries to)
MARKER = "/tmp/nbblox-corpus-pwned"
_TOUCH = f"__import__('os').system('touch {MARKER}')"

INJECTIONS = [
    _TOUCH, "().__class__.__bases__[0].__subclasses__()", f"(lambda: {_TOUCH})()",
    f"[{_TOUCH} for _ in [1]]", f"f'{{{_TOUCH}}}'", f"(y := {_TOUCH})", "x\x00 + 1",
    "exp.__globals__", f"open('{MARKER}', 'w')", f"eval('{_TOUCH}')", "x if x else 1",
    "x[0]", "{1: 2}", "'a' * 3", "x @ x", "x // 2", "x % 2", "x ^ 2", "~x", "x and 1",
    "not x", "x == 1", "exp(x=1)", "exp(*x)", "1j * x", "b'x'", "...", "None",
]
EQUATIONS = [f"dx/dt = {e}" for e in INJECTIONS] + [
    "dx/dt = -k*x + 10**10**10", "dx/dt = x*10**5000", "dx/dt = 1/0", "dx/dt = log(0)",
    "dx/dt = " + "+".join(["x"] * 600), "dx/dt = " + "+".join(["x"] * 6000),
    "dx/dt = " + "-" * 3000 + "x", "dx/dt = " + "(" * 300 + "x" + ")" * 300,
    "dx/dt = x*" + "9" * 5000, "dx/dt = 1e400*x", "dx/dt = (3*x)**900", "dx/dt = x**(2**64)",
    "dx/dt = -x\n" * 2, "dx/dt = -x\n" + "a0 = x\n" + "".join(f"a{i} = a{i-1}+1\n"
                                                              for i in range(1, 3000)),
    "dx/dt = -x + " + "y" * 300_000, "dkₑₑ/dt = -kₑₑ", "dx/dt = -x²", "dx/dt = (-8)**(1/3)*x",
    "dx/dt = where(x > 0, 1/x, 0)", "dx/dt = exprel(x)*0", "d x/dt = -x", "dx/dt =",
    "dx/dt = -x # " + _TOUCH, "dx\n/dt = -x", "dx/dt = sqrt(-1)", "dx/dt = heaviside(x)",
    "dx/dt = min(x)", "dx/dt = max(x, 1, 2, 3)", "dx/dt = rand()", "dx/dt = interp(t, x)",
    "__x/dt = 1", "dt/dt = 1", "dpi/dt = 1", "dexp/dt = 1", "xi = 1\ndx/dt = xi",
]


def _base():
    return json.loads(hostile_circuit_dict_clean())


def hostile_circuit_dict_clean():
    a, b = nb.blox.FitzHughNagumo(name="a"), nb.blox.FitzHughNagumo(name="b")
    c = nb.Circuit([a, b], name="pair")
    c.connect(a, b, weight=0.5)
    T = nb.BloxType("L", "dV/dt = (-V + I)/tau", params={"I": 20.0, "tau": 20.0, "Vt": 15.0,
                                                         "Vr": 0.0},
                    spike="V > Vt", reset="V = Vr", kind="neuron")
    p, q = nb.Population(T, 4, "p"), nb.Population(T, 4, "q")
    c.add(p, q)
    c.connect(p, q, weight=0.1, on_pre="V += w", i=[0, 1], j=[2, 3])
    return c.to_json()


def _t(d):
    return next(iter(d["types"].values()))


def _proj(d):
    return d["projections"][0]


CIRCUIT_MUTATIONS = {
    "type without equations": lambda d: _t(d).pop("equations"),
    "type without name": lambda d: _t(d).pop("name"),
    "params as a list": lambda d: _t(d).update(params=[1, 2]),
    "param spec as text": lambda d: _t(d)["params"].update(I="big"),
    "param default NaN text": lambda d: _t(d)["params"]["I"].update(default="NaN"),
    "param bounds reversed": lambda d: _t(d)["params"]["I"].update(bounds=[3, -1]),
    "param bounds ragged": lambda d: _t(d)["params"]["I"].update(bounds=[[1], 2, 3]),
    "init as a string": lambda d: _t(d).update(init="V"),
    "outputs empty list": lambda d: _t(d).update(outputs=[]),
    "outputs a number": lambda d: _t(d).update(outputs=5),
    "inputs a string": lambda d: _t(d).update(inputs="I_syn"),
    "inputs with a dict": lambda d: _t(d).update(inputs=[{}]),
    "spike a number": lambda d: _t(d).update(spike=5),
    "refractory text": lambda d: _t(d).update(refractory="long"),
    "presets a list": lambda d: _t(d).update(presets=[1]),
    "kind a dict": lambda d: _t(d).update(kind={}),
    "doc a list": lambda d: _t(d).update(doc=["x"]),
    "unknown type field": lambda d: _t(d).update(evil=_TOUCH),
    "equations injection": lambda d: _t(d).update(equations=f"dV/dt = {_TOUCH}\ndw/dt = 0"),
    "equations a list": lambda d: _t(d).update(equations=["dV/dt = 1"]),
    "types a list": lambda d: d.update(types=[1]),
    "blox entry a string": lambda d: d["blox"].append("x"),
    "blox name a number": lambda d: d["blox"][0].update(name=5),
    "blox param text": lambda d: d["blox"][0]["params"].update(I="rm -rf"),
    "blox param list": lambda d: d["blox"][0]["params"].update(I=[1, 2]),
    "blox init text": lambda d: d["blox"][0]["init"].update(V="x"),
    "blox params a list": lambda d: d["blox"][0].update(params=[1]),
    "negative seed": lambda d: _proj(d).update(seed=-1, p=0.5, i=None) or
    _proj(d).pop("i") and _proj(d).pop("j"),
    "huge seed": lambda d: (_proj(d).pop("i"), _proj(d).pop("j"), _proj(d).update(seed=2**80, p=0.5)),
    "ragged i": lambda d: _proj(d).update(i=[[0], 1]),
    "string i": lambda d: _proj(d).update(i=["a", "b"]),
    "i out of range": lambda d: _proj(d).update(i=[0, 99]),
    "i float": lambda d: _proj(d).update(i=[0.5, 1]),
    "i nested dict": lambda d: _proj(d).update(i={"a": 1}),
    "string weight": lambda d: _proj(d).update(weight="heavy"),
    "weight list ragged": lambda d: _proj(d).update(weight=[[1], 2]),
    "delay negative": lambda d: _proj(d).update(delay=-1),
    "on_pre injection": lambda d: _proj(d).update(on_pre=f"V += {_TOUCH}"),
    "plasticity text": lambda d: _proj(d).update(plasticity="stdp"),
    "plasticity dict": lambda d: _proj(d).update(plasticity={"kind": "os.system"}),
    "population n huge": lambda d: d["populations"][0].update(n=10**12),
    "population n text": lambda d: d["populations"][0].update(n="4"),
    "connection weight text": lambda d: d["connections"][0].update(weight="x"),
    "connection to nobody": lambda d: d["connections"][0].update(dst="nobody"),
    "connection output number": lambda d: d["connections"][0].update(output=5),
    "name a dict": lambda d: d.update(name={"x": 1}),
    "schema wrong": lambda d: d.update(schema="nbblox.circuit.evil"),
    "version text": lambda d: d.update(version="1"),
    "top level list": lambda d: d.clear() or d.update(x=[]),
}
RAW_FILES = {
    "nested 1e5 deep": "[" * 100_000 + "]" * 100_000,
    "nested objects": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "not utf-8": b'{"schema": "nbblox.circuit", "name": "caf\xe9"}',
    "a path": "/etc/passwd.json",
    "a device": "/dev/zero",
    "empty": "",
    "NaN": "NaN",
    "a number": "1e999",
}
SIMULATE_ARGS = [
    {"dt": 5e-324}, {"t_end": 1e308}, {"stride": 2**70}, {"rtol": -1, "method": "BDF"},
    {"rtol": float("nan"), "method": "RK45"}, {"atol": "x", "method": "RK45"},
    {"dt": float("nan")}, {"t_end": "x"}, {"method": None}, {"method": "os.system"},
    {"params": {"a.I": "x"}}, {"params": {"a.I": float("inf")}}, {"params": {"nope": 1}},
    {"params": [1, 2]}, {"x0": {"a.V": "x"}}, {"x0": [1, 2]}, {"record": [1]},
    {"record": "nope"}, {"seed": -1}, {"seed": 2**80}, {"seed": "x"}, {"stride": 0},
    {"stride": 1.5}, {"t0": float("nan")}, {"t_end": 1e7, "dt": 100.0, "method": "RK45"},
    {"t_end": 1e9, "dt": 0.01},
]


HANG_S = 60.0   # per-case hang guard, generous: a bound in seconds fails under load (issue 24)


def main():
    """Run the corpus; print one JSON line per case: name, outcome, seconds."""
    import os
    import signal
    import time
    from nbblox.exceptions import NbbloxError

    def alarm(signum, frame):
        raise TimeoutError(f"over {HANG_S:.0f} s")
    signal.signal(signal.SIGALRM, alarm)

    def case(name, fn):
        t0 = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, HANG_S)
        try:
            fn()
            outcome = "ok"
        except NbbloxError:
            outcome = "nbblox"
        except Exception as exc:     # noqa: BLE001 (what the corpus is looking for)
            outcome = f"raw {type(exc).__name__}: {str(exc)[:150]}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        print(json.dumps({"case": name, "outcome": outcome,
                          "seconds": round(time.perf_counter() - t0, 3)}), flush=True)

    for i, eq in enumerate(EQUATIONS):
        def build(eq=eq):
            b = nb.Blox.from_equations(eq, params={"k": 1.0}, name="h", init={})
            nb.simulate(b, 1.0, dt=0.1)
        case(f"equation {i}: {eq[:60]!r}", build)
    for name, mutate in CIRCUIT_MUTATIONS.items():
        def load(mutate=mutate):
            d = _base()
            mutate(d)
            nb.simulate(nb.Circuit.from_json(json.dumps(d)), 2.0, dt=0.1)
        case(f"circuit: {name}", load)
    for name, text in RAW_FILES.items():
        case(f"file: {name}", lambda text=text: nb.Circuit.from_json(text))
    fhn = nb.compile(nb.Circuit.from_json(hostile_circuit_dict_clean()))
    for kw in SIMULATE_ARGS:
        args = dict({"t_end": 2.0, "dt": 0.1}, **kw)
        case(f"simulate {kw!r}"[:80], lambda args=args: nb.simulate(fhn, args.pop("t_end"),
                                                                      **args))
    print(json.dumps({"executed": os.path.exists(MARKER)}), flush=True)


if __name__ == "__main__":
    main()
