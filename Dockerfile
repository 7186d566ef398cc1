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
# Inside the container the app must listen beyond loopback; compose publishes it on 127.0.0.1 only.
CMD ["causalmap", "serve", "--host", "0.0.0.0", "--port", "5000"]
