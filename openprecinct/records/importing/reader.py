"""Streaming CSV reading that survives hostile files.

* Lines are read as bytes with a length cap (:data:`MAX_LINE_BYTES`): a 1 GB line is skipped in
  1 MB pieces and its row quarantined, never held in memory.
* Bytes are decoded line by line, so one badly encoded row is quarantined instead of the file.
* gzip files are checked end to end before the first row is written, so a truncated download
  fails as a whole instead of leaving half an import.
* The delimiter is taken from the header line (comma, semicolon, tab or bar).
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from openprecinct.records.importing.errors import ImportFileError, RowError

MAX_LINE_BYTES = 1 << 20  # 1 MB: far beyond any real record, far below a memory problem
MAX_FIELD_CHARS = 4 << 20  # a quoted field may span lines, but not without bound
RAW_KEEP = 4096  # characters of a refused row kept in the quarantine
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(slots=True)
class SourceRow:
    """One CSV record: its first line number, fields, the raw text (cut), or why it is unusable."""

    line: int
    fields: list[str]
    raw: str
    error: RowError | None = None


class CsvSource:
    """A CSV or gzipped CSV file opened for streaming; use as a context manager.

    ``header`` is the list of column names; iterate :meth:`rows` for the records.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        encoding: str = "utf-8",
        max_line_bytes: int = MAX_LINE_BYTES,
    ) -> None:
        self.path = Path(path)
        self.encoding = encoding
        self.max_line_bytes = max_line_bytes
        self.header: list[str] = []
        self.delimiter = ","
        self.size = 0
        self._fh: IO[bytes] | None = None
        self._raw_fh: IO[bytes] | None = None
        self._physical = 0
        self._overlong: list[int] = []
        self._undecodable: list[tuple[int, str]] = []
        self._raw_parts: list[str] = []
        self._raw_len = 0

    # -- opening -------------------------------------------------------------------------
    def __enter__(self) -> CsvSource:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        try:
            codecs_check = "".encode(self.encoding)
        except LookupError:
            raise ImportFileError(f"unknown encoding {self.encoding!r}") from None
        del codecs_check
        if not self.path.exists():
            raise ImportFileError(f"{self.path} does not exist")
        if not self.path.is_file():
            raise ImportFileError(f"{self.path} is not a file")
        try:
            raw = self.path.open("rb")
        except OSError as exc:
            raise ImportFileError(f"cannot open {self.path}: {exc.strerror or exc}") from None
        self.size = self.path.stat().st_size
        if self.size == 0:
            raw.close()
            raise ImportFileError(f"{self.path.name} is empty")
        magic = raw.read(2)
        raw.seek(0)
        self._raw_fh = raw
        if magic == b"\x1f\x8b":
            self._check_gzip()
            self._fh = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        else:
            self._fh = raw
        self._read_header()

    def _check_gzip(self) -> None:
        """Decompress once to the end, so a truncated .gz fails before anything is written."""
        assert self._raw_fh is not None
        try:
            with gzip.GzipFile(fileobj=self._raw_fh, mode="rb") as probe:
                while probe.read(1 << 22):
                    pass
        except (EOFError, OSError, zlib.error) as exc:
            raise ImportFileError(
                f"{self.path.name} is a damaged or truncated gzip file ({exc}); download it again"
            ) from None
        self._raw_fh.seek(0)

    def _read_header(self) -> None:
        assert self._fh is not None
        try:
            first = self._fh.readline(self.max_line_bytes + 1)
        except (EOFError, OSError, zlib.error) as exc:
            raise ImportFileError(f"cannot read {self.path.name}: {exc}") from None
        self._physical = 1
        if not first.strip():
            raise ImportFileError(f"{self.path.name} has no header line (the first line is empty)")
        if len(first) > self.max_line_bytes and not first.endswith(b"\n"):
            raise ImportFileError(
                f"the first line of {self.path.name} is longer than "
                f"{self.max_line_bytes // (1 << 20)} MB: this is not a CSV header"
            )
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ImportFileError(
                f'{self.path.name} is UTF-16 text; save it as UTF-8 ("CSV UTF-8") and import again'
            )
        if b"\x00" in first:
            raise ImportFileError(
                f"{self.path.name} is not a text CSV file (it contains NUL bytes)"
            )
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        try:
            text = first.decode(self.encoding)
        except UnicodeDecodeError:
            raise ImportFileError(
                f"the header of {self.path.name} is not valid {self.encoding}; "
                "save the file as UTF-8 or give its encoding (e.g. --encoding latin-1)"
            ) from None
        counts = {d: text.count(d) for d in _DELIMITERS}
        self.delimiter = "," if counts[","] else max(_DELIMITERS, key=lambda d: counts[d])
        try:
            header = next(csv.reader([text], delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            raise ImportFileError(f"the header of {self.path.name} is not CSV") from None
        self.header = [name.strip() for name in header]

    def close(self) -> None:
        for handle in (self._fh, self._raw_fh):
            if handle is not None:
                handle.close()
        self._fh = self._raw_fh = None

    def position(self) -> int:
        """Bytes of the file (compressed, for .gz) consumed so far, for the progress bar."""
        if self._raw_fh is None or self._raw_fh.closed:
            return self.size
        return self._raw_fh.tell()

    # -- rows ------------------------------------------------------------------------------
    def _lines(self) -> Iterator[str]:
        assert self._fh is not None
        fh = self._fh
        cap = self.max_line_bytes
        while True:
            chunk = fh.readline(cap + 1)
            if not chunk:
                return
            self._physical += 1
            if len(chunk) > cap and not chunk.endswith(b"\n"):
                while True:  # skip the rest of the line in bounded pieces
                    more = fh.readline(cap)
                    if not more or more.endswith(b"\n"):
                        break
                self._overlong.append(self._physical)
                line = "\n"
            else:
                try:
                    line = chunk.decode(self.encoding)
                except UnicodeDecodeError as exc:
                    bad = chunk[exc.start : exc.start + 1].hex()
                    self._undecodable.append((self._physical, bad))
                    line = chunk.decode(self.encoding, errors="replace")
            if self._raw_len < RAW_KEEP:
                self._raw_parts.append(line[: RAW_KEEP - self._raw_len])
                self._raw_len += len(line)
            yield line

    def rows(self) -> Iterator[SourceRow]:
        """Every record after the header; malformed ones carry ``error`` instead of failing."""
        if csv.field_size_limit() < MAX_FIELD_CHARS:
            csv.field_size_limit(MAX_FIELD_CHARS)
        reader = csv.reader(self._lines(), delimiter=self.delimiter)
        width = len(self.header)
        start = self._physical + 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(
                    f"line {start} of {self.path.name} cannot be read as CSV ({exc}); "
                    "is a quote left open?"
                ) from None
            except (EOFError, OSError, zlib.error) as exc:
                raise ImportFileError(
                    f"reading {self.path.name} failed at line {start}: {exc}"
                ) from None
            raw = "".join(self._raw_parts)
            self._raw_parts.clear()
            self._raw_len = 0
            end = self._physical
            line = start
            start = end + 1
            error = self._row_error(line, end, fields, width)
            if not fields and error is None:
                continue  # a blank line
            yield SourceRow(line=line, fields=fields, raw=raw.rstrip("\r\n"), error=error)

    def _row_error(self, first: int, last: int, fields: list[str], width: int) -> RowError | None:
        if self._overlong and self._overlong[0] <= last:
            while self._overlong and self._overlong[0] <= last:
                self._overlong.pop(0)
            return RowError(
                "line_too_long",
                f"line {first} is longer than {self.max_line_bytes // (1 << 20) or 1} MB",
            )
        if self._undecodable and self._undecodable[0][0] <= last:
            byte = self._undecodable[0][1]
            while self._undecodable and self._undecodable[0][0] <= last:
                self._undecodable.pop(0)
            return RowError(
                "bad_encoding",
                f"line {first} is not valid {self.encoding} (byte 0x{byte}); save the file as "
                "UTF-8 or give its encoding",
            )
        if not fields:
            return None
        if len(fields) != width:
            if len(fields) > width and not any(f.strip() for f in fields[width:]):
                del fields[width:]
                return None
            return RowError(
                "wrong_field_count",
                f"line {first} has {len(fields)} fields, the header has {width}",
            )
        return None


def open_text(path: str | Path) -> io.TextIOWrapper:
    """Open a small text file (a mapping file), gzipped or not."""
    p = Path(path)
    raw = p.open("rb")
    if raw.read(2) == b"\x1f\x8b":
        raw.seek(0)
        return io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8")
    raw.seek(0)
    return io.TextIOWrapper(raw, encoding="utf-8")
