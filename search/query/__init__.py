"""Understanding what the user typed, in the order it happens: parse it (parse),
put back its diacritics (restore, suggest), find its names' other spellings
(expansion), and lay out what must match and what ranks it (plan).

May import language/, names/ and storage/ (the schema's field names).
"""
