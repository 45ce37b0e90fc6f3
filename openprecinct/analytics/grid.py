"""Grids of cells over a study area: square cells and hexagons, clipped to the area.

A cell belongs to a grid when it *touches* the study area (shapely ``intersects``: a cell that
only shares an edge or a corner with the area counts), which is the rule of open_cp's
``MaskedGrid`` and of our backtest protocol. Cells are numbered ``0 .. n_cells - 1`` in row-major
order (south to north, then west to east); that number is used only for storage, never to
break ties between cells.

Events exactly on an edge between two cells belong to the cell to their east (or north): cells
are half-open, ``[x0, x0 + size) x [y0, y0 + size)``.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["Grid", "HexGrid", "SquareGrid", "make_grid"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


def _check_cell_size(cls: str, cell_size: object) -> float:
    ok = isinstance(cell_size, int | float) and not isinstance(cell_size, bool)
    if not ok or not math.isfinite(float(cell_size)) or float(cell_size) <= 0:  # type: ignore[arg-type]
        raise ValueError(
            f"The 'cell_size' parameter of {cls} must be a float in (0, inf). "
            f"Got {cell_size!r} instead."
        )
    return float(cell_size)  # type: ignore[arg-type]


def _check_area(cls: str, area: object) -> BaseGeometry:
    if not isinstance(area, BaseGeometry) or area.is_empty or area.area <= 0:
        raise ValueError(
            f"The 'area' parameter of {cls} must be a shapely polygon with a positive area "
            f"(projected metres). Got {area!r:.80} instead."
        )
    return area


class Grid(ABC):
    """Cells over a study area, in the metres of a projected CRS.

    Attributes
    ----------
    cell_size : float
        Metres (square side; hexagon width between opposite edges).
    area : shapely geometry
        The study area the grid was clipped to.
    n_cells : int
        Number of cells touching the area.
    centers : ndarray of shape (n_cells, 2)
        Cell centres, metres.
    cell_area : float
        Area of one (unclipped) cell, square metres.
    """

    cell_size: float
    area: BaseGeometry
    centers: FloatArray
    cell_area: float

    @property
    def n_cells(self) -> int:
        return int(self.centers.shape[0])

    @abstractmethod
    def locate(self, x: npt.ArrayLike, y: npt.ArrayLike) -> IntArray:
        """Cell number of each point, ``-1`` when the point is in no cell of the grid."""

    @abstractmethod
    def polygons(self) -> list[Polygon]:
        """One shapely polygon per cell (unclipped), in cell order."""

    @abstractmethod
    def adjacency(self) -> sp.csr_matrix:
        """Sparse 0/1 matrix of neighbouring cells (shared edge or corner), no diagonal."""

    @abstractmethod
    def sample_offsets(self, k: int) -> FloatArray:
        """Offsets (m, 2) from a cell centre of ``m`` points spread evenly over one cell."""

    def counts(
        self, x: npt.ArrayLike, y: npt.ArrayLike, weights: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Number (or total weight) of points per cell; points outside the grid are ignored."""
        idx = self.locate(x, y)
        ok = idx >= 0
        w = None if weights is None else np.asarray(weights, dtype=float)[ok]
        return np.bincount(idx[ok], weights=w, minlength=self.n_cells).astype(float)

    def ring_adjacency(self, rings: int) -> sp.csr_matrix:
        """0/1 matrix of cells within ``rings`` steps of each other (no diagonal)."""
        a = self.adjacency().astype(np.int32)
        reach = sp.identity(self.n_cells, dtype=np.int32, format="csr")
        acc = reach.copy()
        for _ in range(max(0, rings)):
            reach = reach @ a
            reach.data[:] = 1
            acc = acc + reach
        acc = acc.tocsr()
        acc.data[:] = 1
        acc.setdiag(0)
        acc.eliminate_zeros()
        return acc.astype(float).tocsr()


