"""Batch review of many submissions: double claims, the ledger across rounds, the summary."""
