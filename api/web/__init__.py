"""The web front end: access rules, request dependencies, background jobs and routes."""
