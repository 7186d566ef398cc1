"""The project's own Neo4j: official 5.26 LTS Community jars from Maven Central, no Docker."""

from causalmap.neo4j_local.server import LocalNeo4j, NEO4J_VERSION

__all__ = ["LocalNeo4j", "NEO4J_VERSION"]
