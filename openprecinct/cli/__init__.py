"""The ``openprecinct`` command line: thin adapters over the library and the platform."""
