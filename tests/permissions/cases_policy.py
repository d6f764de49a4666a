"""Permission-matrix cases of the policy app: which jurisdictions a reader sees under a profile.

Profiles themselves are reference data readable by every signed-in user and token; what is
scoped is the jurisdictions: a reader sees those in reach (own, or the subtree for oversight
roles and administrators), and a jurisdiction out of reach answers 404.
"""

from __future__ import annotations

import json

from .registry import Case, in_reach, register, text_contains


def make_jurisdiction(world, dept):
    """The owner department's jurisdiction (jurisdictions are made by the world itself)."""
    return dept.jurisdiction


def jurisdiction_visible(actor, j, world):
    return in_reach(actor, j)


def _in_profile(resp, j) -> bool:
    return j.code in json.loads(resp.content)["jurisdictions"]


register(
    Case(
        name="policy.api.jurisdiction_params.detail",
        kind="detail",
        channel="api",
        url=lambda j: f"/api/v1/policy/jurisdictions/{j.code}",
        make=make_jurisdiction,
        visible=jurisdiction_visible,
    )
)
register(
    Case(
        name="policy.api.profile_jurisdictions.list",
        kind="list",
        channel="api",
        url=lambda j: f"/api/v1/policy/profiles/{j.profile.code}",
        make=make_jurisdiction,
        visible=jurisdiction_visible,
        present=_in_profile,
    )
)
register(
    Case(
        name="policy.page.profile_jurisdictions.list",
        kind="list",
        channel="page",
        url=lambda j: f"/policy/{j.profile.code}/",
        make=make_jurisdiction,
        visible=jurisdiction_visible,
        present=text_contains(lambda j: f"{j.name}（{j.code}）</span>"),
    )
)
