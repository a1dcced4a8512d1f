"""Simplified Chinese by default, English available, nothing untranslated."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from dealership.models import Role

from .conftest import login

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the source tree finds no new, untranslated string."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext is a developer tool, not part of the set-up; CI installs it")
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(
        ".venv", "var", ".git", "static", "tests", "scripts", "__pycache__", "*.mo", "node_modules"))
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"],
                   cwd=copy, check=True, capture_output=True,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "dealership.settings",
                        "DEALERSHIP_VAR_DIR": str(tmp_path / "var")})
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()] == []


def test_the_interface_is_chinese_by_default_and_english_on_request(team):
    client = login(team[Role.SERVICE_ADVISOR])
    assert "顾问工作台" in client.get(reverse("reception:desk")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Advisor desk" in client.get(reverse("reception:desk")).content.decode()


def test_the_login_page_has_the_language_switch(client):
    html = client.get(reverse("login")).content.decode()
    assert 'value="zh-hans"' in html and 'value="en"' in html


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client):
    assert "登录" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    client.cookies["django_language"] = "en"
    assert "Log in" in client.get(reverse("login")).content.decode()


def test_the_timeline_and_tasks_read_in_each_readers_language(order_in, team):
    """System text is stored as a message id and translated when shown, so an
    English reader does not see Chinese notes written by a Chinese user."""
    from django.utils import translation

    order = order_in("qc_passed")
    with translation.override("zh-hans"):  # the actions were taken in Chinese
        pass
    advisor = team[Role.SERVICE_ADVISOR]
    zh = login(advisor).get(reverse("dealership:order", args=[order.pk])).content.decode()
    en = login(advisor, language="en").get(reverse("dealership:order", args=[order.pk])).content.decode()
    assert "质检通过。" in zh and "QC passed." not in zh
    assert "QC passed." in en and "质检通过。" not in en
    desk_en = login(advisor, language="en").get(reverse("reception:desk")).content.decode()
    assert "take over" in desk_en
