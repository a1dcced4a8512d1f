"""Uploads are never served as HTML: a page disguised as a photo is refused
when it is uploaded, and a real photo is served only as an image, sandboxed,
to staff of its own store."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image

from dealership.models import Role
from reception.services import walkaround_record
from reception.walkaround import photo_add

from ..conftest import login
from ..reception.test_signing import WALKAROUND
from ..refusals import refused_saying


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def walkaround(draft_order, advisor):
    return walkaround_record(work_order=draft_order, actor=advisor, mileage=draft_order.vehicle.mileage, checks=[],
                             **WALKAROUND)


@pytest.mark.parametrize("name, content", [
    ("photo.png", b"<html><script>alert(1)</script></html>"),
    ("photo.jpg", b"\x89PNG\r\n\x1a\n<script>alert(1)</script>"),
    ("photo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
])
def test_a_page_disguised_as_a_photo_is_refused(walkaround, advisor, name, content):
    with refused_saying(_("That file is not a photo (JPEG, PNG or WebP).")):
        photo_add(walkaround=walkaround, actor=advisor, upload=SimpleUploadedFile(name, content,
                                                                                   content_type="image/png"))


def test_a_photo_is_served_as_a_sandboxed_image_to_its_store_only(walkaround, advisor, team, other_team):
    photo = photo_add(walkaround=walkaround, actor=advisor, upload=SimpleUploadedFile("p.png", png()))
    response = login(team[Role.SERVICE_ADVISOR]).get(reverse("reception:photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert login(other_team[Role.SERVICE_ADVISOR]).get(reverse("reception:photo", args=[photo.pk])).status_code == 404
