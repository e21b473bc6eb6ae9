"""The fixed vocabulary of roles, in a module of its own: `backoffice users` offers them as
argument choices, and building the command line's parser must not import SQLAlchemy
(`records.users` needs it; `backoffice --help` does not)."""

ROLES = ("ap", "approver", "legal", "hr", "compliance", "admin")
