"""What every route passes through: error pages (HTML for people, JSON for the
API), security headers, rate limits, the client's address behind a proxy,
the request log and the metrics, static asset URLs, article ids in URLs, the session key.

Imports nothing else of web/: the other rooms stand on it.
"""
