"""System checks: warn when printed Chinese would come out as empty boxes, and (deployment) when the links
sent to customers would not be https."""

import shutil
import subprocess
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .printing import BUNDLED_FONTS


def cjk_font_available() -> bool:
    if all(p.exists() for p in BUNDLED_FONTS.values()):
        return True
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                         timeout=10).stdout
    return bool(out.strip())


@register()
def check_cjk_font(app_configs, **kwargs):
    if cjk_font_available():
        return []
    return [Warning(
        "No CJK font found: Chinese text in printed documents will show as empty boxes.",
        hint="Restore static/fonts/NotoSansSC-*.ttf or install fonts-wqy-zenhei "
             "(apt-get install fonts-wqy-zenhei).",
        id="dealership.W001",
    )]


@register(Tags.security, deploy=True)
def check_public_base_url(app_configs, **kwargs):
    """Customers open the links in SMS and WeChat messages from outside the dealership: the address must be the
    public https one, not the development default nor plain http (issue 16)."""
    url = urlsplit(settings.PUBLIC_BASE_URL)
    if url.scheme == "https" and url.hostname:
        return []
    return [Warning(
        f"PUBLIC_BASE_URL ({settings.PUBLIC_BASE_URL!r}) is not an https:// address: the links sent to customers "
        "(booking answers, documents, surveys, the gate pass code) would travel in the clear or not open at all.",
        hint="Set PUBLIC_BASE_URL to the address customers reach the system at, "
             "e.g. https://aftersales.example.com, for the web app and the Celery worker.",
        id="dealership.W002",
    )]
