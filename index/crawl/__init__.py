"""Crawling a portal: article pages, RSS/Atom feeds and sitemaps given as SOURCE URLs.

`fetch` is the polite HTTP client, `robots` reads robots.txt, `listings` reads
feeds and sitemaps, `validators` remembers ETag/Last-Modified between runs, and
`crawler` puts them together for `index.build`.
"""
