"""Repositories, one per aggregate: the only place with queries (people and questionnaires are in bot/db/repo.py)."""
