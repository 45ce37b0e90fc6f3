"""The block reader gives the same records, fields, raw text and line numbers as the row reader.

Fast blocks locate cells with numpy; any block it cannot vouch for (quoted newlines, stray
quotes, bad bytes, wrong field counts...) goes record by record through the csv module. Either
way the records must be exactly those of :meth:`CsvSource.rows`.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openprecinct.core.geography import Boundaries, bundled_boundaries
from openprecinct.records.importing import ImportFileError, records_import_file
from openprecinct.records.importing.reader import CsvSource
from openprecinct.records.models import QuarantinedRow
from tests.records.conftest import COMPLAINT_HEADER, COMPLAINT_ROW, csv_text


def _records(path, block_bytes: int):
    """(line, fields, raw, error code) per record: by rows(), and by blocks(); a file the csv
    module cannot read ends with its one-line error."""
    reference: list = []
    with CsvSource(path) as source:
        try:
            for r in source.rows():
                reference.append((r.line, r.fields, r.raw, r.error and r.error.code))
        except ImportFileError as exc:
            reference.append(str(exc))
    got: list = []
    kinds: list[str] = []
    with CsvSource(path) as source:
        try:
            _read_blocks(source, block_bytes, got, kinds)
        except ImportFileError as exc:
            got.append(str(exc))
    return reference, got, kinds


def _read_blocks(source, block_bytes, got, kinds) -> None:
    width = len(source.header)
    for block in source.blocks(block_bytes=block_bytes):
        if block.rows is not None:
            kinds.append("rows")
            got.extend((r.line, r.fields, r.raw, r.error and r.error.code) for r in block.rows)
            continue
        kinds.append("fast")
        columns = [block.cells(k, 0, len(block)).strings().tolist() for k in range(width)]
        for i in range(len(block)):
            fields = [columns[k][i] for k in range(width)]
            got.append((int(block.lines[i]), fields, block.raw(i), None))


def _same(reference: list, got: list) -> None:
    if reference and isinstance(reference[-1], str):
        # the same one-line error; the records of the block it stopped in are not kept
        assert got and got[-1] == reference[-1]
        assert got[:-1] == reference[: len(got) - 1]
    else:
        assert got == reference


FIELD = st.one_of(
    st.sampled_from(["", "a", "PETIT LARCENY", "960,613", 'say "hi"', "x\ny", "ü", " s "]),
    st.text(alphabet='ab,;"\r\n é\t', max_size=8),
)


@settings(max_examples=120, deadline=None)
@given(
    rows=st.lists(st.lists(FIELD, min_size=3, max_size=3), min_size=1, max_size=12),
    quoting=st.sampled_from(["minimal", "all", "raw"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    blank=st.booleans(),
    block_bytes=st.sampled_from([8, 40, 1 << 20]),
)
def test_blocks_read_what_rows_read(tmp_path_factory, rows, quoting, ending, blank, block_bytes):
    def cell(value: str) -> str:
        if quoting == "raw":
            return value  # stray quotes, delimiters and line ends left as they are
        if quoting == "all" or any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = ["a,b,c"] + [",".join(cell(v) for v in row) for row in rows]
    if blank:
        lines.insert(2, "")
    path = tmp_path_factory.mktemp("blocks") / "f.csv"
    path.write_bytes((ending.join(lines) + ending).encode())

    reference, got, _ = _records(path, block_bytes)

    _same(reference, got)


def test_a_plain_file_is_read_in_fast_blocks_and_a_quoted_newline_falls_back(tmp_path):
    rows = [{**COMPLAINT_ROW, "CMPLNT_NUM": str(n)} for n in range(40)]
    rows[25]["PREM_TYP_DESC"] = "FRONT\nOF"
    path = tmp_path / "c.csv"
    path.write_text(csv_text(COMPLAINT_HEADER, rows))

    reference, got, kinds = _records(path, 4096)

    assert got == reference
    assert "fast" in kinds and "rows" in kinds


@pytest.mark.django_db
def test_line_numbers_stay_exact_after_quoted_newlines_and_blank_lines(write_file):
    good = [{**COMPLAINT_ROW, "CMPLNT_NUM": str(n)} for n in range(6)]
    good[1]["PREM_TYP_DESC"] = "FRONT\nOF\nHOUSE"  # lines 3-5
    good[4].update(KY_CD="1500", OFNS_DESC="", LAW_CAT_CD="")  # unknown offence
    text = csv_text(COMPLAINT_HEADER, good)
    lines = text.split("\n")
    lines.insert(6, "")  # a blank line after the record of line 6
    text = "\r\n".join(lines)
    text += csv_text(COMPLAINT_HEADER, [{**COMPLAINT_ROW, "CMPLNT_NUM": "99", "RPT_DT": "x"}])[
        len(",".join(COMPLAINT_HEADER)) + 1 :
    ]
    path = write_file("lines.csv", text)

    run = records_import_file(path=path, schema="nypd-complaints", batch_size=2)

    quarantined = list(
        QuarantinedRow.objects.filter(run=run).values_list("line_number", "reason_code")
    )
    # header 1, rows 2, 3-5, 6, (blank 7), 8, 9 (unknown offence), 10, then the bad date at 11
    assert quarantined == [(9, "unknown_offense"), (11, "bad_date")]
    assert run.read == 7 and run.imported == 5


def test_the_raster_gives_the_exact_answer_for_every_point(settings):
    path = settings.OPENPRECINCT_DEMO_DATA_DIR / "si_precincts_sectors.geojson.gz"
    exact = bundled_boundaries()
    raster = Boundaries(path)
    raster.GRID = 48  # coarse, so many points fall in cells a boundary crosses
    raster.RASTER_FROM = 0
    rng = np.random.default_rng(4)
    minx, miny, maxx, maxy = exact._bounds
    lon = rng.uniform(minx - 0.01, maxx + 0.01, 4000)
    lat = rng.uniform(miny - 0.01, maxy + 0.01, 4000)
    # points exactly on polygon vertices (shared edges): the lowest index must win there too
    import shapely

    vertices = shapely.get_coordinates(exact._sector_tree.geometries)[::7]
    lon = np.concatenate([lon, vertices[:, 0], [np.nan]])
    lat = np.concatenate([lat, vertices[:, 1], [40.6]])

    assert raster.assign(lon, lat) == exact.assign(lon, lat)
    assert (raster._raster[0][0] >= 0).any() and (raster._raster[0][0] == -2).any()
