"""`zhifa check --deploy` with production settings reports nothing; without HTTPS it says what is missing.

Run as the operator would, in a subprocess with only the environment given here.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    # Only what an operator's shell would hold: none of ours, and none of the switches tests in this process
    # set for themselves (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which the check rightly reports).
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZHIFA_", "DJANGO_")) and k not in ("PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER")
    }
    key_file = tmp_path / "outside" / "data.key"
    key_file.parent.mkdir(exist_ok=True)
    key_file.write_text(secrets.token_hex(16))
    environ.update(
        {
            "ZHIFA_DATA_DIR": str(tmp_path / "data"),
            "ZHIFA_DEBUG": "0",
            "ZHIFA_SECRET_KEY": secrets.token_urlsafe(50),
            "ZHIFA_ALLOWED_HOSTS": "zhifa.wujin.gov.cn",
            "ZHIFA_DATA_KEY_FILE": str(key_file),
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "zhifa", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _check(tmp_path, ZHIFA_HTTPS="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_https_the_deploy_check_names_what_is_missing(tmp_path):
    result = _check(tmp_path, ZHIFA_HTTPS="0")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr, check
