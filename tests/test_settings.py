"""Settings come from the environment, typed, with secrets redacted when shown."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.settings import RatePolicy, Settings, redact_url


def test_environment_variables_are_read_and_typed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:pw@db:5432/sobes")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("SOBES_PORT", "9000")
    monkeypatch.setenv("SOBES_ALLOWED_ORIGINS", "https://a.example, https://b.example/")
    monkeypatch.setenv("SOBES_LOGIN_RATE_PER_IP", "5/60")
    monkeypatch.setenv("SOBES_COOKIE_SECURE", "true")
    settings = Settings()
    assert settings.port == 9000
    assert settings.allowed_origins == ["https://a.example", "https://b.example"]
    assert settings.login_rate_per_ip == RatePolicy(count=5, window_s=60)
    shown = settings.described()
    assert shown["database_url"] == "postgresql://app:***@db:5432/sobes"
    assert "pw" not in str(shown)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOBES_PORT", "eighty"),
        ("SOBES_LOGIN_RATE_PER_IP", "5"),
        ("SOBES_COOKIE_SECURE", "maybe"),
        ("SOBES_LOG_LEVEL", "LOUD"),
        ("SOBES_REDIS_PREFIX", "has spaces"),
    ],
)
def test_bad_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_blank_urls_mean_unset(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("REDIS_URL", "  ")
    settings = Settings()
    assert settings.database_url is None
    assert settings.redis_url is None
    assert settings.described()["database_url"] == "embedded"


def test_redaction_keeps_urls_without_passwords():
    assert redact_url("redis://cache:6379/0") == "redis://cache:6379/0"
    assert redact_url("postgresql://u:p@h/db") == "postgresql://u:***@h/db"
