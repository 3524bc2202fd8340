"""What a search hands back: the page's shape (page), its hits (hits) with the
snippets that show why each matched (snippets), and the counts per section
and year (facets).

May import language/ and storage/.
"""
