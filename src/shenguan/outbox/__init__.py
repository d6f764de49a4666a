"""Outbox: side effects written in the changing transaction and delivered by the worker."""
