"""What the programme says: facts as data files, a typed loader and the eligibility rules.

Imports nothing of ours; no Telegram, no SQL. Every fact cites a source key of program-facts.md.
"""
