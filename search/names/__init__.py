"""One name, several spellings: the shipped abbreviation dictionary (dictionary),
the pairs the articles define (mined) and the staff's own file (staff).

May import language/ (names are compared as folded syllables) and search.paths.
"""
