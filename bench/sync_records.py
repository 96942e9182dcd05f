"""Realistic findings for the sync benchmarks: about 0.6 KB each, as a practitioner writes them.

A 400-character note of varied words (so that it compresses like prose, not like one
sentence repeated), a muscle or test, a region, a side, a direction and the two flags. The
same generator is written in Python (the server's caseload, for the pull) and in JavaScript
(the phone's new findings, for the push, and PouchDB's documents), with the same numbers.
"""

from __future__ import annotations

NOTE_LENGTH = 400
REGIONS = ["lumbar_l3", "lumbar_l4", "lumbar_l5", "sacrum", "pelvis", "buttock", "hip", "itb", "knee", "calf"]
SIDES = ["left", "right", "both"]
DIRECTIONS = ["up", "down", "medial", "lateral", "rotation"]
MUSCLES = [
    "gluteus medius",
    "piriformis",
    "quadratus lumborum",
    "pelvic tilt test",
    "hamstring length test",
    "gastrocnemius",
    "tensor fasciae latae",
    "erector spinae",
]
WORDS = (
    "client reports ache eased after the session tension found released at second move walking "
    "worse sitting desk long drives morning stiffness night pain improving since last visit left "
    "right side lower back hip calf knee ankle foot thigh buttock pelvis sacrum rotation medial "
    "lateral pressure light firm recheck next session advised water rest gentle stretches avoid "
    "lifting heavy garden work golf running swimming cycling sleeps better woke twice cramp eased "
    "tingling numbness reduced posture standing bending forward twisting reaching overhead pain "
    "scale four three two of ten since Tuesday weekend busy work stress family travel car flight "
    "new shoes orthotics physio doctor referred scan clear mild moderate marked slight holds "
    "breath guarding on palpation softer than before responds well plan continue course follow up"
).split()

# A tiny linear congruential generator: the same numbers in Python and in JavaScript.
_MODULUS, _MULTIPLIER, _INCREMENT = 2**31, 1103515245, 12345


def _numbers(seed: int):
    state = (seed * 7919 + 17) % _MODULUS
    while True:
        state = (state * _MULTIPLIER + _INCREMENT) % _MODULUS
        yield state >> 8


def note(i: int) -> str:
    """Finding ``i``'s note: NOTE_LENGTH characters of varied words."""
    numbers = _numbers(i)
    words: list[str] = []
    length = 0
    while length < NOTE_LENGTH:
        word = WORDS[next(numbers) % len(WORDS)]
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:NOTE_LENGTH]


def finding_fields(i: int) -> dict[str, object]:
    """Finding ``i``'s fields, besides its visit."""
    return {
        "region": REGIONS[i % len(REGIONS)],
        "side": SIDES[i % len(SIDES)],
        "muscle_or_test": MUSCLES[i % len(MUSCLES)],
        "direction": DIRECTIONS[i % len(DIRECTIONS)],
        "tension_found": True,
        "released": i % 3 != 0,
        "note": note(i),
        "position": i % 40,
    }


# The same, in JavaScript: ``finding(i, visit)`` gives the fields of finding i of ``visit``.
FINDING_JS = f"""
const REGIONS = {REGIONS!r}, SIDES = {SIDES!r}, DIRECTIONS = {DIRECTIONS!r}, MUSCLES = {MUSCLES!r};
const WORDS = {WORDS!r};
function note(i) {{
  let state = (i * 7919 + 17) % {_MODULUS};
  const words = [];
  let length = 0;
  while (length < {NOTE_LENGTH}) {{
    state = Number((BigInt(state) * {_MULTIPLIER}n + {_INCREMENT}n) % {_MODULUS}n);
    const word = WORDS[(state >> 8) % WORDS.length];
    words.push(word);
    length += word.length + 1;
  }}
  return words.join(' ').slice(0, {NOTE_LENGTH});
}}
function finding(i, visit) {{
  return {{visit_id: visit, region: REGIONS[i % REGIONS.length], side: SIDES[i % SIDES.length],
    muscle_or_test: MUSCLES[i % MUSCLES.length], direction: DIRECTIONS[i % DIRECTIONS.length],
    tension_found: true, released: i % 3 !== 0, note: note(i), position: i % 40}};
}}
"""
