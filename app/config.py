"""Settings, read from `RDC_`-prefixed environment variables (and an optional `.env` file)."""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RDC_", env_file=".env", extra="ignore")

    env: Environment = Environment.development
    database_url: str = "sqlite:///./results_tracker.db"
    # Seconds a single SQL statement may run on PostgreSQL before it is cancelled.
    statement_timeout_seconds: float = 30.0

    fiscal_year_start_month: int = Field(default=7, ge=1, le=12)

    # Tokens. HS256 needs a secret of at least 32 bytes; RS256 needs a PEM key pair (text or file path).
    jwt_algorithm: str = Field(default="HS256", pattern=r"^(HS256|RS256)$")
    jwt_secret: str | None = None
    jwt_private_key: str | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str = "results-tracker"
    jwt_audience: str = "results-tracker-api"
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)

    # Optional: accept tokens from the city's identity provider (JWKS URL or file path).
    idp_jwks: str | None = None
    idp_issuer: str | None = None
    idp_audience: str | None = None
    idp_role_claim: str = "rdc_role"
    # The claim listing the department codes an identity-provider user is limited to (a list, or one string of
    # codes separated by spaces or commas); absent: the user works citywide, as a local user without departments.
    idp_department_claim: str = "rdc_departments"

    first_admin_email: str | None = None
    first_admin_password: str | None = None

    # Sign-in throttling: this many failures per account or client address within the window -> 429.
    signin_max_failures: int = 5
    # Separation of duties: nobody verifies a reading whose current value they recorded.
    separate_verification: bool = True
    signin_window_seconds: int = 900

    # Seconds between built-in sweeps that re-evaluate every metric (0 turns the built-in sweep off, e.g.
    # when cron runs `rdc sweep` instead).
    sweep_interval_seconds: float = Field(default=900, ge=0)
    # Worker processes a large sweep may use (the evaluation is CPU-bound).
    sweep_processes: int = Field(default_factory=lambda: min(4, os.cpu_count() or 1), ge=1, le=64)
    # Queued background work (re-evaluating metrics after their readings or definitions changed): by default
    # each API process runs it right after the response that queued it and polls for leftovers. False: this
    # process only queues; run `rdc worker` (on any host) to do the work.
    jobs_in_process: bool = True
    # With in-process jobs, also run a job worker thread here (false: this process still refreshes metrics after
    # its responses, but the jobs it nudges wait for a worker elsewhere, e.g. `rdc worker`).
    jobs_worker_thread: bool = True
    jobs_poll_seconds: float = Field(default=10, gt=0, le=3600)
    # Jobs each worker runs at once (threads; the jobs are database and network bound).
    jobs_concurrency: int = Field(default=4, ge=1, le=64)
    # A worker that has not sent a heartbeat for this long is dead (killed, host lost): its running jobs go back
    # to the queue. Heartbeats go out every third of it.
    jobs_stalled_seconds: float = Field(default=30, ge=3, le=3600)
    # This process's worker also schedules the periodic rounds (sweep, dispatch, reminders, housekeeping, ...).
    # Any number of processes may (each round runs once); false leaves them to the others, e.g. to `rdc worker`.
    jobs_periodic: bool = True
    # The dispatcher turns events into webhook deliveries and notifications right after their commit; this
    # periodic round catches anything a crash between a commit and its nudge left behind.
    events_dispatch_seconds: float = Field(default=15, ge=1, le=3600)
    # Dispatched events older than this are deleted (with their webhook delivery logs) by the housekeeping round;
    # a feed reader that falls further behind than this misses events.
    events_retention_days: int = Field(default=180, ge=7, le=36500)

    # Links in e-mail and webhook payloads point here (the address people use to reach this service).
    public_base_url: str = "http://127.0.0.1:8000"
    # The name residents see on the public pages (the city's, usually).
    site_name: str = Field(default="City Results", min_length=1, max_length=80)

    # E-mail: `smtp` sends through the server below; `console` writes messages to the log; `file` writes each
    # message as an .eml file into `mail_file_dir` (development); `off` sends nothing (in-app inbox only).
    mail_backend: str = Field(default="console", pattern=r"^(smtp|console|file|off)$")
    mail_file_dir: str = "./mail"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    # `starttls` (port 587), `tls` (implicit TLS, port 465) or `none` (a local relay only).
    smtp_security: str = Field(default="starttls", pattern=r"^(starttls|tls|none)$")
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = Field(default=20, gt=0, le=300)
    mail_from: str = "Results Tracker <results-tracker@localhost>"

    # Webhooks: hosts or networks (comma-separated, e.g. `127.0.0.1,10.0.0.0/8,erp.internal`) that webhook
    # endpoints may reach although they are private, loopback or link-local. Empty: public addresses only.
    webhook_allowed_hosts: str = ""
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=60)

    # Largest accepted request body (a 10,000-reading batch is about 2 MB of JSON).
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)

    # Evidence (files attached to readings and vendors' answers): kept in `local` files under `evidence_dir`
    # (default: an `evidence` folder beside the SQLite file, or in the working directory), or in an
    # S3-compatible bucket (`s3`). Upload routes accept bodies up to `evidence_max_bytes` per file.
    evidence_storage: str = Field(default="local", pattern=r"^(local|s3)$")
    evidence_dir: str | None = None
    evidence_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1, le=1024 * 1024 * 1024)
    s3_endpoint_url: str | None = None  # none: AWS itself; set for MinIO, Ceph, a cloud's S3-compatible service
    s3_bucket: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None  # none: boto3 finds credentials itself (instance role, ~/.aws)
    s3_secret_access_key: str | None = None
    cors_origins: list[str] = Field(default_factory=list, description="Browser origins allowed to call the API")

    # Logs: one JSON object per line on standard error (`text` for people reading a terminal).
    log_level: str = Field(default="INFO", pattern=r"^(?i:debug|info|warning|error|critical)$")
    log_format: str = Field(default="json", pattern=r"^(json|text)$")

    demo: bool = False
    # /docs, /redoc and /openapi.json: on by default in development and tests, off in production unless set.
    docs_enabled: bool | None = None
    # /metrics: with a token, only `Authorization: Bearer <token>` may scrape (Prometheus `authorization`);
    # without one it is open in development and tests, and off (404) in production.
    metrics_token: str | None = Field(default=None, min_length=16)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses, `*` for any);
    # empty: none, the connection's own address is the client's (sign-in limits count per address).
    forwarded_allow_ips: str = ""

    # OCDS export: the publisher's ocid prefix (registered with the Open Contracting Partnership) and name.
    ocds_prefix: str = Field(default="ocds-xxxxxx", min_length=1, max_length=60, pattern=r"^[A-Za-z0-9-]+$")
    ocds_publisher_name: str = Field(default="Results Tracker", min_length=1, max_length=200)

    @property
    def serves_docs(self) -> bool:
        return self.docs_enabled if self.docs_enabled is not None else self.env != Environment.production

    @property
    def metrics_open(self) -> bool:
        """/metrics answers without a token (never in production)."""
        return self.metrics_token is None and self.env != Environment.production

    @field_validator("database_url")
    @classmethod
    def _use_psycopg3(cls, url: str) -> str:
        # Plain postgresql:// URLs would pick psycopg2, which we do not ship.
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def evidence_root(self) -> Path:
        """The folder local evidence files are kept in."""
        if self.evidence_dir:
            return Path(self.evidence_dir)
        database = self.database_url.partition(":///")[2].split("?")[0] if self.is_sqlite else ""
        if database and database != ":memory:":
            return Path(database).parent / "evidence"
        return Path("evidence")

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.evidence_storage == "s3" and not self.s3_bucket:
            raise ValueError("RDC_EVIDENCE_STORAGE=s3 needs RDC_S3_BUCKET")
        return self


def _read_pem(value: str | None) -> str | None:
    if value and not value.lstrip().startswith("-----") and Path(value).is_file():
        return Path(value).read_text()
    return value


def signing_keys(settings: Settings) -> tuple[str, str]:
    """(signing key, verification key) for the configured algorithm; refuses weak set-ups."""
    if settings.jwt_algorithm == "RS256":
        private, public = _read_pem(settings.jwt_private_key), _read_pem(settings.jwt_public_key)
        if not private or not public:
            raise RuntimeError("RS256 needs RDC_JWT_PRIVATE_KEY and RDC_JWT_PUBLIC_KEY (PEM or file path)")
        return private, public
    secret = settings.jwt_secret
    if secret is None:
        if settings.env == Environment.production:
            raise RuntimeError("RDC_JWT_SECRET (at least 32 random bytes) is required in production")
        secret = _development_secret()
    if len(secret.encode()) < 32:
        raise RuntimeError("RDC_JWT_SECRET must be at least 32 bytes long")
    return secret, secret


def _development_secret() -> str:
    # Shared through a file so that several local worker processes accept each other's tokens.
    path = Path(".rdc-dev-secret")
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()


# The settings, for endpoint signatures.
SettingsDep = Annotated[Settings, Depends(get_settings)]
