"""The only code that speaks Cypher about case data."""

from causalmap.store.connection import Store, open_store

__all__ = ["Store", "open_store"]
