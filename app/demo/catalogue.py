"""The demo city's programmes as data: each contract or grant with its term, goals and key metrics.

Stories marked here are the ones the city talks about (the activity in `activity.py` builds on some of them);
a metric without a story gets one drawn by the seed. Terms count months back from the current month, so the
oldest programmes carry three years and more of history whatever the date.
"""

from __future__ import annotations

from decimal import Decimal

from app.awards.models import AwardKind, AwardStatus
from app.demo.specs import AwardSpec, GoalSpec, ProcurementSpec, Reporter, Story, bands, measure, percent, within
from app.periods import Cadence
from app.procurements.models import ProcurementMethod

CONTRACT, GRANT = AwardKind.contract, AwardKind.grant
WEEKLY, QUARTERLY, ANNUAL = Cadence.weekly, Cadence.quarterly, Cadence.annual
VENDOR, MANAGER = Reporter.vendor, Reporter.manager
RFP, IFB, RFQ = ProcurementMethod.rfp, ProcurementMethod.ifb, ProcurementMethod.rfq
SOLE_SOURCE, NOFO = ProcurementMethod.sole_source, ProcurementMethod.grant_nofo

DREW, MORGAN, RILEY = "manager.streets@demo.city", "manager.utilities@demo.city", "manager.safety@demo.city"
QUINN, SKYLER, DANA = "manager.health@demo.city", "manager.civic@demo.city", "manager.hsd@demo.city"


def _money(amount: int) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


# The programmes read as a table: one contract or grant, its goals, one metric per line (or two).
# fmt: off
STREETS = [
    AwardSpec(
        1101, CONTRACT, "Traffic signal maintenance and retiming", "DOT", "signals", _money(3_200_000), began=38,
        months=60, manager=DREW, procurement=ProcurementSpec("Traffic signal maintenance services", RFP),
        goals=(
            GoalSpec("Keep signals working and intersections safe", "vision-zero", (
                measure("SIG-CRASHES", "Crashes at retimed intersections", "crashes", 60, 40, cadence=QUARTERLY,
                        source="Police crash reports"),
                percent("SIG-4H", "Signal outages repaired within 4 hours", 82, 95, story=Story.noisy,
                        source="Traffic management center", leading=True),
                measure("SIG-RETIME", "Intersections retimed per quarter", "intersections", 10, 25, cadence=QUARTERLY,
                        interim=True),
                percent("SIG-LPI", "Signalized intersections with a leading pedestrian interval", 20, 60,
                        cadence=ANNUAL, absolute=True, bands=bands(3, 8)),
                percent("SIG-ONLINE", "Signal controllers online", 97, 99.5, cadence=WEEKLY, decimals=2, absolute=True,
                        bands=bands(0.5, 1.5), story=Story.steady),
            )),
        ),
    ),
    AwardSpec(
        1102, CONTRACT, "Mechanical street sweeping", "DOT", "sweep", _money(2_100_000), began=26, months=36,
        manager=DREW, procurement=ProcurementSpec("Street sweeping services", IFB),
        goals=(
            GoalSpec("Clean curbs on every route", "clean-city", (
                percent("SWEEP-PARKING", "Blocks cleared of parked cars before sweeping", 70, 85),
                percent("SWEEP-ROUTES", "Scheduled sweeping routes completed", 88, 97, cadence=WEEKLY,
                        story=Story.seasonal, worst_month=1, reporter=VENDOR),
                measure("SWEEP-311", "Street cleaning complaints to 311", "complaints", 140, 80,
                        story=Story.recovering, source="311 work-order system"),
                measure("SWEEP-MILES", "Curb miles swept", "curb miles", 2800, 3200, reporter=VENDOR),
            )),
        ),
    ),
    AwardSpec(
        1103, CONTRACT, "Sidewalk repair and ADA curb ramps", "DOT", "concrete", _money(5_500_000), began=14, months=36,
        manager=DREW, procurement=ProcurementSpec("Sidewalk and curb ramp construction", IFB),
        goals=(
            GoalSpec("Accessible sidewalks on every block", "vision-zero", (
                measure("RAMPS", "ADA curb ramps built per quarter", "ramps", 40, 120, cadence=QUARTERLY, interim=True,
                        story=Story.slipping, reporter=VENDOR),
                measure("SIDEWALK-DAYS", "Days to make a reported sidewalk hazard safe", "days", 45, 20,
                        source="311 work-order system"),
                measure("SIDEWALK-SQFT", "Square feet of sidewalk replaced", "square feet", 30000, 45000,
                        reporter=VENDOR),
            )),
            GoalSpec("Fewer injury claims from broken sidewalks", "vision-zero", (
                measure("TRIP-CLAIMS", "Trip-and-fall claims filed", "claims", 30, 15, cadence=QUARTERLY, public=False,
                        source="Risk management claims system"),
            ), public=False),
        ),
    ),
    AwardSpec(
        1104, CONTRACT, "Protected bike lane installation", "DOT", "concrete", _money(2_750_000), began=-2, months=24,
        status=AwardStatus.draft, manager=DREW, procurement=ProcurementSpec("Protected bike lanes, phase 1", RFP),
        goals=(
            GoalSpec("Safe bike routes connecting neighbourhoods", "vision-zero", (
                percent("BIKE-SEPARATED", "New lane miles with concrete separation", 50, 90, cadence=QUARTERLY),
                measure("BIKE-MILES", "Protected bike lane miles installed per quarter", "miles", 0.5, 3,
                        cadence=QUARTERLY, decimals=1),
                measure("BIKE-TRIPS", "Weekday bike trips on the new corridors", "trips", 800, 2400),
            )),
        ),
    ),
    AwardSpec(
        1105, CONTRACT, "Street light LED conversion and repair", "DOT", "lighting", _money(4_100_000), began=40,
        months=36, status=AwardStatus.completed, manager=DREW,
        procurement=ProcurementSpec("Street light LED conversion", RFP),
        goals=(
            GoalSpec("Bright, efficient street lights", "climate-ready", (
                measure("DARK-STREETS", "Dark-street complaints to 311", "complaints", 220, 120),
                measure("LED-FIXTURES", "Fixtures converted to LED per quarter", "fixtures", 900, 1500,
                        cadence=QUARTERLY, story=Story.steady),
                percent("LIGHT-72H", "Street light outages repaired within 72 hours", 70, 92, story=Story.recovering),
                percent("LIGHT-ENERGY", "Street lighting energy saved", 5, 45, cadence=ANNUAL, absolute=True,
                        bands=bands(3, 8)),
            )),
        ),
    ),
]

