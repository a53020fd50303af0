"""What ``import nbblox`` sets up inside IPython/Jupyter, and nothing else:

* plots display with no set-up call (the first HoloViews/Panel object shown
  loads the JavaScript, :mod:`nbblox.notebook`);
* nbblox's own errors are shown compactly: the message and the user's line
  that raised it, instead of 6-9 frames of nbblox internals.  The full
  traceback is one step away (``%tb``, or ``nb.ipython.verbose_errors()``).
* SymPy expressions (``System.equations()``) are typeset like a blox's own
  equations (:mod:`nbblox.model.texprint`: ``E.A`` one symbol, no ``exprel``).

Only nbblox's exceptions (:class:`~nbblox.exceptions.NbbloxError`) are
shortened: their messages already name the blox, parameter or equation line.
Any other exception keeps IPython's full traceback (it may be a bug).
"""
from __future__ import annotations

import linecache
import os

__all__ = ["on_import", "compact_traceback", "verbose_errors"]

_PKG = os.path.dirname(os.path.abspath(__file__))
_installed = {}


def _user_frame(tb):
    """(filename, lineno, text) of the innermost frame outside nbblox and the
    libraries: the line of the user's cell or script that called into nbblox."""
    last = None
    while tb is not None:
        fn = tb.tb_frame.f_code.co_filename
        absfn = os.path.abspath(fn) if not fn.startswith("<") else fn
        if not absfn.startswith(_PKG) and "site-packages" not in absfn \
                and "/lib/python" not in absfn:
            last = (fn, tb.tb_lineno)
        tb = tb.tb_next
    if last is None:
        return None
    fn, lineno = last
    return fn, lineno, linecache.getline(fn, lineno).rstrip()


def compact_traceback(etype, value, tb, color=True):
    """The lines IPython shows for an nbblox error: the exception and its
    message, the user's line, and where the full traceback is.

    Examples
    --------
    >>> from nbblox.exceptions import ParameterError
    >>> try:
    ...     raise ParameterError("tau must be > 0 ms")
    ... except ParameterError as e:
    ...     lines = compact_traceback(type(e), e, e.__traceback__, color=False)
    >>> lines[0]
    'ParameterError: tau must be > 0 ms'
    >>> lines[-1]
    '(nbblox error: the full traceback is one step away, run %tb)'
    """
    red, bold, dim, end = (("\x1b[0;31m", "\x1b[1m", "\x1b[2m", "\x1b[0m") if color
                           else ("", "", "", ""))
    lines = [f"{red}{etype.__name__}{end}: {value}"]
    where = _user_frame(tb)
    if where is not None:
        fn, lineno, text = where
        place = f"line {lineno}" + ("" if "ipykernel" in fn or fn.startswith("<")
                                   else f" of {os.path.basename(fn)}")
        if text:
            lines.append(f"{dim}  {place}:{end} {bold}{text.strip()}{end}")
    lines.append(f"{dim}(nbblox error: the full traceback is one step away, run %tb){end}")
    return lines


def _handler(shell, etype, value, tb, tb_offset=None):
    # IPython's run_code discards what a custom handler returns: show it here,
    # and keep sys.last_traceback so that %tb prints the full traceback
    shell._get_exc_info((etype, value, tb))
    if _installed.get("verbose"):
        stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    else:
        stb = compact_traceback(etype, value, tb)
    shell._showtraceback(etype, value, stb)
    return stb


def verbose_errors(on=True):
    """Show nbblox errors with IPython's full traceback again (``on=False``
    returns to the compact form).

    Examples
    --------
    >>> verbose_errors(False)
    """
    _installed["verbose"] = bool(on)


def on_import():
    """Install the display hook and the compact error display in the running
    IPython shell (called by ``import nbblox``; nothing happens outside IPython)."""
    if _installed.get("done"):
        return
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    _installed["done"] = True
    from . import _paramdocs
    _paramdocs.install()          # HoloViews/Panel import 0.2-0.5 s faster (cold start)
    from .exceptions import NbbloxError
    from .notebook import install_display_hook
    install_display_hook(ip)
    _sympy_latex(ip)
    # keep a user's own handler for other exceptions: only add ours when none is set
    if not ip.custom_exceptions:
        ip.set_custom_exc((NbbloxError,), _handler)



def _sympy_latex(ip):
    """SymPy objects in this notebook print through :func:`nbblox.model.texprint.latex`
    (a dotted name ``E.A`` as one symbol, ``exprel`` as its quotient), as served lessons
    show them.  Registered by module and class name: SymPy is not imported for it, and a
    user's ``sympy.init_printing`` (registered for subclasses) still wins."""
    fmt = ip.display_formatter.formatters.get("text/latex")
    if fmt is not None:
        fmt.for_type_by_name("sympy.printing.defaults", "Printable", _sympy_tex)


def _sympy_tex(obj):
    from .model.texprint import display_latex
    return display_latex(obj)
