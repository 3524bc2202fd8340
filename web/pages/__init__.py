"""The pages a citizen reads and their JSON twin: search and results, the reader,
the API with each article's links on this site and its description
(openapi.json), and what they share (query-string parameters, pagination,
dates and counts written the Vietnamese way, the reader's display preferences).

May import plumbing/ and web.state.
"""
