"""numpy for the search modules, imported when first used.

numpy takes 40–80 ms to import. Searches need it (fast.py, the postings files, folding long texts in place),
but a command that only adds documents to the index does not (the analysers fold word by word), nor do the
many commands that import the search package for its other functions. The modules write
`from .lazy_numpy import np` and use `np` as usual (type checkers see numpy itself).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any


class _Numpy:
    """Stands for the numpy module: the first name looked up imports it and copies its names here, so later
    look-ups are plain attribute reads."""

    def __getattr__(self, name: str) -> Any:
        module = importlib.import_module("numpy")  # lazily: see the module's docstring
        self.__dict__.update(vars(module))
        return getattr(module, name)


if TYPE_CHECKING:
    import numpy as np
else:
    np = _Numpy()
