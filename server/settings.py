"""One typed settings object, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class RatePolicy(BaseModel):
    """A fixed-window limit written as ``COUNT/SECONDS``, e.g. ``10/300``."""

    model_config = ConfigDict(frozen=True)

    count: int = Field(ge=1)
    window_s: int = Field(ge=1)

    @classmethod
    def parse(cls, text: str) -> RatePolicy:
        try:
            count, window = text.split("/", 1)
            return cls(count=int(count), window_s=int(window))
        except ValueError as exc:
            raise ValueError(f"expected COUNT/SECONDS such as 10/300, got {text!r}") from exc

    def __str__(self) -> str:
        return f"{self.count}/{self.window_s}"


def redact_url(url: str | None) -> str | None:
    """The URL with any password replaced, safe for logs."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class Settings(BaseSettings):
    """Everything a node needs to know, from environment variables (``SOBES_*``)."""

    model_config = SettingsConfigDict(env_prefix="SOBES_", frozen=True, extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "SOBES_DATABASE_URL")
    )
    redis_url: str | None = Field(
        default=None, validation_alias=AliasChoices("REDIS_URL", "SOBES_REDIS_URL")
    )
    redis_prefix: str = Field(default="sobes:", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    data_dir: Path = Path("var")
    public_url: str | None = None
    allowed_origins: Annotated[list[str], NoDecode] = []
    forwarded_allow_ips: str = "127.0.0.1"
    cookie_secure: Literal["auto", "true", "false"] = "auto"
    session_ttl_hours: int = Field(default=24 * 14, ge=1)
    password_min_length: int = Field(default=10, ge=8, le=128)
    login_rate_per_ip: Annotated[RatePolicy, NoDecode] = RatePolicy(count=30, window_s=300)
    login_rate_per_account: Annotated[RatePolicy, NoDecode] = RatePolicy(count=8, window_s=900)
    register_rate_per_ip: Annotated[RatePolicy, NoDecode] = RatePolicy(count=10, window_s=3600)
    register_rate_per_account: Annotated[RatePolicy, NoDecode] = RatePolicy(count=5, window_s=3600)
    run_rate_per_user: Annotated[RatePolicy, NoDecode] = RatePolicy(count=30, window_s=60)
    # judge workers inside this node: unset means the core count without Redis, none with it
    judge_workers: int | None = Field(default=None, ge=0, le=256)
    judge_queue_cap: int = Field(default=1000, ge=1)
    judge_claim_idle_ms: int = Field(default=120_000, ge=100)
    judge_max_attempts: int = Field(default=3, ge=1, le=20)
    attempt_sweep_s: float = Field(default=5.0, gt=0, le=300)
    # the live room's editor: how often streams are compacted into PostgreSQL, how long an
    # unused document stays in memory, and when a silent awareness state counts as gone
    collab_compact_interval_s: float = Field(default=2.0, gt=0, le=300)
    collab_release_grace_s: float = Field(default=5.0, ge=0, le=3600)
    collab_awareness_timeout_s: float = Field(default=30.0, gt=0, le=3600)
    collab_awareness_batch_ms: float = Field(default=40.0, ge=0, le=1000)
    db_pool_min: int = Field(default=2, ge=0)
    db_pool_max: int = Field(default=20, ge=1)
    db_timeout_s: float = Field(default=5.0, gt=0)
    db_connect_wait_s: float = Field(default=30.0, ge=0)
    migrate_on_start: bool = True
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    web_dist: Path = REPO_ROOT / "clients" / "web" / "dist"
    node_name: str = Field(default_factory=socket.gethostname)
    metrics_token: str | None = None

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @field_validator(
        "login_rate_per_ip",
        "login_rate_per_account",
        "register_rate_per_ip",
        "register_rate_per_account",
        "run_rate_per_user",
        mode="before",
    )
    @classmethod
    def _parse_rate(cls, value: object) -> object:
        if isinstance(value, str):
            return RatePolicy.parse(value)
        return value

    @field_validator("database_url", "redis_url", "public_url", "metrics_token", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def session_ttl_s(self) -> int:
        return self.session_ttl_hours * 3600

    @property
    def in_process_judge_workers(self) -> int:
        if self.judge_workers is not None:
            return self.judge_workers
        return 0 if self.redis_url else (os.cpu_count() or 1)

    @property
    def base_url(self) -> str:
        """The address people open in a browser."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def described(self) -> dict[str, object]:
        """The settings as shown in logs: secrets redacted."""
        shown = self.model_dump(mode="json")
        shown["database_url"] = redact_url(self.database_url) or "embedded"
        shown["redis_url"] = redact_url(self.redis_url) or "in-process"
        shown["metrics_token"] = "***" if self.metrics_token else None
        for key in (
            "login_rate_per_ip",
            "login_rate_per_account",
            "register_rate_per_ip",
            "register_rate_per_account",
            "run_rate_per_user",
        ):
            shown[key] = str(getattr(self, key))
        return shown