SANITATION_AND_WATER = [
    AwardSpec(
        1201, CONTRACT, "Residential refuse and recycling collection", "SAN", "refuse", _money(18_500_000), began=40,
        months=60, manager=MORGAN, procurement=ProcurementSpec("Residential collection services", RFP),
        goals=(
            GoalSpec("Collect every cart, every week", "clean-city", (
                measure("MISSED-PICKUPS", "Missed collections per 10,000 households", "per 10,000 households", 12, 5,
                        cadence=WEEKLY, decimals=1, story=Story.slipping, reporter=VENDOR),
                percent("ROUTES-BY-5", "Collection routes finished by 5 pm", 85, 95, story=Story.dip, reporter=VENDOR),
                measure("CART-REPAIRS", "Days to replace a broken cart", "days", 10, 5, decimals=1),
            )),
            GoalSpec("Keep recyclables out of the landfill", "climate-ready", (
                percent("CONTAMINATION", "Recycling contamination rate", 22, 12, story=Story.recovering),
                percent("DIVERSION", "Residential waste diverted from landfill", 28, 40, cadence=QUARTERLY,
                        interim=True, story=Story.steady),
            )),
        ),
    ),
    AwardSpec(
        1202, CONTRACT, "Curbside organics composting", "SAN", "compost", _money(1_400_000), began=20, months=36,
        manager=MORGAN,
        goals=(
            GoalSpec("Turn food scraps into compost", "climate-ready", (
                measure("COMPOST-RETURNED", "Compost returned to community gardens", "cubic yards", 200, 400,
                        cadence=QUARTERLY),
                measure("ORGANICS-TONS", "Food scraps and yard waste composted", "tons", 250, 600,
                        story=Story.seasonal, worst_month=1, reporter=VENDOR),
                measure("ORGANICS-HOMES", "Households enrolled in curbside organics", "households", 8000, 30000,
                        cadence=QUARTERLY, interim=True),
                within("COMPOST-QUALITY", "Finished compost quality score", "points", 80, 100,
                       valid=(Decimal(0), Decimal(100)), bands=bands(2, 6), story=Story.steady),
            )),
        ),
    ),
    AwardSpec(
        1203, CONTRACT, "Illegal dumping cleanup", "SAN", "sweep", _money(650_000), began=30, months=36, manager=MORGAN,
        goals=(
            GoalSpec("Clear illegal dumping fast", "clean-city", (
                measure("DUMP-REPORTS", "Illegal dumping reports", "reports", 450, 300, source="311 work-order system"),
                percent("DUMP-5D", "Illegal dumping cleared within 5 business days", 70, 90, story=Story.stale,
                        reporter=VENDOR),
                measure("DUMP-HOTSPOTS", "Repeat dumping hot spots", "sites", 60, 30, cadence=QUARTERLY),
            )),
        ),
    ),
    AwardSpec(
        1301, CONTRACT, "Smart water meter replacement", "WTR", "meters", _money(12_000_000), began=34, months=48,
        manager=MORGAN, procurement=ProcurementSpec("Advanced metering infrastructure", RFP),
        goals=(
            GoalSpec("Accurate bills from smart meters", "clean-city", (
                measure("METERS-INSTALLED", "Smart meters installed per month", "meters", 1500, 2500,
                        story=Story.slipping, reporter=VENDOR, leading=True),
                percent("ESTIMATED-BILLS", "Bills based on estimated reads", 18, 3, story=Story.recovering,
                        source="Customer billing system"),
                percent("DAILY-READS", "Smart meters sending daily reads", 92, 99, cadence=WEEKLY, story=Story.steady,
                        reporter=VENDOR),
                measure("METER-COMPLAINTS", "Billing complaints after a meter change", "complaints", 90, 40),
            )),
            GoalSpec("Protect revenue from meter failures", "well-run", (
                percent("NONREVENUE", "Non-revenue water", 24, 15, cadence=QUARTERLY, story=Story.noisy, public=False),
            ), public=False),
        ),
    ),
    AwardSpec(
        1302, CONTRACT, "Water main replacement program", "WTR", "pipes", _money(28_000_000), began=38, months=60,
        manager=MORGAN, procurement=ProcurementSpec("Water main replacement, 2023-2028", IFB),
        goals=(
            GoalSpec("Fewer main breaks, safer water", "clean-city", (
                measure("HYDRANTS-FIXED", "Days to fix a broken hydrant", "days", 14, 5, story=Story.dip),
                measure("MAIN-MILES", "Miles of water main replaced per quarter", "miles", 3, 6, cadence=QUARTERLY,
                        decimals=1, interim=True, story=Story.recovering, reporter=VENDOR),
                measure("MAIN-BREAKS", "Water main breaks", "breaks", 40, 25, story=Story.seasonal, worst_month=1,
                        source="Water operations work orders"),
                measure("OUTAGE-HOURS", "Average customer outage per repair", "hours", 9, 6, decimals=1),
                percent("RESTORED-SAME-DAY", "Streets restored the same day as the repair", 60, 85, reporter=VENDOR),
            )),
        ),
    ),
    AwardSpec(
        1303, CONTRACT, "Drinking water laboratory testing", "WTR", "lab", _money(900_000), began=28, months=36,
        manager=MORGAN, procurement=ProcurementSpec("Drinking water laboratory services", RFQ),
        goals=(
            GoalSpec("Safe drinking water at every tap", "healthy-residents", (
                measure("LAB-DAYS", "Days from sample to result", "days", 5, 3, decimals=1, story=Story.steady),
                within("CHLORINE", "Chlorine residual at sampling sites", "mg/L", 0.5, 2, cadence=WEEKLY, decimals=2,
                       bands=bands(0.05, 0.2), story=Story.steady),
                percent("LEAD-OK", "Lead samples below the action level", 97, 99.5, cadence=QUARTERLY,
                        bands=bands(1, 3), story=Story.noisy),
                measure("SAMPLES", "Compliance samples collected", "samples", 240, 240),
            )),
        ),
    ),
    AwardSpec(
        1304, GRANT, "Lead service line replacement assistance", "WTR", "leadfree", _money(3_000_000), began=12,
        months=36, manager=MORGAN, procurement=ProcurementSpec("Lead-free homes assistance", NOFO),
        goals=(
            GoalSpec("Remove every lead service line", "healthy-residents", (
                percent("LEAD-SCHOOLS", "Schools and day cares tested for lead", 40, 100, cadence=QUARTERLY),
                measure("LSL-REPLACED", "Lead service lines replaced per quarter", "service lines", 150, 400,
                        cadence=QUARTERLY, interim=True, story=Story.steady),
                percent("LSL-INVENTORY", "Service lines with a known material", 60, 95, story=Story.recovering),
                measure("LSL-FILTERS", "Households given filters while they wait", "households", 500, 500,
                        story=Story.never, reporter=VENDOR),
            )),
        ),
    ),
]

