"""Process memory housekeeping."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def release_free_memory() -> bool:
    """Hand memory that C code has freed back to the operating system (glibc's
    ``malloc_trim``), so that a short burst of allocations (thousands of small geometries, say)
    does not stay in the process's resident size for the rest of a long import.

    Returns whether it could: other C libraries than glibc's have no such call, and need none.
    """
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
