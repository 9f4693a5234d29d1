from pathlib import Path

import pytest

from orchestration.readers import ExportError, FieldError, read_export

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_bytes():
    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read


@pytest.fixture
def rejection():
    """The problems read_export reports for a file it must reject."""

    def reject(entity: str, file_name: str, data: bytes) -> list[FieldError]:
        with pytest.raises(ExportError) as caught:
            read_export(entity, file_name, data)
        assert caught.value.file_name == file_name
        return caught.value.errors

    return reject
