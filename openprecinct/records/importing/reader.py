"""Streaming CSV reading that survives hostile files.

* Lines are read as bytes with a length cap (:data:`MAX_LINE_BYTES`): a 1 GB line is skipped in
  1 MB pieces and its row quarantined, never held in memory.
* Bytes are decoded line by line, so one badly encoded row is quarantined instead of the file.
* gzip files are checked end to end before the first row is written, so a truncated download
  fails as a whole instead of leaving half an import.
* The delimiter is taken from the header line (comma, semicolon, tab or bar).
* :meth:`CsvSource.blocks` reads the file in blocks of a few MB: a block whose records are one
  line each with their quotes where the csv module reads them as quoting (checked with numpy on
  the bytes) is split into columns by pyarrow's CSV parser, which must then find exactly one
  record per non-blank line and the header's number of fields in each; any other block (a
  quoted newline, a stray quote, a bad byte, a wrong field count, an over-long line) is read
  record by record exactly as :meth:`CsvSource.rows` does. Line numbers are the same either
  way.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pa_csv

from openprecinct.records.importing import arrow
from openprecinct.records.importing.errors import ImportFileError, RowError

MAX_LINE_BYTES = 1 << 20  # 1 MB: far beyond any real record, far below a memory problem
MAX_FIELD_CHARS = 4 << 20  # a quoted field may span lines, but not without bound
RAW_KEEP = 4096  # characters of a refused row kept in the quarantine
_DELIMITERS = (",", ";", "\t", "|")
BLOCK_BYTES = 4 << 20  # bytes of file per block of the column-wise reader


@dataclass(slots=True)
class SourceRow:
    """One CSV record: its first line number, fields, the raw text (cut), or why it is unusable."""

    line: int
    fields: list[str]
    raw: str
    error: RowError | None = None


def _none() -> npt.NDArray[np.int64]:
    return np.zeros(0, dtype=np.int64)


@dataclass(slots=True)
class Block:
    """A stretch of the file: either fast records (one line each, parsed into ``table``) or
    ``rows``.

    Fast records: ``lines`` (the line number of each), ``data`` (the block's bytes), ``starts``
    and ``ends`` (where each record's line is in ``data``) and ``table``, one pyarrow string
    column per header column; :meth:`cells` reads a column. Other blocks carry the
    :class:`SourceRow` list of the row-by-row reader.
    """

    rows: list[SourceRow] | None = None
    lines: npt.NDArray[np.int64] = field(default_factory=_none)
    data: bytes = b""
    starts: npt.NDArray[np.int64] = field(default_factory=_none)
    ends: npt.NDArray[np.int64] = field(default_factory=_none)
    table: pa.Table | None = None
    encoding: str = "utf-8"

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, i: int) -> str:
        """The whole line of fast record ``i``, without its line end."""
        chunk = self.data[int(self.starts[i]) : int(self.ends[i])]
        return chunk.decode(self.encoding, errors="replace")

    def raw(self, i: int) -> str:
        """The text of fast record ``i`` as a quarantined row keeps it (cut to 4 KB)."""
        return self.text(i)[:RAW_KEEP].rstrip("\r\n")

    def cells(self, column: int, lo: int, hi: int) -> BlockCells:
        assert self.table is not None
        return BlockCells(self.table.column(column).slice(lo, hi - lo).combine_chunks())


class BlockCells:
    """The cells of one column of a fast block (a pyarrow string array), read without making a
    Python string per cell where the parser does not need one."""

    def __init__(self, column: pa.Array) -> None:
        self.column = column
        self._factors: tuple[npt.NDArray[np.int64], list[str]] | None = None

    def __len__(self) -> int:
        return len(self.column)

    def factorized(self) -> tuple[npt.NDArray[np.int64], list[str]]:
        """Codes per cell and the distinct values (as str), by pyarrow's hash table."""
        if self._factors is None:
            encoded = self.column.dictionary_encode()
            codes = arrow.to_numpy(encoded.indices).astype(np.int64)
            self._factors = (codes, encoded.dictionary.to_pylist())
        return self._factors

    def strings(self, index: npt.NDArray[np.int64] | None = None) -> npt.NDArray[np.object_]:
        """The cells (or those at ``index``) as an object array of str."""
        if index is None:
            codes, uniques = self.factorized()
            table = np.empty(len(uniques), dtype=object)
            table[:] = uniques
            return table[codes]
        out = np.empty(len(index), dtype=object)
        out[:] = self.column.take(arrow.ints(index)).to_pylist()
        return out


class _Feed:
    """The decompressed byte stream, with push-back, so block and line reads can alternate."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.buf = b""
        self.at = 0  # read position in buf
        self.pos = 0  # bytes handed out so far

    def readline(self, limit: int) -> bytes:
        if self.at < len(self.buf):
            end = self.buf.find(b"\n", self.at, self.at + limit)
            if end >= 0:
                line = self.buf[self.at : end + 1]
            else:
                line = self.buf[self.at : self.at + limit]
                if len(line) < limit:
                    line += self.fh.readline(limit - len(line))
            self.at += min(len(line), len(self.buf) - self.at)
            if self.at >= len(self.buf):
                self.buf, self.at = b"", 0
        else:
            line = self.fh.readline(limit)
        self.pos += len(line)
        return line

    def read_block(self, size: int, cap: int) -> bytes:
        """About ``size`` bytes ending at a line end (or the end of the file)."""
        head = self.buf[self.at :]
        self.buf, self.at = b"", 0
        data = head + self.fh.read(max(0, size - len(head)))
        if data and not data.endswith(b"\n"):
            more = self.fh.readline(cap + 1)
            data += more
            if more and not more.endswith(b"\n"):  # no line end near: leave it to the rows
                cut = data.rfind(b"\n") + 1
                if cut > 0:
                    self.buf = data[cut:]
                    data = data[:cut]
        self.pos += len(data)
        return data

    def unread(self, data: bytes) -> None:
        self.buf = data + self.buf[self.at :]
        self.at = 0
        self.pos -= len(data)


def _utf8(encoding: str) -> bool:
    """Whether bytes in ``encoding`` are already UTF-8 (UTF-8 itself, or ASCII)."""
    return encoding.replace("-", "").replace("_", "").lower() in ("utf8", "ascii")


def _ascii_safe(encoding: str) -> bool:
    """Whether ASCII bytes always stand for themselves in ``encoding`` (UTF-8, Latin-1...)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name in ("utf-8", "ascii", "latin-1", "cp1252") or name.startswith("iso8859")


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
        self._feed: _Feed | None = None

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
        assert self._fh is not None
        self._feed = _Feed(self._fh)

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
        assert self._feed is not None
        fh = self._feed
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

    def rows(self, *, until: int | None = None) -> Iterator[SourceRow]:
        """Every record after the header; malformed ones carry ``error`` instead of failing.

        With ``until``, stop after the record that reaches byte ``until`` of the stream.
        """
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
            if fields or error is not None:  # else a blank line
                yield SourceRow(line=line, fields=fields, raw=raw.rstrip("\r\n"), error=error)
            if until is not None and self._feed is not None and self._feed.pos >= until:
                return

    # -- blocks ----------------------------------------------------------------------------
    def blocks(self, *, block_bytes: int = BLOCK_BYTES) -> Iterator[Block]:
        """The records after the header in blocks; see the module docstring."""
        assert self._feed is not None
        feed = self._feed
        while True:
            data = feed.read_block(block_bytes, self.max_line_bytes)
            if not data:
                return
            block = self._fast_block(data)
            if block is not None:
                yield block
                continue
            feed.unread(data)
            yield Block(rows=list(self.rows(until=feed.pos + len(data))))

    def _fast_block(self, data: bytes) -> Block | None:
        """``data`` with its cells located, or None when it needs the row-by-row reader."""
        width = len(self.header)
        if width < 2 or len(self.delimiter) != 1 or b"\x00" in data:
            return None
        if not _ascii_safe(self.encoding):
            return None
        if _utf8(self.encoding):
            if not data.isascii():
                try:
                    data.decode(self.encoding)
                except UnicodeDecodeError:
                    return None
        else:
            try:
                data.decode(self.encoding)
            except UnicodeDecodeError:
                return None
            if self.delimiter.encode(self.encoding) != self.delimiter.encode("ascii"):
                return None
        arr = np.frombuffer(data, dtype=np.uint8)
        size = len(arr)
        ends = np.flatnonzero(arr == 10)  # where each line's text ends (its "\n")
        if not data.endswith(b"\n"):
            ends = np.append(ends, size)  # the last line of the file has no line end
        starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        length = ends - starts
        if int(length.max()) > self.max_line_bytes:
            return None
        crs = np.flatnonzero(arr == 13)
        if len(crs) and (crs[-1] + 1 >= size or (arr[crs + 1] != 10).any()):
            return None  # a carriage return that does not end a line
        delim = ord(self.delimiter)
        quotes = np.flatnonzero(arr == 34)
        if len(quotes):
            # Quotes must be where the csv module reads them as quoting: an opening quote
            # starts a field, a closing one ends it (or is the first of a doubled quote).
            if np.searchsorted(quotes, ends).astype(np.int64).__mod__(2).any():
                return None  # a quoted field spans lines
            opening, closing = quotes[0::2], quotes[1::2]
            before = np.where(opening > 0, arr[np.maximum(opening - 1, 0)], 10)
            if not np.isin(before, (delim, 10, 34)).all():
                return None
            after = np.where(closing + 1 < size, arr[np.minimum(closing + 1, size - 1)], 10)
            if not np.isin(after, (delim, 10, 13, 34)).all():
                return None
            doubled = opening[before == 34]
            if len(doubled) and not np.isin(doubled - 1, closing).all():
                return None
        blank = (length == 0) | ((length == 1) & (arr[np.minimum(starts, size - 1)] == 13))
        records = np.flatnonzero(~blank)
        table = self._arrow_table(data, width, len(records))
        if table is None:
            return None
        rs, re_ = starts[records], ends[records]
        lines = self._physical + 1 + records.astype(np.int64)
        self._physical += len(ends)
        return Block(
            lines=lines, data=data, starts=rs, ends=re_, table=table, encoding=self.encoding
        )

    def _arrow_table(self, data: bytes, width: int, count: int) -> pa.Table | None:
        """``data`` split into ``width`` string columns by pyarrow's CSV parser, or None when it
        does not read exactly ``count`` records of ``width`` fields (a wrong field count)."""
        if count == 0:
            return None
        text = data
        if not _utf8(self.encoding):
            text = data.decode(self.encoding).encode("utf-8")
        names = [f"c{k}" for k in range(width)]
        try:
            table = pa_csv.read_csv(
                io.BytesIO(text),
                read_options=pa_csv.ReadOptions(
                    column_names=names, use_threads=False, block_size=len(text) + 1
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char='"',
                    double_quote=True,
                    escape_char=False,
                    newlines_in_values=False,
                    ignore_empty_lines=True,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if table.num_rows != count or table.num_columns != width:
            return None
        return table

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
