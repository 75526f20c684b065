"""The runtime: aiogram routers, rendering, persistence, services and the CLI.

Importing it changes nothing in other libraries: the speed patches are installed by the entry
points (bot/speed)."""