CLIMATE = [
    AwardSpec(
        1401, CONTRACT, "Municipal building energy retrofits", "ENV", "retrofit", _money(6_800_000), began=24,
        months=48, manager=MORGAN, procurement=ProcurementSpec("Energy performance contracting", RFP),
        goals=(
            GoalSpec("Cut energy use in city buildings", "climate-ready", (
                percent("ENERGY-CUT", "Energy use cut in retrofitted buildings", 2, 30, cadence=QUARTERLY,
                        absolute=True, bands=bands(2, 5), interim=True),
                measure("BUILDINGS-DONE", "Buildings retrofitted per year", "buildings", 4, 12, cadence=ANNUAL),
                measure("SOLAR-KW", "Rooftop solar installed per quarter", "kW", 50, 250, cadence=QUARTERLY,
                        reporter=VENDOR),
                measure("RETROFIT-DOWNTIME", "Hours of building closure per retrofit", "hours", 16, 8),
            )),
        ),
    ),
    AwardSpec(
        1402, CONTRACT, "Urban tree planting and care", "ENV", "trees", _money(2_400_000), began=36, months=48,
        manager=MORGAN,
        goals=(
            GoalSpec("A greener, cooler city", "climate-ready", (
                percent("TREES-WATERED", "Young trees watered on schedule", 80, 95, cadence=WEEKLY,
                        story=Story.seasonal, worst_month=8, reporter=VENDOR),
                measure("TREES-PLANTED", "Street trees planted per quarter", "trees", 400, 700, cadence=QUARTERLY,
                        story=Story.seasonal, worst_month=7, reporter=VENDOR),
                percent("TREE-SURVIVAL", "New trees surviving their second summer", 80, 90, cadence=ANNUAL),
                measure("TREE-HAZARD", "Days to address a hazardous tree report", "days", 20, 7, story=Story.noisy),
                percent("CANOPY", "Tree canopy cover", 24, 27, cadence=ANNUAL, absolute=True, bands=bands(0.5, 1.5)),
            )),
        ),
    ),
    AwardSpec(
        1403, GRANT, "Neighbourhood air quality sensors", "ENV", "airnet", _money(350_000), began=18, months=36,
        manager=MORGAN,
        goals=(
            GoalSpec("Clean air residents can see", "healthy-residents", (
                measure("AQ-WORKSHOPS", "Community air-quality workshops", "workshops", 2, 6, cadence=QUARTERLY,
                        absolute=True, bands=bands(1, 2)),
                percent("AQ-ONLINE", "Air sensors reporting", 85, 95, cadence=WEEKLY, reporter=VENDOR),
                measure("AQ-SIGNUPS", "Residents signed up for air alerts", "residents", 2000, 10000,
                        cadence=QUARTERLY, interim=True),
                within("PM25", "Median PM2.5 at monitored sites", "µg/m³", 0, 12, decimals=1, bands=bands(1, 3),
                       story=Story.seasonal, worst_month=1, breach_high=True),
            )),
        ),
    ),
]

