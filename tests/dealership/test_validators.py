"""VIN (ISO 3779 / GB 16735 check digit), Chinese plates and mobiles."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dealership.validators import (
    normalize_plate,
    validate_mobile,
    validate_plate,
    validate_vin,
    vin_check_digit,
)


def test_it_accepts_a_vin_with_the_right_check_digit():
    validate_vin("1M8GDM9AXKP042788")
    validate_vin("1m8gdm9axkp042788")  # normalised to capitals


def test_it_computes_the_check_digit_x_for_remainder_ten():
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"


@pytest.mark.parametrize("vin, code", [
    ("1M8GDM9A1KP042788", "vin_check_digit"),
    ("1M8GDM9AXKP04278", "vin_length"),
    ("1M8GDM9AXKP0427888", "vin_length"),
    ("IM8GDM9AXKP042788", "vin_chars"),   # I is not allowed
    ("1M8GDM9AXKP04278O", "vin_chars"),   # O is not allowed
    ("1M8GDM9AXKQ042788", "vin_chars"),   # Q is not allowed
])
def test_it_refuses_a_bad_vin_with_a_clear_reason(vin, code):
    with pytest.raises(ValidationError) as exc:
        validate_vin(vin)
    assert exc.value.code == code


@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=17, max_size=17))
def test_any_vin_with_its_computed_check_digit_is_valid(body):
    vin = body[:8] + vin_check_digit(body) + body[9:]
    validate_vin(vin)
    wrong = "0" if vin[8] != "0" else "1"
    with pytest.raises(ValidationError):
        validate_vin(vin[:8] + wrong + vin[9:])


@pytest.mark.parametrize("plate", [
    "粤A12345", "京N8P8F8", "沪AD12345", "粤BDF1234", "粤B12345D", "苏E1234学", "粤Z1234港",
    "粤a 12345", "粤A·12345",
])
def test_it_accepts_chinese_plates_including_new_energy(plate):
    validate_plate(plate)


@pytest.mark.parametrize("plate", [
    "", "A12345", "粤112345", "粤AI2345", "粤A1234", "粤A1234567", "XX12345", "粤AO1234", "粤AD123",
    "<script>", "粤A12345D6",
])
def test_it_refuses_malformed_plates(plate):
    with pytest.raises(ValidationError):
        validate_plate(plate)


def test_it_normalises_plates():
    assert normalize_plate(" 粤a·12345 ") == "粤A12345"


@pytest.mark.parametrize("mobile", ["13912345678", "+86 139 1234 5678", "199-1234-5678"])
def test_it_accepts_mainland_mobiles(mobile):
    validate_mobile(mobile)


@pytest.mark.parametrize("mobile", ["12912345678", "1391234567", "139123456789", "abc", ""])
def test_it_refuses_other_numbers(mobile):
    with pytest.raises(ValidationError):
        validate_mobile(mobile)
