from pathlib import PurePath

from .contract import CONTRACT, SUPPORTED_EXTENSIONS


def detect_entity(file_name: str) -> str | None:
    """The entity a file holds, told by the start of its name; None for anything else."""
    name = PurePath(file_name).name.lower()
    if not name.endswith(SUPPORTED_EXTENSIONS):
        return None
    for entity in CONTRACT.values():
        if name.startswith(entity.file_prefixes):
            return entity.name
    return None
