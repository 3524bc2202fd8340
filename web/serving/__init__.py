"""Serving the app: `bantin serve --workers N` as waitress processes sharing one
socket (processes), the app on a free local port for tests and benchmarks
(local_server), and `bantin backup` of the data the site serves from
(backup, restore, backup_cli).

May import every other room of web/.
"""
