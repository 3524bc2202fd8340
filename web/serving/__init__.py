"""Serving the app: `bantin serve --workers N` as waitress processes sharing one
socket (processes), the app on a free local port for tests and benchmarks
(local_server), `bantin backup` of the data the site serves from
(backup, restore, backup_cli), and the lock that keeps a restore off a
running service's data folder (occupancy).

May import every other room of web/.
"""
