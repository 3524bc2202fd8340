"""The baseline every figure is compared with: the same pipeline, Whoosh's StandardAnalyzer.

Syllables as Whoosh splits them, lowercased, no segmentation, no folding; the
same fields, the same BM25F and the same title/lead/body weights as Bantin.
"""

from __future__ import annotations

from whoosh import scoring
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import TEXT, Schema
from whoosh.query import Or, Term

from search.query.plan import DEFAULT_WEIGHTS
from search.storage.schema import TEXT_FIELDS, build_schema

_ANALYZER = StandardAnalyzer(stoplist=None)
FIELD_WEIGHTS = {"title": DEFAULT_WEIGHTS.title_short, "lead": DEFAULT_WEIGHTS.lead, "body": DEFAULT_WEIGHTS.body}


def standard_schema() -> Schema:
    """Bantin's fields with every text field analyzed by StandardAnalyzer."""
    schema = Schema()
    for name, field in build_schema().items():
        if isinstance(field, TEXT):
            field.analyzer = _ANALYZER
        schema.add(name, field)
    return schema


class BaselineSearch:
    def __init__(self, ix) -> None:
        self.searcher = ix.searcher(weighting=scoring.BM25F())

    def ranked_ids(self, query: str, limit: int) -> list[str]:
        terms = list(dict.fromkeys(t.text for t in _ANALYZER(query)))
        if not terms:
            return []
        q = Or([Term(name, t, boost=w) for t in terms for name, w in FIELD_WEIGHTS.items() if name in TEXT_FIELDS])
        return [hit["id"] for hit in self.searcher.search(q, limit=limit)]

    def page(self, query: str, limit: int = 10) -> list[str]:
        """What a user would wait for: ranked hits and their highlighted fragments."""
        terms = list(dict.fromkeys(t.text for t in _ANALYZER(query)))
        if not terms:
            return []
        q = Or([Term(name, t, boost=w) for t in terms for name, w in FIELD_WEIGHTS.items()])
        results = self.searcher.search(q, limit=limit, terms=True)
        return [hit.highlights("body") for hit in results]
