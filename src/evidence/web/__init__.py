"""The web app for units, reviewers and the secretariat, on the same library and store as the CLI.

`create_app(store_path)` builds the ASGI application; `evidence serve` runs it with uvicorn (see docs/web.md).
"""

from .app import create_app

__all__ = ["create_app"]
