"""Listening: an article's audio and sentence timings over HTTP (routes), the
app's one audio service (service), the podcast feed (podcast).

May import plumbing/, pages/ and web.state.
"""
