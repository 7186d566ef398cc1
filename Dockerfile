# The causalmap app for docker-compose.yml; Neo4j runs in its own official container.
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends graphviz && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home causalmap
WORKDIR /app
COPY pyproject.toml README.md ./
COPY causalmap causalmap
COPY api api
COPY web web
COPY queries queries
RUN pip install --no-cache-dir .
USER causalmap
EXPOSE 5000
# A production WSGI server. Inside the container it listens beyond loopback; compose
# publishes the port on 127.0.0.1 only.
CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "--threads", "8", "causalmap.web.wsgi:app"]
