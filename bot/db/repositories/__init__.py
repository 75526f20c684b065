"""Repositories, one per aggregate: the only place with queries (see bot/db/repo.py)."""