SAFETY = [
    AwardSpec(
        1501, CONTRACT, "Fire apparatus fleet maintenance", "FIR", "fleet", _money(4_200_000), began=32, months=48,
        manager=RILEY, procurement=ProcurementSpec("Fire apparatus maintenance services", RFP),
        goals=(
            GoalSpec("Every engine ready to roll", "fast-response", (
                percent("PARTS-IN-STOCK", "Critical repair parts in stock", 85, 97),
                percent("FLEET-READY", "Front-line apparatus in service", 88, 95, cadence=WEEKLY, story=Story.steady),
                percent("PM-ONTIME", "Preventive maintenance done on schedule", 75, 95, story=Story.recovering),
                measure("REPAIR-DAYS", "Average days out of service per repair", "days", 6, 3, decimals=1,
                        story=Story.slipping, reporter=MANAGER),
            )),
        ),
    ),
    AwardSpec(
        1502, CONTRACT, "Ambulance billing and collections", "FIR", "ambulance", _money(1_800_000), began=38, months=36,
        status=AwardStatus.completed, manager=RILEY, procurement=ProcurementSpec("EMS billing services", RFP),
        goals=(
            GoalSpec("Recover the cost of ambulance care fairly", "well-run", (
                measure("BILLING-COMPLAINTS", "Billing complaints from patients", "complaints", 40, 15,
                        cadence=QUARTERLY),
                percent("CLAIMS-30D", "Claims submitted within 30 days of transport", 80, 95),
                percent("NET-COLLECTION", "Net collection rate", 55, 65, cadence=QUARTERLY),
                percent("DENIALS", "Claims denied", 12, 6, story=Story.recovering),
            )),
        ),
    ),
    AwardSpec(
        1503, GRANT, "Smoke alarms and hands-only CPR", "FIR", "firesafe", _money(280_000), began=16, months=24,
        manager=RILEY,
        goals=(
            GoalSpec("Safer homes, more lives saved", "fast-response", (
                measure("SAFETY-VISITS", "Home fire-safety visits", "visits", 100, 220),
                measure("ALARMS", "Smoke alarms installed in homes", "alarms", 150, 300, reporter=VENDOR),
                measure("CPR-TRAINED", "Residents trained in hands-only CPR", "residents", 200, 500, cadence=QUARTERLY,
                        story=Story.never, reporter=VENDOR),
            )),
        ),
    ),
    AwardSpec(
        1601, CONTRACT, "311 contact center overflow services", "OEC", "contact", _money(2_900_000), began=22,
        months=36, manager=RILEY, procurement=ProcurementSpec("311 overflow contact center", RFP),
        goals=(
            GoalSpec("Answer residents quickly and solve it the first time", "well-run", (
                percent("ANSWER-60", "311 calls answered within 60 seconds", 70, 85, story=Story.dip),
                percent("ABANDONED", "311 calls abandoned before an answer", 12, 5, story=Story.turnaround),
                percent("FIRST-CONTACT", "Requests resolved on first contact", 60, 75, cadence=QUARTERLY, interim=True),
                within("CALLER-RATING", "Caller satisfaction rating", "points (1-5)", 4, 5, decimals=2,
                       valid=(Decimal(1), Decimal(5)), bands=bands(0.1, 0.3), story=Story.steady),
            )),
        ),
    ),
    AwardSpec(
        1602, CONTRACT, "911 dispatch system support", "OEC", "dispatch", _money(3_600_000), began=38, months=60,
        manager=RILEY, procurement=ProcurementSpec("Computer-aided dispatch support", SOLE_SOURCE),
        goals=(
            GoalSpec("Dispatch help without delay", "fast-response", (
                percent("CALLS-10S", "911 calls answered within 10 seconds", 88, 95, story=Story.noisy),
                percent("CAD-UPTIME", "Dispatch system availability", 99.5, 99.95, decimals=2, absolute=True,
                        bands=bands(0.05, 0.2), story=Story.steady),
                measure("CAD-P1-HOURS", "Hours to fix a priority-1 system fault", "hours", 8, 4, decimals=1),
                measure("DISPATCH-SECONDS", "Call-to-dispatch time for priority-1 calls (90th percentile)", "seconds",
                        75, 60, story=Story.seasonal, worst_month=7, source="CAD reporting database"),
            )),
        ),
    ),
]

