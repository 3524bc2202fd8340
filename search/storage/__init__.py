"""What is on disk and how it is read: numbered generations and the atomic
switch (generations), the Whoosh schema (schema), postings and per-document
columns as numpy arrays (postings). Whole-file replacement is search/durable.py,
beside the rooms.

May import language/ (the schema's analyzers) and search.article.
"""
