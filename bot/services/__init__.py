"""Services: what handlers call. They load and save through repositories and return screens."""
