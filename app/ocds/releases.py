"""Building one OCDS 1.1 release (with the Metrics extension) for one contracting process. Pure functions.

A contracting process is a procurement with the contracts and grants made from it, or a contract or grant
made without a procurement. Targets go to `contracts[].agreedMetrics` (procurement targets to
`tender.targets`), reported readings to `contracts[].implementation.metrics`, under the same metric `id`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from app.awards.models import Award
from app.departments.models import Department
from app.engine import Direction
from app.kit.telemetry import EXPORT_RECORDS_SKIPPED
from app.metrics.models import Metric
from app.ocds import codelists
from app.periods import Cadence, Period, PeriodError, containing, label, parse
from app.procurements.models import Procurement
from app.readings.models import Reading
from app.vendors.models import Vendor

log = logging.getLogger("app.ocds")

Json = dict[str, Any]


@dataclass
class ProcessData:
    """Everything one release is built from, already limited to what may be published."""

    procurement: Procurement | None
    awards: list[Award]
    department: Department
    vendors: dict[int, Vendor]
    procurement_metrics: list[Metric] = field(default_factory=list)
    award_metrics: dict[int, list[Metric]] = field(default_factory=dict)  # by award id
    readings: dict[int, list[Reading]] = field(default_factory=dict)  # by metric id, in period order
    # When anything published here last changed (including goals, which OCDS has no place for).
    other_updates: list[datetime] = field(default_factory=list)

    @property
    def process_id(self) -> str:
        if self.procurement is not None:
            return f"procurement-{self.procurement.id}"
        return award_key(self.awards[0])


def ocid(prefix: str, process: ProcessData) -> str:
    return f"{prefix}-{process.process_id}"


def award_key(award: Award) -> str:
    return f"{award.kind.value}-{award.id}"


def build_release(process: ProcessData, *, prefix: str, fiscal_start_month: int = 7) -> Json:
    """The release: its `id` is the ocid plus a hash of everything else, so it changes exactly when the data does."""
    contracts = [_contract(a, process, fiscal_start_month) for a in process.awards]
    has_actuals = any("implementation" in c for c in contracts)
    release: Json = {
        "ocid": ocid(prefix, process),
        "id": "",  # set below, from the hash of everything else
        "date": timestamp(latest_update(process)),
        "tag": [
            codelists.stage_tag(
                procurement_status=process.procurement.status if process.procurement else None,
                has_contracts=bool(contracts),
                has_actuals=has_actuals,
            )
        ],
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(process),
        "buyer": _organization_reference(_department_party_id(process.department), process.department.name),
    }
    if process.procurement is not None:
        release["tender"] = _tender(process.procurement, process, fiscal_start_month)
    if process.awards:
        release["awards"] = [_award(a, process) for a in process.awards]
        release["contracts"] = contracts
    release["id"] = f"{release['ocid']}-{content_hash(release)}"
    return release


def content_hash(release: Json) -> str:
    """A short, stable hash of the release without its id (key order does not matter)."""
    content = {key: value for key, value in release.items() if key != "id"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def latest_update(process: ProcessData) -> datetime:
    stamps: list[datetime] = [process.department.updated_at, *process.other_updates]
    if process.procurement is not None:
        stamps.append(process.procurement.updated_at)
    stamps += [a.updated_at for a in process.awards]
    stamps += [process.vendors[a.vendor_id].updated_at for a in process.awards]
    stamps += [m.updated_at for m in process.procurement_metrics]
    stamps += [m.updated_at for metrics in process.award_metrics.values() for m in metrics]
    stamps += [r.updated_at for readings in process.readings.values() for r in readings]
    return max(stamps)


# --- formats ---------------------------------------------------------------------------------------


def timestamp(moment: datetime) -> str:
    """UTC with microseconds always written, so that timestamps also sort as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def day_start(day: date) -> str:
    return datetime.combine(day, time.min).isoformat() + "Z"


def day_end(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59)).isoformat() + "Z"


