"""Callbacks on linkage's lifecycle events (ADR 0028): a completion issues the e-licences of
the licences it entered; a change of a licence's state is announced through the outbox (the
signed PDF itself never changes: verification reads the state from the register)."""

from __future__ import annotations

from shenguan.outbox.services import outbox_emit

from .models import DocumentState, ElectronicLicence


def on_records_completed(*, actor=None, licences=None, at=None, **_ignored) -> None:
    """Issue version 1 of each new licence's e-licence, in the completion's transaction."""
    if licences:
        from .services import elicences_issue

        elicences_issue(actor=actor, licences=list(licences.values()), at=at)


def on_licence_transitioned(
    *, licence=None, from_state="", to_state="", event=None, **_ignored
) -> None:
    """Tell subscribers that an e-licence's register state changed (e.g. 吊销): the PDF stays
    authentic, and the verification page shows the new state."""
    doc = (
        ElectronicLicence.objects.filter(licence_id=licence.pk, state=DocumentState.CURRENT)
        .only("id", "version", "sha256")
        .first()
    )
    if doc is None:
        return
    outbox_emit(
        event_type="elicence.state_changed",
        jurisdiction_id=licence.jurisdiction_id,
        payload={
            "licence_id": licence.pk,
            "number": licence.number,
            "version": doc.version,
            "sha256": doc.sha256,
            "from_state": from_state,
            "to_state": to_state,
            "effective_on": getattr(event, "effective_on", None),
        },
        department_ids=[licence.department_id],
        aggregate=doc,
    )
