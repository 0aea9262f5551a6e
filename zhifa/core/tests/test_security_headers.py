"""Security headers: the content security policy on every page, no inline script or style left for it to
block, cookie flags; HTTPS settings (redirect, HSTS, proxy header) from the environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
#: Rendered to PDF by WeasyPrint, never served to a browser: their styles are not under the policy.
PDF_TEMPLATES = {"bulletins/pdf.html"}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.parametrize("persona", [None, "dan", "audrey"])
def test_every_page_carries_the_policy(world, web, persona):
    response = web(getattr(world, persona) if persona else None).get("/" if persona else "/accounts/login/")
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_docs_page_has_no_inline_script(world, web):
    page = web(world.dan).get("/api/v1/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page
    assert web(world.dan).get("/api/v1/docs/?script").status_code == 200


def _served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name not in PDF_TEMPLATES:
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
            yield name, text


def test_no_template_has_inline_script_style_or_handler():
    found = []
    for name, text in _served_templates():
        for pattern, what in (
            (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", "inline <script>"),
            (r"<style\b", "<style>"),
            (r"\sstyle=\"", 'style=""'),
            (r"\son[a-z]+=\"", "on…= handler"),
            (r"javascript:", "javascript: URL"),
        ):
            if re.search(pattern, text, flags=re.IGNORECASE):
                found.append(f"{name}: {what}")
    assert found == []


def test_htmx_is_told_not_to_inject_its_indicator_style(world, web):
    page = web(world.dan).get("/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


def test_cookies_are_http_only_and_same_site(world, client):
    page = client.get("/accounts/login/")
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    token = csrf.value
    world.dan.set_password("Xq7!mountain-river")
    world.dan.save()
    response = client.post(
        "/accounts/login/",
        {"username": "dan", "password": "Xq7!mountain-river", "csrfmiddlewaretoken": token},
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"


def _settings_under(env: dict[str, str], tmp_path) -> dict:
    code = (
        "import json, django, os; os.environ['DJANGO_SETTINGS_MODULE']='zhifa.settings'; "
        "from django.conf import settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "['SECURE_SSL_REDIRECT','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_HSTS_PRELOAD',"
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_PROXY_SSL_HEADER']}))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ZHIFA_")}
    environ.update({"ZHIFA_DATA_DIR": str(tmp_path), **env})
    out = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_https_settings_follow_the_environment(tmp_path):
    on = _settings_under({"ZHIFA_HTTPS": "1", "ZHIFA_TRUSTED_PROXY_HEADER": "X-Forwarded-Proto"}, tmp_path)
    assert on == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    off = _settings_under({}, tmp_path)
    assert off["SECURE_SSL_REDIRECT"] is False and off["SECURE_HSTS_SECONDS"] == 0
    assert off["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_https_plain_http_is_redirected_and_hsts_sent(world, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
