"""Start-up self-test: each language compiles and runs its test program, or is not offered."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from judge.languages import LANGUAGES, Language, resolve
from judge.limits import Limits
from judge.runner import Judge
from judge.sandbox import Invocation, SandboxError
from judge.verdicts import Verdict

log = logging.getLogger("sobes.judge.selftest")
VERSION_LIMITS = Limits(cpu_ms=10_000, wall_ms=20_000, memory_mb=1024, processes=128)


@dataclass(frozen=True)
class LanguageStatus:
    id: str
    name: str
    available: bool
    version: str = ""
    problem: str = ""

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"id": self.id, "name": self.name, "version": self.version}
        if not self.available:
            body["problem"] = self.problem
        return body


def _first_line(data: bytes) -> str:
    for line in data.decode("utf-8", errors="replace").splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def check_language(judge: Judge, language: Language) -> LanguageStatus:
    resolved = resolve(language)
    if resolved is None:
        return LanguageStatus(language.id, language.name, False, problem="toolchain not found")
    try:
        probe = judge.sandbox.run(
            Invocation(argv=resolved.version_argv(), limits=VERSION_LIMITS, mounts=resolved.mounts)
        )
        version = _first_line(probe.stderr if language.version_on_stderr else probe.stdout)
        report = judge.run_program(language.id, language.test_program, language.test_input.encode())
    except SandboxError as exc:
        return LanguageStatus(language.id, language.name, False, problem=f"sandbox: {exc}")
    if report.verdict is not Verdict.AC or report.stdout != language.test_output:
        detail = (report.compile_output or report.stderr)[:300]
        problem = f"self-test gave {report.verdict.value}: {detail}"
        return LanguageStatus(language.id, language.name, False, version, problem)
    return LanguageStatus(language.id, language.name, True, version)


def self_test(judge: Judge, workers: int = 4) -> dict[str, LanguageStatus]:
    """Every declared language's status on this host, tested in parallel."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(lambda lang: check_language(judge, lang), LANGUAGES.values()))
    for status in statuses:
        if status.available:
            log.info("language %s ready: %s", status.id, status.version)
        else:
            log.warning("language %s not offered: %s", status.id, status.problem)
    return {status.id: status for status in statuses}


_tested: dict[str, LanguageStatus] | None = None
_tested_lock = threading.Lock()


def self_test_once(judge: Judge) -> dict[str, LanguageStatus]:
    """The self-test, run once per process: the toolchains do not change under a worker."""
    global _tested
    with _tested_lock:
        if _tested is None:
            _tested = self_test(judge)
        return _tested
