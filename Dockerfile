# Results Tracker API. The database URL comes from the environment, e.g.
#   docker run -e RDC_DATABASE_URL=postgresql://user:pass@db/rdc -e RDC_JWT_SECRET=... -p 8000:8000 rdc
# Start-up applies migrations (under a PostgreSQL advisory lock), then serves with uvicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    RDC_ENV=production RDC_DATABASE_URL=sqlite:////data/results_tracker.db RDC_EVIDENCE_DIR=/data/evidence
# The workers add up their Prometheus counters here, so /metrics covers all of them (emptied by `rdc serve`).
ENV PROMETHEUS_MULTIPROC_DIR=/tmp/rdc-metrics

WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY alembic ./alembic
RUN pip install . && useradd --system --uid 10001 rdc && mkdir -p /data && chown rdc /data

USER rdc
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["rdc", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
