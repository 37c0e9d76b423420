"""Column names, kinds and aliases of the duty-station tables, declared once.

Every table that crosses a package boundary uses these names. Geometry always
lives in ``geometry``; files use EPSG:4326.
"""

from __future__ import annotations

WGS84 = "EPSG:4326"

# Provenance columns carried by every loaded record.
SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"  # the row number as a spreadsheet shows it (header is row 1)
STATUS = "status"  # "accepted" or "rejected"
REASON = "reason"

# Staff roster.
STAFF_ID = "staff_id"
NAME = "name"
AGENCY = "agency"
LAT = "lat"
LON = "lon"
STAFF_REQUIRED = (STAFF_ID, NAME, AGENCY, LAT, LON)
STAFF_OPTIONAL_TEXT = (
    "category",
    "grade",
    "role",
    "zone",
    "phone",
    "phone2",
    "email",
    "radio_callsign",
    "address",
    "household_id",
    "blood_type",
    "vehicle",
    "special_needs",
    "office_id",
    "area",
)
STAFF_OPTIONAL_BOOL = ("has_radio", "has_satphone", "willing_warden", "morss_surveyed")
STAFF_OPTIONAL_DATE = ("bsafe_date", "ssafe_date", "briefed_date", "confirmed_date")
STAFF_OPTIONAL_INT = ("dependants",)
STAFF_COLUMNS = (
    STAFF_REQUIRED
    + STAFF_OPTIONAL_TEXT
    + STAFF_OPTIONAL_BOOL
    + STAFF_OPTIONAL_DATE
    + STAFF_OPTIONAL_INT
)


# Case-insensitive aliases accepted in headers, mapped to the canonical name.
COLUMN_ALIASES = {
    "latitude": LAT,
    "y": LAT,
    "longitude": LON,
    "lng": LON,
    "long": LON,
    "x": LON,
    "id": STAFF_ID,
    "full_name": NAME,
    "organisation": AGENCY,
    "organization": AGENCY,
    "callsign": "radio_callsign",
    "call_sign": "radio_callsign",
    "mobile": "phone",
    "phone1": "phone",
}

# Households.
HOUSEHOLD_ID = "household_id"
HOUSEHOLD_RADIUS_M = 5.0
STAFF_COUNT = "staff_count"
DEPENDANTS = "dependants"
HEADCOUNT = "headcount"
HOUSEHOLD_COLUMNS = (HOUSEHOLD_ID, STAFF_COUNT, DEPENDANTS, HEADCOUNT, "staff_ids")

# Offices.
OFFICE_ID = "office_id"
OFFICE_KIND = "kind"
OFFICE_REQUIRED = (OFFICE_ID, NAME, AGENCY, LAT, LON, OFFICE_KIND)
OFFICE_EQUIPMENT = (
    "guards",
    "perimeter",
    "emergency_power",
    "hf_radio",
    "vhf_base",
    "satphone",
    "first_aid_kit",
    "trauma_kit",
    "pep_kit",
    "blast_film",
    "safe_room",
    "fire_extinguishers",
    "cctv",
)

# Points of interest for the plan.
POINT_ID = "point_id"
POINT_KIND = "kind"
POINT_REQUIRED = (POINT_ID, POINT_KIND, NAME, LAT, LON)
POINT_OPTIONAL = ("capacity", "range_m", "address", "phone")

# Threats.
THREAT_CATEGORIES = ("armed conflict", "terrorism", "crime", "civil unrest", "hazards")

# Zones.
ZONE_ID = "zone_id"
ZONE_NAME = "zone_name"
AREA_ID = "area_id"
