"""Pages, templates and static assets (Flask blueprint), imported as causalmap.web."""
