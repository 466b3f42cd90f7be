"""The rest of the demo city's fixed cast: departments, priorities, vendors, the people who sign in and the
machines that post readings. Created after the founding act, in this order."""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.service import create_service_account
from app.auth.models import ServiceAccountCreate, UserCreate
from app.auth.principal import SYSTEM
from app.auth.roles import Role, Scope
from app.demo.seeding import DEMO_PASSWORD, Cast, add, add_person
from app.departments.models import DepartmentCreate
from app.departments.service import department_resource
from app.priorities.models import PriorityCreate
from app.priorities.service import priority_resource
from app.vendors.models import VendorCreate
from app.vendors.service import vendor_resource

DEPARTMENTS = [
    ("WTR", "Water Department"),
    ("SAN", "Sanitation and Solid Waste"),
    ("ENV", "Office of Environment and Sustainability"),
    ("FIR", "Fire and Emergency Medical Services"),
    ("OEC", "Office of Emergency Communications (911 and 311)"),
    ("PHD", "Public Health Department"),
    ("HCD", "Housing and Community Development"),
    ("LIB", "Public Library"),
    ("ECD", "Office of Economic Development"),
    ("FIN", "Finance Department"),
]

# (code, title, target year, published): the last one is the administration's internal management goal.
PRIORITIES = [
    ("clean-city", "Clean streets and safe, clean water", 2030, True),
    ("healthy-residents", "Healthy residents in every neighbourhood", 2030, True),
    ("climate-ready", "Cut citywide emissions in half by 2030", 2030, True),
    ("fast-response", "Emergency help in under 8 minutes, citywide", 2029, True),
    ("lifelong-learning", "Every resident a reader: learning for all ages", 2030, True),
    ("well-run", "A responsive, well-run city government", 2028, False),
]

# (key, legal name, EIN, contact, e-mail)
VENDORS = [
    ("signals", "Brightline Traffic Systems Inc.", "55-6677889", "Noor Haddad", "noor@brightline.example"),
    ("sweep", "Urban Sweep Services LLC", "56-7788990", "Carl Mendes", "carl@urbansweep.example"),
    ("concrete", "Cornerstone Concrete Works", "57-1122330", "Ines Duarte", "ines@cornerstone.example"),
    ("lighting", "Lumen Municipal Lighting Co.", "57-2233441", "Victor Osei", "victor@lumenlighting.example"),
    ("refuse", "CityFleet Refuse & Recycling LLC", "53-4455667", "Tasha Green", "tasha@cityfleet.example"),
    ("compost", "Good Earth Compost Cooperative", "54-5566778", "Ana Ruiz", "ana@goodearth.example"),
    ("meters", "Clearwater Meter Services Inc.", "51-2233445", "Pat Hughes", "pat@clearwater.example"),
    ("pipes", "AquaWorks Pipeline Contractors", "52-3344556", "Ben Adler", "ben@aquaworks.example"),
    ("lab", "Riverbend Environmental Labs", "76-6789012", "Grace Kim", "grace@riverbendlabs.example"),
    ("leadfree", "Lead-Free Homes Fund", "76-7890123", "Omar Said", "omar@leadfreehomes.example"),
    ("retrofit", "Sunward Energy Retrofit Co.", "66-6677889", "Hana Mori", "hana@sunward.example"),
    ("trees", "Canopy Urban Forestry LLC", "67-7788990", "Eli Stone", "eli@canopyforestry.example"),
    ("airnet", "Clean Air Neighbors Network", "78-1234509", "Rosa Lima", "rosa@cleanairneighbors.example"),
    ("fleet", "Summit Fleet Maintenance Inc.", "75-5678901", "Dale Morgan", "dale@summitfleet.example"),
    ("ambulance", "Lakeshore Ambulance Billing LLC", "74-4567801", "Ivy Chen", "ivy@lakeshorebilling.example"),
    ("firesafe", "Safe Homes Fire Safety Alliance", "73-4567812", "Tom Wright", "tom@safehomes.example"),
    ("contact", "Resonant Contact Solutions", "57-8899001", "Mia Novak", "mia@resonant.example"),
    ("dispatch", "Vantage Public Safety Software", "79-2345610", "Raj Patel", "raj@vantageps.example"),
    ("clinic", "Northside Community Health Center", "61-1122334", "Maria Santos", "maria@northsidehealth.example"),
    ("harm", "Harbor Harm Reduction Network", "62-2233445", "Jess Quinn", "jess@harborhrn.example"),
    ("foodsafety", "Sentinel Food Safety Consultants", "62-3344501", "Leo Brandt", "leo@sentinelfood.example"),
    ("freshfood", "Fresh Start Food Access Coalition", "63-3344556", "Dee Walker", "dee@freshstart.example"),
    ("builder", "Keystone Affordable Homes", "64-4455667", "Sara Cohen", "sara@keystonehomes.example"),
    ("repairs", "Home Repair Collaborative", "65-5566778", "Hal Jensen", "hal@homerepair.example"),
    ("tenants", "Tenant Justice Legal Services", "65-6677801", "Amir Khan", "amir@tenantjustice.example"),
    ("fairhousing", "Equal Access Housing Center", "65-7788912", "June Park", "june@equalaccess.example"),
    ("shelter", "Harbor Light Shelter Services", "73-3456789", "Nina Ortiz", "nina@harborlight.example"),
    ("meals", "Silver Years Meals on Wheels", "74-4567890", "Walt Gibbs", "walt@silveryears.example"),
    ("apprentice", "Pathways Youth Apprenticeship Network", "72-2345678", "Kim Tran", "kim@pathways.example"),
    ("ebooks", "Readwell Digital Library Services", "59-0011223", "Paul Finch", "paul@readwell.example"),
    ("literacy", "Story Circle Literacy Project", "59-1122304", "Ada Bell", "ada@storycircle.example"),
    ("aquatics", "Blue Lane Aquatics Management", "58-9900112", "Cole Rivers", "cole@bluelane.example"),
    ("mainstreet", "Main Street Business Alliance", "68-8899001", "Rita Gomez", "rita@mainstreet.example"),
    ("navigator", "Civic Navigator Partners", "68-9900123", "Yuki Sato", "yuki@civicnavigator.example"),
    ("payments", "ClearPay Municipal Payments Inc.", "69-9900112", "Ken Lowe", "ken@clearpay.example"),
    ("auditors", "Hartwell & Ames CPAs", "71-1234567", "Ruth Ames", "ruth@hartwellames.example"),
]

