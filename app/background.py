"""The job app: every background job and periodic round, composed from the domain packages' blueprints.

Each process builds it once (`job_host`): API processes run a worker thread unless `RDC_JOBS_IN_PROCESS=false`;
`rdc worker` runs workers of its own. On PostgreSQL they all share procrastinate's queue, so periodic rounds
run once per round whatever the number of workers, and a sweep's drains spread over every worker.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import procrastinate
from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from app.actions.service import record_due_events
from app.alerts.service import follow_manager_changes
from app.audit.chain import seal as seal_audit_log
from app.awards.service import record_ending_events
from app.config import Settings, get_settings
from app.db import begin_write, get_engine, utcnow
from app.dialogue.service import record_overdue_replies
from app.events import service as events
from app.events.models import Event
from app.jobs.queue import JobHost, JobRequest, connector_for, defer_after_commit, install
from app.jobs.refresh_queue import DRAIN_TASK, enqueue_active
from app.kit.idempotency import purge_expired
from app.notifications import service as notifications
from app.notifications.tasks import blueprint as notification_tasks
from app.status.drain import drain
from app.webhooks import service as webhooks
from app.webhooks.models import DeliveryStatus, WebhookDelivery
from app.webhooks.tasks import blueprint as webhook_tasks

log = logging.getLogger("app.jobs")

DRAIN = DRAIN_TASK
DISPATCH = "core:events.dispatch"
DISPATCH_BATCH = 500
# Every consumer of events: each turns a batch of committed events into its own durable work.
CONSUMERS = (follow_manager_changes, webhooks.fan_out, notifications.fan_out)


def cron_every(seconds: float) -> str:
    """A cron line (procrastinate's, with an optional seconds column) for 'about every `seconds`'."""
    whole = max(1, round(seconds))
    if whole < 60:
        return f"* * * * * */{whole}"
    minutes = max(1, round(whole / 60))
    if minutes < 60:
        return f"*/{minutes} * * * *"
    return f"0 */{min(23, round(minutes / 60))} * * *"


# --- the work itself (plain functions: tests and the CLI call them directly) -------------------------------


def refresh_queued_metrics() -> None:
    """Re-evaluates the metrics waiting in the refresh queue (this process's database and settings)."""
    drain(get_engine(), fiscal_start_month=get_settings().fiscal_year_start_month)


def dispatch_events(engine: Engine, *, now: datetime | None = None, batch: int = DISPATCH_BATCH) -> int:
    """Turns committed events into deliveries and notifications, one transaction per batch; the number done."""
    done = 0
    while True:
        with Session(engine) as session:
            begin_write(session)
            taken = events.take_undispatched(session, batch)
            if not taken:
                session.rollback()
                return done
            at = now or utcnow()
            follow_ups: list[JobRequest] = []
            for fan_out in CONSUMERS:
                follow_ups.extend(fan_out(session, taken, at))
            events.mark_dispatched(session, taken, at)
            session.commit()
        defer_after_commit(follow_ups)
        done += len(taken)


_events = Event.__table__  # type: ignore[attr-defined]
_deliveries = WebhookDelivery.__table__  # type: ignore[attr-defined]


def queue_sweep(engine: Engine) -> int:
    """Queues every metric of an active contract or grant for re-evaluation (one statement); the number queued."""
    with Session(engine) as session:
        begin_write(session)
        queued = enqueue_active(session)
        session.commit()
        return queued


def housekeeping(engine: Engine, *, now: datetime | None = None, events_retention_days: int = 180) -> None:
    with Session(engine) as session:
        purge_expired(session)  # Idempotency-Key records are kept 24 hours (README)
        seal_audit_log(session)  # links the audit entries written since the last round into the chain
    purge_old_events(engine, before=(now or utcnow()) - timedelta(days=events_retention_days))


PURGE_BATCH = 5000


def purge_old_events(engine: Engine, *, before: datetime) -> int:
    """Deletes dispatched events that occurred before `before`, with their webhook deliveries, in batches; an
    event whose delivery is still being retried stays. Returns how many went."""
    pending = select(_deliveries.c.event_id).where(_deliveries.c.status == DeliveryStatus.pending.value)
    doomed = (
        select(_events.c.id)
        .where(
            _events.c.occurred_at < before,
            _events.c.dispatched_at.is_not(None),
            _events.c.id.not_in(pending),
        )
        .order_by(_events.c.id)
        .limit(PURGE_BATCH)
    )
    gone = 0
    while True:
        with Session(engine) as session:
            begin_write(session)
            deleted = session.connection().execute(delete(_events).where(_events.c.id.in_(doomed))).rowcount or 0
            session.commit()
        gone += deleted
        if deleted < PURGE_BATCH:
            return gone


def record_calendar_events(engine: Engine, today_at: datetime) -> None:
    """Events that time alone causes: contracts nearing their end, action items due and overdue, the vendor's
    replies past their reply-by date."""
    with Session(engine) as session:
        begin_write(session)
        record_ending_events(session, today=today_at.date())
        record_due_events(session, today=today_at.date())
        record_overdue_replies(session, today=today_at.date())
        session.commit()


# --- the job app -----------------------------------------------------------------------------------------


def build_job_app(settings: Settings) -> procrastinate.App:
    app = procrastinate.App(connector=connector_for(settings.database_url))
    app.add_tasks_from(webhook_tasks(), namespace="webhooks")
    app.add_tasks_from(notification_tasks(), namespace="notifications")
    core = procrastinate.Blueprint()

    @core.task(name="refresh.drain")
    def drain_refresh_queue() -> None:
        refresh_queued_metrics()

    @core.periodic(cron=cron_every(settings.jobs_poll_seconds), periodic_id="refresh")
    @core.task(name="refresh.round", queueing_lock="refresh.round")
    def drain_round(timestamp: int) -> None:
        refresh_queued_metrics()

    @core.task(name="events.dispatch", lock="events.dispatch")
    def dispatch() -> None:
        dispatch_events(get_engine())

    @core.periodic(cron=cron_every(settings.events_dispatch_seconds), periodic_id="dispatch")
    @core.task(name="events.dispatch_round", lock="events.dispatch", queueing_lock="events.dispatch_round")
    def dispatch_round(timestamp: int) -> None:
        dispatch_events(get_engine())

    if settings.sweep_interval_seconds > 0:

        @core.periodic(cron=cron_every(settings.sweep_interval_seconds), periodic_id="sweep")
        @core.task(name="status.sweep", queueing_lock="status.sweep")
        def sweep(timestamp: int) -> None:
            # Fanned out: the metrics go to the refresh queue, and one drain per worker slot works it off.
            queued = queue_sweep(get_engine())
            log.info("sweep: %d metrics queued", queued)
            defer_after_commit([JobRequest(DRAIN) for _ in range(settings.sweep_processes)])

    @core.periodic(cron="*/10 * * * *", periodic_id="housekeeping")
    @core.task(name="housekeeping", queueing_lock="housekeeping")
    def housekeeping_round(timestamp: int) -> None:
        housekeeping(get_engine(), events_retention_days=settings.events_retention_days)

    @core.periodic(cron="5 * * * *", periodic_id="calendar")
    @core.task(name="calendar", queueing_lock="calendar")
    def calendar_round(timestamp: int) -> None:
        record_calendar_events(get_engine(), utcnow())

    @core.periodic(cron=cron_every(settings.jobs_stalled_seconds), periodic_id="recover")
    @core.task(name="jobs.recover", queueing_lock="jobs.recover", pass_context=True)
    async def recover_stalled_jobs(context: procrastinate.JobContext, timestamp: int) -> None:
        # A worker killed mid-job (kill -9, a lost host) stops its heartbeat; its jobs go back to the queue.
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=settings.jobs_stalled_seconds):
            log.warning("job %s (%s) was left running by a dead worker; retrying it", job.id, job.task_name)
            await manager.retry_job(job)
        await manager.delete_old_jobs(nb_hours=24 * 7, include_failed=False)

    app.add_tasks_from(core, namespace="core")
    if not settings.jobs_periodic:
        app.periodic_registry.periodic_tasks.clear()  # the jobs still run when deferred; no rounds from here
    return app


def job_host() -> JobHost:
    """This process's job host for its current settings (installed so that services nudge jobs after commits)."""
    settings = get_settings()
    shape = (
        settings.database_url,
        settings.jobs_periodic,
        settings.jobs_poll_seconds,
        settings.events_dispatch_seconds,
        settings.sweep_interval_seconds,
        settings.sweep_processes,
        settings.jobs_stalled_seconds,
    )
    host = _hosts.get(shape)
    if host is None:
        host = JobHost(
            build_job_app(settings), database_url=settings.database_url, stalled_seconds=settings.jobs_stalled_seconds
        )
        _hosts[shape] = host
    install(host)
    return host


# One per database and job settings a process has used (one in production; tests switch between tests).
_hosts: dict[tuple[object, ...], JobHost] = {}


def _nudge_dispatcher() -> None:
    defer_after_commit([JobRequest(DISPATCH, queueing_lock="events.dispatch.nudge")])


events.on_committed(_nudge_dispatcher)  # after a commit that wrote events, the dispatcher runs soon
