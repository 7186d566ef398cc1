"""JSON REST over the store and the analysis (Flask blueprint), imported as causalmap.api."""
