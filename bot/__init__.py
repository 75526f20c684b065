"""The runtime: aiogram routers, rendering, persistence, services, the demo and the CLI."""
