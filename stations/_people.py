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

# Names from several scripts and languages, drawn within one culture (and, where surnames
# agree with gender, one gender) at a time so that a full name is plausible. Each pool:
# (weight, family name first, given names, family names).
NAME_POOLS = (
    (0.16, False, ("Aino", "Mikko", "Elina", "Juha", "Sofia", "Ville"), ("Virtanen", "Korhonen", "Mäkelä", "Nieminen", "Häkkinen")),
    (0.10, False, ("Pierre", "Amélie", "Chloé", "Étienne", "Hélène"), ("Dubois", "Lefèvre", "Moreau", "Girard")),
    (0.12, False, ("José", "María", "Luis", "Ana", "João", "Inês"), ("García", "Núñez", "Silva", "Santos", "Peña")),
    (0.14, False, ("Kwame", "Wanjiru", "Chidi", "Amina", "Grace"), ("Mensah", "Otieno", "Okafor", "Kamau", "Diallo")),
    (0.14, False, ("Priya", "Arjun", "David", "Sarah", "Emma"), ("Sharma", "Smith", "Brown", "Patel", "Wilson")),
    (0.10, False, ("أحمد", "فاطمة", "عمر", "ليلى"), ("الخطيب", "حداد", "منصور", "العلي")),
    (0.04, False, ("Олег", "Дмитрий", "Сергей"), ("Петров", "Кузнецов", "Смирнов")),
    (0.04, False, ("Наталья", "Ольга", "Анна"), ("Петрова", "Кузнецова", "Смирнова")),
    (0.06, True, ("小龙", "秀英", "伟", "芳"), ("李", "王", "张", "刘")),
    (0.03, False, ("Søren", "Ingrid", "Mette"), ("Ørsted", "Lindqvist", "Sørensen")),
    (0.02, False, ("Łukasz", "Agnieszka", "Paweł"), ("Kowalski", "Wiśniewski", "Zieliński")),
    (0.03, False, ("Zeynep", "Emre", "Ayşe"), ("Yılmaz", "Öztürk", "Çelik")),
    (0.02, False, ("Đorđe", "Jelena", "Miloš"), ("Jovanović", "Petrović", "Đukić")),
)  # fmt: skip


def draw_grades(rng: np.random.Generator, international: np.ndarray) -> np.ndarray:
    """Return a grade per person consistent with their category."""
    n = len(international)
    intl = rng.choice(INTERNATIONAL_GRADES, size=n, p=INTERNATIONAL_WEIGHTS)
    natl = rng.choice(NATIONAL_GRADES, size=n, p=NATIONAL_WEIGHTS)
    return np.where(international, intl, natl)


def draw_names(rng: np.random.Generator, n: int) -> list[str]:
    """Return full names, from several scripts and languages."""
    weights = np.array([pool[0] for pool in NAME_POOLS])
    pools = rng.choice(len(NAME_POOLS), size=n, p=weights / weights.sum())
    first_pick = rng.random(n)
    last_pick = rng.random(n)
    names = []
    for pool, a, b in zip(pools, first_pick, last_pick, strict=True):
        _, family_first, firsts, lasts = NAME_POOLS[pool]
        first, last = firsts[int(a * len(firsts))], lasts[int(b * len(lasts))]
        # Chinese names put the family name first, without a space.
        names.append(f"{last}{first}" if family_first else f"{first} {last}")
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
    zeros = "0" * (example.number_of_leading_zeros or 1) if example.italian_leading_zero else ""
    numbers = np.full(n, phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    numbers = numbers.astype(object)
    missing = np.arange(n)
    for varied in range(min(6, len(national) - 2), 1, -1):
        if not len(missing):
            break
        head = int(national[:-varied]) * 10**varied
        unique, inverse = np.unique(
            head + rng.integers(0, 10**varied, size=len(missing)), return_inverse=True
        )
        valid = np.array([_valid(example, int(u)) for u in unique])
        ok = valid[inverse]
        numbers[missing[ok]] = [f"+{example.country_code}{zeros}{u}" for u in unique[inverse[ok]]]
        missing = missing[~ok]
    return numbers


def _valid(example: phonenumbers.PhoneNumber, national_number: int) -> bool:
    """Tell whether the example number with another national number is valid."""
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code,
        national_number=national_number,
        italian_leading_zero=example.italian_leading_zero,
        number_of_leading_zeros=example.number_of_leading_zeros,
    )
    return bool(phonenumbers.is_valid_number(number))


def write_nationally(rng: np.random.Generator, numbers: np.ndarray, share: float) -> np.ndarray:
    """Return E.164 numbers with a ``share`` of them written in their national format."""
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
