"""causalmap: causal maps of child-safeguarding case reviews across agencies (systems approach)."""

__version__ = "0.1.0"
