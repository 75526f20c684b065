"""Routers per audience. bot/app.py includes them in one explicit order."""
