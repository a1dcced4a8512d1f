"""Suppliers and each part's supply settings (issue 19): who the parts come
from, how long they take, and how each part is kept in stock."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dealership.errors import ProcessError
from dealership.models import Part, Role, Store, User

from .ledger import quantity_check
from .models import PartSupply, Supplier

# Who buys parts for the store: the parts department and the after-sales manager.
PURCHASERS = (Role.PARTS_CLERK, Role.PARTS_MANAGER, Role.AFTERSALES_MANAGER)
MAX_LEAD_DAYS = 90


def purchaser_check(actor: User, store_id: int) -> None:
    """Only the store's parts department (and its after-sales manager) buys and sets up suppliers."""
    if not actor.has_role(*PURCHASERS) or actor.store_id != store_id:
        raise ProcessError(_("Only the parts department of this store orders parts and keeps its suppliers."))


def supplier_save(*, actor: User, store: Store, name: str, kind: str = Supplier.Kind.MAKER, lead_days: int = 2,
                  contact: str = "", phone: str = "", email: str = "", active: bool = True,
                  supplier: Supplier | None = None) -> Supplier:
    """Add a supplier to the store, or change one (`supplier`). Names are unique in the store."""
    purchaser_check(actor, store.pk)
    if supplier is not None and supplier.store_id != store.pk:
        raise ProcessError(_("This supplier belongs to another store."))
    name = (name or "").strip()
    if not name:
        raise ProcessError(_("Give the supplier's name."), field="name")
    if kind not in Supplier.Kind.values:
        raise ProcessError(_("Choose the kind of supplier."), field="kind")
    try:
        lead_days = int(lead_days)
    except (TypeError, ValueError):
        raise ProcessError(_("Enter the lead time as a whole number of days."), field="lead_days") from None
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise ProcessError(_("The lead time is between 0 and %(max)s days.") % {"max": MAX_LEAD_DAYS},
                           field="lead_days")
    if Supplier.objects.filter(store=store, name=name).exclude(pk=supplier.pk if supplier else None).exists():
        raise ProcessError(_("There is already a supplier called %(name)s.") % {"name": name}, field="name")
    row = supplier or Supplier(store=store)
    row.name, row.kind, row.lead_days = name[:100], kind, lead_days
    row.contact, row.phone, row.email, row.active = contact.strip()[:50], phone.strip()[:30], email.strip(), active
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # the same name saved by someone else at the same moment
        raise ProcessError(_("There is already a supplier called %(name)s.") % {"name": name},
                           field="name") from None
    return row


def _min_stock_check(part: Part, value) -> Decimal:
    try:
        value = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise ProcessError(_("Enter the quantity as a number."), field="min_stock") from None
    if value.is_finite() and value == 0:
        return Decimal(0)
    if value.is_finite() and value < 0:
        raise ProcessError(_("The minimum stock cannot be below zero."), field="min_stock")
    return quantity_check(part, value, field="min_stock")


def part_supply_save(*, actor: User, part: Part, supplier: Supplier | None, location: str = "",
                     min_stock=Decimal(0), order_quantity=Decimal(1)) -> PartSupply:
    """How the part is kept: its usual supplier, where it lies, the minimum
    stock under which it is ordered, and the multiple it is ordered in (whole
    for parts counted in pieces)."""
    purchaser_check(actor, part.store_id)
    if supplier is not None and supplier.store_id != part.store_id:
        raise ProcessError(_("This supplier belongs to another store."), field="supplier")
    min_stock = _min_stock_check(part, min_stock)
    order_quantity = quantity_check(part, order_quantity, field="order_quantity")
    with transaction.atomic():
        row, _created = PartSupply.objects.select_for_update().get_or_create(
            part=part, defaults={"store_id": part.store_id})
        row.supplier, row.location = supplier, (location or "").strip()[:20]
        row.min_stock, row.order_quantity = min_stock, order_quantity
        row.save(update_fields=["supplier", "location", "min_stock", "order_quantity"])
    return row
