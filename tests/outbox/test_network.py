"""Webhooks connect to the address that passed the network check (ADR 0005): a name that
resolves elsewhere between the check and the connection (DNS rebinding) cannot reach a refused
address, the Host header and, for https, SNI and the certificate check keep the name.

Names are resolved by a stand-in for `socket.getaddrinfo` (the system boundary); the receivers are
real HTTP(S) servers on 127.0.0.1 (allowed) and 127.0.0.2 (refused by the tests' policy).
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections import defaultdict

import httpx
import pytest
from django.db import transaction

from shenguan.outbox import channels, delivery, network, services
from shenguan.outbox.models import DeliveryStatus, OutboxDelivery
from tests.outbox.receiver import Receiver

pytestmark = pytest.mark.django_db


class FakeDns:
    """Answers lookups of made-up names (each lookup gets the next answer, the last one repeats)
    and counts them; other names and literal addresses go to the real resolver."""

    def __init__(self, monkeypatch):
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: dict[str, int] = defaultdict(int)
        real = socket.getaddrinfo

        def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
            name = host.decode() if isinstance(host, bytes) else host
            if name not in self.answers:
                return real(host, port, family, type, proto, flags)
            seq = self.answers[name]
            addresses = seq[min(self.lookups[name], len(seq) - 1)]
            self.lookups[name] += 1
            p = int(port or 0)
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, p, 0, 0))
                if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, p))
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def set(self, name: str, *answers: list[str]) -> None:
        """The answers for the next lookups of a name (the count starts again)."""
        self.answers[name] = list(answers)
        self.lookups[name] = 0


@pytest.fixture
def dns(monkeypatch):
    return FakeDns(monkeypatch)


@pytest.fixture
def policy(settings, quick_retries):
    """The default deny-list plus 127.0.0.2, the stand-in for a metadata or intranet address."""
    settings.SHENGUAN_WEBHOOK_DENIED_NETWORKS = [
        *settings.SHENGUAN_WEBHOOK_DENIED_NETWORKS,
        "127.0.0.2/32",
    ]
    return settings


@pytest.fixture
def fresh_clients(monkeypatch):
    """New HTTP clients for the test (read the environment afresh), closed after it."""
    clients: dict = {}
    monkeypatch.setattr(channels, "_clients", clients)
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture
def refused_receiver(receiver):
    """A receiver on 127.0.0.2, on the same port as `receiver` (so one URL can reach either)."""
    r = Receiver(bind="127.0.0.2", port=receiver.server.server_address[1]).start()
    yield r
    r.stop()


def emit(world):
    """Emit one event for one city department, as a service would."""
    with transaction.atomic():
        return services.outbox_emit(
            event_type="org.test.happened",
            jurisdiction_id=world.city.pk,
            payload={"n": 1},
            department_ids=[world.depts["reg_a"].pk],
        )


def drain():
    return delivery.run_worker(worker_id="test-worker", until_empty=True, max_seconds=30)


def make_endpoint(world, admin, receiver, url: str, path: str):
    ep = services.webhook_endpoint_create(
        actor=admin, department=world.depts["reg_a"], url=url, event_types=["*"]
    )
    receiver.secrets[path] = ep.secret
    return ep


def test_a_name_that_rebinds_after_the_check_still_reaches_only_the_checked_address(
    world, admin, receiver, refused_receiver, dns, policy, fresh_clients
):
    port = receiver.server.server_address[1]
    url = f"http://rebind.test:{port}/hook"
    dns.set("rebind.test", ["127.0.0.1"])
    make_endpoint(world, admin, receiver, url, "/hook")
    # the attacker's name answers an allowed address first, then the refused one
    dns.set("rebind.test", ["127.0.0.1"], ["127.0.0.2"])
    ev = emit(world)
    stats = drain()
    assert stats.delivered == 1
    assert ev.deliveries.get().status == DeliveryStatus.DELIVERED
    [call] = receiver.calls_for("/hook")
    assert call.verified and call.host == f"rebind.test:{port}"
    assert refused_receiver.calls_for() == []
    assert dns.lookups["rebind.test"] == 1  # resolved once per attempt, never again to connect
    # the control: a client that resolves again when it connects is steered to 127.0.0.2
    with httpx.Client(trust_env=False) as plain:
        assert plain.post(url, content=b"{}").status_code == 200
    assert len(refused_receiver.calls_for("/hook")) == 1


def test_a_name_with_any_refused_address_is_cancelled_unsent(
    world, admin, receiver, refused_receiver, dns, policy, fresh_clients
):
    port = receiver.server.server_address[1]
    dns.set("mixed.test", ["127.0.0.1"])
    ep = make_endpoint(world, admin, receiver, f"http://mixed.test:{port}/hook", "/hook")
    dns.set("mixed.test", ["127.0.0.1", "127.0.0.2"])  # the connection might pick either
    ev = emit(world)
    drain()
    d = OutboxDelivery.objects.get(event=ev, endpoint=ep)
    assert d.status == DeliveryStatus.CANCELLED and "127.0.0.2" in d.last_error
    assert receiver.calls_for() == [] and refused_receiver.calls_for() == []


def test_an_ipv4_mapped_ipv6_address_is_judged_as_the_ipv4_address(policy):
    assert network.address_refused("::ffff:169.254.169.254")
    assert network.refused_address("http://[::ffff:169.254.169.254]/latest") is not None
    assert network.address_refused("::ffff:127.0.0.2")
    assert not network.address_refused("::ffff:127.0.0.1")


def test_the_next_checked_address_is_tried_when_the_first_does_not_answer(
    world, admin, receiver, dns, policy, fresh_clients
):
    port = receiver.server.server_address[1]
    dns.set("two.test", ["127.0.0.3", "127.0.0.1"])  # nothing listens on 127.0.0.3
    make_endpoint(world, admin, receiver, f"http://two.test:{port}/hook", "/hook")
    emit(world)
    assert drain().delivered == 1
    [call] = receiver.calls_for("/hook")
    assert call.verified and call.host == f"two.test:{port}"


def test_a_redirect_to_a_refused_address_is_not_followed(
    world, admin, receiver, refused_receiver, dns, policy, fresh_clients
):
    port = receiver.server.server_address[1]
    dns.set("moves.test", ["127.0.0.1"])
    make_endpoint(world, admin, receiver, f"http://moves.test:{port}/hook", "/hook")
    receiver.respond = lambda *a: (307, {"Location": f"http://127.0.0.2:{port}/hook"}, 0.0)
    ev = emit(world)
    drain()
    d = ev.deliveries.get()
    assert d.status == DeliveryStatus.DEAD and all(t.status_code == 307 for t in d.tries.all())
    assert refused_receiver.calls_for() == []


def test_the_client_connects_to_no_host_without_checked_addresses(receiver, fresh_clients):
    client = channels._client(2.0)
    with pytest.raises(httpx.ConnectError, match="network check"):
        client.post(receiver.url("/hook"), content=b"{}")
    other = network.Target(host="other.test", addresses=("127.0.0.1",))
    with network.pinned(other), pytest.raises(httpx.ConnectError, match="network check"):
        client.post(receiver.url("/hook"), content=b"{}")  # pinned for another host only
    refused = network.Target(host="x.test", addresses=("127.0.0.2",), refused="127.0.0.2")
    with pytest.raises(ValueError), network.pinned(refused):
        pass
    assert receiver.calls_for() == []


def test_proxies_from_the_environment_are_not_used(
    world, admin, receiver, dns, policy, fresh_clients, monkeypatch
):
    for var in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # a proxy would resolve the name itself
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    port = receiver.server.server_address[1]
    dns.set("direct.test", ["127.0.0.1"])
    make_endpoint(world, admin, receiver, f"http://direct.test:{port}/hook", "/hook")
    emit(world)
    assert drain().delivered == 1 and len(receiver.calls_for("/hook")) == 1


# --- https: SNI and the certificate are checked against the name, not the address ----------


def _self_signed(tmp_path, name: str) -> tuple[str, str]:
    """A throwaway self-signed certificate for `name` (made by the openssl command)."""
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", f"/CN={name}",
            "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
@pytest.mark.parametrize("cert_name", ["secure.test", "someone-else.test"])
def test_https_keeps_the_name_for_sni_and_the_certificate(
    world, admin, dns, policy, fresh_clients, monkeypatch, tmp_path, cert_name
):
    cert, key = _self_signed(tmp_path, cert_name)
    monkeypatch.setenv("SSL_CERT_FILE", cert)  # the worker trusts this certificate only
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = Receiver(tls=tls).start()
    try:
        port = server.server.server_address[1]
        dns.set("secure.test", ["127.0.0.1"])
        make_endpoint(world, admin, server, f"https://secure.test:{port}/tls", "/tls")
        ev = emit(world)
        drain()
        d = ev.deliveries.get()
        assert server.server_names and set(server.server_names) == {"secure.test"}
        if cert_name == "secure.test":
            assert d.status == DeliveryStatus.DELIVERED
            [call] = server.calls_for("/tls")
            assert call.verified and call.host == f"secure.test:{port}"
        else:  # the certificate is for another name: nothing is sent
            assert d.status == DeliveryStatus.DEAD and server.calls_for() == []
            assert all("CERTIFICATE_VERIFY_FAILED" in t.error for t in d.tries.all())
    finally:
        server.stop()