# Contract managers for the new departments (Casey keeps Transportation's pothole contract to herself).
MANAGERS = [
    ("manager.streets@demo.city", "Drew Okoye", ["DOT"]),
    ("manager.utilities@demo.city", "Morgan Price", ["WTR", "SAN", "ENV"]),
    ("manager.safety@demo.city", "Riley Chen", ["FIR", "OEC"]),
    ("manager.health@demo.city", "Quinn Alvarez", ["PHD", "HCD"]),
    ("manager.civic@demo.city", "Skyler Brooks", ["LIB", "PRK", "ECD", "FIN"]),
]

# Vendors' people: each sees only its vendor's contracts, posts its readings and answers the city's questions.
VENDOR_PEOPLE = [
    ("pat@clearwater.example", "Pat Hughes", "meters"),
    ("tasha@cityfleet.example", "Tasha Green", "refuse"),
    ("maria@northsidehealth.example", "Maria Santos", "clinic"),
]


def cast_city(session: Session, cast: Cast) -> None:
    for code, name in DEPARTMENTS:
        cast.departments[code] = add(session, department_resource(), DepartmentCreate(name=name, code=code)).id
    for code, title, year, public in PRIORITIES:
        priority = PriorityCreate(code=code, title=title, target_year=year, is_public=public)
        cast.priorities[code] = add(session, priority_resource(), priority).id
    for index, (key, name, ein, contact, email) in enumerate(VENDORS):
        vendor = VendorCreate(
            legal_name=name,
            identifier=ein,
            contact_name=contact,
            contact_email=email,
            contact_phone=f"+1 (555) 020-{1000 + index:04d}",
            address=f"{100 + 12 * index} Commerce Street, Demo City",
        )
        cast.vendors[key] = add(session, vendor_resource(), vendor).id
    _people(session, cast)
    _machines(session, cast)


def _people(session: Session, cast: Cast) -> None:
    for email, name, codes in MANAGERS:
        departments = [cast.departments[code] for code in codes]
        manager = UserCreate(
            email=email,
            full_name=name,
            role=Role.contract_manager,
            password=DEMO_PASSWORD,
            department_ids=departments,
        )
        add_person(session, cast, manager)
    for email, name, vendor in VENDOR_PEOPLE:
        vendor_id = cast.vendors[vendor]
        add_person(
            session,
            cast,
            UserCreate(email=email, full_name=name, role=Role.vendor, password=DEMO_PASSWORD, vendor_id=vendor_id),
        )


def _machines(session: Session, cast: Cast) -> None:
    """Service accounts: the ERP's nightly feed (it posts most readings), GreenScape's field app (limited to
    GreenScape's contracts) and the open-data portal's read-only export. Their secrets are not kept: an
    administrator issues a fresh account to try one (`rdc create-service-account`)."""
    for key, data in [
        (
            "erp",
            ServiceAccountCreate(
                name="City ERP nightly feed (Oracle)", scopes=[Scope.readings_write, Scope.catalog_read]
            ),
        ),
        (
            "greenscape",
            ServiceAccountCreate(
                name="GreenScape field inspection app",
                scopes=[Scope.readings_write, Scope.catalog_read],
                vendor_id=cast.vendors["grounds"],
            ),
        ),
        (
            "open-data",
            ServiceAccountCreate(
                name="Open data portal export",
                scopes=[Scope.catalog_read, Scope.readings_read, Scope.events_read],
                expires_in_days=730,
            ),
        ),
    ]:
        cast.accounts[key], _secret = create_service_account(session, actor=SYSTEM, data=data)
