"""Funds centre (资金数据中心): owner claims, receipts, payables, payments, the funds ledger."""
