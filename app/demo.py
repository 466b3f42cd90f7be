"""A realistic demo city, seeded through the same service functions (and audit) as the API.

Seeding twice changes nothing. Demo sign-ins (password `demo-password-2026`):
admin@demo.city, buyer@demo.city, manager.dot@demo.city (Transportation only), viewer@demo.city.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.accounts.service import create_user
from app.auth.models import User, UserCreate
from app.auth.principal import SYSTEM
from app.auth.roles import Role
from app.awards.models import Award, AwardCreate, AwardKind
from app.awards.service import award_resource
from app.config import get_settings
from app.db import utcnow
from app.departments.models import Department, DepartmentCreate
from app.departments.service import department_resource
from app.goals.models import GoalCreate
from app.goals.service import goal_resource
from app.metrics.models import Metric, MetricCreate
from app.metrics.service import metric_resource
from app.periods import containing, label, periods_between
from app.priorities.models import PriorityCreate
from app.priorities.service import priority_resource
from app.procurements.models import ProcurementCreate
from app.procurements.service import procurement_resource
from app.readings.ingest import ingest
from app.readings.schemas import BatchItem
from app.records import crud
from app.records.resource import Resource
from app.status.drain import drain
from app.vendors.models import VendorCreate
from app.vendors.service import vendor_resource

DEMO_PASSWORD = "demo-password-2026"


def _add(session: Session, resource: Resource, data: BaseModel, **extra: Any) -> Any:
    return crud.create_record(session, resource, principal=SYSTEM, data=data, extra=extra or None)


def _goal_with_metrics(session: Session, owner: dict[str, Any], goal: GoalCreate, metrics: list[MetricCreate]) -> None:
    record = _add(session, goal_resource(), goal, **owner)
    for metric in metrics:
        _add(
            session,
            metric_resource(),
            metric,
            goal_id=record.id,
            award_id=record.award_id,
            procurement_id=record.procurement_id,
        )


def seed(session: Session) -> str:
    if session.exec(select(Department).where(Department.code == "DOT")).first() is not None:
        return "demo city already seeded"
    dept = {
        code: _add(session, department_resource(), DepartmentCreate(name=name, code=code))
        for code, name in [
            ("DOT", "Department of Transportation"),
            ("HSD", "Human Services Department"),
            ("OWD", "Office of Workforce Development"),
            ("PRK", "Parks and Recreation"),
        ]
    }
    people = [
        ("admin@demo.city", "Avery Admin", Role.admin, []),
        ("buyer@demo.city", "Blake Buyer", Role.procurement_officer, []),
        ("manager.dot@demo.city", "Casey Manager", Role.contract_manager, [dept["DOT"].id]),
        ("manager.hsd@demo.city", "Dana Manager", Role.contract_manager, [dept["HSD"].id, dept["OWD"].id]),
        ("viewer@demo.city", "Emery Viewer", Role.viewer, []),
    ]
    users: dict[str, User] = {}
    for email, name, role, departments in people:
        users[email] = create_user(
            session,
            actor=SYSTEM,
            data=UserCreate(email=email, full_name=name, role=role, password=DEMO_PASSWORD, department_ids=departments),
        )
    prio = {
        code: _add(session, priority_resource(), PriorityCreate(code=code, title=title, target_year=year))
        for code, title, year in [
            ("vision-zero", "Vision Zero: zero traffic deaths by 2030", 2030),
            ("housing-first", "End chronic homelessness", 2030),
            ("good-jobs", "Good jobs for 10,000 residents by 2028", 2028),
            ("parks-10min", "A park within a 10-minute walk of every home", 2032),
        ]
    }
    vendor = {
        key: _add(
            session,
            vendor_resource(),
            VendorCreate(
                legal_name=name,
                identifier_scheme="ein",
                identifier=ein,
                contact_name=contact,
                contact_email=email,
                contact_phone="+1 (555) 010-0000",
            ),
        )
        for key, name, ein, contact, email in [
            ("paving", "Metro Paving Co.", "12-3456789", "Jordan Reyes", "jreyes@metropaving.example"),
            (
                "workforce",
                "Bright Path Workforce Partners",
                "23-4567890",
                "Sam Lee",
                "sam@brightpath.example",
            ),
            ("housing", "Safe Haven Housing Alliance", "34-5678901", "Rita Okafor", "rita@safehaven.example"),
            ("grounds", "GreenScape Grounds LLC", "45-6789012", "Lee Park", "lee@greenscape.example"),
        ]
    }
    # Metro Paving's operations lead: sees only Metro Paving's contracts, posts its readings, answers the city.
    users["jordan@metropaving.example"] = create_user(
        session,
        actor=SYSTEM,
        data=UserCreate(
            email="jordan@metropaving.example",
            full_name="Jordan Reyes",
            role=Role.vendor,
            password=DEMO_PASSWORD,
            vendor_id=vendor["paving"].id,
        ),
    )
    potholes = _add(
        session,
        procurement_resource(),
        ProcurementCreate(
            title="Citywide pothole repair services",
            department_id=dept["DOT"].id,
            method="rfp",
            status="awarded",
            estimated_value=Decimal("5000000.00"),
            release_date=date(2025, 2, 3),
            response_due_date=date(2025, 3, 14),
            expected_award_date=date(2025, 5, 30),
            external_id="RFP-25-017",
        ),
    )
    rehousing = _add(
        session,
        procurement_resource(),
        ProcurementCreate(
            title="Rapid rehousing program 2025-2027",
            department_id=dept["HSD"].id,
            method="grant_nofo",
            status="awarded",
            estimated_value=Decimal("2400000.00"),
            release_date=date(2025, 1, 15),
            external_id="NOFO-25-004",
        ),
    )
    youth = _add(
        session,
        procurement_resource(),
        ProcurementCreate(
            title="Youth summer employment program",
            department_id=dept["OWD"].id,
            method="rfp",
            status="evaluation",
            estimated_value=Decimal("1200000.00"),
            release_date=date(2026, 8, 1),
            response_due_date=date(2026, 9, 15),
            external_id="RFP-26-031",
        ),
    )
    _goal_with_metrics(
        session,
        {"procurement_id": youth.id},
        GoalCreate(
            title="Place young residents in paid summer jobs",
            priority_id=prio["good-jobs"].id,
        ),
        [
            MetricCreate(
                code="YOUTH-PLACED",
                name="Young residents placed in summer jobs",
                unit="people",
                direction="increase",
                baseline_value=Decimal(0),
                baseline_date=date(2027, 6, 1),
                target_value=Decimal(500),
                target_date=date(2027, 8, 31),
                cadence="monthly",
                data_source="Vendor placement roster",
            )
        ],
    )

    manager_dot, manager_hsd = users["manager.dot@demo.city"].id, users["manager.hsd@demo.city"].id
    pothole_contract = _add(
        session,
        award_resource(AwardKind.contract),
        AwardCreate(
            number="C-2025-0142",
            title="Pothole repair services",
            vendor_id=vendor["paving"].id,
            department_id=dept["DOT"].id,
            procurement_id=potholes.id,
            value=Decimal("4800000.00"),
            start_date=date(2025, 7, 1),
            end_date=date(2027, 6, 30),
            status="active",
            contract_manager_id=manager_dot,
            external_id="PO-4500012345",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": pothole_contract.id},
        GoalCreate(
            title="Repair reported potholes within 48 hours",
            priority_id=prio["vision-zero"].id,
        ),
        [
            MetricCreate(
                code="POT-48H",
                name="Potholes repaired within 48 hours of report",
                unit="percent",
                unit_code="P1",
                direction="increase",
                baseline_value=Decimal(72),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(90),
                target_date=date(2027, 6, 30),
                cadence="monthly",
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                at_risk_tolerance=Decimal(5),
                off_track_tolerance=Decimal(10),
                data_source="311 work-order system",
                indicator_type="leading",
            ),
            MetricCreate(
                code="POT-REOPEN",
                name="Repairs reopened within 90 days",
                unit="percent",
                unit_code="P1",
                direction="decrease",
                baseline_value=Decimal(12),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(5),
                target_date=date(2027, 6, 30),
                cadence="quarterly",
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                data_source="311 work-order system",
            ),
        ],
    )
    jobs_contract = _add(
        session,
        award_resource(AwardKind.contract),
        AwardCreate(
            number="C-2025-0177",
            title="Adult job placement services",
            vendor_id=vendor["workforce"].id,
            department_id=dept["OWD"].id,
            value=Decimal("1850000.00"),
            start_date=date(2025, 7, 1),
            end_date=date(2027, 6, 30),
            status="active",
            contract_manager_id=manager_hsd,
            external_id="PO-4500012399",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": jobs_contract.id},
        GoalCreate(
            title="Place job seekers in good jobs that last",
            priority_id=prio["good-jobs"].id,
        ),
        [
            MetricCreate(
                code="PLACEMENTS",
                name="Job placements per quarter",
                unit="placements",
                direction="increase",
                baseline_value=Decimal(60),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(120),
                target_date=date(2027, 6, 30),
                cadence="quarterly",
                interim_targets=[
                    {"period": "FY2026-Q1", "value": Decimal(70)},
                    {"period": "FY2026-Q2", "value": Decimal(80)},
                ],
                valid_min=Decimal(0),
                at_risk_tolerance=Decimal(5),
                off_track_tolerance=Decimal(15),
                data_source="Vendor quarterly report",
            ),
            MetricCreate(
                code="RETAIN-90",
                name="Placements still employed after 90 days",
                unit="percent",
                unit_code="P1",
                direction="increase",
                baseline_value=Decimal(55),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(75),
                target_date=date(2027, 6, 30),
                cadence="quarterly",
                valid_min=Decimal(0),
                valid_max=Decimal(100),
            ),
        ],
    )
    rehousing_grant = _add(
        session,
        award_resource(AwardKind.grant),
        AwardCreate(
            number="G-2025-0031",
            title="Rapid rehousing for families",
            vendor_id=vendor["housing"].id,
            department_id=dept["HSD"].id,
            procurement_id=rehousing.id,
            value=Decimal("2250000.00"),
            start_date=date(2025, 9, 1),
            end_date=date(2027, 8, 31),
            status="active",
            contract_manager_id=manager_hsd,
            external_id="GR-2025-031",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": rehousing_grant.id},
        GoalCreate(
            title="Move families from shelter into stable housing",
            priority_id=prio["housing-first"].id,
        ),
        [
            MetricCreate(
                code="HOUSED",
                name="Households moved into permanent housing",
                unit="households",
                direction="increase",
                baseline_value=Decimal(8),
                baseline_date=date(2025, 9, 1),
                target_value=Decimal(20),
                target_date=date(2027, 8, 31),
                cadence="monthly",
                valid_min=Decimal(0),
            ),
            MetricCreate(
                code="RETURNS",
                name="Returns to homelessness within 12 months",
                unit="percent",
                unit_code="P1",
                direction="decrease",
                baseline_value=Decimal(22),
                baseline_date=date(2025, 9, 1),
                target_value=Decimal(12),
                target_date=date(2027, 8, 31),
                cadence="quarterly",
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                is_public=False,
            ),
        ],
    )
    parks_contract = _add(
        session,
        award_resource(AwardKind.contract),
        AwardCreate(
            number="C-2026-0203",
            title="Neighbourhood park grounds maintenance",
            vendor_id=vendor["grounds"].id,
            department_id=dept["PRK"].id,
            value=Decimal("960000.00"),
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            status="active",
            external_id="PO-4500013001",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": parks_contract.id},
        GoalCreate(
            title="Keep parks clean, safe and usable",
            priority_id=prio["parks-10min"].id,
        ),
        [
            MetricCreate(
                code="INSPECT",
                name="Park inspection score",
                unit="points",
                direction="maintain_range",
                range_min=Decimal(85),
                range_max=Decimal(100),
                cadence="monthly",
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                tolerance_mode="absolute",
                at_risk_tolerance=Decimal(3),
                off_track_tolerance=Decimal(8),
                data_source="Parks inspection app",
            )
        ],
    )
    readings = _seed_readings(session)
    return (
        "seeded the demo city: 4 departments, 5 users, 4 priorities, 4 vendors, 3 procurements, "
        f"3 contracts and 1 grant with goals and metrics, {readings} readings, statuses and alerts "
        f"(demo password: {DEMO_PASSWORD})"
    )


# Month-by-month stories: potholes drift off track, placements recover, the parks stay in range, and the
# housing grantee has stopped reporting.
_MONTHLY = {
    "POT-48H": [74, 77, 79, 80, 78, 76, 75, 74, 73, 72, 71, 70, 70, 69, 68, 68],
    "INSPECT": [91, 93, 88, 90, 92, 95, 94, 89, 90, 91],
    "HOUSED": [9, 9, 10, 11, 10, 12, 11, 12, 13, 12],
}
_QUARTERLY = {
    "PLACEMENTS": [65, 70, 72, 74, 90],
    "RETAIN-90": [56, 58, 60, 63, 65],
    "POT-REOPEN": [11, 10.5, 10, 9.8, 9.9],
    "RETURNS": [21, 20, 19],
}


_SILENT_PERIODS = {"HOUSED": 2}  # the housing grantee has not reported its last two months


def _seed_readings(session: Session) -> int:
    metrics = {m.code: m for m in session.exec(select(Metric).where(col(Metric.award_id).is_not(None))).all()}
    awards = {a.id: a for a in session.exec(select(Award)).all()}
    today = utcnow().date()
    items: list[BatchItem | Any] = []
    for code, values in (_MONTHLY | _QUARTERLY).items():
        metric = metrics[code]
        award = awards[metric.award_id]
        last_closed = containing(today, metric.cadence).start - timedelta(days=1)
        periods = periods_between(award.start_date, last_closed, metric.cadence)
        periods = periods[: len(periods) - _SILENT_PERIODS.get(code, 0)][-len(values) :]
        source = "vendor" if code in _QUARTERLY else "erp"
        for period, value in zip(periods, values[-len(periods) :], strict=True):  # type: ignore[index]
            items.append(
                BatchItem(
                    metric_id=metric.id, period=label(period, metric.cadence), value=Decimal(str(value)), source=source
                )
            )
    fiscal_start_month = get_settings().fiscal_year_start_month
    ingest(
        session, principal=SYSTEM, items=items, accept_valid=True, dry_run=False, fiscal_start_month=fiscal_start_month
    )
    session.commit()
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    drain(engine, fiscal_start_month=fiscal_start_month)
    return len(items)
