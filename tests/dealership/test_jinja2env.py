"""The helpers of the Jinja2 list fragments read as the template language's."""

from datetime import UTC

import pytest


@pytest.mark.parametrize("fmt", ["m-d H:i", "Y-m-d", "H:i", "m-d", "Y年m月d日", "D m-d", "N j, Y"])
def test_the_jinja2_date_filter_reads_as_djangos(fmt, settings):
    """The list fragments in Jinja2 (dealership/jinja2env.py) format dates as |date does."""
    from datetime import datetime

    from django.template.defaultfilters import date as django_date
    from django.utils import translation
    from django.utils.timezone import localtime

    from dealership.jinja2env import date

    moment = datetime(2026, 11, 27, 1, 5, tzinfo=UTC)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert date(moment, fmt) == django_date(localtime(moment), fmt), (language, fmt)
