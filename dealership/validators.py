"""Validation of Chinese vehicle identifiers and phone numbers.

VIN: 17 characters, no I, O or Q, and the check digit in position 9 computed
as in ISO 3779 / GB 16735 (transliteration, weights 8-7-6-5-4-3-2-10-0-9-…,
sum mod 11, 10 written as X).

Plates (GB 36/GA 36): a province abbreviation, the issuing office letter, and
five characters; new-energy plates have six (8 characters in all): small cars
carry D/A/B/C/E (battery) or F/G/H/J/K (hybrid) in third place, large vehicles
carry it last.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_VIN_TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_OFFICE = "A-HJ-NP-Z"
_ALNUM = "A-HJ-NP-Z0-9"
_NEV = "DABCEFGHJK"
_PLATE_RES = (
    # ordinary blue/yellow plates, with the special last characters
    re.compile(rf"^[{PROVINCES}][{_OFFICE}][{_ALNUM}]{{4}}[{_ALNUM}挂学警港澳]$"),
    # small new-energy vehicle: 粤B D12345 / 粤B DF1234
    re.compile(rf"^[{PROVINCES}][{_OFFICE}][{_NEV}][{_ALNUM}]\d{{4}}$"),
    # large new-energy vehicle: 粤B 12345D
    re.compile(rf"^[{PROVINCES}][{_OFFICE}]\d{{5}}[{_NEV}]$"),
)
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_vin(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def vin_check_digit(vin: str) -> str:
    total = sum(_VIN_TRANSLITERATION[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(value: str) -> None:
    vin = normalize_vin(value)
    if len(vin) != 17:
        raise ValidationError(_("A VIN has 17 characters; this one has %(n)d."),
                              code="vin_length", params={"n": len(vin)})
    if not _VIN_RE.match(vin):
        raise ValidationError(_("A VIN uses only digits and capital letters other than I, O and Q."),
                              code="vin_chars")
    if vin[8] != vin_check_digit(vin):
        raise ValidationError(_("This VIN's check digit (9th character) is wrong: please check it against the registration certificate."),
                              code="vin_check_digit")


def normalize_plate(value: str) -> str:
    return re.sub(r"[\s·•.\-]", "", value or "").upper()


def validate_plate(value: str) -> None:
    plate = normalize_plate(value)
    if not any(r.match(plate) for r in _PLATE_RES):
        raise ValidationError(
            _("“%(plate)s” is not a valid Chinese plate (e.g. 粤A12345, or 粤AD12345 for a new-energy car)."),
            code="plate", params={"plate": value})


def normalize_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(_("A mainland mobile number has 11 digits and starts with 13–19."),
                              code="mobile")
