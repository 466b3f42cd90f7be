"""`rdc`: the operator's command line (serve, migrate, demo data, users, service accounts, tokens)."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlmodel import Session, select

from app import migrations
from app.accounts import service as accounts
from app.audit.chain import seal as seal_audit_log
from app.audit.chain import verify as verify_audit_chain
from app.auth import tokens
from app.auth.models import ServiceAccountCreate, User, UserCreate
from app.auth.principal import SYSTEM
from app.auth.roles import Role, Scope
from app.background import dispatch_events, job_host, refresh_queued_metrics
from app.config import get_settings
from app.db import get_engine
from app.demo import seed
from app.ocds.package import has_processes, iter_package, use_snapshot
from app.openapi_doc import write
from app.ops.logs import configure_logging
from app.ops.scrape import reset_multiprocess_dir
from app.status.sweep import sweep as run_sweep

cli = typer.Typer(help="Results Tracker operations", no_args_is_help=True, add_completion=False)


@cli.command()
def migrate() -> None:
    """Apply database migrations up to the latest revision."""
    migrations.upgrade()
    typer.echo("database is at the latest revision")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    demo: Annotated[bool, typer.Option(help="Seed the demo city first (also RDC_DEMO=1)")] = False,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development)")] = False,
) -> None:
    """Apply migrations, optionally seed the demo city, then serve the API with uvicorn."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)  # JSON lines, the server's own included
    if multiprocess_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        reset_multiprocess_dir(multiprocess_dir)  # the workers add up their metrics there
    migrate()
    if demo or get_settings().demo:
        seed_demo()
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=None if reload else workers,
        reload=reload,
        # X-Forwarded-For / -Proto only from the proxies the operator names (RDC_FORWARDED_ALLOW_IPS).
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        log_level=settings.log_level.lower(),
        log_config=None,  # keep the logging set up above
        access_log=False,  # the application writes its own access lines (route template, request id)
    )


@cli.command("demo")
def seed_demo() -> None:
    """Seed a realistic demo city (departments, vendors, procurements, contracts, grants, goals, metrics)."""
    with Session(get_engine()) as session:
        summary = seed(session)
    typer.echo(summary)


@cli.command("create-user")
def create_user(
    email: str,
    role: Annotated[str, typer.Option(help="admin, procurement_officer, contract_manager or viewer")],
    full_name: Annotated[str, typer.Option(help="Display name")] = "",
    department: Annotated[list[int] | None, typer.Option(help="Limit to this department id (repeatable)")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a user (the password is prompted for unless given)."""
    data = UserCreate(
        email=email,
        full_name=full_name or email,
        role=Role(role),
        password=password,
        department_ids=department or [],
    )
    with Session(get_engine()) as session:
        user = accounts.create_user(session, actor=SYSTEM, data=data)
    typer.echo(f"created user {user.id} <{user.email}> as {user.role.value}")


@cli.command("create-service-account")
def create_service_account(
    name: str,
    scope: Annotated[list[str], typer.Option(help="catalog:read, readings:read, readings:write (repeatable)")],
    expires_in_days: int = 365,
) -> None:
    """Create an ERP/vendor service account; prints the client secret once."""
    data = ServiceAccountCreate(name=name, scopes=[Scope(s) for s in scope], expires_in_days=expires_in_days)
    with Session(get_engine()) as session:
        account, secret = accounts.create_service_account(session, actor=SYSTEM, data=data)
    typer.echo(f"client_id={account.client_id}\nclient_secret={secret}\n(the secret is not shown again)")


@cli.command()
def token(email: str) -> None:
    """Print an access token for an existing, active user (for scripts and first steps)."""
    with Session(get_engine()) as session:
        user = session.exec(select(User).where(User.email == email.lower())).first()
    if user is None or not user.is_active:
        typer.echo(f"no active user {email}", err=True)
        raise typer.Exit(1)
    issued = tokens.issue(
        get_settings(), subject=f"user:{user.id}", role=user.role.value, generation=user.token_generation
    )
    typer.echo(issued.access_token)


@cli.command()
def sweep() -> None:
    """Re-evaluate every metric of active contracts and grants now (for cron; safe to run anywhere)."""
    started = time.perf_counter()
    settings = get_settings()
    summary = run_sweep(
        get_engine(), fiscal_start_month=settings.fiscal_year_start_month, processes=settings.sweep_processes
    )
    if summary is None:
        typer.echo("another process is sweeping; skipped")
        return
    typer.echo(
        f"swept {summary.metrics} metrics in {time.perf_counter() - started:.2f}s: "
        f"{dict(summary.by_status)}; {summary.transitions} transitions; alerts opened {summary.alerts_opened}, "
        f"changed {summary.alerts_changed}, resolved {summary.alerts_resolved}"
    )


@cli.command()
def worker(
    once: Annotated[
        bool, typer.Option(help="Re-evaluate queued metrics and dispatch waiting events once, then exit")
    ] = False,
    concurrency: Annotated[int | None, typer.Option(help="Jobs at once (default RDC_JOBS_CONCURRENCY)")] = None,
) -> None:
    """Run background jobs: metric refreshes, the sweep, event dispatch, webhooks, e-mail, reminders, digests.

    On PostgreSQL any number may run, on any host, against one database: they share one job queue.
    API processes run the same jobs in a thread unless RDC_JOBS_IN_PROCESS=false.
    """
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if once:
        refresh_queued_metrics()
        dispatch_events(get_engine())
        return
    name = f"rdc-worker-{socket.gethostname()}-{os.getpid()}"
    job_host().run_worker_forever(concurrency=concurrency or settings.jobs_concurrency, name=name)


audit_cli = typer.Typer(help="The audit log's tamper-evident chain", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")


@audit_cli.command("seal")
def audit_seal() -> None:
    """Link the audit entries written since the last seal into the chain (every sweep does this too)."""
    with Session(get_engine()) as session:
        typer.echo(f"sealed {seal_audit_log(session)} audit entries")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the chain; exit 1 if any sealed entry was changed or deleted since it was sealed."""
    with Session(get_engine()) as session:
        report = verify_audit_chain(session)
    for problem in report.broken:
        typer.echo(f"BROKEN: {problem}", err=True)
    typer.echo(
        f"{report.sealed} sealed entries checked, {len(report.broken)} problems; "
        f"{report.unsealed} entries not sealed yet (the next sweep or `rdc audit seal` seals them)"
    )
    if not report.intact:
        raise typer.Exit(1)


@cli.command("export-ocds")
def export_ocds(
    output: Annotated[Path, typer.Option(help="File to write the OCDS release package to")],
    uri: Annotated[str | None, typer.Option(help="Where the package will be published (default: file URI)")] = None,
) -> None:
    """Write the OCDS 1.1 release package (with the Metrics extension) of every contracting process."""
    with Session(get_engine()) as session:
        if not has_processes(session, SYSTEM):
            typer.echo("nothing to export yet: no procurement, contract or grant (OCDS needs one release)", err=True)
            raise typer.Exit(1)
    target = output.resolve()
    partial = target.with_name(target.name + ".partial")
    try:
        with Session(get_engine()) as session, partial.open("w", encoding="utf-8") as file:
            use_snapshot(session)
            for piece in iter_package(session, principal=SYSTEM, settings=get_settings(), uri=uri or target.as_uri()):
                file.write(piece)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)  # readers never see a half-written package
    typer.echo(f"wrote {target}")


@cli.command()
def openapi(path: str = "openapi/openapi.json") -> None:
    """Write the OpenAPI document (the published contract) to a file."""
    write(path)
    typer.echo(f"wrote {path}")


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