class SquareGrid(Grid):
    """Square cells aligned on multiples of ``cell_size``, kept when they touch ``area``.

    Parameters
    ----------
    area : shapely Polygon or MultiPolygon
        Study area in projected metres (holes and islands are fine).
    cell_size : float, default 150
        Side of a cell, metres.

    Attributes
    ----------
    x0, y0 : float
        South-west corner of the raster, metres (multiples of ``cell_size``).
    nx, ny : int
        Raster size, columns and rows.
    index : ndarray of shape (ny, nx)
        Cell number of each raster position, ``-1`` outside the area.
    rows, cols : ndarray of shape (n_cells,)
        Raster position of each cell.
    """

    def __init__(self, area: BaseGeometry, cell_size: float = 150.0) -> None:
        self.cell_size = _check_cell_size("SquareGrid", cell_size)
        self.area = _check_area("SquareGrid", area)
        c = self.cell_size
        minx, miny, maxx, maxy = area.bounds
        self.x0 = math.floor(minx / c) * c
        self.y0 = math.floor(miny / c) * c
        self.nx = max(1, math.ceil((maxx - self.x0) / c + 1e-9))
        self.ny = max(1, math.ceil((maxy - self.y0) / c + 1e-9))
        gx, gy = np.meshgrid(np.arange(self.nx), np.arange(self.ny))
        boxes = shapely.box(
            self.x0 + gx * c, self.y0 + gy * c, self.x0 + (gx + 1) * c, self.y0 + (gy + 1) * c
        )
        shapely.prepare(area)
        valid = np.asarray(shapely.intersects(area, boxes), dtype=bool)
        self.index = np.full((self.ny, self.nx), -1, dtype=np.intp)
        self.rows, self.cols = np.nonzero(valid)
        self.index[self.rows, self.cols] = np.arange(self.rows.size)
        self.centers = np.column_stack(
            [self.x0 + (self.cols + 0.5) * c, self.y0 + (self.rows + 0.5) * c]
        )
        self.cell_area = c * c

    def __repr__(self) -> str:
        return f"SquareGrid(cell_size={self.cell_size:g}, n_cells={self.n_cells})"

    def locate(self, x: npt.ArrayLike, y: npt.ArrayLike) -> IntArray:
        xa = np.asarray(x, dtype=float)
        ya = np.asarray(y, dtype=float)
        out = np.full(xa.shape, -1, dtype=np.intp)
        ok = np.isfinite(xa) & np.isfinite(ya)
        col = np.floor((xa[ok] - self.x0) / self.cell_size).astype(np.intp)
        row = np.floor((ya[ok] - self.y0) / self.cell_size).astype(np.intp)
        inside = (col >= 0) & (row >= 0) & (col < self.nx) & (row < self.ny)
        res = np.full(col.shape, -1, dtype=np.intp)
        res[inside] = self.index[row[inside], col[inside]]
        out[ok] = res
        return out

    def polygons(self) -> list[Polygon]:
        c = self.cell_size
        x = self.x0 + self.cols * c
        y = self.y0 + self.rows * c
        return list(shapely.box(x, y, x + c, y + c))

    def adjacency(self) -> sp.csr_matrix:
        rows, cols = [], []
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                if dr == 0 and dc == 0:
                    continue
                r = self.rows + dr
                cc = self.cols + dc
                ok = (r >= 0) & (cc >= 0) & (r < self.ny) & (cc < self.nx)
                j = np.full(r.shape, -1, dtype=np.intp)
                j[ok] = self.index[r[ok], cc[ok]]
                keep = j >= 0
                rows.append(np.nonzero(keep)[0])
                cols.append(j[keep])
        i = np.concatenate(rows)
        j = np.concatenate(cols)
        return sp.csr_matrix((np.ones(i.size), (i, j)), shape=(self.n_cells, self.n_cells))

    def sample_offsets(self, k: int) -> FloatArray:
        f = (np.arange(k) + 0.5) / k - 0.5
        gx, gy = np.meshgrid(f, f)
        return np.column_stack([gx.ravel(), gy.ravel()]) * self.cell_size

    def to_raster(self, values: npt.ArrayLike, fill: float = np.nan) -> FloatArray:
        """Values per cell as a (ny, nx) raster (row 0 is the southern row)."""
        v = np.asarray(values, dtype=float)
        out = np.full((self.ny, self.nx), fill, dtype=float)
        out[self.rows, self.cols] = v
        return out


_SQRT3 = math.sqrt(3.0)


