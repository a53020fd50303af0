"""What may be a name in equation text: a Python identifier that Python reads as itself.

Python (and so the equation parser, :mod:`nbblox.model.expression`) accepts Unicode
identifiers but reads them in NFKC form, so ``kₑₑ`` would silently be ``kee``.
:func:`name_problem` says why a state, parameter, input, blox or type name is refused;
:func:`renamed_word` finds such a word in a line of equation text before it is parsed.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["name_problem", "renamed_word", "MAX_NAME"]

#: longest name (state, parameter, input, blox type)
MAX_NAME = 100

# runs of anything but ASCII punctuation and space: every identifier, combining marks included
_WORD = re.compile(r"[^\s!-/:-@\[-^`{-~]+")


def _char(c):
    name = unicodedata.name(c, None)
    shown = repr(c) if name is None or not c.isprintable() else f"'{c}'"
    return f"{shown} (U+{ord(c):04X}{' ' + name if name else ', a control character'})"


def name_problem(name):
    """Why ``name`` cannot be a name in equation text, or None.

    Python (and so the equation parser) accepts Unicode identifiers such as
    ``τ`` or ``Δt``, but reads them in NFKC form: ``kₑₑ`` *is* ``kee``.  Names
    that NFKC would change are refused rather than silently renamed; generated
    code never contains a name (symbols become array slots), so every
    identifier Python accepts is safe there.

    Examples
    --------
    >>> name_problem("τ_m") is None
    True
    >>> print(name_problem("kₑₑ"))
    the character 'ₑ' (U+2091 LATIN SUBSCRIPT SMALL LETTER E) is read by Python as 'e', so 'kₑₑ' would be the name 'kee'; write 'kee' or 'k_ee'
    >>> print(name_problem("a-b"))
    the character '-' (U+002D HYPHEN-MINUS) cannot be part of a name (letters, digits and '_', not starting with a digit)
    """
    if not isinstance(name, str) or not name:
        return "a name must be non-empty text"
    if len(name) > MAX_NAME:
        return f"a name may have at most {MAX_NAME} characters, not {len(name)}"
    if not name.isidentifier():
        bad = next((c for i, c in enumerate(name)
                    if not ("a" + name[:i + 1] if i else name[0]).isidentifier()), name[0])
        return (f"the character {_char(bad)} cannot be part of a name (letters, digits and "
                "'_', not starting with a digit)")
    norm = unicodedata.normalize("NFKC", name)
    if norm != name:
        c = next((c for c in name if unicodedata.normalize("NFKC", c) != c), None)
        what = (f"the character {_char(c)} is read by Python as "
                f"'{unicodedata.normalize('NFKC', c)}'" if c is not None else
                "its characters combine when Python reads it")
        alt = f" or '{norm[:1]}_{norm[1:]}'" if len(norm) > 1 else ""
        return f"{what}, so '{name}' would be the name '{norm}'; write '{norm}'{alt}"
    return None


def renamed_word(src):
    """The first word of ``src`` that Python would read as another name (or that
    :func:`name_problem` refuses otherwise): ``(offset in src, why)``, or None.

    Examples
    --------
    >>> renamed_word("dV/dt = -V/τ") is None
    True
    >>> renamed_word("dV/dt = -V/kₑₑ")[0]
    11
    """
    for m in _WORD.finditer(src):
        word = m.group()
        if not word.isascii() and unicodedata.normalize("NFKC", word) != word:
            why = name_problem(word)
            if why:
                return m.start(), why
    return None
