"""The engine: Vietnamese analysis, the index on disk, queries, ranking and results.

The lowest of the four rooms: it imports none of index/, speech/ or web/.
Inside, rooms stand on each other in this order, each importing only those
before it (tests/test_architecture.py):

    language/  text, tones, segmentation, the Whoosh analyzers, syllable counts
    names/     abbreviations and other spellings: dictionary, mined, staff's file
    storage/   generations on disk, the schema, postings as arrays, atomic writes
    meaning/   article and question vectors (multilingual-e5-small)
    query/     parse, restore diacritics, expand names, plan
    ranking/   match, score, filter, order
    results/   the page, snippets

Beside them, used by any room: article.py (the one Article type), durable.py
(replacing a file whole), paths.py (where data lives), progress.py (progress
for staff). On top: engine.py (the
front object, SearchEngine, that web/ and the CLI use) and cli.py.
"""
