"""How blox types travel in a pickle: catalog types by name, others as their data.

A :class:`~nbblox.model.blox.BloxType` holds parsed equations (and, once used, SymPy
forms), so it is not pickled as its attributes.  A catalog type
(``nb.blox.FitzHughNagumo``) is pickled by name, like a class, and unpickles as the
catalog's own object (the builder palette and ``to_code()`` keep naming it); any
other type -- ``Blox.from_equations``, ``nb.BloxType(...)``, a ConductanceNeuron --
is pickled as its :meth:`~nbblox.model.blox.BloxType.to_dict` and re-parsed on
unpickle through the same checks as a circuit file, so it unpickles in a fresh
process (a ``spawn`` worker, dask) that never saw its definition.  One pickle holds
each type once, however many blox share it.

This module imports nothing from the model: :mod:`nbblox.model.library` registers the
catalog here (:func:`register_catalog`) and the class to rebuild is passed along in the
pickle, so neither :mod:`~nbblox.model.blox` nor the catalog depend on each other twice.
"""
from __future__ import annotations

import pickle

__all__ = ["register_catalog", "catalog_name", "catalog_type", "type_from_dict"]

# name -> catalog BloxType (filled when nbblox.model.library is imported, i.e. by `import nbblox`)
_CATALOG = {}


def register_catalog(types):
    """Record ``{name: BloxType}`` as catalog types: pickled by name from now on."""
    _CATALOG.update(types)


def catalog_name(btype):
    """The catalog name of ``btype``, or None when it is not the catalog's own object
    (a type of the same name made from its data is pickled as data).  Never parses a
    deferred catalog type."""
    name = btype.__dict__.get("name")
    return name if _CATALOG.get(name) is btype else None


def catalog_type(name):
    """The catalog type ``name`` (what a pickled catalog type unpickles as).

    Examples
    --------
    >>> import pickle, nbblox as nb
    >>> pickle.loads(pickle.dumps(nb.blox.FitzHughNagumo)) is nb.blox.FitzHughNagumo
    True
    """
    try:
        return _CATALOG[name]
    except KeyError:
        raise pickle.UnpicklingError(
            f"this pickle names the catalog blox type {name!r}, which this nbblox's catalog "
            "does not have (pickled by another version?); move models between versions as "
            "circuit JSON (Circuit.to_json)") from None


def type_from_dict(cls, spec):
    """``cls.from_dict(spec)``: a non-catalog type from its pickled data, checked and
    re-parsed like a type in a circuit file."""
    return cls.from_dict(spec)
