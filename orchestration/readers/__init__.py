"""Format readers: an export file in, its rows typed and checked against the contract out.

Invoicing exports are checked in DuckDB (staged_export: the caller's connection, or an
in-memory one for read_export), so a file's rows never have to fit in Python; bank
statements are read by pure functions (bank/). Readers know nothing of where files come
from or where rows go.
"""

from .contract import ENTITIES
from .detection import detect_entity
from .errors import ExportError, FieldError
from .staged_export import read_export, staged_export

__all__ = [
    "ENTITIES",
    "ExportError",
    "FieldError",
    "detect_entity",
    "read_export",
    "staged_export",
]
