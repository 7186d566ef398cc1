"""JSON REST over the store and the analysis (Flask blueprint), imported as causalmap.api."""

from causalmap.api.routes import api

__all__ = ["api"]