HEALTH_AND_HOUSING = [
    AwardSpec(
        1701, GRANT, "Community health worker program", "PHD", "clinic", _money(1_600_000), began=30, months=36,
        manager=QUINN, procurement=ProcurementSpec("Community health workers", NOFO),
        goals=(
            GoalSpec("Connect residents to care", "healthy-residents", (
                measure("CHW-VISITS", "Home visits completed", "visits", 300, 600, story=Story.turnaround,
                        reporter=VENDOR),
                measure("CHW-CLIENTS", "Residents enrolled with a community health worker", "residents", 300, 900,
                        cadence=QUARTERLY, interim=True, story=Story.steady, reporter=VENDOR),
                percent("CHW-DOCTOR", "Enrollees connected to a primary care provider", 40, 70, cadence=QUARTERLY,
                        reporter=VENDOR),
            )),
            GoalSpec("Fewer avoidable emergency visits", "healthy-residents", (
                percent("CHW-ER", "Enrollees with an avoidable emergency room visit", 30, 18, cadence=QUARTERLY,
                        public=False, reporter=VENDOR),
            ), public=False),
        ),
    ),
    AwardSpec(
        1702, GRANT, "Harm reduction and overdose prevention", "PHD", "harm", _money(2_200_000), began=26, months=36,
        manager=QUINN,
        goals=(
            GoalSpec("Prevent overdose deaths", "healthy-residents", (
                measure("NALOXONE", "Naloxone kits distributed", "kits", 1200, 2500, story=Story.steady),
                measure("OUTREACH", "Street outreach contacts", "contacts", 900, 1500),
                percent("TREATMENT-7D", "Clients linked to treatment within 7 days", 25, 45, story=Story.noisy),
                percent("SYRINGES-BACK", "Syringes returned", 70, 85, cadence=QUARTERLY, public=False),
            )),
        ),
    ),
    AwardSpec(
        1703, CONTRACT, "Restaurant inspection services", "PHD", "foodsafety", _money(750_000), began=40, months=36,
        status=AwardStatus.completed, manager=QUINN, procurement=ProcurementSpec("Food safety inspections", RFQ),
        goals=(
            GoalSpec("Safe food in every restaurant", "healthy-residents", (
                measure("COMPLAINT-DAYS", "Days to investigate a food complaint", "days", 10, 4, decimals=1),
                percent("INSPECTED-ON-TIME", "Restaurants inspected on schedule", 80, 98),
                percent("CRITICAL-REPEAT", "Critical violations found again at follow-up", 15, 8, story=Story.noisy),
            )),
        ),
    ),
    AwardSpec(
        1704, GRANT, "Healthy corner stores", "PHD", "freshfood", _money(420_000), began=10, months=24, manager=QUINN,
        goals=(
            GoalSpec("Fresh food within reach", "healthy-residents", (
                measure("STORES", "Corner stores stocking fresh produce", "stores", 10, 40, cadence=QUARTERLY),
                measure("PRODUCE-SALES", "Fresh produce sales at enrolled stores", "USD", 20000, 60000,
                        reporter=VENDOR),
                percent("EASIER-TO-FIND", "Shoppers who say fresh food is easier to find", 30, 60, cadence=ANNUAL,
                        story=Story.never),
            )),
        ),
    ),
    AwardSpec(
        1801, CONTRACT, "Riverside Commons affordable housing", "HCD", "builder", _money(24_000_000), began=30,
        months=48, manager=QUINN, procurement=ProcurementSpec("Riverside Commons development partner", RFP),
        goals=(
            GoalSpec("Build homes people can afford", "housing-first", (
                measure("SITE-INCIDENTS", "Recordable site injuries per 100 workers", "injuries", 3, 1.5,
                        cadence=QUARTERLY, decimals=1, public=False),
                measure("UNITS-DONE", "Affordable units completed per quarter", "units", 20, 60, cadence=QUARTERLY,
                        interim=True, story=Story.recovering),
                percent("LOCAL-HIRE", "Construction hours worked by local residents", 20, 35),
                percent("MWBE", "Contract dollars paid to minority- and women-owned firms", 18, 30, cadence=QUARTERLY),
            )),
        ),
    ),
    AwardSpec(
        1802, GRANT, "Home repair for older homeowners", "HCD", "repairs", _money(1_250_000), began=20, months=36,
        manager=QUINN,
        goals=(
            GoalSpec("Older residents stay safely in their homes", "housing-first", (
                percent("REPAIR-INSPECTIONS", "Finished repairs passing inspection", 88, 97),
                measure("HOMES-REPAIRED", "Homes repaired", "homes", 25, 45),
                measure("REPAIR-WAIT", "Days on the waiting list", "days", 120, 60, story=Story.slipping,
                        reporter=MANAGER),
                percent("REPAIR-SATISFIED", "Homeowners satisfied with the repair", 85, 95, cadence=QUARTERLY),
            )),
        ),
    ),
    AwardSpec(
        1803, GRANT, "Eviction prevention legal aid", "HCD", "tenants", _money(1_900_000), began=36, months=48,
        manager=QUINN,
        goals=(
            GoalSpec("Keep families housed", "housing-first", (
                percent("ADVICE-48H", "Callers given legal advice within 48 hours", 70, 90),
                measure("TENANTS-REPRESENTED", "Tenant households represented in court", "households", 80, 150),
                percent("HOMES-KEPT", "Represented tenants who keep their home", 60, 75, cadence=QUARTERLY,
                        story=Story.noisy),
                measure("RENT-RELIEF", "Households given emergency rent relief", "households", 60, 100),
            )),
        ),
    ),
    AwardSpec(
        1804, CONTRACT, "Fair housing testing", "HCD", "fairhousing", _money(180_000), began=8, months=12,
        manager=QUINN,
        goals=(
            GoalSpec("Enforce fair housing law", "housing-first", (
                measure("FH-TESTS", "Paired fair housing tests completed", "tests", 10, 30, cadence=QUARTERLY),
                measure("FH-REFERRALS", "Cases referred for enforcement", "cases", 2, 6, cadence=QUARTERLY,
                        absolute=True, bands=bands(1, 2)),
            ), public=False),
        ),
    ),
    AwardSpec(
        1901, GRANT, "Emergency shelter operations", "HSD", "shelter", _money(5_400_000), began=38, months=48,
        manager=DANA, procurement=ProcurementSpec("Emergency shelter operators", NOFO),
        goals=(
            GoalSpec("A safe bed and a way out of shelter", "housing-first", (
                measure("SHELTER-NIGHTS", "Average nights in shelter", "nights", 90, 60),
                percent("SHELTER-EXITS", "Shelter exits to permanent housing", 20, 35),
                within("BEDS-OCCUPIED", "Shelter beds occupied", "percent", 85, 98, decimals=1,
                       valid=(Decimal(0), Decimal(120)), bands=bands(2, 5), story=Story.seasonal, worst_month=1,
                       breach_high=True),
                measure("SHELTER-INCIDENTS", "Serious incidents per 1,000 bed nights", "incidents", 1.5, 0.8,
                        decimals=2, public=False),
            )),
        ),
    ),
    AwardSpec(
        1902, GRANT, "Home-delivered meals for seniors", "HSD", "meals", _money(980_000), began=28, months=36,
        manager=DANA,
        goals=(
            GoalSpec("No older resident goes hungry", "healthy-residents", (
                percent("WELLNESS-CHECKS", "Seniors given a wellness check with their meal", 60, 90, cadence=QUARTERLY),
                measure("MEALS", "Meals delivered", "meals", 18000, 22000, reporter=VENDOR),
                percent("MEALS-ON-TIME", "Meals delivered within the promised window", 90, 97, cadence=WEEKLY,
                        story=Story.noisy, reporter=VENDOR),
                measure("MEALS-WAITLIST", "Seniors on the waiting list", "seniors", 150, 40, story=Story.stale,
                        reporter=VENDOR),
            )),
        ),
    ),
]

