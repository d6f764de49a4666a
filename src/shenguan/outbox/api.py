"""HTTP API of the outbox app."""

from ninja import Router

router = Router(tags=["outbox"])
