"""Audit: the append-only, hash-chained record of every state change and denied attempt."""
