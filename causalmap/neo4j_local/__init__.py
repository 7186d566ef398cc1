"""The project's own Neo4j: official 5.26 LTS Community jars from Maven Central, no Docker."""

from causalmap.neo4j_local.server import NEO4J_VERSION, LocalNeo4j

__all__ = ["LocalNeo4j", "NEO4J_VERSION"]
