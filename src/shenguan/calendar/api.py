"""HTTP API of the calendar app."""

from ninja import Router

router = Router(tags=["calendar"])
