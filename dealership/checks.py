"""System check: warn when printed Chinese would come out as empty boxes."""

import shutil
import subprocess

from django.core.checks import Warning, register

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
