"""Benchmarks: each reports absolute figures and a ratio against a floor measured in the same run."""
