"""The workflow tests drive the same app and client as the web tests: their fixtures."""

from tests.api.conftest import app, client  # noqa: F401  (pytest fixtures, used by name)
