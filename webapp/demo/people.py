"""The demo's made-up people: a few typical stories, and the clients who live them."""

from __future__ import annotations

from typing import Any


def _sensation(kind, region, side, baseline, eases_by, when, often, later=None, words=""):
    spec = {
        "what": {"kind": kind, "region": region, "side": side, "client_words": words},
        "baseline": baseline,
        "eases_by": eases_by,
        "when": when,
        "often": often,
    }
    if later:
        spec["later"] = later
    return spec


# A story's parts: its case history, sensations, the line of regions worked, notes, advice.
PROFILES: dict[str, dict[str, Any]] = {
    "desk_sciatic": {
        "history": dict(
            occupation="Accountant",
            sitting_hours_per_day=8,
            driving="40 minutes each way",
            exercise_and_sport="Walks at weekends",
            posture_habits="Leans to the left at the desk",
            reported_diagnoses="Sciatica, as her GP described it (client-reported)",
            reported_medication="Ibuprofen now and then (client-reported)",
            water_litres_per_day=1.0,
            takes_magnesium=False,
            goals="Sit through a working day",
        ),
        "sensations": [
            _sensation(
                "sciatic_pain",
                "buttock",
                "left",
                7,
                2,
                ["sitting", "driving"],
                "several_daily",
                "daily",
                words="a hot line down the back of the leg",
            ),
            _sensation("lower_back_pain", "lumbar_l5", "both", 5, 1.5, ["on_waking"], "daily"),
        ],
        "line": [("lumbar_l5", "left"), ("buttock", "left"), ("calf", "left")],
        "notes": [
            "Marked tension lower back and left buttock.",
            "Left side eased; right hip now shows.",
            "Buttock clear on testing.",
            "Maintenance.",
        ],
        "advice": ["posture", "water"],
    },
    "runner_itb": {
        "history": dict(
            occupation="Teacher",
            sitting_hours_per_day=3,
            exercise_and_sport="Runs 30 km a week",
            posture_habits="Stands a lot",
            injuries_and_operations="Sprained right ankle, 2019",
            concurrent_care="Sees a sports physiotherapist monthly",
            water_litres_per_day=2.0,
            takes_magnesium=False,
            goals="Run a half marathon in spring",
        ),
        "sensations": [
            _sensation("itb_pain", "itb", "right", 6, 2, ["running"], "few_weekly", "occasionally"),
            _sensation("knee_pain", "knee", "right", 5, 1.5, ["running", "standing"], "few_weekly"),
        ],
        "line": [("lumbar_l4", "right"), ("hip", "right"), ("itb", "right"), ("knee", "right")],
        "notes": [
            "Tension along the right outer thigh into the knee.",
            "Knee eased after release at the hip.",
            "Little found.",
            "Maintenance before the race.",
        ],
        "advice": ["posture"],
    },
    "calf_cramps": {
        "history": dict(
            occupation="Retired",
            sitting_hours_per_day=5,
            exercise_and_sport="Gardening",
            water_litres_per_day=0.5,
            takes_magnesium=False,
            reported_medication="Blood pressure tablets (client-reported)",
            goals="Sleep through the night",
        ),
        "sensations": [
            _sensation("calf_cramps", "calf", "both", 8, 2.5, ["night"], "daily", "few_weekly"),
            _sensation("restless_legs", "calf", "both", 4, 1, ["evening", "night"], "daily"),
        ],
        "line": [("sacrum", "both"), ("calf", "left"), ("calf", "right")],
        "notes": [
            "Both calves held tension; advised on water and asked about magnesium.",
            "Cramps fewer this week.",
            "Calves soft on testing.",
            "Maintenance.",
        ],
        "advice": ["water", "magnesium"],
    },
    "hip_recovery": {
        "history": dict(
            occupation="Shop manager",
            sitting_hours_per_day=2,
            injuries_and_operations="Left hip replaced, March this year",
            concurrent_care="Physiotherapy exercises at home (client-reported)",
            water_litres_per_day=1.5,
            takes_magnesium=True,
            goals="Walk the dog without a stick",
        ),
        "sensations": [
            _sensation("hip_stiffness", "hip", "left", 6, 1, ["on_waking", "walking"], "daily"),
            _sensation(
                "hip_operation_recovery",
                "hip",
                "left",
                5,
                0.5,
                ["walking"],
                "daily",
                words="pulling around the scar",
            ),
        ],
        "line": [("lumbar_l3", "left"), ("pelvis", "left"), ("hip", "left")],
        "notes": [
            "Worked around the left hip gently.",
            "Walking further this week.",
            "Steady.",
            "Maintenance.",
        ],
        "advice": ["posture"],
    },
    "heavy_legs_referred": {
        "history": dict(
            occupation="Delivery driver",
            sitting_hours_per_day=9,
            driving="All day",
            water_litres_per_day=1.0,
            takes_magnesium=False,
            goals="Less tired at the end of a shift",
        ),
        "sensations": [
            _sensation("heavy_legs", "calf", "both", 6, 0.5, ["evening", "driving"], "daily"),
            _sensation("foot_pain", "foot", "right", 4, 0.5, ["standing"], "few_weekly"),
        ],
        "line": [("lumbar_l5", "both"), ("calf", "both"), ("ankle", "right"), ("foot", "right")],
        "notes": [
            "Swelling at the right ankle: suggested seeing a doctor before going on.",
            "Has seen the doctor; continuing.",
            "Little change so far.",
        ],
        "advice": ["water"],
        "referred": True,
        "referral_reason": "Swelling at the right ankle that the client had not had checked",
    },
}

