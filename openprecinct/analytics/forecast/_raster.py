"""A fine square raster under any grid, so kernels become fast convolutions (private)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from openprecinct.analytics.grid import Grid, SquareGrid

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


class FineRaster:
    """Pixels of ``grid.cell_size / k`` metres covering the grid, each mapped to a cell (or -1).

    For a :class:`SquareGrid` the pixels nest exactly in the cells.
    """

    def __init__(self, grid: Grid, k: int, margin_cells: int = 1) -> None:
        self.grid = grid
        self.k = k
        self.pixel = grid.cell_size / k
        if isinstance(grid, SquareGrid):
            self.x0 = grid.x0 - margin_cells * grid.cell_size
            self.y0 = grid.y0 - margin_cells * grid.cell_size
            self.nx = (grid.nx + 2 * margin_cells) * k
            self.ny = (grid.ny + 2 * margin_cells) * k
        else:
            lo = grid.centers.min(axis=0) - (margin_cells + 1) * grid.cell_size
            hi = grid.centers.max(axis=0) + (margin_cells + 1) * grid.cell_size
            self.x0 = math.floor(lo[0] / self.pixel) * self.pixel
            self.y0 = math.floor(lo[1] / self.pixel) * self.pixel
            self.nx = math.ceil((hi[0] - self.x0) / self.pixel)
            self.ny = math.ceil((hi[1] - self.y0) / self.pixel)
        px = self.x0 + (np.arange(self.nx) + 0.5) * self.pixel
        py = self.y0 + (np.arange(self.ny) + 0.5) * self.pixel
        gx, gy = np.meshgrid(px, py)
        self.cell_of_pixel = grid.locate(gx.ravel(), gy.ravel())
        self._ok = self.cell_of_pixel >= 0
        self.pixels_per_cell = np.bincount(self.cell_of_pixel[self._ok], minlength=grid.n_cells)

    def histogram(self, x: FloatArray, y: FloatArray, w: FloatArray | None = None) -> FloatArray:
        """Weighted counts of points per pixel, shape (ny, nx)."""
        col = np.floor((x - self.x0) / self.pixel).astype(np.intp)
        row = np.floor((y - self.y0) / self.pixel).astype(np.intp)
        ok = (col >= 0) & (row >= 0) & (col < self.nx) & (row < self.ny)
        ww = None if w is None else w[ok]
        flat = np.bincount(row[ok] * self.nx + col[ok], weights=ww, minlength=self.nx * self.ny)
        return flat.reshape(self.ny, self.nx).astype(float)

    def to_cells(self, raster: FloatArray, mean: bool = False) -> FloatArray:
        """Sum (or mean) of pixel values per cell."""
        flat = raster.ravel()
        s = np.bincount(
            self.cell_of_pixel[self._ok], weights=flat[self._ok], minlength=self.grid.n_cells
        ).astype(float)
        if mean:
            s = s / np.maximum(self.pixels_per_cell, 1)
        return s
