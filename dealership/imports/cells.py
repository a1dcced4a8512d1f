"""How one cell is read: each parser takes the cell as text (a date cell of an .xlsx as 2024-03-31) and returns the value, or
raises ValidationError with a message for the report. The project's validators say what a mobile, a plate and a
VIN are; a date may come as text, as a date cell, or as Excel's serial number (45292 is 2024-01-01)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ..validators import (
    normalize_mobile,
    normalize_plate,
    normalize_vin,
    validate_mobile,
    validate_plate,
    validate_vin,
)

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Column:
    """A column of an import: its key in the cleaned row, its header in Chinese and English (either is accepted, as
    is the key), whether a value is required, how a cell is read, the example of the template."""

    key: str
    zh: str
    en: str
    parse: Parser
    required: bool = False
    example: Any = ""
    default: Any = ""
    help: str | Promise = field(default="")

    def names(self) -> set[str]:
        return {header_key(self.zh), header_key(self.en), header_key(self.key)}


def header_key(text: str) -> str:
    """A header as compared: without spaces, the required-marker * and case; full-width brackets as ASCII."""
    text = str(text).translate(str.maketrans("（）：", "():"))
    return re.sub(r"[\s*＊_]+", "", text).lower()


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def text(max_length: int) -> Parser:
    def parse(value: Any) -> str:
        value = str(value).strip()
        if len(value) > max_length:
            raise ValidationError(_("At most %(n)d characters (this has %(len)d).")
                                  % {"n": max_length, "len": len(value)})
        return value
    return parse


def mobile(value: Any) -> str:
    number = normalize_mobile(str(value).strip())
    validate_mobile(number)
    return number


def plate(value: Any) -> str:
    value = normalize_plate(str(value).strip())
    validate_plate(value)
    return value


def vin(value: Any) -> str:
    value = normalize_vin(str(value))
    validate_vin(value)
    return value


def decimal(*, places: int = 2, maximum: Decimal = Decimal("99999999.99")) -> Parser:
    def parse(value: Any) -> Decimal:
        cleaned = re.sub(r"[\s,，¥￥元]", "", str(value))
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(_("Not a number.")) from None
        if not number.is_finite() or number < 0:
            raise ValidationError(_("A number of 0 or more."))
        if number > maximum:
            raise ValidationError(_("At most %(max)s.") % {"max": maximum})
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise ValidationError(_("At most %(n)d decimal places.") % {"n": places})
        return number.quantize(Decimal(1).scaleb(-places))
    return parse


def integer(*, minimum: int = 0, maximum: int = 9_999_999) -> Parser:
    def parse(value: Any) -> int:
        cleaned = re.sub(r"[\s,，]|km$|公里$", "", str(value).lower())
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(_("Not a whole number.")) from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValidationError(_("Not a whole number."))
        if not minimum <= number <= maximum:
            raise ValidationError(_("Between %(min)d and %(max)d.") % {"min": minimum, "max": maximum})
        return int(number)
    return parse


_YES = {"是", "y", "yes", "true", "1", "√", "✓", "同意", "有", "t"}
_NO = {"否", "n", "no", "false", "0", "×", "不同意", "无", "f"}


def boolean(value: Any) -> bool:
    word = str(value).strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValidationError(_("Write 是 or 否 (yes or no)."))


def choice(options: Mapping[str, str], labels: Mapping[str, Any]) -> Parser:
    """A value of `options` (value → words that name it, beside the value and its label in `labels`)."""
    words: dict[str, str] = {}
    for value, label in labels.items():
        words[str(value).lower()] = value
        words[str(label).lower()] = value
    for value, names in options.items():
        for name in names.split("|"):
            words[name.lower()] = value

    def parse(cell: Any) -> str:
        word = str(cell).strip().lower()
        if word in words:
            return words[word]
        raise ValidationError(_("One of: %(choices)s.") % {"choices": "、".join(
            options[v].split("|")[0] if v in options else str(labels[v]) for v in labels)})
    return parse


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%Y-%m-%d %H:%M:%S",
                 "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M")


def a_date(value: Any) -> date:
    word = str(value).strip()
    if re.fullmatch(r"\d{1,5}(\.\d+)?", word) and not re.fullmatch(r"\d{8}", word):
        # Excel's serial number (days since 1899-12-30): a date cell that lost its format, or a CSV saved so
        serial = float(word)
        if 1 <= serial < 2958466:
            converted = from_excel(serial)
            return converted.date() if isinstance(converted, datetime) else converted
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("Not a date: write it as 2024-03-31."))


def clean_cell(column: Column, value: str) -> Any:
    """The value of one cell, or ValidationError."""
    if value.lstrip().startswith("="):
        # a formula (openpyxl gives its text) or a CSV cell that a spreadsheet would run as one (CSV injection)
        raise ValidationError(_("A formula is not imported: copy the column and paste it as values."))
    if not value.strip():
        if column.required:
            raise ValidationError(_("A value is required."))
        return column.default
    try:
        return column.parse(value)
    except ValidationError as exc:
        raise ValidationError(_message(exc)) from None
