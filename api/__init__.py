"""stosim's HTTP API (FastAPI) over the scenario runner and its result store."""
