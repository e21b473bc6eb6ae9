import sys
print("DBG", sys.modules.get("policies"), [p for p in sys.path][:5])
from policy_helpers import config, ctx  # noqa: F401  (fixtures)
