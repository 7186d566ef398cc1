"""Whole cases in and out: the case JSON document (and, later, GraphML, GEXF, CSV)."""
