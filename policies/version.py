"""The compliance policy version stamped on every violation.

Kept in its own module so rule modules can import it without importing the package
`__init__` (which imports them back).
"""

POLICY_VERSION = "2026.1"
