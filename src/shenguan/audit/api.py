"""HTTP API of the audit app."""

from ninja import Router

router = Router(tags=["audit"])
