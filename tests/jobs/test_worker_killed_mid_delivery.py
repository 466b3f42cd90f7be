"""An ERP subscribes to alerts by webhook. The worker delivering the first alert is killed (`kill -9`) while its
request is in flight, between the event's commit and a successful delivery. After a new worker starts, the
alert is delivered exactly once more, with the same `webhook-id`, verified by the Standard Webhooks reference
library; nothing is delivered twice successfully and nothing is lost."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook

from app.background import dispatch_events, refresh_queued_metrics
from app.db import get_engine
from app.webhooks.models import WebhookDelivery
from tests.jobs.conftest import WAIT, worker
from tests.servers import Server
from tests.support import Actor
from tests.webhooks.flow import open_alert, register


class HangingFirstReceiver:
    """Holds the first request open (never answers it); answers every later one 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answered: list[str] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append((headers, body))
                if len(receiver.requests) == 1:
                    receiver.first_arrived.set()
                    receiver.release.wait(WAIT)
                    self.close_connection = True
                    return  # no answer: the sender died waiting for it
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
                receiver.answered.append(headers["webhook-id"])

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> HangingFirstReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _until(condition: Any, what: str, process: Server) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {WAIT} s; worker output:\n{process.output()}")
        time.sleep(0.1)


def _deliveries() -> list[WebhookDelivery]:
    with Session(get_engine()) as session:
        return list(session.exec(select(WebhookDelivery)).all())


def test_a_delivery_cut_by_kill_9_happens_once_after_restart_with_the_same_webhook_id(
    jobs_env: dict[str, str], admin: Actor, manager: Actor, streetlights: dict[str, int]
) -> None:
    refresh_queued_metrics()  # the city's set-up: alerts for data not reported yet, old news for this ERP
    dispatch_events(get_engine())
    with HangingFirstReceiver() as receiver:
        endpoint = register(admin, receiver.url, event_types=["alert.opened"])
        open_alert(manager, streetlights["metric"])  # commits the alert and its event; no job has run yet

        first = worker(jobs_env)
        _until(receiver.first_arrived.is_set, "the first delivery attempt", first)
        first.stop(kill=True)  # kill -9 while the request is in flight: its job stays 'doing', unrecorded
        receiver.release.set()
        [delivery] = _deliveries()
        assert delivery.status.value == "pending" and delivery.attempts == 0

        second = worker(jobs_env)
        try:
            _until(lambda: len(receiver.answered) >= 1, "the delivery after the restart", second)
            _until(lambda: _deliveries()[0].status.value == "succeeded", "the delivery being recorded", second)
            time.sleep(2)  # a duplicate, if any, would arrive now
        finally:
            second.stop()

    webhook_ids = [headers["webhook-id"] for headers, _ in receiver.requests]
    assert len(webhook_ids) == 2 and len(set(webhook_ids)) == 1  # the cut attempt and its one retry
    assert receiver.answered == webhook_ids[:1]  # exactly one successful delivery
    for headers, body in receiver.requests:
        assert Webhook(endpoint["secret"]).verify(body, headers)["type"] == "alert.opened"
    [delivered] = _deliveries()
    assert delivered.status.value == "succeeded" and delivered.attempts == 1
