"""Repositories, one per aggregate: the only place with queries."""
