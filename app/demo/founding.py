"""The demo city's founding act: the first four departments and their contracts, created first and always in this
order, so their ids never change (the README's walk-throughs and the tests address them by id: department 1 is
Transportation, user 3 is Casey, user 6 is Jordan, vendor 1 is Metro Paving, award 1 the pothole contract)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from app.auth.models import UserCreate
from app.auth.roles import Role
from app.awards.models import AwardCreate, AwardKind, AwardStatus
from app.awards.service import award_resource
from app.demo.seeding import DEMO_PASSWORD, Cast, add, add_person
from app.departments.models import DepartmentCreate
from app.departments.service import department_resource
from app.engine import Direction, ToleranceMode
from app.goals.models import GoalCreate
from app.goals.service import goal_resource
from app.metrics.models import IndicatorType, InterimTarget, MetricCreate
from app.metrics.service import metric_resource
from app.periods import Cadence
from app.priorities.models import PriorityCreate
from app.priorities.service import priority_resource
from app.procurements.models import ProcurementCreate, ProcurementMethod, ProcurementStatus
from app.procurements.service import procurement_resource
from app.vendors.models import VendorCreate
from app.vendors.service import vendor_resource

# Month-by-month stories, the latest value in the latest closed period: potholes drift off track, placements
# recover, the parks stay in range, and the housing grantee has stopped reporting.
MONTHLY_STORIES: dict[str, list[float]] = {
    "POT-48H": [74, 77, 79, 80, 78, 76, 75, 74, 73, 72, 71, 70, 70, 69, 68, 68],
    "INSPECT": [91, 93, 88, 90, 92, 95, 94, 89, 90, 91],
    "HOUSED": [9, 9, 10, 11, 10, 12, 11, 12, 13, 12],
}
QUARTERLY_STORIES: dict[str, list[float]] = {
    "PLACEMENTS": [65, 70, 72, 74, 90],
    "RETAIN-90": [56, 58, 60, 63, 65],
    "POT-REOPEN": [11, 10.5, 10, 9.8, 9.9],
    "RETURNS": [21, 20, 19],
}
SILENT_PERIODS = {"HOUSED": 2}  # the housing grantee has not reported its last two months


def _goal_with_metrics(session: Session, owner: dict[str, Any], goal: GoalCreate, metrics: list[MetricCreate]) -> None:
    record = add(session, goal_resource(), goal, **owner)
    for metric in metrics:
        add(
            session,
            metric_resource(),
            metric,
            goal_id=record.id,
            award_id=record.award_id,
            procurement_id=record.procurement_id,
        )


def found_city(session: Session, cast: Cast) -> None:
    """Departments 1-4, users 1-6, priorities 1-4, vendors 1-4, procurements 1-3, awards 1-4 and their metrics."""
    _departments_and_people(session, cast)
    procurements = _procurements(session, cast)
    _pothole_contract(session, cast, procurements["potholes"])
    _jobs_contract(session, cast)
    _rehousing_grant(session, cast, procurements["rehousing"])
    _parks_contract(session, cast)


def _departments_and_people(session: Session, cast: Cast) -> None:
    for code, name in [
        ("DOT", "Department of Transportation"),
        ("HSD", "Human Services Department"),
        ("OWD", "Office of Workforce Development"),
        ("PRK", "Parks and Recreation"),
    ]:
        cast.departments[code] = add(session, department_resource(), DepartmentCreate(name=name, code=code)).id
    dept = cast.departments
    for email, name, role, departments in [
        ("admin@demo.city", "Avery Admin", Role.admin, []),
        ("buyer@demo.city", "Blake Buyer", Role.procurement_officer, []),
        ("manager.dot@demo.city", "Casey Manager", Role.contract_manager, [dept["DOT"]]),
        ("manager.hsd@demo.city", "Dana Manager", Role.contract_manager, [dept["HSD"], dept["OWD"]]),
        ("viewer@demo.city", "Emery Viewer", Role.viewer, []),
    ]:
        add_person(
            session,
            cast,
            UserCreate(email=email, full_name=name, role=role, password=DEMO_PASSWORD, department_ids=departments),
        )
    for code, title, year in [
        ("vision-zero", "Vision Zero: zero traffic deaths by 2030", 2030),
        ("housing-first", "End chronic homelessness", 2030),
        ("good-jobs", "Good jobs for 10,000 residents by 2028", 2028),
        ("parks-10min", "A park within a 10-minute walk of every home", 2032),
    ]:
        cast.priorities[code] = add(
            session, priority_resource(), PriorityCreate(code=code, title=title, target_year=year)
        ).id
    for key, name, ein, contact, email in [
        ("paving", "Metro Paving Co.", "12-3456789", "Jordan Reyes", "jreyes@metropaving.example"),
        ("workforce", "Bright Path Workforce Partners", "23-4567890", "Sam Lee", "sam@brightpath.example"),
        ("housing", "Safe Haven Housing Alliance", "34-5678901", "Rita Okafor", "rita@safehaven.example"),
        ("grounds", "GreenScape Grounds LLC", "45-6789012", "Lee Park", "lee@greenscape.example"),
    ]:
        cast.vendors[key] = add(
            session,
            vendor_resource(),
            VendorCreate(
                legal_name=name,
                identifier=ein,
                contact_name=contact,
                contact_email=email,
                contact_phone="+1 (555) 010-0000",
            ),
        ).id
    # Metro Paving's operations lead: sees only Metro Paving's contracts, posts its readings, answers the city.
    add_person(
        session,
        cast,
        UserCreate(
            email="jordan@metropaving.example",
            full_name="Jordan Reyes",
            role=Role.vendor,
            password=DEMO_PASSWORD,
            vendor_id=cast.vendors["paving"],
        ),
    )


def _procurements(session: Session, cast: Cast) -> dict[str, Any]:
    dept = cast.departments
    potholes = add(
        session,
        procurement_resource(),
        ProcurementCreate(
            title="Citywide pothole repair services",
            department_id=dept["DOT"],
            method=ProcurementMethod.rfp,
            status=ProcurementStatus.awarded,
            estimated_value=Decimal("5000000.00"),
            release_date=date(2025, 2, 3),
            response_due_date=date(2025, 3, 14),
            expected_award_date=date(2025, 5, 30),
            external_id="RFP-25-017",
        ),
    )
    rehousing = add(
        session,
        procurement_resource(),
        ProcurementCreate(
            title="Rapid rehousing program 2025-2027",
            department_id=dept["HSD"],
            method=ProcurementMethod.grant_nofo,
            status=ProcurementStatus.awarded,
            estimated_value=Decimal("2400000.00"),
            release_date=date(2025, 1, 15),
            external_id="NOFO-25-004",
        ),
    )
    youth = add(
        session,
        procurement_resource(),
        ProcurementCreate(
            title="Youth summer employment program",
            department_id=dept["OWD"],
            method=ProcurementMethod.rfp,
            status=ProcurementStatus.evaluation,
            estimated_value=Decimal("1200000.00"),
            release_date=date(2026, 8, 1),
            response_due_date=date(2026, 9, 15),
            external_id="RFP-26-031",
        ),
    )
    _goal_with_metrics(
        session,
        {"procurement_id": youth.id},
        GoalCreate(title="Place young residents in paid summer jobs", priority_id=cast.priorities["good-jobs"]),
        [
            MetricCreate(
                code="YOUTH-PLACED",
                name="Young residents placed in summer jobs",
                unit="people",
                direction=Direction.increase,
                baseline_value=Decimal(0),
                baseline_date=date(2027, 6, 1),
                target_value=Decimal(500),
                target_date=date(2027, 8, 31),
                cadence=Cadence.monthly,
                data_source="Vendor placement roster",
            )
        ],
    )
    return {"potholes": potholes, "rehousing": rehousing}


def _pothole_contract(session: Session, cast: Cast, procurement: Any) -> None:
    contract = add(
        session,
        award_resource(AwardKind.contract),
        AwardCreate(
            number="C-2025-0142",
            title="Pothole repair services",
            vendor_id=cast.vendors["paving"],
            department_id=cast.departments["DOT"],
            procurement_id=procurement.id,
            value=Decimal("4800000.00"),
            start_date=date(2025, 7, 1),
            end_date=date(2027, 6, 30),
            status=AwardStatus.active,
            contract_manager_id=cast.user_id("manager.dot@demo.city"),
            external_id="PO-4500012345",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": contract.id},
        GoalCreate(title="Repair reported potholes within 48 hours", priority_id=cast.priorities["vision-zero"]),
        [
            MetricCreate(
                code="POT-48H",
                name="Potholes repaired within 48 hours of report",
                unit="percent",
                unit_code="P1",
                direction=Direction.increase,
                baseline_value=Decimal(72),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(90),
                target_date=date(2027, 6, 30),
                cadence=Cadence.monthly,
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                at_risk_tolerance=Decimal(5),
                off_track_tolerance=Decimal(10),
                data_source="311 work-order system",
                indicator_type=IndicatorType.leading,
            ),
            MetricCreate(
                code="POT-REOPEN",
                name="Repairs reopened within 90 days",
                unit="percent",
                unit_code="P1",
                direction=Direction.decrease,
                baseline_value=Decimal(12),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(5),
                target_date=date(2027, 6, 30),
                cadence=Cadence.quarterly,
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                data_source="311 work-order system",
            ),
        ],
    )


def _jobs_contract(session: Session, cast: Cast) -> None:
    contract = add(
        session,
        award_resource(AwardKind.contract),
        AwardCreate(
            number="C-2025-0177",
            title="Adult job placement services",
            vendor_id=cast.vendors["workforce"],
            department_id=cast.departments["OWD"],
            value=Decimal("1850000.00"),
            start_date=date(2025, 7, 1),
            end_date=date(2027, 6, 30),
            status=AwardStatus.active,
            contract_manager_id=cast.user_id("manager.hsd@demo.city"),
            external_id="PO-4500012399",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": contract.id},
        GoalCreate(title="Place job seekers in good jobs that last", priority_id=cast.priorities["good-jobs"]),
        [
            MetricCreate(
                code="PLACEMENTS",
                name="Job placements per quarter",
                unit="placements",
                direction=Direction.increase,
                baseline_value=Decimal(60),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(120),
                target_date=date(2027, 6, 30),
                cadence=Cadence.quarterly,
                interim_targets=[
                    InterimTarget(period="FY2026-Q1", value=Decimal(70)),
                    InterimTarget(period="FY2026-Q2", value=Decimal(80)),
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
                direction=Direction.increase,
                baseline_value=Decimal(55),
                baseline_date=date(2025, 7, 1),
                target_value=Decimal(75),
                target_date=date(2027, 6, 30),
                cadence=Cadence.quarterly,
                valid_min=Decimal(0),
                valid_max=Decimal(100),
            ),
        ],
    )


def _rehousing_grant(session: Session, cast: Cast, procurement: Any) -> None:
    grant = add(
        session,
        award_resource(AwardKind.grant),
        AwardCreate(
            number="G-2025-0031",
            title="Rapid rehousing for families",
            vendor_id=cast.vendors["housing"],
            department_id=cast.departments["HSD"],
            procurement_id=procurement.id,
            value=Decimal("2250000.00"),
            start_date=date(2025, 9, 1),
            end_date=date(2027, 8, 31),
            status=AwardStatus.active,
            contract_manager_id=cast.user_id("manager.hsd@demo.city"),
            external_id="GR-2025-031",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": grant.id},
        GoalCreate(
            title="Move families from shelter into stable housing", priority_id=cast.priorities["housing-first"]
        ),
        [
            MetricCreate(
                code="HOUSED",
                name="Households moved into permanent housing",
                unit="households",
                direction=Direction.increase,
                baseline_value=Decimal(8),
                baseline_date=date(2025, 9, 1),
                target_value=Decimal(20),
                target_date=date(2027, 8, 31),
                cadence=Cadence.monthly,
                valid_min=Decimal(0),
            ),
            MetricCreate(
                code="RETURNS",
                name="Returns to homelessness within 12 months",
                unit="percent",
                unit_code="P1",
                direction=Direction.decrease,
                baseline_value=Decimal(22),
                baseline_date=date(2025, 9, 1),
                target_value=Decimal(12),
                target_date=date(2027, 8, 31),
                cadence=Cadence.quarterly,
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                is_public=False,
            ),
        ],
    )


def _parks_contract(session: Session, cast: Cast) -> None:
    contract = add(
        session,
        award_resource(AwardKind.contract),
        AwardCreate(
            number="C-2026-0203",
            title="Neighbourhood park grounds maintenance",
            vendor_id=cast.vendors["grounds"],
            department_id=cast.departments["PRK"],
            value=Decimal("960000.00"),
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            status=AwardStatus.active,
            external_id="PO-4500013001",
        ),
    )
    _goal_with_metrics(
        session,
        {"award_id": contract.id},
        GoalCreate(title="Keep parks clean, safe and usable", priority_id=cast.priorities["parks-10min"]),
        [
            MetricCreate(
                code="INSPECT",
                name="Park inspection score",
                unit="points",
                direction=Direction.maintain_range,
                range_min=Decimal(85),
                range_max=Decimal(100),
                cadence=Cadence.monthly,
                valid_min=Decimal(0),
                valid_max=Decimal(100),
                tolerance_mode=ToleranceMode.absolute,
                at_risk_tolerance=Decimal(3),
                off_track_tolerance=Decimal(8),
                data_source="Parks inspection app",
            )
        ],
    )