class HexGrid(Grid):
    """Pointy-top hexagons ``cell_size`` wide (edge to edge), kept when they touch ``area``.

    Parameters
    ----------
    area : shapely Polygon or MultiPolygon
        Study area in projected metres.
    cell_size : float, default 150
        Width of a hexagon between two opposite edges (= distance between neighbouring
        centres), metres. A hexagon's area is ``sqrt(3) / 2 * cell_size**2``.
    """

    def __init__(self, area: BaseGeometry, cell_size: float = 150.0) -> None:
        self.cell_size = _check_cell_size("HexGrid", cell_size)
        self.area = _check_area("HexGrid", area)
        w = self.cell_size
        self.radius = w / _SQRT3
        minx, miny, maxx, maxy = area.bounds
        self.ox = math.floor(minx / w) * w
        self.oy = math.floor(miny / w) * w
        r_lo, r_hi = -1, math.ceil((maxy - self.oy) / (1.5 * self.radius)) + 1
        q_lo = -r_hi // 2 - 2
        q_hi = math.ceil((maxx - self.ox) / w) + 2
        q2, r2 = np.meshgrid(np.arange(q_lo, q_hi + 1), np.arange(r_lo, r_hi + 1))
        qq, rr = q2.ravel(), r2.ravel()
        cx, cy = self._center(qq, rr)
        near = (cx >= minx - w) & (cx <= maxx + w) & (cy >= miny - w) & (cy <= maxy + w)
        qq, rr, cx, cy = qq[near], rr[near], cx[near], cy[near]
        hexes = self._hexagons(cx, cy)
        shapely.prepare(area)
        valid = np.asarray(shapely.intersects(area, hexes), dtype=bool)
        order = np.lexsort((cx[valid], cy[valid]))
        self.q = qq[valid][order]
        self.r = rr[valid][order]
        self.centers = np.column_stack([cx[valid][order], cy[valid][order]])
        self._lookup = {
            (int(a), int(b)): i for i, (a, b) in enumerate(zip(self.q, self.r, strict=True))
        }
        # dense (q, r) -> cell table for vectorised lookups
        self._q0 = int(self.q.min()) if self.q.size else 0
        self._r0 = int(self.r.min()) if self.r.size else 0
        nq = int(self.q.max()) - self._q0 + 1 if self.q.size else 1
        nr = int(self.r.max()) - self._r0 + 1 if self.r.size else 1
        self._table = np.full((nq, nr), -1, dtype=np.intp)
        self._table[self.q - self._q0, self.r - self._r0] = np.arange(self.q.size)
        self.cell_area = _SQRT3 / 2 * w * w

    def __repr__(self) -> str:
        return f"HexGrid(cell_size={self.cell_size:g}, n_cells={self.n_cells})"

    def _center(self, q: IntArray, r: IntArray) -> tuple[FloatArray, FloatArray]:
        x = self.ox + self.cell_size * (q + r / 2.0)
        y = self.oy + 1.5 * self.radius * r
        return x.astype(float), y.astype(float)

    def _hexagons(self, cx: FloatArray, cy: FloatArray) -> list[Polygon]:
        ang = np.deg2rad(30 + 60 * np.arange(6))
        px = cx[:, None] + self.radius * np.cos(ang)[None, :]
        py = cy[:, None] + self.radius * np.sin(ang)[None, :]
        coords = np.stack([px, py], axis=-1)
        return list(shapely.polygons(coords))

    def locate(self, x: npt.ArrayLike, y: npt.ArrayLike) -> IntArray:
        xa = np.asarray(x, dtype=float)
        ya = np.asarray(y, dtype=float)
        out = np.full(xa.shape, -1, dtype=np.intp)
        ok = np.isfinite(xa) & np.isfinite(ya)
        px = xa[ok] - self.ox
        py = ya[ok] - self.oy
        qf = (_SQRT3 / 3 * px - py / 3) / self.radius
        rf = (2.0 / 3.0 * py) / self.radius
        sf = -qf - rf
        q, r, s = np.round(qf), np.round(rf), np.round(sf)
        dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
        fix_q = (dq > dr) & (dq > ds)
        fix_r = ~fix_q & (dr > ds)
        q = np.where(fix_q, -r - s, q)
        r = np.where(fix_r, -q - s, r)
        qi = q.astype(np.intp) - self._q0
        ri = r.astype(np.intp) - self._r0
        inside = (qi >= 0) & (ri >= 0) & (qi < self._table.shape[0]) & (ri < self._table.shape[1])
        res = np.full(qi.shape, -1, dtype=np.intp)
        res[inside] = self._table[qi[inside], ri[inside]]
        out[ok] = res
        return out

    def polygons(self) -> list[Polygon]:
        return self._hexagons(self.centers[:, 0], self.centers[:, 1])

    def adjacency(self) -> sp.csr_matrix:
        rows, cols = [], []
        for dq, dr in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)):
            for i, (a, b) in enumerate(zip(self.q, self.r, strict=True)):
                j = self._lookup.get((int(a) + dq, int(b) + dr))
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(self.n_cells, self.n_cells))

    def sample_offsets(self, k: int) -> FloatArray:
        f = ((np.arange(k) + 0.5) / k - 0.5) * 2 * self.radius
        gx, gy = np.meshgrid(f, f)
        pts = np.column_stack([gx.ravel(), gy.ravel()])
        hexagon = self._hexagons(np.array([0.0]), np.array([0.0]))[0]
        inside = shapely.contains_xy(hexagon, pts[:, 0], pts[:, 1])
        return pts[inside] if inside.any() else np.zeros((1, 2))


def make_grid(area: BaseGeometry, cell_size: float = 150.0, kind: str = "square") -> Grid:
    """A :class:`SquareGrid` (``kind="square"``) or :class:`HexGrid` (``kind="hex"``)."""
    if kind == "square":
        return SquareGrid(area, cell_size)
    if kind in ("hex", "hexagon"):
        return HexGrid(area, cell_size)
    raise ValueError(
        f"The 'kind' parameter of make_grid must be 'square' or 'hex'. Got {kind!r} instead."
    )