def period(start: date | None, end: date | None) -> Json:
    found: Json = {}
    if start is not None:
        found["startDate"] = day_start(start)
    if end is not None:
        found["endDate"] = day_end(end)
    return found


def number(value: Decimal) -> int | float | str:
    """A JSON number for a decimal: an integer when whole, a float when that is exact, else the exact text."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value, "f")


def money(amount: Decimal, currency: str) -> Json:
    whole = amount == amount.to_integral_value()
    return {"amount": int(amount) if whole else float(amount), "currency": currency}


# --- parties ---------------------------------------------------------------------------------------


def _department_party_id(department: Department) -> str:
    return f"department-{department.id}"


def _vendor_party_id(vendor: Vendor) -> str:
    return f"vendor-{vendor.id}"


def _organization_reference(party_id: str, name: str) -> Json:
    return {"id": party_id, "name": name}


def _parties(process: ProcessData) -> list[Json]:
    department = process.department
    parties: list[Json] = [
        {
            "id": _department_party_id(department),
            "name": department.name,
            "roles": ["buyer", "procuringEntity"],
        }
    ]
    seen: set[int] = set()
    for award in process.awards:
        if award.vendor_id in seen:
            continue
        seen.add(award.vendor_id)
        vendor = process.vendors[award.vendor_id]
        party: Json = {"id": _vendor_party_id(vendor), "name": vendor.legal_name, "roles": ["supplier"]}
        if vendor.identifier:
            party["identifier"] = {
                "scheme": codelists.IDENTIFIER_SCHEME[vendor.identifier_scheme],
                "id": vendor.identifier,
                "legalName": vendor.legal_name,
            }
        parties.append(party)
    return parties


# --- tender, awards, contracts ---------------------------------------------------------------------


def _tender(procurement: Procurement, process: ProcessData, fiscal_start_month: int) -> Json:
    method, details = codelists.PROCUREMENT_METHOD[procurement.method]
    tender: Json = {
        "id": f"procurement-{procurement.id}",
        "title": procurement.title,
        "status": codelists.TENDER_STATUS[procurement.status],
        "procuringEntity": _organization_reference(_department_party_id(process.department), process.department.name),
        "procurementMethod": method,
        "procurementMethodDetails": details,
    }
    if procurement.description:
        tender["description"] = procurement.description
    if procurement.estimated_value is not None:
        tender["value"] = money(procurement.estimated_value, procurement.currency)
    if procurement.release_date or procurement.response_due_date:
        tender["tenderPeriod"] = period(procurement.release_date, procurement.response_due_date)
    if procurement.expected_award_date:
        tender["awardPeriod"] = period(None, procurement.expected_award_date)
    targets = _targets(process.procurement_metrics, None, fiscal_start_month)
    if targets:
        tender["targets"] = targets
    return tender


def _award(award: Award, process: ProcessData) -> Json:
    vendor = process.vendors[award.vendor_id]
    found: Json = {
        "id": award_key(award),
        "title": award.title,
        "status": codelists.AWARD_STATUS[award.status],
        "value": money(award.value, award.currency),
        "suppliers": [_organization_reference(_vendor_party_id(vendor), vendor.legal_name)],
        "contractPeriod": period(award.start_date, award.end_date),
    }
    if award.description:
        found["description"] = award.description
    return found


def _contract(award: Award, process: ProcessData, fiscal_start_month: int) -> Json:
    contract: Json = {
        "id": award_key(award),
        "awardID": award_key(award),
        "title": award.title,
        "status": codelists.CONTRACT_STATUS[award.status],
        "period": period(award.start_date, award.end_date),
        "value": money(award.value, award.currency),
    }
    if award.description:
        contract["description"] = award.description
    metrics = process.award_metrics.get(award.id or 0, [])
    if metrics:
        contract["agreedMetrics"] = _targets(metrics, award, fiscal_start_month)
    reported = [(m, process.readings.get(m.id or 0)) for m in metrics]
    actuals = [_actual_metric(m, readings, fiscal_start_month) for m, readings in reported if readings]
    if actuals:
        contract["implementation"] = {"metrics": actuals}
    return contract


# --- metrics and observations ----------------------------------------------------------------------


def metric_id(metric: Metric) -> str:
    """The same id in agreedMetrics (targets) and implementation.metrics (actuals), so they pair."""
    return str(metric.id)


def unit(metric: Metric) -> Json:
    found: Json = {"name": metric.unit}
    if metric.unit_code:
        found |= {"scheme": codelists.UNIT_SCHEME, "id": metric.unit_code}
    return found


def _metric_head(metric: Metric) -> Json:
    head: Json = {"id": metric_id(metric), "title": metric.name}
    if metric.description:
        head["description"] = metric.description
    return head


def _targets(metrics: list[Metric], award: Award | None, fiscal_start_month: int) -> list[Json]:
    """The metrics' targets; one whose stored dates cannot be written (stored before today's validation) is
    left out, logged and counted, rather than stopping the export for everyone."""
    targets = []
    for metric in metrics:
        try:
            targets.append(_target_metric(metric, award, fiscal_start_month))
        except (ArithmeticError, ValueError, OverflowError):
            log.exception("OCDS export: the targets of metric %s left out", metric.id)
            EXPORT_RECORDS_SKIPPED.labels("ocds").inc()
    return targets


def _target_metric(metric: Metric, award: Award | None, fiscal_start_month: int) -> Json:
    found = _metric_head(metric)
    observations = target_observations(metric, award, fiscal_start_month)
    if observations:
        found["observations"] = observations
    return found


def target_observations(metric: Metric, award: Award | None, fiscal_start_month: int) -> list[Json]:
    """The final target (over the reporting period that contains the target date), the interim targets,
    or for a range metric its two bounds over the term."""
    observations: list[Json] = []
    measure_unit = unit(metric)
    if metric.direction == Direction.maintain_range:
        term = period(award.start_date, award.end_date) if award else {}
        for bound, value in (("minimum", metric.range_min), ("maximum", metric.range_max)):
            if value is not None:
                observation: Json = {"id": f"range-{bound}", "measure": number(value), "unit": measure_unit}
                observation["dimensions"] = {"bound": bound}
                if term:
                    observation["period"] = term
                observations.append(observation)
    if metric.target_value is not None and metric.target_date is not None:
        final = containing(metric.target_date, metric.cadence, fiscal_start_month=fiscal_start_month)
        observations.append(
            {
                "id": "target",
                "period": period(final.start, final.end),
                "measure": number(metric.target_value),
                "unit": measure_unit,
            }
        )
    for interim in _interim_targets(metric, fiscal_start_month):
        observations.append(interim | {"unit": measure_unit})
    return observations


def _interim_targets(metric: Metric, fiscal_start_month: int) -> Iterable[Json]:
    for target in metric.interim_targets:
        try:
            span = parse(str(target["period"]), metric.cadence, fiscal_start_month=fiscal_start_month)
        except (PeriodError, KeyError):
            continue  # validated on write; a changed fiscal year start could orphan one
        name = label(span, metric.cadence, fiscal_start_month=fiscal_start_month)
        yield {
            "id": f"target-{name}",
            "period": period(span.start, span.end),
            "measure": number(Decimal(str(target["value"]))),
        }


def _actual_metric(metric: Metric, readings: Sequence[Reading], fiscal_start_month: int) -> Json:
    found = _metric_head(metric)
    found["observations"] = actual_observations(metric.cadence, unit(metric), readings, fiscal_start_month)
    return found


def actual_observations(
    cadence: Cadence, measure_unit: Json, readings: Sequence[Reading], fiscal_start_month: int
) -> list[Json]:
    return [
        {
            "id": label(Period(r.period_start, r.period_end), cadence, fiscal_start_month=fiscal_start_month),
            "period": period(r.period_start, r.period_end),
            "measure": number(r.value),
            "unit": measure_unit,
        }
        for r in readings
    ]
