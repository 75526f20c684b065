"""`python -m demo`: chat with the real bot in this terminal, no Telegram token needed.

Development tooling beside the product (like emulator/): not in the distribution, not in the image.
"""

# The demo's own commands (here, not in terminal.py: `--help` prints them before aiogram may be imported).
COMMANDS = """Demo commands (not sent to the bot):
  /file              send the sample PDF (demo/sample.pdf), e.g. as a document the bot asks for
  /file PATH         send that file (a PDF, or a JPEG/PNG sent as a file)
  /photo PATH        send a picture as a Telegram photo
  /quit              leave (Ctrl-D too); /demo shows this list
Files the bot sends you (/mydata's export, the application summary) are saved in {files_dir}/:
their name, size and path are printed."""
