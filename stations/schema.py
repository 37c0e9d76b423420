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
STAFF_OPTIONAL_DATE = (
    "bsafe_date",
    "ssafe_date",
    "briefed_date",
    "confirmed_date",
    "warden_training_date",  # warden readiness: the warden course, and the last visit to
    "last_visit_date",  # the zone's households (checked for appointed wardens and deputies)
)
STAFF_OPTIONAL_INT = ("dependants",)
# Seats of the staff member's vehicle (optional; [evacuation] staff_vehicle_seats without it).
VEHICLE_SEATS = "vehicle_seats"
# Where a staff member is: the roster's own ``status`` column is read into ``presence``
# (``status`` itself says whether the row was accepted), with the dates it holds from and
# until (both inclusive; empty means open-ended).
PRESENCE = "presence"
PRESENCE_FROM = "status_from"
PRESENCE_UNTIL = "status_until"
ROSTER_STATUS = "status"  # the roster column as users write it
PRESENT = "present"
AWAY = ("on leave", "on mission")
VISITING = "visiting"
STAFF_COLUMNS = (
    STAFF_REQUIRED
    + STAFF_OPTIONAL_TEXT
    + STAFF_OPTIONAL_BOOL
    + STAFF_OPTIONAL_DATE
    + STAFF_OPTIONAL_INT
    + (PRESENCE, PRESENCE_FROM, PRESENCE_UNTIL)
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
    "warden_training": "warden_training_date",
    "warden_trained_date": "warden_training_date",
    "warden_course_date": "warden_training_date",
    "last_visit": "last_visit_date",
    "last_household_visit": "last_visit_date",
    "last_visit_to_households": "last_visit_date",
    "visited_date": "last_visit_date",
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

# Office vehicles (optional): how many, and their seats in total.
OFFICE_VEHICLES = ("vehicles", "seats")

# Points of interest for the plan.
POINT_ID = "point_id"
POINT_KIND = "kind"
POINT_REQUIRED = (POINT_ID, POINT_KIND, NAME, LAT, LON)
POINT_OPTIONAL = ("capacity", "range_m", "address", "phone", "trauma")
POINT_TRAUMA = "trauma"  # a hospital that takes trauma cases: true/false, empty when unknown

# Named dependants (the optional dependants file) and numbered ones (without it).
DEPENDANT_ID = "dependant_id"
PERSON_ID = "person_id"  # the dependant's id: from the file, or <household_id>-D<n>
RELATION = "relation"
BIRTH_DATE = "birth_date"
AGE_BAND = "age_band"
DEPENDANT_REQUIRED = (DEPENDANT_ID, NAME, RELATION)
DEPENDANT_OPTIONAL_TEXT = ("nationality", "phone", "special_needs")
DEPENDANT_COLUMNS = (
    PERSON_ID,
    HOUSEHOLD_ID,
    STAFF_ID,
    NAME,
    RELATION,
    BIRTH_DATE,
    AGE_BAND,
    "nationality",
    "phone",
    "special_needs",
    "numbered",  # True for <household_id>-D<n> dependants the roster only counts
    STATUS,
    REASON,
    SOURCE_FILE,
    SOURCE_ROW,
)

# Visitors (the optional visitors file): people staying at a hotel for a while.
VISITOR_ID = "visitor_id"
ARRIVAL = "arrival"
DEPARTURE = "departure"
SPONSOR_STAFF_ID = "sponsor_staff_id"
VISITOR_REQUIRED = (VISITOR_ID, NAME, ARRIVAL, DEPARTURE)
VISITOR_COLUMNS = (
    VISITOR_ID,
    NAME,
    AGENCY,
    POINT_ID,
    LAT,
    LON,
    ARRIVAL,
    DEPARTURE,
    "phone",
    SPONSOR_STAFF_ID,
    STATUS,
    REASON,
    SOURCE_FILE,
    SOURCE_ROW,
    "geometry",  # in the station CRS: the hotel's point, or lat/lon
)

# Threats.
THREAT_CATEGORIES = ("armed conflict", "terrorism", "crime", "civil unrest", "hazards")

# Zones.
ZONE_ID = "zone_id"
ZONE_NAME = "zone_name"
AREA_ID = "area_id"
