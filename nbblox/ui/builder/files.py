"""The circuit builder's files: JSON (with canvas positions), Python code and
SVG out; JSON in, from a path, from text, or from a file opened on the canvas.

:class:`BuilderFiles` is a mixin of
:class:`~nbblox.ui.builder.widget.CircuitBuilder`; it reads the circuit and
positions of the builder's :class:`~nbblox.ui.builder.sync.BuilderModel`
(``_model``) and answers the canvas through the widget's ``_ack``.  Text
from the browser is parsed, never used as a path.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..._text import counted
from ...exceptions import CircuitError, NbbloxError
from ...model import Circuit
from ...model.circuit import read_circuit_file
from .layout import to_svg

__all__ = ["BuilderFiles"]


class BuilderFiles:
    """Export and import of the builder's circuit (with its canvas positions)."""

    def to_code(self, var="circuit"):
        """Python that rebuilds :attr:`circuit` (see :meth:`Circuit.to_code`)."""
        return self.circuit.to_code(var)

    def to_json(self):
        """The circuit as JSON, with the canvas positions under ``"positions"``."""
        data = self.circuit.to_dict()
        data["positions"] = {n: list(v) for n, v in self._model.positions.items()}
        return json.dumps(data)

    def save(self, path):
        """Write :meth:`to_json` to ``path``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path, **kw):
        """A builder showing the circuit of a JSON file (as written by :meth:`save`).

        The file is size-limited, validated and its equations re-parsed by
        :meth:`Circuit.from_json`; nothing in it is executed.  Bad files
        raise CircuitError with the reason.
        """
        if isinstance(path, str) and path.lstrip().startswith("{"):
            raise CircuitError("CircuitBuilder.load reads a file; for JSON text use "
                               "CircuitBuilder.from_json(text)")
        return cls.from_json(read_circuit_file(path), **kw)

    @classmethod
    def from_json(cls, text, **kw):
        """A builder showing the circuit of JSON text (as :meth:`to_json` writes
        it, positions included); validated like :meth:`Circuit.from_json`."""
        circuit, positions = _read_circuit(text)
        return cls(circuit, positions=positions, **kw)

    def to_svg(self):
        """The canvas as standalone SVG text (for slides)."""
        return to_svg(self.circuit, self._model.positions)

    def save_svg(self, path):
        """Write :meth:`to_svg` to ``path``."""
        Path(path).write_text(self.to_svg(), encoding="utf-8")

    def _load_from_view(self, msg):
        try:
            circuit, positions = _read_circuit(str(msg.get("text", "")))
        except (NbbloxError, ValueError, TypeError) as exc:
            self._ack(msg)
            self._model.message(f"could not open {msg.get('filename') or 'the file'}: {exc}",
                                "error")
            return
        self._ack(msg)
        self._model.reset(circuit, positions)
        self._model.message(f"opened {msg.get('filename') or 'circuit'}: {len(circuit)} blox, "
                            f"{counted(len(circuit.connections), 'connection')}")


def _read_circuit(text):
    """(Circuit, positions) from JSON text -- never a path: the text may come from
    the browser, which must not name files on the server.  Validated by
    Circuit.from_json."""
    circuit = Circuit.from_json(text)
    positions = {}
    try:
        raw = json.loads(text).get("positions") or {}
    except (ValueError, AttributeError):
        raw = {}
    if isinstance(raw, dict):
        for n, xy in raw.items():
            if n in circuit.blox and isinstance(xy, list) and len(xy) == 2 and \
                    all(isinstance(v, (int, float)) and abs(v) < 1e7 for v in xy):
                positions[n] = (float(xy[0]), float(xy[1]))
    return circuit, positions
