"""The engine: Vietnamese analysis, the Whoosh schema, queries and results.

This is the lowest package: it imports none of index/, speech/ or web/.
"""
