"""makemessages that also extracts N_("…"): system text stored in the
database as a message id (dealership.messages) and translated when shown."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
