"""From commit to the people and systems that must act, on PostgreSQL with 2 `rdc worker` processes.

    .venv/bin/python -m bench.notify [--events 2000] [--batch 100] [--trials 20] [--contracts 200]

1. Events per second from commit to webhook delivery: `--events` alert events committed in transactions of
   `--batch`, all delivered (signed) to a local receiver; throughput and per-event delay p50/p95.
2. The delay from a reading batch's commit to the alert e-mail in the assignee's mailbox (a real SMTP server,
   aiosmtpd): `--trials` batches, each pushing one on-track metric off track; p50/p95.

Both paths run only through the jobs: the committing process nudges them, the two workers dispatch the events,
deliver the webhooks, re-evaluate the metrics and send the e-mail.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlmodel import Session

from app.db import utcnow
from app.periods import Cadence, containing, label
from bench.load import _free_port
from bench.portfolio import add_monthly_readings, assign_managers, drop_database, engine_for, fresh_database, seed

ROOT = Path(__file__).resolve().parent.parent


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.arrived.setdefault(self.headers["webhook-id"], time.perf_counter())
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


class Mailbox:
    def __init__(self) -> None:
        self.arrived: list[tuple[float, str, str]] = []  # (when, to, subject)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        subject = next(
            (
                line[9:]
                for line in envelope.content.decode(errors="replace").splitlines()
                if line.startswith("Subject: ")
            ),
            "",
        )
        for to in envelope.rcpt_tos:
            self.arrived.append((time.perf_counter(), to, subject))
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--contracts", type=int, default=200)
    args = parser.parse_args()

    mailbox = Mailbox()
    smtp_port = _free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    receiver = Receiver()
    workers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database("postgresql", workdir)
        try:
            engine = engine_for(url)
            portfolio = seed(engine, contracts=args.contracts, metrics_per_contract=5)
            managers = assign_managers(engine, portfolio, managers=10)
            last_closed = containing(utcnow().date(), Cadence.monthly).start - timedelta(days=1)
            add_monthly_readings(engine, portfolio, months=12, end=last_closed)
            env = {
                "RDC_DATABASE_URL": url,
                "RDC_JWT_SECRET": "bench-notify-secret-" + "x" * 40,
                "RDC_SWEEP_INTERVAL_SECONDS": "0",
                "RDC_JOBS_IN_PROCESS": "false",
                "RDC_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
                "RDC_MAIL_BACKEND": "smtp",
                "RDC_SMTP_PORT": str(smtp_port),
                "RDC_SMTP_SECURITY": "none",
                "RDC_EVENTS_DISPATCH_SECONDS": "5",
                "RDC_LOG_LEVEL": "warning",
            }
            os.environ.update(env)
            _first_evaluation(engine)
            _subscribe(engine, receiver.url)
            for _ in range(2):
                command = [sys.executable, "-m", "app.cli", "worker"]
                workers.append(subprocess.Popen(command, env=os.environ | env, cwd=ROOT))
            _wait_quiet(engine, mailbox)
            print(f"portfolio: {portfolio.contracts} contracts, {portfolio.metrics} metrics; 2 workers (concurrency 4)")
            _events_to_webhooks(engine, receiver, args)
            _readings_to_mail(engine, mailbox, managers, args)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
            smtp.stop()
            drop_database(url)


def _first_evaluation(engine: Any) -> None:
    """Every metric evaluated once, and the resulting events dispatched: old news before the clock starts."""
    from app.background import dispatch_events, queue_sweep, refresh_queued_metrics
    from app.config import get_settings

    get_settings.cache_clear()
    queue_sweep(engine)
    refresh_queued_metrics()
    dispatch_events(engine)


def _subscribe(engine: Any, url: str) -> str:
    from app.auth.principal import Principal, PrincipalKind
    from app.auth.roles import Role
    from app.webhooks.endpoints import create
    from app.webhooks.schemas import EndpointCreate

    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO app_user (id, email, full_name, role, password_hash, is_active, created_at, updated_at,"
                " version, token_generation) VALUES (999, 'it@city.example', 'IT', 'admin', 'x', true, now(), now(),"
                " 1, 0)"
            )
        )
    admin = Principal(kind=PrincipalKind.user, id=999, name="it@city.example", role=Role.admin)
    with Session(engine) as session:
        _, secret = create(
            session,
            principal=admin,
            data=EndpointCreate(url=url, event_types=["alert.opened"]),  # type: ignore[list-item]
        )
    return secret


def _wait_quiet(engine: Any, mailbox: Mailbox) -> None:
    """Until the workers have sent what the set-up caused (reminders for the metrics that stopped reporting)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            waiting = connection.execute(
                text(
                    "SELECT (SELECT count(*) FROM outgoing_email WHERE status IN ('pending', 'sending'))"
                    " + (SELECT count(*) FROM event WHERE dispatched_at IS NULL)"
                )
            ).scalar()
        if not waiting:
            time.sleep(2)
            return
        time.sleep(0.5)
    raise SystemExit("the workers did not settle within 300 s")


