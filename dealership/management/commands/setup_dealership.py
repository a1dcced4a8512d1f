"""The first run of a real dealership (issue 18): the dealer group, its first store and that store's after-sales
manager, on an empty database. The manager then signs in and is led through the setup checklist
(dealership.readiness) before the first booking.

    manage.py setup_dealership                       # asks for each value
    echo "$PASSWORD" | manage.py setup_dealership --no-input --group 粤通集团 --store 天河店 --store-code TH \\
        --manager-username huang --manager-name 黄经理 --password-stdin

Everything is checked before anything is written, and written in one transaction. Run again with the same values
it changes nothing and says so; with a group already there it refuses unless --add-store."""

import getpass
import os
import re
import sys
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations
from django.db import transaction

from dealership.models import DealerGroup, Role, StaffRole, Store, User
from dealership.readiness import requirements

PASSWORD_ENV = "DEALERSHIP_MANAGER_PASSWORD"
CODE = re.compile(r"^[A-Z0-9]{1,10}$")
MAX = {"group": DealerGroup._meta.get_field("name").max_length, "store": Store._meta.get_field("name").max_length,
       "manager_name": User._meta.get_field("display_name").max_length}


@dataclass
class Values:
    group: str
    store: str
    store_code: str
    manager_username: str
    manager_name: str


PROMPTS = [
    ("group", "Dealer group name"), ("store", "First store name"),
    ("store_code", "Store code (letters and digits, up to 10; starts every work order number)"),
    ("manager_username", "After-sales manager's login name"), ("manager_name", "After-sales manager's name"),
]


class Command(BaseCommand):
    help = ("Create the dealer group, its first store and that store's after-sales manager on an empty database "
            "(or, with --add-store, another store of the group).")
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument("--group", help="dealer group name")
        parser.add_argument("--store", help="store name")
        parser.add_argument("--store-code", help="short store code, e.g. TH (upper-case letters and digits)")
        parser.add_argument("--manager-username", help="the after-sales manager's login name")
        parser.add_argument("--manager-name", help="the after-sales manager's name as staff read it")
        parser.add_argument("--password-stdin", action="store_true",
                            help=f"read the manager's password from the first line of stdin (else ${PASSWORD_ENV}, "
                                 "else asked twice)")
        parser.add_argument("--add-store", action="store_true",
                            help="add a store (with its manager) to the existing dealer group")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="never ask: a missing value is an error")

    @no_translations
    def handle(self, *args, **options) -> None:
        stdin = options.get("stdin") or sys.stdin  # call_command(stdin=...) in tests
        interactive = options["interactive"] and stdin.isatty() and not options["password_stdin"]
        values = Values(**{key: self._value(options, key, label, interactive) for key, label in PROMPTS})
        self._check_values(values)
        group = DealerGroup.objects.filter(name=values.group).first()
        if self._already_done(values, group):
            self.stdout.write(f"Already set up: store {values.store_code} ({values.store}) of {values.group} with "
                              f"manager {values.manager_username}. Nothing changed.")
            return
        self._check_database(values, group, add_store=options["add_store"])
        password = self._password(options, values, interactive)
        with transaction.atomic():
            group = group or DealerGroup.objects.create(name=values.group)
            store = Store.objects.create(group=group, name=values.store, code=values.store_code,
                                         setup_pending=True)
            manager = User(username=values.manager_username, display_name=values.manager_name, store=store,
                           group=group)
            manager.set_password(password)
            manager.save()
            StaffRole.objects.create(user=manager, role=Role.AFTERSALES_MANAGER)
        self.stdout.write(self.style.SUCCESS(
            f"Created store {store.code} ({store.name}) of {group.name}, with after-sales manager "
            f"{manager.username} ({manager.display_name})."))
        self.stdout.write("Next: the manager signs in and is led through the setup checklist. Before the first "
                          "booking the store needs:")
        for requirement in requirements():
            self.stdout.write(f"  - {requirement.missing}")

    def _value(self, options: dict, key: str, label: str, interactive: bool) -> str:
        value = options.get(key)
        if value is None and interactive:
            value = input(f"{label}: ")
        value = (value or "").strip()
        if not value:
            raise CommandError(f"{label} is missing: give --{key.replace('_', '-')}.")
        return value

    def _check_values(self, v: Values) -> None:
        errors = [f"{label} is longer than {MAX[key]} characters." for key, label in PROMPTS
                  if key in MAX and len(getattr(v, key)) > MAX[key]]
        if not CODE.match(v.store_code):
            errors.append(f"Store code {v.store_code!r}: use 1 to 10 upper-case letters or digits (e.g. TH).")
        try:
            User.username_validator(v.manager_username)
            if len(v.manager_username) > User._meta.get_field("username").max_length:
                raise ValidationError("too long")
        except ValidationError:
            errors.append(f"Login name {v.manager_username!r}: use up to 150 letters, digits and @ . + - _ only.")
        if errors:
            raise CommandError("\n".join(errors))

    def _already_done(self, v: Values, group: DealerGroup | None) -> bool:
        """Run twice with the same values: the same group, store and manager are there."""
        if group is None:
            return False
        return User.objects.filter(
            username=v.manager_username, display_name=v.manager_name, store__code=v.store_code,
            store__name=v.store, store__group=group, staff_roles__role=Role.AFTERSALES_MANAGER).exists()

    def _check_database(self, v: Values, group: DealerGroup | None, *, add_store: bool) -> None:
        groups = list(DealerGroup.objects.order_by("name").values_list("name", flat=True))
        if groups and not add_store:
            raise CommandError(
                f"This database already has a dealer group ({', '.join(groups)}): this command sets up the first "
                "one. To add a store to it, run it again with --add-store.")
        if add_store and group is None:
            raise CommandError(
                f"There is no dealer group named {v.group!r} to add a store to"
                + (f" (there is: {', '.join(groups)})." if groups else "; run without --add-store first."))
        taken = Store.objects.filter(code=v.store_code).first()
        if taken:
            raise CommandError(f"Store code {v.store_code} is already used by {taken.name}: choose another code.")
        if User.objects.filter(username__iexact=v.manager_username).exists():
            raise CommandError(f"The login name {v.manager_username!r} is already taken: choose another one.")

    def _password(self, options: dict, v: Values, interactive: bool) -> str:
        if options["password_stdin"]:
            password = (options.get("stdin") or sys.stdin).readline().rstrip("\r\n")
        elif os.environ.get(PASSWORD_ENV):
            password = os.environ[PASSWORD_ENV]
        elif interactive:
            password = getpass.getpass("Manager's password: ")
            if password != getpass.getpass("The same password again: "):
                raise CommandError("The two passwords differ. Nothing was written.")
        else:
            raise CommandError(f"The manager's password is missing: give --password-stdin or set {PASSWORD_ENV}.")
        if not password:
            raise CommandError("The manager's password is empty. Nothing was written.")
        try:
            validate_password(password, user=User(username=v.manager_username, display_name=v.manager_name))
        except ValidationError as exc:
            raise CommandError("The manager's password is too weak: " + " ".join(exc.messages)
                               + " Nothing was written.") from exc
        return password
