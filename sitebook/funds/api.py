"""REST endpoints of the funds centre: claims, receipts, payables, payments, ledger."""

from ninja import Router

router = Router(tags=["funds"])
