"""Resource limits of one sandboxed run, and what a run measured."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one run may use. Defaults suit a screening task; compilation has its own."""

    cpu_ms: int = 2_000
    wall_ms: int = 0  # 0: derived from cpu_ms (twice it, plus a second)
    memory_mb: int = 256
    processes: int = 64
    stdout_bytes: int = 16 * MIB
    stderr_bytes: int = 64 * 1024
    file_size_mb: int = 64
    open_files: int = 64
    tmpfs_mb: int = 64

    def __post_init__(self) -> None:
        for name, low, high in _BOUNDS:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")

    @property
    def effective_wall_ms(self) -> int:
        return self.wall_ms or self.cpu_ms * 2 + 1_000

    def with_overrides(self, **changes: int | None) -> Limits:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# (field, lowest, highest): what any caller, the API included, may ask for.
_BOUNDS = (
    ("cpu_ms", 10, 60_000),
    ("wall_ms", 0, 120_000),
    ("memory_mb", 16, 4_096),
    ("processes", 1, 1_024),
    ("stdout_bytes", 0, 256 * MIB),
    ("stderr_bytes", 0, 16 * MIB),
    ("file_size_mb", 1, 1_024),
    ("open_files", 16, 4_096),
    ("tmpfs_mb", 1, 1_024),
)

COMPILE_LIMITS = Limits(
    cpu_ms=20_000,
    wall_ms=40_000,
    memory_mb=1_536,
    processes=128,
    stdout_bytes=256 * 1024,
    stderr_bytes=256 * 1024,
    file_size_mb=256,
    open_files=256,
    tmpfs_mb=512,
)


@dataclass
class Usage:
    """What one run consumed and how it ended."""

    cpu_ms: int = 0
    wall_ms: int = 0
    memory_kb: int = 0
    exit_code: int | None = None
    signal: str | None = None
    stdout: bytes = b""
    stderr: bytes = b""
    # which limit stopped the run, if one did: cpu, wall, memory, output, processes
    limit_hit: str | None = None
    artifacts: dict[str, bytes] = field(default_factory=dict)
