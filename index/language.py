"""What a build learns about how its articles write Vietnamese, written into the generation.

Two tables, counted while the articles stream past the writer: accented
syllable n-grams (search/language/ngrams.py, for putting diacritics back into queries)
and the abbreviations the articles define (search/names/dictionary.py). An update
starts from the live generation's tables, adds the changed articles' new text
and takes their old text away, so neither needs a full pass over the corpus.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.searching import Searcher

from search.names.mined import MinedPairs
from search.article import Article
from search.language.ngrams import NgramCounter, SyllableModel
from search.storage.schema import from_stored, indexed_text
from search.storage.generations import Generation


class LanguageCounts:
    def __init__(self, ngrams: NgramCounter | None = None, pairs: MinedPairs | None = None) -> None:
        self.ngrams = ngrams or NgramCounter()
        self.pairs = pairs or MinedPairs()

    @classmethod
    def of(cls, generation: Generation) -> "LanguageCounts":
        """The live generation's tables, to be updated (empty if it has none)."""
        model = SyllableModel.load(generation.path)
        return cls(NgramCounter.from_model(model) if model else None, MinedPairs.load(generation.path))

    def add(self, article: Article, sign: int = 1) -> None:
        texts = list(indexed_text(article).values())
        self.ngrams.add(texts, sign)
        self.pairs.add(texts, sign)

    def remove_stored(self, searcher: Searcher, article_ids: list[str]) -> None:
        """Take away the text the index holds for `article_ids` (replaced or deleted)."""
        for article_id in article_ids:
            fields = searcher.document(id=article_id)
            if fields:
                self.add(from_stored(fields), -1)

    def save(self, directory: Path) -> dict[str, int]:
        """Write both tables into the generation; their sizes, for meta.json and `bantin index stats`."""
        sizes = self.ngrams.save(directory)
        sizes["abbreviations_mined"] = self.pairs.save(directory)
        return sizes
