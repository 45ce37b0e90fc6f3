"""Importers for incident files: the NYPD open-data schemas and a generic column mapping.

``records_import_file(*, path, schema, columns=None, ...)`` is the one entry point; the
``openprecinct import`` command and the web UI call it. See docs/importing.md.
"""

from openprecinct.records.importing.errors import ImportFileError, RowError
from openprecinct.records.importing.schemas import SCHEMA_NAMES, ColumnMapping
from openprecinct.records.importing.service import import_summary, records_import_file

__all__ = [
    "SCHEMA_NAMES",
    "ColumnMapping",
    "ImportFileError",
    "RowError",
    "import_summary",
    "records_import_file",
]
