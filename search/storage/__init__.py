"""What is on disk and how it is read: numbered generations and the atomic
switch (generations), the Whoosh schema (schema), postings and per-document
columns as numpy arrays (postings), whole-file replacement (durable).

May import language/ (the schema's analyzers) and search.article.
"""
