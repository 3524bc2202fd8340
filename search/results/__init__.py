"""What a search hands back: the page's shape (page) and the snippets that
show why each hit matched (snippets).

May import language/ and storage/.
"""
