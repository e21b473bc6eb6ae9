"""One module per external program ingest runs, so every subprocess detail
(environment, timeouts, how a missing binary is reported) lives in one place."""
