"""nb.citation(): the papers behind a circuit or a result, as text and BibTeX.

The catalog's blox types carry their sources as one citation string each
("Authors (year). Title. Journal vol:pages. doi:..."; several joined by
"; ").  This module parses those strings into references, adds the papers of
the numerical methods and learning rules a result used (as diffrax's
``citation()`` does for solvers), removes duplicates (same DOI, or same
first author and year) and prints them.  Citation text from a custom blox or a
loaded file is data: it is escaped for BibTeX here and for HTML by whoever
shows it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .._text import capital

__all__ = ["citation", "Citations", "Reference", "parse_citation", "METHOD_PAPERS"]

#: papers of the numerical methods and learning rules nbblox implements
METHOD_PAPERS = {
    "euler": "Maruyama G (1955). Continuous Markov processes and stochastic equations. "
             "Rend Circ Mat Palermo 4:48-90. doi:10.1007/BF02846028",
    "heun": "Heun K (1900). Neue Methoden zur approximativen Integration der "
            "Differentialgleichungen einer unabhängigen Veränderlichen. Z Math Phys 45:23-38.",
    "stochastic_heun": "Rümelin W (1982). Numerical treatment of stochastic differential "
                       "equations. SIAM J Numer Anal 19:604-613. doi:10.1137/0719041",
    "rk4": "Kutta W (1901). Beitrag zur näherungsweisen Integration totaler "
           "Differentialgleichungen. Z Math Phys 46:435-453.",
    "RK45": "Dormand JR, Prince PJ (1980). A family of embedded Runge-Kutta formulae. "
            "J Comput Appl Math 6:19-26. doi:10.1016/0771-050X(80)90013-3",
    "RK23": "Bogacki P, Shampine LF (1989). A 3(2) pair of Runge-Kutta formulas. Appl Math "
            "Lett 2:321-325. doi:10.1016/0893-9659(89)90079-7",
    "DOP853": "Hairer E, Nørsett SP, Wanner G (1993). Solving Ordinary Differential "
              "Equations I, 2nd ed. Springer. doi:10.1007/978-3-540-78862-1",
    "Radau": "Hairer E, Wanner G (1996). Solving Ordinary Differential Equations II, 2nd ed. "
             "Springer. doi:10.1007/978-3-642-05221-7",
    "BDF": "Shampine LF, Reichelt MW (1997). The MATLAB ODE suite. SIAM J Sci Comput "
           "18:1-22. doi:10.1137/S1064827594276424",
    "LSODA": "Petzold L (1983). Automatic selection of methods for solving stiff and "
             "nonstiff systems of ordinary differential equations. SIAM J Sci Stat Comput "
             "4:136-148. doi:10.1137/0904010",
    "scipy": "Virtanen P, Gommers R, Oliphant TE, et al. (2020). SciPy 1.0: fundamental "
             "algorithms for scientific computing in Python. Nat Methods 17:261-272. "
             "doi:10.1038/s41592-019-0686-2",
    "numba": "Lam SK, Pitrou A, Seibert S (2015). Numba: a LLVM-based Python JIT compiler. "
             "Proc LLVM-HPC 2015 7:1-6. doi:10.1145/2833157.2833162",
    "STDP": "Song S, Miller KD, Abbott LF (2000). Competitive Hebbian learning through "
            "spike-timing-dependent synaptic plasticity. Nat Neurosci 3:919-926. "
            "doi:10.1038/78829",
    "RSTDP": "Izhikevich EM (2007). Solving the distal reward problem through linkage of "
             "STDP and dopamine signaling. Cereb Cortex 17:2443-2452. "
             "doi:10.1093/cercor/bhl152",
    "continuation": "Kuznetsov YA (2004). Elements of Applied Bifurcation Theory, 3rd ed., "
                    "Springer. doi:10.1007/978-1-4757-3978-7",
}

_REF = re.compile(r"^(?:(?P<role>[a-z][a-z \-]*): )?(?P<authors>[^()]+?),? "
                  r"\((?P<year>\d{4})\)\.?\s*(?P<rest>.*)$", re.S)
_JOURNAL = re.compile(r"^(?P<journal>.+?) (?P<volume>\d+):(?P<pages>[\w\-]+)$")
_DOI = re.compile(r"\s*doi:\s*(\S+?)\.?$")
_ISBN = re.compile(r"\s*ISBN\s+([\d\-X]+)\.?$")
# a sentence ends at ". " after a word or number, not after "ch", "ed" or "et al"
_SENTENCE = re.compile(r"(?<=[a-z0-9)])(?<! ch)(?<! ed)(?<! al)\. ")


@dataclass
class Reference:
    """One paper (or book): the parsed fields and the original text."""

    text: str
    authors: list = field(default_factory=list)
    year: str = ""
    title: str = ""
    journal: str = ""
    volume: str = ""
    pages: str = ""
    doi: str = ""
    note: str = ""
    used_for: list = field(default_factory=list)

    @property
    def key(self):
        surname = self.authors[0].split()[0] if self.authors else "ref"
        plain = unicodedata.normalize("NFKD", surname).encode("ascii", "ignore").decode()
        first = re.sub(r"[^A-Za-z]", "", plain)       # Rümelin -> Rumelin
        return f"{first or 'ref'}{self.year}"

    def same_as(self, other):
        """The same paper: equal DOIs, or the same first author, year, journal
        and volume (catalog strings cite a paper once with, once without DOI)."""
        if self.doi and other.doi:
            return self.doi.lower() == other.doi.lower()
        if self.journal and other.journal:
            return (self.authors[:1], self.year, self.journal, self.volume) == \
                (other.authors[:1], other.year, other.journal, other.volume)
        return self.text == other.text

    def bibtex(self, key=None):
        """One BibTeX entry (``@article`` when a journal was parsed, else ``@misc``)."""
        kind = "article" if self.journal else ("book" if self.title else "misc")
        rows = [("author", " and ".join(_bib_author(a) for a in self.authors)),
                ("title", self.title), ("journal", self.journal), ("volume", self.volume),
                ("pages", self.pages.replace("-", "--")), ("year", self.year),
                ("doi", self.doi),
                ("note", self.note if self.journal or self.title else self.note or self.text)]
        body = ",\n".join(f"  {k} = {{{_bib_escape(v, verbatim=k == 'doi')}}}"
                          for k, v in rows if v)
        return f"@{kind}{{{key or self.key},\n{body}\n}}"


def _bib_author(a):
    parts = a.split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}", parts[-1]):
        return f"{' '.join(parts[:-1])}, {'. '.join(parts[-1])}."
    return a


_BIB = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
        "#": r"\#", "$": r"\$", "_": r"\_", "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}"}


def _bib_escape(s, verbatim=False):
    """Text as a BibTeX field value: LaTeX specials escaped in one pass (a DOI is
    verbatim in biblatex, so there only characters that break the entry go)."""
    if verbatim:
        return re.sub(r"[{}\\\s]", "", str(s))
    return re.sub(r"[\\{}%&#$_~^]", lambda m: _BIB[m.group()], str(s))


def parse_citation(text):
    """References in one citation string (empty for "(elementary input)").

    Examples
    --------
    >>> r, = parse_citation("Hodgkin AL, Huxley AF (1952). A quantitative description. "
    ...                     "J Physiol 117:500-544. doi:10.1113/jphysiol.1952.sp004764")
    >>> r.authors, r.year, r.journal, r.pages, r.doi
    (['Hodgkin AL', 'Huxley AF'], '1952', 'J Physiol', '500-544', '10.1113/jphysiol.1952.sp004764')
    """
    out = []
    for part in (p.strip() for p in str(text or "").split("; ")):
        if not part or (part.startswith("(") and part.endswith(")")):
            continue
        m = _REF.match(part)
        if m is None:
            out.append(Reference(text=part, note=part))
            continue
        rest = m["rest"].strip()
        ref = Reference(text=part, year=m["year"],
                        authors=[a.strip() for a in m["authors"].split(",")
                                 if a.strip() and a.strip() != "et al."])
        d = _DOI.search(rest)
        if d:
            ref.doi, rest = d.group(1), rest[:d.start()].strip()
        i = _ISBN.search(rest)
        if i:
            ref.note, rest = f"ISBN {i.group(1)}", rest[:i.start()].strip()
        if rest.startswith("in "):
            ref.note = (rest[3:].strip() + (f", {ref.note}" if ref.note else "")).strip()
            out.append(ref)
            continue
        sentences = [s.strip() for s in _SENTENCE.split(rest.rstrip(".")) if s]
        jidx = next((k for k, s in enumerate(sentences) if _JOURNAL.match(s)), None)
        if jidx is not None:
            j = _JOURNAL.match(sentences[jidx])
            ref.journal, ref.volume, ref.pages = j["journal"], j["volume"], j["pages"]
            ref.title = ". ".join(sentences[:jidx])
            ref.note = ". ".join([*sentences[jidx + 1:], ref.note]).strip(". ")
        elif sentences:
            ref.title = sentences[0]
            ref.note = ", ".join([*sentences[1:], *([ref.note] if ref.note else [])])
        out.append(ref)
    return out


class Citations(list):
    """The references of :func:`citation`: ``str()`` (or ``.text()``) is a
    numbered list saying what each is cited for, ``.bibtex()`` the entries."""

    def text(self):
        lines = []
        for k, r in enumerate(self, 1):
            lines.append(f"[{k}] {r.text}\n    cited for: {', '.join(r.used_for)}")
        return "\n".join(lines) if lines else "(no references)"

    def bibtex(self):
        keys, entries = {}, []
        for r in self:
            key = r.key
            keys[key] = keys.get(key, 0) + 1
            if keys[key] > 1:
                key += "abcdefghijklmnopqrstuvwxyz"[keys[key] - 2]
            entries.append(f"% cited for: {', '.join(r.used_for)}\n{r.bibtex(key)}")
        return "\n\n".join(entries) + "\n"

    def __str__(self):
        return self.text()

    def _repr_pretty_(self, p, cycle):
        p.text(self.text())


def _add(refs, text, what):
    for r in parse_citation(text):
        same = next((x for x in refs if x.same_as(r)), None)
        if same is None:
            refs.append(r)
            same = r
        elif len(r.text) > len(same.text):       # keep the fuller text (with its title)
            r.used_for = same.used_for
            refs[refs.index(same)] = r
            same = r
        if what not in same.used_for:
            same.used_for.append(what)


def _add_scheme(refs, method):
    """The dated references of fixed-step scheme ``method``'s declared citation
    (:mod:`nbblox.compile.schemes`), so a scheme added there is cited without
    an entry here; notes without a year (``Brian2's 'rk2'``) are left out."""
    from ..compile import schemes
    scheme = schemes.get(method)
    if scheme is None:   # not a fixed-step scheme (an adaptive solver's name)
        return
    for part in scheme.citation.split(";"):
        if any(r.year for r in parse_citation(part)):
            _add(refs, part.strip(), f"integrator '{method}'")


def citation(obj):
    """Papers of every model (blox type), learning rule and numerical method
    that ``obj`` used.

    Parameters
    ----------
    obj : Circuit, Blox, System, Solution, Branch, FitResult, sweep Dataset,
        Explorer or Dashboard (a loaded result works too: its file holds the
        circuit and the method).

    Returns
    -------
    Citations
        A list of :class:`Reference`; ``print()`` it for text, ``.bibtex()``
        for a ``.bib`` file.

    Examples
    --------
    >>> import nbblox as nb
    >>> sol = nb.simulate(nb.blox.HodgkinHuxley(name="hh"), 5.0, method="rk4")
    >>> refs = nb.citation(sol)
    >>> [r.key for r in refs]
    ['Hodgkin1952', 'Kutta1901', 'Lam2015']
    >>> print(refs.bibtex().splitlines()[1])
    @article{Hodgkin1952,
    """
    from .provenance import run_info, circuit_of
    refs = Citations()
    circuit = circuit_of(obj)
    if circuit is not None:
        seen = {}
        for b in circuit:
            seen.setdefault(b.type.key, (b.type, []))[1].append(b.name)
        for btype, names in seen.values():
            who = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
            _add(refs, btype.citation, f"{capital(btype.title)} ({who})")
        for k in circuit.projections:
            if k.plasticity is not None:
                kind = type(k.plasticity).__name__
                _add(refs, METHOD_PAPERS.get(kind, ""), f"{kind} learning rule ({k.name})")
    kind = type(obj).__name__
    if kind == "Branch":
        _add(refs, METHOD_PAPERS["continuation"], "numerical continuation")
    if kind in ("Posterior",):
        _add(refs, "Foreman-Mackey D, Hogg DW, Lang D, Goodman J (2013). emcee: the MCMC "
             "hammer. Publ Astron Soc Pac 125:306-312. doi:10.1086/670067", "posterior sampling")
    method = run_info(obj).get("method")
    if method:
        noisy = circuit is not None and any("xi" in b.type.eqs.used for b in circuit)
        key = "stochastic_heun" if (method == "heun" and noisy) else method
        if key == "euler" and not noisy:
            key = None     # Euler's method needs no paper; Euler-Maruyama does
        if key in METHOD_PAPERS:
            _add(refs, METHOD_PAPERS[key], f"integrator '{method}'")
        elif key is not None:   # another fixed-step scheme: the papers its declaration cites
            _add_scheme(refs, method)
        if method in ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"):
            _add(refs, METHOD_PAPERS["scipy"], f"integrator '{method}' (scipy.integrate)")
    if circuit is not None and (method or kind in ("System", "Explorer", "Dashboard")):
        _add(refs, METHOD_PAPERS["numba"], "compiled kernels")
    return refs
