"""No link leads to a page its reader may not open (issue 16: a parts clerk's
task opened the appointment page, a foreman's order page linked the QC page,
the agent's appointments page the capacity page: each a 403). Every link that
the walk of every page as every role found is checked against the role check
of the page it points to, so a link added later is checked too."""

from collections import defaultdict

from django.urls import reverse

from dealership.access import may_open
from dealership.models import Role

from ...conftest import login


def test_every_link_on_every_page_opens_for_the_person_who_sees_it(crawled, db):
    assert len(crawled.links) > 500  # the walk saw the pages of every role
    refused = defaultdict(set)
    for role, page, href in crawled.links:
        if not may_open(crawled.team[role], href):
            refused[role].add(f"{href} (on {page})")
    assert not refused, {role: sorted(links)[:10] for role, links in refused.items()}


def test_may_open_answers_as_the_page_does(crawled, db):
    """The check the links rely on agrees with what the pages answer."""
    order = crawled.records["orders"][0]
    for role in (Role.PARTS_CLERK, Role.FOREMAN, Role.APPOINTMENT_AGENT, Role.WARRANTY_ASSESSOR):
        user = crawled.team[role]
        client = login(user)
        for url in (reverse("appointments:capacity"), reverse("appointments:parts"),
                    reverse("settlement:order", args=[order]), reverse("reception:order", args=[order]),
                    reverse("dealership:order", args=[order])):
            status = client.get(url).status_code
            assert (status != 403) == may_open(user, url), (role, url, status)
