"""Sphinx configuration of the nbblox documentation (docs/README.md says how to build).

Three parts: the user guide (Markdown pages in guide/), the API reference
(api.rst, autosummary + numpydoc from the docstrings; the blox catalog page is
generated from nb.blox.catalog()), and the lessons as a gallery.  The lessons are
never executed here: the gallery renders notebooks executed once elsewhere
(`.ci/binder-sim` writes them to build/lessons-executed/), read from the folder
named by $NBBLOX_DOCS_LESSONS, else build/lessons-executed/ if it exists, else the
stored lessons/*.ipynb (which carry only the text outputs of their checks).
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO))          # document this checkout, not another install
sys.path.insert(0, str(DOCS))

import nbblox  # noqa: E402
from _catalog import write_catalog  # noqa: E402
from _gallery import write_gallery  # noqa: E402

project = "nbblox"
author = "the nbblox developers"
copyright = "2026, the nbblox developers"
release = nbblox.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_nb",                 # Markdown pages and notebooks (it loads myst_parser)
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx-mathjax-offline",  # MathJax shipped with the site: pages render offline
]

# -- sources ------------------------------------------------------------------
exclude_patterns = ["_build", "README.md", "DESIGN-NOTES.md", "AUDIT.md", "**/.ipynb_checkpoints",
                    "jupyter_execute"]
templates_path = ["_templates"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"       # lessons arrive executed; the docs never run them
nb_merge_streams = True

# -- API reference ------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"      # numpydoc sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
add_module_names = False

# -- HTML ---------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"nbblox {release}"
html_static_path = ["_static"]
html_css_files = ["nbblox.css"]
html_show_sourcelink = False
html_copy_source = False        # no _sources/ copy of every executed notebook (~80 MB)
html_theme_options = {
    "logo": {"text": "nbblox"},
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # lesson pages give their width to the notebooks' explorers (sidebar + plot)
    "secondary_sidebar_items": {"lessons/generated/*": []},
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "lessons/index": []}
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True


def _lesson_source():
    given = os.environ.get("NBBLOX_DOCS_LESSONS")
    if given:
        folder = Path(given)
        if not folder.is_absolute():
            folder = REPO / folder
        if not sorted(folder.glob("*.ipynb")):
            raise RuntimeError(f"NBBLOX_DOCS_LESSONS={given}: no executed notebooks there "
                               "(run .ci/binder-sim first, which writes them)")
        return folder, True
    default = REPO / "build" / "lessons-executed"
    if sorted(default.glob("*.ipynb")):
        return default, True
    return REPO / "lessons", False


def setup(app):
    # autosummary never deletes a page it no longer generates: start clean, so a
    # renamed API entry cannot leave an orphan page (an error under -W)
    shutil.rmtree(DOCS / "api" / "generated", ignore_errors=True)
    folder, executed = _lesson_source()
    write_gallery(folder, DOCS / "lessons" / "generated", executed)
    write_catalog(DOCS / "api" / "catalog.md")
    return {"parallel_read_safe": True}
