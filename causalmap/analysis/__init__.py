"""NetworkX analysis of one case: gaps, knowledge, causes, checks, patterns."""
