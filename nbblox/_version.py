"""The package version, in one place: ``nbblox.__version__`` imports it and
pyproject.toml reads it (``[tool.setuptools.dynamic]``) without importing nbblox."""
__version__ = "0.1.0"
