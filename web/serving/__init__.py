"""Serving the app: `bantin serve --workers N` as waitress processes sharing one
socket (processes), and the app on a free local port for tests and
benchmarks (local_server).

May import every other room of web/.
"""
