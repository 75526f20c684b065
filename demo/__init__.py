"""`python -m demo`: chat with the real bot in this terminal, no Telegram token needed.

Development tooling beside the product (like emulator/): not in the distribution, not in the image.
"""
