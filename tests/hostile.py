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
