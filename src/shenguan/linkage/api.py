"""HTTP API of the linkage app."""

from ninja import Router

router = Router(tags=["linkage"])
