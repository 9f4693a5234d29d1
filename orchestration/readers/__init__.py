"""Format readers: export bytes in, rows typed and checked against the contract out.

Pure functions; they know nothing of where files come from or where rows go.
"""

from .contract import ENTITIES
from .detection import detect_entity
from .errors import ExportError, FieldError
from .export_reader import read_export
from .installments import check_installments_sum

__all__ = [
    "ENTITIES",
    "ExportError",
    "FieldError",
    "check_installments_sum",
    "detect_entity",
    "read_export",
]
