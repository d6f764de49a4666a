"""What the linkage API schemas share: the id type and the masking of snapshots."""

from __future__ import annotations

import copy
from typing import Annotated

from ninja import Field

from shenguan.core.masking import mask_id_number, mask_phone

# A key given by a caller: positive and within a bigint (SQLite cannot bind a larger integer).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _unmasked(context) -> bool:
    request = (context or {}).get("request")
    return bool(request is not None and getattr(request, "sg_unmask", False))


def masked_snapshot(data: dict, full: bool) -> dict:
    """A push snapshot with the applicant's ID number and phone masked unless `full`."""
    if full or not isinstance(data, dict):
        return data
    out = copy.deepcopy(data)
    app = (out.get("record") or {}).get("applicant")
    if isinstance(app, dict):
        app["id_number"] = mask_id_number(app.get("id_number"))
        app["contact_phone"] = mask_phone(app.get("contact_phone"))
    return out
