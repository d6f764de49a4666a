"""HTTP API of the public app."""

from ninja import Router

router = Router(tags=["public"])
