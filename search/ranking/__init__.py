"""From a query plan to ordered documents, one job per module: the documents
it matches (retrieve), their BM25F scores (score), their order (order: by
score, by meaning, titles, date), the filters (filters); ranker runs the three
in turn.

May import language/, storage/ and query/ (the plan it runs).
"""
