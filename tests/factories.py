"""Factories for tests (factory-boy). Values are valid by default: plates,
VINs with the right check digit, mainland mobiles."""

import itertools
import random
from decimal import Decimal

import factory

from dealership.models import (
    Customer,
    DealerGroup,
    LabourOperation,
    Part,
    Role,
    StaffRole,
    Store,
    Trade,
    User,
    Vehicle,
)
from demo.builder import make_plate, make_vin

_rng = random.Random(7)
_plates = itertools.count()
PASSWORD = "test-pass-123"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealerGroup

    name = factory.Sequence(lambda n: f"测试集团{n}")


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    group = factory.SubFactory(GroupFactory)
    code = factory.Sequence(lambda n: f"S{n:02d}")
    name = factory.Sequence(lambda n: f"测试{n}号店")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    store = factory.SubFactory(StoreFactory)
    group = factory.LazyAttribute(lambda o: o.store.group if o.store else None)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            StaffRole.objects.bulk_create([StaffRole(user=self, role=r) for r in extracted])
        self.save()


def staff(role: str, store: Store, **kwargs) -> User:
    if role == Role.TECHNICIAN:
        kwargs.setdefault("trade", Trade.MECHANICAL)
    return UserFactory(store=store, roles=[role], **kwargs)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静"])
    title = "mr"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    plate = factory.LazyFunction(lambda: make_plate(_rng))
    vin = factory.LazyFunction(lambda: make_vin(_rng, "LSV"))
    make = "大众"
    model = "迈腾"
    mileage = 30000


class LabourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabourOperation

    store = factory.SubFactory(StoreFactory)
    code = factory.Sequence(lambda n: f"L{n:03d}")
    name = "更换前刹车片"
    standard_hours = Decimal("1.0")
    price = Decimal("280.00")


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part
        skip_postgeneration_save = True

    store = factory.SubFactory(StoreFactory)
    number = factory.Sequence(lambda n: f"P{n:05d}")
    name = "前刹车片(套)"
    price = Decimal("680.00")
    on_hand = Decimal("5")
    stock_value = Decimal("2000.00")  # bought at 400.00 apiece

    @factory.post_generation
    def opening(obj, create, extracted, **kwargs):
        """The stock it starts with is in the ledger (supply.ledger.ledger_check)."""
        if create and obj.on_hand:
            from supply.models import StockMove

            StockMove.objects.create(store=obj.store, part=obj, quantity=obj.on_hand, value=obj.stock_value,
                                     kind=StockMove.Kind.OPENING)
