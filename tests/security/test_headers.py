"""Production settings pass Django's deployment check; every page carries a
Content Security Policy without inline scripts, and the other browser
protections; no template has an inline script or event handler the policy
would block (the browser tests run the pages under it)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from dealership.models import Role

from ..conftest import login

ROOT = Path(settings.BASE_DIR)


def production(**overrides: str | None) -> dict[str, str]:
    """The environment of a production process (`None` leaves a variable out)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for the browser tests
    env.update({"DJANGO_PRODUCTION": "1", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
                "PUBLIC_BASE_URL": "https://aftersales.example.com", "DJANGO_SETTINGS_MODULE": "dealership.settings"})
    for name, value in overrides.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return env


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=env, capture_output=True, text=True)


def test_production_settings_pass_the_deployment_check_without_warnings():
    out = deploy_check(production())
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key():
    out = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production(DJANGO_SECRET_KEY=None),
                         capture_output=True, text=True)
    assert out.returncode != 0 and "DJANGO_SECRET_KEY" in out.stderr


def test_production_refuses_to_start_without_the_public_address():
    """Without it, the links sent to customers (booking answers, documents, surveys) would point at
    http://127.0.0.1:8000, the development default (issue 16)."""
    out = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=production(PUBLIC_BASE_URL=None),
                         capture_output=True, text=True)
    assert out.returncode != 0 and "PUBLIC_BASE_URL" in out.stderr


def test_the_deployment_check_warns_when_the_public_address_is_not_https():
    out = deploy_check(production(PUBLIC_BASE_URL="http://aftersales.example.com"))
    assert out.returncode != 0
    assert "dealership.W002" in out.stdout + out.stderr


def test_every_page_carries_the_policy_and_protections(team, client):
    for response in (client.get(reverse("login")), login(team[Role.SERVICE_ADVISOR]).get(reverse("reception:desk"))):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy and "'unsafe-eval'" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "geolocation=()" in response["Permissions-Policy"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=\s*[\"']", text) \
                or "javascript:" in text or "hx-on" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
