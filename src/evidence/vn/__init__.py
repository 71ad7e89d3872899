"""Vietnamese text: normalisation, accent folding, dates, numbers and symbols, document types."""

from .text import fold, nfc, squash_spaces

__all__ = ["fold", "nfc", "squash_spaces"]
