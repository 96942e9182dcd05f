"""The starting vocabularies, in one place.

Codes are stable identifiers stored in records and sent to devices; labels are the words a
practitioner reads. A clinic can add terms (``VocabularyTerm``); codes here never change.
"""

from __future__ import annotations

# Regions that matter for the legs, lower back first. "group" lets screens and reports
# gather the lumbar levels under "lower back"; more regions (neck, shoulders) can be added.
REGIONS: list[tuple[str, str, str]] = [
    ("lumbar_l1", "Lower back, L1", "lower_back"),
    ("lumbar_l2", "Lower back, L2", "lower_back"),
    ("lumbar_l3", "Lower back, L3", "lower_back"),
    ("lumbar_l4", "Lower back, L4", "lower_back"),
    ("lumbar_l5", "Lower back, L5", "lower_back"),
    ("sacrum", "Sacrum", "lower_back"),
    ("pelvis", "Pelvis", "pelvis"),
    ("buttock", "Buttock (gluteal)", "buttock"),
    ("hip", "Hip", "hip"),
    ("itb", "Iliotibial band (outer thigh)", "itb"),
    ("knee", "Knee", "knee"),
    ("calf", "Calf", "calf"),
    ("ankle", "Ankle", "ankle"),
    ("foot", "Foot", "foot"),
    ("hamstring", "Hamstrings (back of the thigh)", "thigh"),
    ("quadriceps", "Quadriceps (front of the thigh)", "thigh"),
    ("thoracic", "Upper back (thoracic)", "upper_back"),
    ("cervical", "Neck (cervical)", "neck"),
]

# The direction in which tension lies at a site, as the practitioner's tests find it (the
# release is made in that direction). Relative to the body, so the same on either side:
# "towards the midline" points right on the left side seen from the back. A clinic may add
# its own (their arrows are drawn as a plain mark).
DIRECTIONS: list[tuple[str, str]] = [
    ("up", "Upwards (towards the head)"),
    ("down", "Downwards (towards the feet)"),
    ("medial", "Towards the midline"),
    ("lateral", "Away from the midline"),
    ("rotation", "Rotation"),
]

SIDES: list[tuple[str, str]] = [("left", "Left"), ("right", "Right"), ("both", "Both sides")]

COMPLAINTS: list[tuple[str, str]] = [
    ("sciatic_pain", "Shooting pain along the sciatic nerve"),
    ("sciatica_reported", "Sciatica, as diagnosed by a doctor (client-reported)"),
    ("hip_pain", "Hip pain"),
    ("hip_stiffness", "Hip stiffness"),
    ("hip_operation_recovery", "Recovery after a hip operation"),
    ("itb_pain", "ITB pain"),
    ("knee_pain", "Knee pain"),
    ("knee_stiffness", "Knee stiffness"),
    ("leg_pain", "Leg pain"),
    ("tired_legs", "Tired legs"),
    ("weak_legs", "Weak legs"),
    ("heavy_legs", "Heavy legs"),
    ("restless_legs", "Restless legs"),
    ("calf_pain", "Calf pain"),
    ("calf_spasms", "Calf spasms"),
    ("calf_cramps", "Calf cramps"),
    ("foot_pain", "Foot pain"),
    ("foot_stiffness", "Foot stiffness"),
    ("ankle_trouble", "Ankle trouble"),
    ("lower_back_pain", "Lower back pain"),
]

TIMES_OF_DAY: list[tuple[str, str]] = [
    ("on_waking", "On waking"),
    ("morning", "Morning"),
    ("afternoon", "Afternoon"),
    ("evening", "Evening"),
    ("night", "Night"),
    ("sitting", "When sitting"),
    ("standing", "When standing"),
    ("walking", "When walking"),
    ("running", "When running"),
    ("driving", "When driving"),
]

FREQUENCIES: list[tuple[str, str]] = [
    ("constant", "Constant"),
    ("several_daily", "Several times a day"),
    ("daily", "Daily"),
    ("few_weekly", "A few times a week"),
    ("occasionally", "Occasionally"),
]

REACTIONS: list[tuple[str, str]] = [
    ("tiredness", "Tiredness"),
    ("more_pain", "More discomfort for a while"),
    ("thirst", "Thirst"),
    ("headache", "Headache"),
    ("nausea", "Nausea"),
    ("emotion", "Feeling emotional"),
    ("none", "Nothing noticed"),
]

ADVICE: list[tuple[str, str]] = [
    ("water", "Drink more water"),
    ("magnesium", "Magnesium (calves involved)"),
    ("posture", "Sitting and standing posture"),
]

LOCATIONS: list[tuple[str, str]] = [("clinic", "At the clinic"), ("home", "Home visit")]

# The vocabularies a clinic may extend, by kind.
EXTENSIBLE = {
    "complaint": COMPLAINTS,
    "region": [(c, label) for c, label, _ in REGIONS],
    "direction": DIRECTIONS,
}

INTENSITY_MIN, INTENSITY_MAX = 0, 10

# The rhythm of the initial course: its sessions fall this many days after the first (day 1,
# day 4, day 11). The desk's follow-ups, the demo clinic and the phone's proposed next
# session all follow it; the phone reads it from the published rules (sync/publish.py).
INITIAL_COURSE_DAYS: tuple[int, ...] = (0, 3, 10)

# The acknowledgement wording a client agrees to, by version. A new wording gets a new key;
# old keys stay so that every stored acknowledgement can show what was agreed to.
ACKNOWLEDGEMENT_WORDINGS: dict[str, str] = {
    "2026-1": (
        "I understand that Body Stress Release is not a medical or therapeutic treatment. "
        "My practitioner does not diagnose, treat or prescribe, and this does not replace "
        "the care of a doctor or other medical practitioner."
    ),
}
CURRENT_ACKNOWLEDGEMENT_VERSION = "2026-1"
