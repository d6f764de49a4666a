"""The permission matrix: every registered endpoint × every actor × objects of four departments.

Lists and exports show an object exactly when the scope rule says so; a detail answers 200 or
404 (never 403, so existence is not disclosed); an endpoint an actor may not use answers its
`denied_status` whatever the object. See registry.py and README.md.
"""

from __future__ import annotations

import pytest

from .registry import cases

CASES = cases()


def _request(case, actor, url):
    if case.channel == "page":
        return actor.client.get(url)
    headers = {"Authorization": f"Bearer {actor.token}"} if actor.kind == "token" else {}
    return actor.client.get(url, headers=headers)


def test_the_registry_covers_the_org_audit_and_outbox_endpoints():
    names = {c.name for c in CASES}
    for prefix in ("org.api.", "org.page.", "audit.api.", "audit.page.", "outbox.page."):
        assert any(n.startswith(prefix) for n in names), prefix
    kinds = {c.kind for c in CASES}
    assert kinds == {"list", "detail", "export"}


@pytest.mark.django_db  # also orders it with the other database tests (before any flush)
def test_the_matrix_world_has_every_role_and_three_departments(matrix_world):
    from shenguan.org.roles import Role

    roles = set()
    for a in matrix_world.actors:
        roles |= a.roles
    assert roles >= set(Role.values)
    assert len({d.pk for d in matrix_world.owners}) >= 3
    assert len({d.jurisdiction_id for d in matrix_world.owners}) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_permission_matrix(matrix_world, case):
    world = matrix_world
    objects = [case.make(world, dept) for dept in world.owners]
    actors = [a for a in world.actors if case.channel == "api" or a.kind == "user"]
    problems: list[str] = []
    seen_visible = seen_hidden = 0
    for actor in actors:
        if not case.allowed(actor):
            for obj in objects[: 1 if case.kind != "detail" else None]:
                r = _request(case, actor, case.url(obj))
                if r.status_code != case.denied_status:
                    problems.append(
                        f"{actor.label}: {case.url(obj)} → {r.status_code}, "
                        f"expected {case.denied_status} (endpoint not allowed)"
                    )
            continue
        if case.kind == "detail":
            for obj in objects:
                want = case.visible(actor, obj, world)
                r = _request(case, actor, case.url(obj))
                expected = 200 if want else 404
                seen_visible += want
                seen_hidden += not want
                if r.status_code != expected:
                    problems.append(
                        f"{actor.label}: {case.url(obj)} → {r.status_code}, expected {expected}"
                    )
            continue
        # list or export: one request per distinct URL, each object checked in the answer
        answers: dict[str, object] = {}
        for obj in objects:
            url = case.url(obj)
            if url not in answers:
                answers[url] = _request(case, actor, url)
            r = answers[url]
            if r.status_code != 200:
                problems.append(f"{actor.label}: {url} → {r.status_code}, expected 200")
                continue
            want = case.visible(actor, obj, world)
            seen_visible += want
            seen_hidden += not want
            if case.present(r, obj) != want:
                problems.append(
                    f"{actor.label}: {url} → object of {obj!r} {'missing' if want else 'shown'}"
                )
    assert not problems, f"{case.name}: {len(problems)} problems\n" + "\n".join(problems[:40])
    # a case in which nobody sees anything (or everybody sees everything) proves little
    assert seen_visible > 0, f"{case.name}: no actor saw any object"
    assert seen_hidden > 0, f"{case.name}: every actor saw every object"
