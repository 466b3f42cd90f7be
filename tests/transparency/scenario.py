"""A city that has been reporting for a while, with everything that must NOT be published mixed in.

Shared by the transparency and OCDS tests: what residents and open-contracting publishers may see is built
from the same data, so both are tested against the same traps.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.readings.helpers import post_reading
from tests.support import Actor, City, contract_payload, created, metric_payload

API = "/api/v1"

VENDOR_EMAIL = "ops@paving.example"  # set on the paving vendor by the `city` fixture
VENDOR_PHONE = "+1 555 0100 7788"
VENDOR_CONTACT = "Dana Whitfield"
READING_NOTE = "Internal: crew 4 figures still disputed by the vendor"
# The pothole metric's monthly readings (its target: 72 % in July 2025 rising to 90 % by June 2027).
POTHOLE_READINGS = {"2025-07": "74", "2025-08": "77", "2025-09": "79.5"}


@dataclass(frozen=True)
class Published:
    """What was added on top of the `city` fixture (ids)."""

    range_metric: int
    quarterly_metric: int
    private_metric: int
    private_goal: int
    private_goal_metric: int
    private_priority: int
    draft_contract: int
    draft_metric: int
    terminated_contract: int
    planning_procurement: int
    planning_metric: int
    reading_ids: dict[str, int]


def build(admin: Actor, city: City) -> Published:
    admin.update(
        f"{API}/vendors/{city.paving_vendor}",
        {"contact_name": VENDOR_CONTACT, "contact_phone": VENDOR_PHONE, "address": "1 Asphalt Way"},
    )
    range_metric = created(
        admin.post(
            f"{API}/goals/{city.pothole_goal}/metrics",
            json=metric_payload(
                code="CREW-RESPONSE",
                name="Average crew response time",
                unit="hours",
                unit_code="HUR",
                direction="maintain_range",
                range_min="4",
                range_max="24",
                target_value=None,
                target_date=None,
                baseline_value=None,
                baseline_date=None,
                valid_max=None,
            ),
        )
    )
    quarterly_metric = created(
        admin.post(
            f"{API}/goals/{city.rehousing_goal}/metrics",
            json=metric_payload(
                code="HOUSED-90D",
                name="Families still housed after 90 days",
                unit="percent",
                cadence="quarterly",
                baseline_value="60",
                baseline_date="2025-09-01",
                target_value="85",
                target_date="2027-08-31",
                interim_targets=[{"period": "FY2026-Q4", "value": "70"}],
            ),
        )
    )
    private_metric = created(
        admin.post(
            f"{API}/goals/{city.pothole_goal}/metrics",
            json=metric_payload(
                code="POT-COST", name="Cost per repair (internal)", unit="USD", is_public=False, valid_max=None
            ),
        )
    )
    private_goal = created(
        admin.post(
            f"{API}/contracts/{city.pothole_contract}/goals",
            json={"title": "Internal: crew productivity", "is_public": False},
        )
    )
    private_goal_metric = created(
        admin.post(f"{API}/goals/{private_goal}/metrics", json=metric_payload(code="CREW-PROD", name="Crew output"))
    )
    private_priority = created(
        admin.post(
            f"{API}/priorities",
            json={"code": "budget-cuts", "title": "Unannounced budget review", "is_public": False},
        )
    )
    draft_contract = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2026-0200",
                title="Night-time pothole patrol (draft)",
                external_id="PO-4500020000",
                status="draft",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
                procurement_id=city.pothole_rfp,
            ),
        )
    )
    draft_goal = created(
        admin.post(
            f"{API}/contracts/{draft_contract}/goals",
            json={"title": "Patrol every arterial weekly", "priority_id": city.vision_zero},
        )
    )
    draft_metric = created(admin.post(f"{API}/goals/{draft_goal}/metrics", json=metric_payload(code="PATROL")))
    terminated_contract = created(
        admin.post(
            f"{API}/contracts",
            json=contract_payload(
                number="C-2024-0007",
                title="Crack sealing (ended early)",
                external_id="PO-4500007777",
                status="terminated",
                start_date="2024-01-01",
                end_date="2025-12-31",
                vendor_id=city.paving_vendor,
                department_id=city.transportation,
            ),
        )
    )
    planning_procurement = created(
        admin.post(
            f"{API}/procurements",
            json={
                "title": "Bridge inspection services",
                "department_id": city.transportation,
                "method": "rfq",
                "status": "planning",
                "estimated_value": "250000.50",
            },
        )
    )
    planning_goal = created(
        admin.post(f"{API}/procurements/{planning_procurement}/goals", json={"title": "Inspect every bridge yearly"})
    )
    planning_metric = created(
        admin.post(
            f"{API}/goals/{planning_goal}/metrics",
            json=metric_payload(code="BRIDGES", name="Bridges inspected", unit="bridges", unit_code=None),
        )
    )
    reading_ids: dict[str, int] = {}
    for period, value in POTHOLE_READINGS.items():
        note = READING_NOTE if period == "2025-08" else None
        response = post_reading(admin, city.pothole_metric, period=period, value=value, note=note)
        reading_ids[period] = created(response)
    created(post_reading(admin, range_metric, period="2025-09", value="30"))
    created(post_reading(admin, private_metric, period="2025-09", value="412.75"))
    return Published(
        range_metric=range_metric,
        quarterly_metric=quarterly_metric,
        private_metric=private_metric,
        private_goal=private_goal,
        private_goal_metric=private_goal_metric,
        private_priority=private_priority,
        draft_contract=draft_contract,
        draft_metric=draft_metric,
        terminated_contract=terminated_contract,
        planning_procurement=planning_procurement,
        planning_metric=planning_metric,
        reading_ids=reading_ids,
    )


def correct_reading(admin: Actor, metric_id: int, period: str, value: str) -> None:
    response = post_reading(admin, metric_id, period=period, value=value)
    assert response.status_code == 200 and response.json()["outcome"] == "corrected", response.text
