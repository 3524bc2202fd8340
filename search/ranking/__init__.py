"""From a query plan to ordered documents: matching, BM25F scoring on the
generation's arrays, filters, the order of titles, ranking by meaning.

May import language/, storage/ and query/ (the plan it runs).
"""
