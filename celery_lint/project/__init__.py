"""The project index: what the modules of a project say together (stdlib only)."""
