"""Finding or creating the customer and the car at booking and walk-in."""

from django.urls import reverse

from dealership.models import Customer, Role, Vehicle
from dealership.services import customer_vehicle_get_or_create

from ..conftest import login
from ..factories import VehicleFactory


def get_or_create(store, **kw):
    data = dict(store=store, plate="粤A12345", vin="1M8GDM9AXKP042788", make="大众", model="迈腾",
                customer_name="张伟", mobile="13912345678")
    data.update(kw)
    return customer_vehicle_get_or_create(**data)


def test_a_known_car_with_the_owners_mobile_keeps_its_record(store):
    car = VehicleFactory(store=store)
    customer, vehicle, notes = get_or_create(store, plate=car.plate, vin=car.vin, customer_name=car.customer.name,
                                             mobile=car.customer.mobile)
    assert (customer, vehicle, notes) == (car.customer, car, [])


def test_a_known_car_with_another_mobile_moves_to_its_new_owner_and_says_so(store):
    car = VehicleFactory(store=store)
    old_owner = car.customer
    customer, vehicle, notes = get_or_create(store, plate=car.plate, vin=car.vin, customer_name="李四",
                                             mobile="13900001111")
    assert vehicle == car and customer.name == "李四" and customer != old_owner
    assert Vehicle.objects.get(pk=car.pk).customer == customer
    assert len(notes) == 1 and car.plate in notes[0]
    assert Customer.objects.filter(pk=old_owner.pk).exists()  # nothing is deleted


def test_a_new_spelling_of_a_known_customers_name_is_kept_and_reported(store):
    car = VehicleFactory(store=store)
    customer, _, notes = get_or_create(store, plate=car.plate, vin=car.vin, customer_name="张伟伟",
                                       mobile=car.customer.mobile)
    assert Customer.objects.get(pk=customer.pk).name == "张伟伟" and len(notes) == 1


def test_the_lookup_fills_the_car_fields_from_the_record(team):
    car = VehicleFactory(store=team.store)
    response = login(team[Role.APPOINTMENT_AGENT]).get(reverse("dealership:car_lookup"), {"car-plate": car.plate})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{car.vin}"' in html and f'value="{car.customer.mobile}"' in html
    assert 'data-testid="car-on-record"' in html


def test_the_lookup_leaves_the_fields_alone_for_an_unknown_car(team):
    response = login(team[Role.APPOINTMENT_AGENT]).get(
        reverse("dealership:car_lookup"), {"car-plate": "粤B99999", "car-customer_name": "赵六"})
    assert response.status_code == 204


def test_the_lookup_keeps_the_customer_typed_when_only_the_car_is_known(team):
    from ..factories import CustomerFactory

    car = VehicleFactory(store=team.store)
    html = login(team[Role.APPOINTMENT_AGENT]).get(reverse("dealership:car_lookup"), {
        "car-plate": car.plate, "car-customer_name": "赵六"}).content.decode()
    assert car.customer.name in html  # the record's owner is shown; a different mobile means a new owner
    assert CustomerFactory


def test_the_lookup_never_shows_another_stores_car(team, other_team):
    car = VehicleFactory(store=other_team.store)
    response = login(team[Role.APPOINTMENT_AGENT]).get(reverse("dealership:car_lookup"), {"car-plate": car.plate})
    assert response.status_code == 204 and car.vin not in response.content.decode()


def test_the_lookup_by_mobile_fills_the_customer_and_lists_their_cars(team):
    car = VehicleFactory(store=team.store)
    html = login(team[Role.APPOINTMENT_AGENT]).get(reverse("dealership:car_lookup"), {
        "car-plate": "粤B77777", "car-mobile": car.customer.mobile}).content.decode()
    assert f'value="{car.customer.name}"' in html and 'value="粤B77777"' in html
    assert 'data-testid="customer-on-record"' in html and car.plate in html


def test_a_booking_form_left_at_its_defaults_does_not_undo_the_customers_choices(store):
    from dealership.models import Customer

    car = VehicleFactory(store=store)
    Customer.objects.filter(pk=car.customer_id).update(consent_to_messages=True, board_display="plate")
    customer, _, _ = get_or_create(store, plate=car.plate, vin=car.vin, customer_name=car.customer.name,
                                   mobile=car.customer.mobile)
    customer.refresh_from_db()
    assert customer.consent_to_messages and customer.board_display == "plate"
