"""OpenPrecinct: open-source software to run a police precinct in the open."""

__version__ = "0.1.0"