_PLACES = [
    ("Mill Lane", "Ashford", "TN23 1AA"),
    ("Orchard Close", "Ashford", "TN24 8BB"),
    ("Station Road", "Wye", "TN25 5CC"),
    ("Church Street", "Charing", "TN27 0DD"),
    ("The Green", "Hamstreet", "TN26 2EE"),
    ("Forge Way", "Kennington", "TN24 9FF"),
]
_PEOPLE = [
    # first, last, age, profile, visits done, started days ago, what is booked next
    ("Amelia", "Hart", 44, "desk_sciatic", 3, 20, "next"),
    ("Ben", "Cole", 37, "runner_itb", 2, 6, None),
    ("Chloe", "Nash", 29, "runner_itb", 1, 2, "next"),
    ("David", "Frost", 71, "calf_cramps", 5, 60, "next"),
    ("Ella", "Grant", 52, "hip_recovery", 2, 5, "next"),
    ("Farid", "Khan", 48, "heavy_legs_referred", 3, 25, None),
    ("Gemma", "Lowe", 35, "desk_sciatic", 1, 1, None),
    ("Harry", "Price", 64, "calf_cramps", 2, 8, None),
    ("Isla", "Reid", 41, "desk_sciatic", 4, 30, "next"),
    ("Jack", "Shaw", 26, "runner_itb", 3, 14, None),
    ("Kate", "Turner", 58, "hip_recovery", 1, 3, "next"),
    ("Liam", "Walsh", 33, "desk_sciatic", 0, 0, "first"),
    ("Maya", "Young", 45, "calf_cramps", 3, 18, "next"),
    ("Noah", "Baker", 50, "heavy_legs_referred", 1, 2, None),
    ("Olivia", "Cross", 62, "hip_recovery", 3, 40, "next"),
    ("Peter", "Dunn", 39, "runner_itb", 0, 0, "first"),
    ("Ruby", "Ellis", 47, "desk_sciatic", 2, 5, "next"),
    ("Sam", "Fisher", 55, "calf_cramps", 1, 1, None),
    ("Tara", "Gill", 31, "runner_itb", 5, 70, None),
    ("Umar", "Hussain", 43, "desk_sciatic", 3, 13, "next"),
    ("Vera", "Ingram", 77, "calf_cramps", 2, 9, None),
    ("Will", "James", 28, "runner_itb", 1, 4, "next"),
    ("Zoe", "King", 49, "hip_recovery", 2, 7, None),
    ("Adam", "Lamb", 60, "heavy_legs_referred", 0, 0, "first"),
    ("Beth", "Moss", 36, "desk_sciatic", 3, 16, None),
    ("Carl", "Noble", 53, "calf_cramps", 4, 35, "next"),
    ("Dina", "Owen", 40, "runner_itb", 0, 0, None),
    ("Evan", "Page", 67, "hip_recovery", 1, 2, None),
    ("Fern", "Quinn", 34, "desk_sciatic", 0, 0, None),
    ("Gus", "Rowe", 57, "calf_cramps", 2, 4, "next"),
]

CLIENTS: list[dict] = []
for n, (first, last, age, profile, visits, started, booked) in enumerate(_PEOPLE):
    street, town, postcode = _PLACES[n % len(_PLACES)]
    person = {
        "first": first,
        "last": last,
        "age": age,
        "profile": profile,
        "visits": visits,
        "started_days_ago": started,
        "street": street,
        "town": town,
        "postcode": postcode,
        "home": n % 4 == 1,
    }
    if booked == "next":
        person["next_booked"] = True
    elif booked == "first":
        person["booked_first"] = 1 + n % 6
    if n >= 26 and visits == 0 and booked is None:
        person["unassigned"] = True  # registered at the desk, not yet given a practitioner
    CLIENTS.append(person)
