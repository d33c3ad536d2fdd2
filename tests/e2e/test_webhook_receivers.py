"""The README's webhook receivers, as written there, served by real HTTP servers on 127.0.0.1.

Starlette runs under uvicorn (ASGI), Flask under Werkzeug's server (WSGI). A test client sends signed
deliveries built from the spec's own examples; the handlers' log lines show they saw typed events.
Needs the pinned specs, not Prism.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import standardwebhooks
import uvicorn
from werkzeug.serving import make_server

from codat_sdk import WebhookVerifier
from tests.e2e.spec_support import has_source, load_spec, resolve
from tests.typecheck import mypy_strict

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec_" + base64.b64encode(b"readme-example-endpoint-key").decode()
FRAMEWORKS = ("starlette", "flask")

pytestmark = pytest.mark.skipif(not has_source(), reason="no spec source (../shared/openapi)")


def readme_examples() -> dict[str, str]:
    """The Python blocks of the README's webhook section, by the framework each imports."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Receiving webhooks\n", 1)[1]
    blocks = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    examples = {framework: [b for b in blocks if f"\nfrom {framework}" in b] for framework in FRAMEWORKS}
    assert all(len(found) == 1 for found in examples.values()), examples
    return {framework: found[0] for framework, found in examples.items()}


def _load(framework: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", SECRET)
    path = tmp_path / f"readme_{framework}_app.py"
    path.write_text(readme_examples()[framework], encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, path.stem, module)
    spec.loader.exec_module(module)
    return module


def _serve_asgi(app: Any) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _serve_wsgi(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(10)


@pytest.fixture(params=FRAMEWORKS)
def endpoint(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of the README's receiver for one framework, served on 127.0.0.1."""
    module = _load(request.param, tmp_path, monkeypatch)
    serve = _serve_asgi if request.param == "starlette" else _serve_wsgi
    for url in serve(module.app):
        yield url + "/webhooks/codat"


def _example(event_type: str) -> dict[str, Any]:
    media = load_spec("platform")["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]
    value: dict[str, Any] = resolve(load_spec("platform"), next(iter(media["examples"].values())))["value"]
    return value


def _send(url: str, body: bytes, headers: dict[str, str] | list[tuple[str, str]]) -> int:
    sent = httpx.Headers(headers)
    sent["content-type"] = "application/json"
    with httpx.Client(timeout=10) as client:
        return client.post(url, content=body, headers=sent).status_code


def _signed(body: bytes, webhook_id: str, **options: Any) -> dict[str, str]:
    """The headers of ``body`` signed now (the receivers verify against the real clock)."""
    return WebhookVerifier(options.pop("secret", SECRET)).sign(body, webhook_id=webhook_id, **options)


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "codat.webhooks"]


def test_the_readme_receivers_hand_typed_events_to_their_handlers_once(
    endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="codat.webhooks")
    connected = _example("connection.connected")
    body = json.dumps(connected).encode()
    assert _send(endpoint, body, _signed(body, "msg_connected")) == 204
    connection = connected["payload"]["connection"]
    expected = f"connection {connection['id']} to {connection['platformName']} connected"
    assert _lines(caplog) == [expected]  # the handler read the typed payload's attributes

    assert _send(endpoint, body, _signed(body, "msg_connected")) == 204  # a retry: acknowledged only
    assert _lines(caplog) == [expected]

    created = json.dumps(_example("company.created")).encode()
    assert _send(endpoint, created, _signed(created, "msg_created")) == 204
    unknown = json.dumps({"id": "e1", "eventType": "company.renamed.someday", "payload": {}}).encode()
    theirs = standardwebhooks.Webhook(SECRET)  # signed by the independent implementation
    now = datetime.now(UTC)
    signature = theirs.sign("msg_unknown", now, unknown.decode())
    headers = {"svix-id": "msg_unknown", "svix-timestamp": str(int(now.timestamp())), "svix-signature": signature}
    assert _send(endpoint, unknown, headers) == 204
    assert _lines(caplog) == [expected, "company.created not handled", "company.renamed.someday not handled"]


def test_the_readme_receivers_reject_what_does_not_verify_and_parse_nothing(
    endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="codat.webhooks")
    body = json.dumps(_example("connection.connected")).encode()
    good = _signed(body, "msg_1")
    flipped = body[:10] + bytes([body[10] ^ 1]) + body[11:]
    rejected: dict[str, tuple[bytes, Any]] = {
        "flipped byte": (flipped, good),
        "wrong secret": (body, _signed(body, "msg_1", secret="whsec_" + base64.b64encode(b"other").decode())),
        "expired": (body, _signed(body, "msg_1", timestamp=int(time.time()) - 600)),
        "future": (body, _signed(body, "msg_1", timestamp=int(time.time()) + 600)),
        "no signature": (body, {k: v for k, v in good.items() if k != "webhook-signature"}),
        "garbage timestamp": (body, {**good, "webhook-timestamp": "soon"}),
        "duplicated id": (body, [*good.items(), ("webhook-id", "msg_2")]),
    }
    for case, (sent, headers) in rejected.items():
        assert _send(endpoint, sent, headers) == 401, case
    not_json = b"<xml>not json</xml>"
    assert _send(endpoint, not_json, _signed(not_json, "msg_2")) == 400
    assert _lines(caplog) == []


def test_the_readme_receivers_type_check(tmp_path: Path) -> None:
    """mypy --strict accepts the README's examples as written (handlers typed by their event)."""
    for framework, code in readme_examples().items():
        (tmp_path / f"readme_{framework}_app.py").write_text(code, encoding="utf-8")
    done = mypy_strict(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
