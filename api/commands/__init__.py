"""One module per `backoffice` sub-command.

Each module defines `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`.
`api.cli` discovers them from `COMMANDS`, so adding a command is adding a module
and one line here.
"""

COMMANDS = (
    "process",
    "serve",
    "train",
    "eval",
    "bench",
    "search",
    "users",
    "ledger",
    "audit",
    "policies",
    "watch",
    "webhooks",
    "mail",
    "hr",
    "metrics",
    "orders",
)
