"""The Whoosh schema, and how an Article becomes a document and back.

Writer and reader both take the schema from here, so documents are always
analyzed exactly as queries are.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

from search.language import analysis
from search.language.analysis import SYLLABLE, bigram_analyzer, folded_analyzer, syllable_analyzer, word_analyzer
from search.article import Article

# Whoosh pickles the analyzers into each index's schema by module name: indexes
# built before search/ had rooms name them search.analysis. Every index is opened
# with this schema module loaded, so the old name is answered here.
sys.modules.setdefault("search.analysis", analysis)

# Text fields searched: each has a word field (pyvi words, with diacritics, which
# also stores the text) and a folded field (syllables without diacritics).
TEXT_FIELDS = ("title", "lead", "body")
# Bumped whenever fields or analysis change: an index written by another version
# is not searched (its fields would not match the queries) but rebuilt.
SCHEMA_VERSION = 11
# Body bigrams are most of an index's distinct terms, and distinct terms are what
# Whoosh writes slowest: only the opening of the text (where news puts what
# matters) gets them. Measured on the corpus: all bigrams halved build speed.
BIGRAM_SYLLABLES = 200


# Matching fields, frequencies only (no positions or offsets, so cheap to read).
# Their short names are the on-disk format (renaming them means a rebuild):
# code uses these constants, and this is where they are explained.
# ALL_FOLDED holds every syllable of the article, folded, for the "every query
# word is there" match; ALL_ACCENTED the same syllables with their diacritics,
# for queries typed with them; the bigram fields reward query syllables that
# stand together in the document.
ALL_FOLDED = "all_f"
ALL_ACCENTED = "all_a"
# The folded syllables of the whole article with their positions: only quoted
# phrases read it, so the fields read by every query carry no positions.
PHRASES = "text_p"
TITLE_BIGRAMS = "title_b"
TEXT_BIGRAMS = "text_b"


def codec() -> W3Codec:
    """Whoosh's format, with posting blocks neither zlib-compressed nor small.

    Search reads whole posting lists into arrays (search/storage/postings.py), where
    decompressing and unpickling 128-posting blocks was most of a query's time;
    the index grows a little.
    """
    return W3Codec(blocklimit=512, compression=0)


def folded(field: str) -> str:
    return f"{field}_f"


def build_schema() -> Schema:
    words = word_analyzer()
    syllables = folded_analyzer()
    bigrams = bigram_analyzer()
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        "url": STORED,
        "caption": STORED,
        "author": STORED,
        "source": STORED,
        "date": DATETIME(stored=True, sortable=True),
        "year": ID(stored=False, sortable=True),
        "category": ID(stored=True, sortable=True),
        ALL_FOLDED: TEXT(analyzer=syllables, phrase=False),
        ALL_ACCENTED: TEXT(analyzer=syllable_analyzer(), phrase=False),
        TITLE_BIGRAMS: TEXT(analyzer=bigrams, phrase=False),
        TEXT_BIGRAMS: TEXT(analyzer=bigrams, phrase=False),
    }
    fields[PHRASES] = TEXT(analyzer=syllables)
    for name in TEXT_FIELDS:
        # Scored only: frequencies, no positions. Snippets are found in the
        # stored text (snippets.py), so nothing stores character offsets.
        fields[name] = TEXT(analyzer=words, stored=True, phrase=False)
        fields[folded(name)] = TEXT(analyzer=syllables, phrase=False)
    return Schema(**fields)


def indexed_text(article: Article) -> dict[str, str]:
    """The text of each searched field. The caption is searched with the lead."""
    lead = "\n".join(part for part in (article.lead, article.caption) if part)
    return {"title": article.title, "lead": lead, "body": article.text}


def to_document(article: Article) -> dict[str, Any]:
    """Whoosh fields for one article."""
    texts = indexed_text(article)
    doc: dict[str, Any] = {
        "id": article.id,
        "url": article.url,
        "caption": article.caption,
        "author": article.author,
        "source": article.source,
        "category": article.category,
    }
    for name, text in texts.items():
        doc[name] = text
        doc[folded(name)] = text
    doc[ALL_FOLDED] = doc[ALL_ACCENTED] = doc[PHRASES] = "\n".join(texts.values())
    doc[TITLE_BIGRAMS] = texts["title"]
    doc[TEXT_BIGRAMS] = _opening(texts["lead"] + "\n" + texts["body"], BIGRAM_SYLLABLES)
    # The stored lead is the lead alone; the caption is stored on its own.
    doc["_stored_lead"] = article.lead
    if article.date:
        doc["date"] = dt.datetime.combine(article.date, dt.time())
        doc["year"] = str(article.date.year)
    return doc


def _opening(text: str, syllables: int) -> str:
    """`text` up to the end of its `syllables`-th syllable."""
    for count, match in enumerate(SYLLABLE.finditer(text), 1):
        if count == syllables:
            return text[: match.end()]
    return text


def from_stored(fields: dict[str, Any]) -> Article:
    """Rebuild the Article from a hit's stored fields."""
    date = fields.get("date")
    return Article(
        id=fields["id"],
        title=fields.get("title", ""),
        body=tuple((fields.get("body") or "").split("\n")),
        url=fields.get("url", ""),
        lead=fields.get("lead", ""),
        caption=fields.get("caption", ""),
        date=date.date() if isinstance(date, dt.datetime) else None,
        author=fields.get("author", ""),
        category=fields.get("category", ""),
        source=fields.get("source", ""),
    )
