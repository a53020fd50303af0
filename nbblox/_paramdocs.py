"""Import HoloViews and Panel without param's generated docstring tables.

Inside IPython, param appends a table of parameters to the docstring of every
``Parameterized`` class it creates (``param.parameterized.docstring_describe_params``).
HoloViews and Panel define about 600 such classes, and the tables cost 0.2-0.5 s
of CPU at their first import -- a tenth of the first explorer in a fresh kernel
(issues 16/17, cold start).  :func:`install` (called by ``import nbblox`` inside
IPython) makes the *first* import of ``holoviews`` and ``panel`` run with the
tables off and restores param's settings as soon as that import returns, so a
user's own ``Parameterized`` classes keep theirs.  Parameter tables of Panel's
and HoloViews' classes stay one step away: ``pn.widgets.FloatSlider.param``.

Nothing happens when either package is already imported, or outside IPython.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys

__all__ = ["install", "QUIET"]

#: top-level packages imported with the docstring tables off
QUIET = ("holoviews", "panel")


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def __getattr__(self, name):          # get_resource_reader, is_package, ...
        return getattr(self.loader, name)

    def exec_module(self, module):
        import param.parameterized as pp
        saved = pp.docstring_describe_params
        pp.docstring_describe_params = False
        # the package keeps its own loader (importlib.resources, pkgutil read it)
        module.__loader__ = module.__spec__.loader = self.loader
        try:
            self.loader.exec_module(module)
        finally:
            pp.docstring_describe_params = saved
            if all(n in sys.modules for n in QUIET):
                uninstall()


class _QuietFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name not in QUIET:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _QuietLoader(spec.loader)
        return spec


_finder = _QuietFinder()


def install():
    """Have the first import of HoloViews/Panel skip param's docstring tables.

    Examples
    --------
    >>> install(); uninstall()
    """
    if all(n in sys.modules for n in QUIET) or _finder in sys.meta_path:
        return
    sys.meta_path.insert(0, _finder)


def uninstall():
    """Remove the import hook (it removes itself once both packages are loaded)."""
    try:
        sys.meta_path.remove(_finder)
    except ValueError:
        pass
