"""The analysts' named, read-only Cypher queries: one .cypher file each."""
