"""``python -m nbblox`` is the ``nbblox`` command."""
import sys

from .cli import main

sys.exit(main())
