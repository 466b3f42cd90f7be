"""How the tracker's own codes map onto OCDS 1.1 codelists (pure)."""

from __future__ import annotations

from app.awards.models import AwardStatus
from app.procurements.models import ProcurementMethod, ProcurementStatus
from app.vendors.models import IdentifierScheme

OCDS_VERSION = "1.1"
# The Metrics extension (open-contracting-extensions/ocds_metrics_extension), declared in every package.
METRICS_EXTENSION_URL = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json"
)

# tenderStatus (closed codelist)
TENDER_STATUS: dict[ProcurementStatus, str] = {
    ProcurementStatus.planning: "planning",
    ProcurementStatus.open: "active",
    ProcurementStatus.evaluation: "active",
    ProcurementStatus.awarded: "complete",
    ProcurementStatus.cancelled: "cancelled",
}

# method (closed codelist), with the local name in procurementMethodDetails.
PROCUREMENT_METHOD: dict[ProcurementMethod, tuple[str, str]] = {
    ProcurementMethod.rfp: ("open", "Request for proposals (RFP)"),
    ProcurementMethod.ifb: ("open", "Invitation for bids (IFB)"),
    ProcurementMethod.grant_nofo: ("open", "Notice of funding opportunity (grant NOFO)"),
    ProcurementMethod.rfq: ("limited", "Request for quotations (RFQ) from suppliers chosen by the city"),
    ProcurementMethod.cooperative: ("limited", "Cooperative purchasing agreement"),
    ProcurementMethod.sole_source: ("direct", "Sole source"),
}

# awardStatus (closed): every published award was made; how the contract ended is in contracts[].status.
AWARD_STATUS: dict[AwardStatus, str] = {
    AwardStatus.active: "active",
    AwardStatus.completed: "active",
    AwardStatus.terminated: "active",
}

# contractStatus (closed): "terminated" covers both completion and early termination in OCDS 1.1.
CONTRACT_STATUS: dict[AwardStatus, str] = {
    AwardStatus.active: "active",
    AwardStatus.completed: "terminated",
    AwardStatus.terminated: "terminated",
}

# Organization identifier schemes: org-id.guide codes where one exists, the tracker's own name otherwise.
IDENTIFIER_SCHEME: dict[IdentifierScheme, str] = {
    IdentifierScheme.ein: "US-EIN",
    IdentifierScheme.uei: "UEI",
    IdentifierScheme.duns: "DUNS",
    IdentifierScheme.vat: "VAT",
    IdentifierScheme.other: "OTHER",
}

UNIT_SCHEME = "UNCEFACT"


def stage_tag(*, procurement_status: ProcurementStatus | None, has_contracts: bool, has_actuals: bool) -> str:
    """The releaseTag of a snapshot release: the furthest stage the contracting process has reached.

    The tracker records an award together with its contract, so a process with published awards is at the
    contract stage (implementation once results are reported); "award" never stands alone.
    """
    if has_actuals:
        return "implementation"
    if has_contracts:
        return "contract"
    if procurement_status == ProcurementStatus.planning:
        return "planning"
    if procurement_status == ProcurementStatus.cancelled:
        return "tenderCancellation"
    return "tender"
