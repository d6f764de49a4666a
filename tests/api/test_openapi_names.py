"""Each OpenAPI component comes from one schema class, so no app hides another app's schema."""

from __future__ import annotations

from collections import defaultdict

import ninja.openapi.schema as ninja_openapi
from ninja import NinjaAPI, Router, Schema
from ninja.schema import NinjaGenerateJsonSchema

from shenguan.api import api


def _component_sources(monkeypatch, the_api: NinjaAPI, **kw) -> tuple[dict, dict[str, set[str]]]:
    """The OpenAPI document and, per component name, the classes that produced it.

    django-ninja builds the document one model at a time and merges each model's `$defs` into
    `components/schemas` by name, so two classes called alike silently overwrite each other.
    The recorder sees every JSON-schema generation ninja runs and notes, for each final
    component name, the pydantic core reference (module, qualified name and id) behind it.
    """
    sources: dict[str, set[str]] = defaultdict(set)

    class Recorder(NinjaGenerateJsonSchema):
        def generate(self, schema, mode="validation"):
            result = super().generate(schema, mode)
            # pydantic names definitions by a long reference first and shortens them at the end;
            # rebuild the same mapping to learn the names that reach the document.
            remapping = self._build_definitions_remapping()
            for long_ref in self.definitions:
                name = remapping.defs_remapping.get(long_ref, long_ref)
                core_ref, _mode = self.defs_to_core_refs[long_ref]
                sources[name].add(core_ref)
            return result

    monkeypatch.setattr(ninja_openapi, "NinjaGenerateJsonSchema", Recorder)
    return the_api.get_openapi_schema(**kw), sources


def _clashes(sources: dict[str, set[str]]) -> dict[str, list[str]]:
    return {
        name: sorted(ref.rsplit(":", 1)[0] for ref in refs)
        for name, refs in sources.items()
        if len(refs) > 1
    }


def test_every_component_name_belongs_to_one_class(monkeypatch):
    document, sources = _component_sources(monkeypatch, api)

    assert set(document["components"]["schemas"]) == set(sources), "the recorder missed some"
    assert not _clashes(sources), f"classes sharing one component name: {_clashes(sources)}"


def test_the_check_sees_two_apps_defining_the_same_name(monkeypatch):
    def make_router(field: str) -> Router:
        out = type("ImportOut", (Schema,), {"__annotations__": {field: int}})
        router = Router()
        router.get("/import", response=out)(lambda request: {field: 1})
        return router

    probe = NinjaAPI(urls_namespace="openapi-names-probe")  # never mounted: no URL prefix
    probe.add_router("/one/", make_router("rows"))
    probe.add_router("/two/", make_router("lines"))
    _document, sources = _component_sources(monkeypatch, probe, path_prefix="")

    assert list(_clashes(sources)) == ["ImportOut"]


def test_the_served_document_has_no_duplicate_keys(client):
    """The JSON served at /api/v1/openapi.json parses without a repeated key in any object:
    Swagger UI reads it with a YAML parser that rejects duplicates (an `openapi_extra` response
    keyed "200" beside ninja's 200 once left the docs page blank)."""
    import json

    repeated = []

    def pairs(items):
        keys = [k for k, _ in items]
        repeated.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=pairs)
    assert repeated == []
