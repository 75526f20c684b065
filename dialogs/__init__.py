"""How we converse: the questionnaire and the result screens as data and pure functions.

Produces neutral screens (Text values + options); no Telegram, no SQL.
"""
