"""Signals the core sends; the audit app listens.

`row_changed` is sent inside the transaction of the write it describes, so the change
record and the change commit or roll back together.
"""

from django.dispatch import Signal

# kwargs: instance, action ("create" | "update" | "delete"),
#         before (dict | None), after (dict | None)
row_changed = Signal()
