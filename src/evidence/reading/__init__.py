"""Reading evidence files: text per page (text layer or OCR), PDF signatures and header metadata.

    from evidence.reading import read_document, read_many, ReadError
"""

from ..errors import ReadError
from .model import METADATA_KEYS, Reading, empty_metadata
from .reader import read_document
from .worker import read_many

__all__ = ["METADATA_KEYS", "ReadError", "Reading", "empty_metadata", "read_document", "read_many"]
