"""The WSGI entry point for production servers: `gunicorn causalmap.web.wsgi:app`.

Settings come from the environment as for every other entry point (NEO4J_URI and friends).
"""

from causalmap.web.app import create_app

app = create_app()