JOBS_LEARNING_AND_FINANCE = [
    AwardSpec(
        2001, CONTRACT, "Year-round youth apprenticeships", "OWD", "apprentice", _money(1_150_000), began=17, months=24,
        manager=DANA, procurement=ProcurementSpec("Youth apprenticeship intermediary", RFP),
        goals=(
            GoalSpec("Young residents start careers", "good-jobs", (
                measure("HOST-EMPLOYERS", "Employers hosting apprentices", "employers", 15, 40, cadence=QUARTERLY),
                measure("APPRENTICES", "Apprentices enrolled", "apprentices", 40, 120, cadence=QUARTERLY, interim=True),
                measure("APPRENTICE-WAGE", "Median starting wage after the program", "USD per hour", 16.5, 19,
                        cadence=ANNUAL, decimals=2),
                percent("APPRENTICE-COMPLETION", "Apprentices completing the program", 55, 75, cadence=QUARTERLY),
            )),
        ),
    ),
    AwardSpec(
        2002, CONTRACT, "Career center operations", "OWD", "workforce", _money(2_600_000), began=40, months=60,
        manager=DANA,
        goals=(
            GoalSpec("Job seekers find good work", "good-jobs", (
                percent("PLACED-90D", "Job seekers placed within 90 days", 30, 45),
                measure("CAREER-VISITS", "Career center visits", "visits", 3500, 4500),
                measure("CREDENTIALS", "Industry credentials earned per quarter", "credentials", 80, 150,
                        cadence=QUARTERLY, story=Story.recovering),
                percent("WAGE-GAIN", "Placements with a wage gain of 10 % or more", 40, 60, cadence=QUARTERLY),
            )),
        ),
    ),
    AwardSpec(
        2101, CONTRACT, "Digital library and e-book platform", "LIB", "ebooks", _money(850_000), began=37, months=48,
        manager=SKYLER, procurement=ProcurementSpec("E-book and audiobook platform", RFP),
        goals=(
            GoalSpec("Reading for everyone, anywhere", "lifelong-learning", (
                measure("EBOOK-LOANS", "E-book and audiobook loans", "loans", 30000, 45000),
                measure("HOLD-DAYS", "Average wait for a popular title", "days", 28, 14, story=Story.noisy),
                percent("PLATFORM-UPTIME", "Platform availability", 99, 99.9, decimals=2, absolute=True,
                        bands=bands(0.2, 0.5), story=Story.steady),
                measure("NEW-CARDHOLDERS", "New library cards issued online", "cards", 400, 900),
            )),
        ),
    ),
    AwardSpec(
        2102, GRANT, "Summer reading and early literacy", "LIB", "literacy", _money(310_000), began=20, months=36,
        manager=SKYLER,
        goals=(
            GoalSpec("Children read every summer", "lifelong-learning", (
                measure("BOOKS-GIVEN", "Books given to children to keep", "books", 5000, 9000, cadence=QUARTERLY),
                measure("SUMMER-READERS", "Children completing the summer reading challenge", "children", 2500, 4000,
                        cadence=ANNUAL),
                measure("STORYTIMES", "Storytime sessions held", "sessions", 120, 160, story=Story.stale,
                        reporter=VENDOR),
                percent("KINDER-READY", "Participants ready for kindergarten", 55, 70, cadence=ANNUAL),
            )),
        ),
    ),
    AwardSpec(
        2201, CONTRACT, "Aquatics center operations", "PRK", "aquatics", _money(1_300_000), began=29, months=36,
        manager=SKYLER,
        goals=(
            GoalSpec("Pools open, safe and busy", "parks-10min", (
                measure("LIFEGUARDS", "Certified lifeguards on staff", "lifeguards", 40, 60, cadence=QUARTERLY),
                percent("POOL-HOURS", "Scheduled pool hours open", 92, 98),
                measure("SWIM-LESSONS", "Children in swim lessons", "children", 600, 900),
                percent("WATER-CHECKS", "Daily water-quality checks passed", 97, 99.5, cadence=WEEKLY,
                        story=Story.steady),
            )),
        ),
    ),
    AwardSpec(
        2202, CONTRACT, "Playground inspection and repair", "PRK", "grounds", _money(540_000), began=15, months=36,
        manager=SKYLER,
        goals=(
            GoalSpec("Safe playgrounds in every park", "parks-10min", (
                percent("PLAY-INSPECTED", "Playgrounds inspected each month", 85, 100, story=Story.steady,
                        reporter=VENDOR),
                percent("PLAY-HAZARD-48H", "Playground hazards fixed within 48 hours", 75, 95, story=Story.turnaround,
                        reporter=VENDOR),
                measure("PLAY-CLOSED", "Days a playground is closed for repairs", "days", 10, 4, reporter=VENDOR),
            )),
        ),
    ),
    AwardSpec(
        2301, GRANT, "Small business recovery grants", "ECD", "mainstreet", _money(2_000_000), began=32, months=36,
        manager=SKYLER,
        goals=(
            GoalSpec("Main streets that thrive", "good-jobs", (
                measure("TECH-ASSIST", "Businesses given technical assistance", "businesses", 50, 120),
                measure("GRANTS-PAID", "Businesses receiving a grant", "businesses", 40, 80, cadence=QUARTERLY,
                        interim=True),
                percent("VACANCY", "Storefront vacancy on served corridors", 14, 9, cadence=QUARTERLY, absolute=True,
                        bands=bands(0.5, 1.5), story=Story.noisy),
                measure("JOBS-RETAINED", "Jobs retained at funded businesses", "jobs", 300, 500, cadence=QUARTERLY,
                        story=Story.recovering),
            )),
        ),
    ),
    AwardSpec(
        2302, CONTRACT, "Business licensing navigator", "ECD", "navigator", _money(420_000), began=30, months=21,
        status=AwardStatus.terminated, manager=SKYLER,
        description="Ended early for convenience: licensing help moved in-house.",
        goals=(
            GoalSpec("Open a business in weeks, not months", "good-jobs", (
                measure("LICENSE-DAYS", "Days from application to license", "days", 60, 30, story=Story.slipping),
                measure("NAVIGATOR-CLIENTS", "Entrepreneurs advised", "entrepreneurs", 60, 120),
            )),
        ),
    ),
    AwardSpec(
        2401, CONTRACT, "Online payments processing", "FIN", "payments", _money(1_100_000), began=38, months=60,
        manager=SKYLER, procurement=ProcurementSpec("Payment card processing", RFP),
        goals=(
            GoalSpec("Paying the city is quick and easy", "well-run", (
                measure("REFUND-DAYS", "Days to refund an overpayment", "days", 15, 5),
                percent("PAID-ONLINE", "Payments made online", 45, 70, story=Story.steady),
                percent("PORTAL-UPTIME", "Payment portal availability", 99.5, 99.9, cadence=WEEKLY, decimals=2,
                        absolute=True, bands=bands(0.1, 0.3)),
                percent("CHARGEBACKS", "Payments charged back", 0.8, 0.4, decimals=2, public=False),
            )),
        ),
    ),
    AwardSpec(
        2402, CONTRACT, "Annual financial audit", "FIN", "auditors", _money(650_000), began=41, months=60,
        manager=SKYLER,
        goals=(
            GoalSpec("Clean, timely books", "well-run", (
                measure("AUDIT-DAYS", "Days after year end the audit is issued", "days", 180, 150, cadence=ANNUAL,
                        story=Story.steady),
                measure("FINDINGS", "Material audit findings", "findings", 3, 0, cadence=ANNUAL, absolute=True,
                        bands=bands(0.5, 1.5), story=Story.steady),
            ), public=False),
        ),
    ),
]
# fmt: on

PROGRAMMES: list[AwardSpec] = [
    *STREETS,
    *SANITATION_AND_WATER,
    *CLIMATE,
    *SAFETY,
    *HEALTH_AND_HOUSING,
    *JOBS_LEARNING_AND_FINANCE,
]
