"""Vietnamese text: normalisation, accent folding, dates, numbers and symbols, document types."""

from .text import fold, fold_aligned, nfc, squash_spaces

__all__ = ["fold", "fold_aligned", "nfc", "squash_spaces"]
