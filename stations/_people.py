"""Names, grades, agencies and phone numbers for synthetic staff."""

from __future__ import annotations

import numpy as np
import phonenumbers

AGENCIES = ("UNDP", "UNICEF", "WFP", "UNHCR", "WHO", "OCHA", "UNFPA", "UNDSS")
AGENCY_WEIGHTS = (0.22, 0.18, 0.18, 0.14, 0.1, 0.08, 0.06, 0.04)

# Seniority, most senior first (the order used to choose ASCs).
GRADE_ORDER = (
    "USG", "ASG", "D-2", "D-1", "P-5", "P-4", "P-3", "P-2", "P-1",
    "NO-D", "NO-C", "NO-B", "NO-A", "G-7", "G-6", "G-5", "G-4", "G-3", "G-2", "G-1",
)  # fmt: skip
INTERNATIONAL_GRADES = ("D-2", "D-1", "P-5", "P-4", "P-3", "P-2")
INTERNATIONAL_WEIGHTS = (0.01, 0.04, 0.15, 0.3, 0.32, 0.18)
NATIONAL_GRADES = ("NO-C", "NO-B", "NO-A", "G-7", "G-6", "G-5", "G-4", "G-3")
NATIONAL_WEIGHTS = (0.04, 0.08, 0.1, 0.1, 0.18, 0.22, 0.18, 0.1)

# Names from several scripts and languages, drawn within one culture at a time so that a
# full name is plausible; outputs are exercised on real-world rosters.
NAME_POOLS = (
    (("Aino", "Mikko", "Elina", "Juha", "Sofia", "Ville"), ("Virtanen", "Korhonen", "Mäkelä", "Nieminen", "Häkkinen")),
    (("Pierre", "Amélie", "Chloé", "Étienne", "Hélène"), ("Dubois", "Lefèvre", "Moreau", "Girard")),
    (("José", "María", "Luis", "Ana", "João", "Inês"), ("García", "Núñez", "Silva", "Santos", "Peña")),
    (("Kwame", "Wanjiru", "Chidi", "Amina", "Grace"), ("Mensah", "Otieno", "Okafor", "Kamau", "Diallo")),
    (("Priya", "Arjun", "David", "Sarah", "Emma"), ("Sharma", "Smith", "Brown", "Patel", "Wilson")),
    (("أحمد", "فاطمة", "عمر", "ليلى"), ("الخطيب", "حداد", "منصور", "العلي")),
    (("Олег", "Наталья", "Дмитрий", "Ольга"), ("Петров", "Смирнова", "Кузнецов", "Иванова")),
    (("小龙", "秀英", "伟", "芳"), ("李", "王", "张", "刘")),
    (("Søren", "Łukasz", "Zeynep", "Đorđe", "Ingrid"), ("Ørsted", "Kowalski", "Yılmaz", "Jovanović", "Lindqvist")),
)  # fmt: skip
POOL_WEIGHTS = (0.2, 0.1, 0.12, 0.14, 0.14, 0.1, 0.08, 0.06, 0.06)


def draw_grades(rng: np.random.Generator, international: np.ndarray) -> np.ndarray:
    """Return a grade per person consistent with their category."""
    n = len(international)
    intl = rng.choice(INTERNATIONAL_GRADES, size=n, p=INTERNATIONAL_WEIGHTS)
    natl = rng.choice(NATIONAL_GRADES, size=n, p=NATIONAL_WEIGHTS)
    return np.where(international, intl, natl)


def draw_names(rng: np.random.Generator, n: int, international: np.ndarray) -> list[str]:
    """Return full names, from several scripts and languages."""
    del international  # names are drawn from the same pools whatever the category
    pools = rng.choice(len(NAME_POOLS), size=n, p=POOL_WEIGHTS)
    first_pick = rng.random(n)
    last_pick = rng.random(n)
    names = []
    for pool, a, b in zip(pools, first_pick, last_pick, strict=True):
        firsts, lasts = NAME_POOLS[pool]
        first, last = firsts[int(a * len(firsts))], lasts[int(b * len(lasts))]
        # Chinese names put the family name first, without a space.
        names.append(f"{last}{first}" if pool == 7 else f"{first} {last}")
    return names


def draw_phones(rng: np.random.Generator, n: int, country: str) -> np.ndarray:
    """Return valid mobile numbers of a country in E.164, varying the example number's tail.

    Every number is checked with ``phonenumbers.is_valid_number``; invalid draws are drawn
    again with a shorter varied tail, and the example number itself is the last resort.
    """
    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        example = phonenumbers.example_number_for_type(
            country, phonenumbers.PhoneNumberType.FIXED_LINE
        )
    if example is None:
        return np.full(n, "", dtype=object)
    national = str(example.national_number)
    numbers = np.full(n, phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    numbers = numbers.astype(object)
    missing = np.arange(n)
    for varied in range(min(6, len(national) - 2), 1, -1):
        if not len(missing):
            break
        prefix = f"+{example.country_code}{national[:-varied]}"
        tails = rng.integers(0, 10**varied, size=len(missing))
        drawn = np.array([f"{prefix}{t:0{varied}d}" for t in tails], dtype=object)
        unique, inverse = np.unique(drawn, return_inverse=True)
        valid = np.array([phonenumbers.is_valid_number(phonenumbers.parse(u)) for u in unique])
        ok = valid[inverse]
        numbers[missing[ok]] = drawn[ok]
        missing = missing[~ok]
    return numbers


def write_nationally(
    rng: np.random.Generator, numbers: np.ndarray, country: str, share: float
) -> np.ndarray:
    """Return the numbers with a ``share`` of them written in the country's national format."""
    out = numbers.copy()
    chosen = np.flatnonzero((out != "") & (rng.random(len(out)) < share))
    for i in chosen:
        parsed = phonenumbers.parse(out[i])
        out[i] = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return out


VEHICLE_MODELS = (
    "Toyota Land Cruiser", "Toyota Hilux", "Nissan Patrol", "Mitsubishi Pajero", "Toyota Corolla",
    "Volkswagen Golf", "Hyundai Tucson", "Skoda Octavia", "Kia Sportage", "Ford Ranger",
)  # fmt: skip
PLATE_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVXYZ"))


def draw_vehicles(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Return "Model ABC-123" for a ``share`` of people and "" for the others."""
    owns = rng.random(n) < share
    models = rng.choice(VEHICLE_MODELS, size=n)
    letters = rng.choice(PLATE_LETTERS, size=(n, 3))
    digits = rng.integers(1, 1000, size=n)
    out = np.full(n, "", dtype=object)
    for i in np.flatnonzero(owns):
        out[i] = f"{models[i]} {''.join(letters[i])}-{digits[i]:03d}"
    return out