def _events_to_webhooks(engine: Any, receiver: Receiver, args: argparse.Namespace) -> None:
    from app.background import job_host
    from app.events import service as events
    from app.events.types import EventType

    job_host()  # this process nudges the dispatcher after each commit, as an API process does
    committed: dict[str, float] = {}
    for start in range(0, args.events, args.batch):
        new = [
            events.NewEvent(
                type=EventType.alert_opened,
                subject_type="alert",
                subject_id=n + 1,
                department_id=1 + n % 20,
                award_id=None,
                payload={"alert_id": n + 1, "kind": "performance", "severity": "high", "bench": True},
            )
            for n in range(start, min(args.events, start + args.batch))
        ]
        with Session(engine) as session:
            events.record_all(session, new)
            uids = [
                row[0]
                for row in session.connection().execute(
                    text("SELECT uid FROM event WHERE dispatched_at IS NULL ORDER BY id DESC LIMIT :n"), {"n": len(new)}
                )
            ]
            session.commit()
        at = time.perf_counter()
        committed.update(dict.fromkeys(uids, at))
    deadline = time.monotonic() + 600
    while len([u for u in committed if u in receiver.arrived]) < len(committed):
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(receiver.arrived)} of {len(committed)} deliveries arrived in 600 s")
        time.sleep(0.05)
    first = min(committed.values())
    last = max(receiver.arrived[u] for u in committed)
    delays = sorted(receiver.arrived[u] - committed[u] for u in committed)
    print(
        f"events -> webhooks: {len(committed)} events in {last - first:.2f} s = {len(committed) / (last - first):,.0f}"
        f" events/s; delay commit -> delivery p50 {_ms(delays, 0.5)} p95 {_ms(delays, 0.95)}"
    )


def _readings_to_mail(engine: Any, mailbox: Mailbox, managers: list[int], args: argparse.Namespace) -> None:
    from app.auth.principal import SYSTEM
    from app.readings.ingest import ingest
    from app.readings.schemas import BatchItem

    period = label(
        containing(containing(utcnow().date(), Cadence.monthly).start - timedelta(days=1), Cadence.monthly),
        Cadence.monthly,
    )
    with engine.connect() as connection:
        candidates = connection.execute(
            text(
                "SELECT m.id, m.name, u.email FROM metric m JOIN metric_status s ON s.metric_id = m.id"
                " JOIN award a ON a.id = m.award_id JOIN app_user u ON u.id = a.contract_manager_id"
                " WHERE s.performance = 'on_track' AND m.direction = 'increase' AND NOT EXISTS"
                " (SELECT 1 FROM alert WHERE alert.metric_id = m.id AND alert.status <> 'resolved'"
                "  AND alert.kind = 'performance') ORDER BY m.id LIMIT :n"
            ),
            {"n": args.trials},
        ).all()
    delays: list[float] = []
    for metric_id, name, email in candidates:
        before = len(mailbox.arrived)
        with Session(engine) as session:
            ingest(
                session,
                principal=SYSTEM,
                items=[BatchItem(metric_id=metric_id, period=period, value="0")],  # type: ignore[call-arg]
                accept_valid=False,
                dry_run=False,
                fiscal_start_month=7,
            )
            session.commit()
        committed = time.perf_counter()
        deadline = time.monotonic() + 300
        while True:
            mail = [m for m in mailbox.arrived[before:] if m[1] == email and name in m[2]]
            if mail:
                delays.append(mail[0][0] - committed)
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"no alert e-mail for metric {metric_id} within 300 s")
            time.sleep(0.02)
    delays.sort()
    print(
        f"reading batch -> alert e-mail: {len(delays)} trials; delay commit -> mailbox"
        f" p50 {_ms(delays, 0.5)} p95 {_ms(delays, 0.95)} (max {delays[-1] * 1000:,.0f} ms)"
    )


def _ms(values: list[float], q: float) -> str:
    return f"{values[min(len(values) - 1, int(q * len(values)))] * 1000:,.0f} ms"


if __name__ == "__main__":
    main()
