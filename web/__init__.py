"""Pages, templates and static assets (Flask blueprint), imported as causalmap.web."""

from causalmap.web.app import create_app

__all__ = ["create_app"]
