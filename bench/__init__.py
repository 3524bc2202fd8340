"""Benchmarks and relevance evaluation; each prints JSON figures."""
