"""The HTTP service: FastAPI app (`api.app.create_app`), chat page, `reportqa serve`."""
