"""The judge: compile once, run every test in a fresh sandbox, check, score by test groups."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from judge.checkers import Check, CheckerSpec, builtin
from judge.languages import LANGUAGES, Language, Resolved, resolve
from judge.limits import Limits, Usage
from judge.live_output import LiveOutput, OutputListener
from judge.sandbox import Invocation, Sandbox, SandboxError
from judge.verdicts import Verdict, classify

log = logging.getLogger("sobes.judge.runner")
COMPILE_OUTPUT_LIMIT = 16 * 1024
EXCERPT_LIMIT = 4 * 1024
# Successful compilations kept per judge, by language and source: "run on samples", then
# "submit" of the same code compiles once.
COMPILE_CACHE_ENTRIES = 128
COMPILE_CACHE_BYTES = 256 * 1024 * 1024
CHECKER_LIMITS = Limits(cpu_ms=5_000, memory_mb=512, stdout_bytes=64 * 1024)
# a Kattis output validator's feedback dir: in the sandbox's private, writable /tmp
KATTIS_FEEDBACK = "/tmp/feedback"  # noqa: S108


def _text(data: bytes, limit: int) -> str:
    text = data[:limit].decode("utf-8", errors="replace")
    if len(data) > limit:
        text += f"\n… ({len(data) - limit} more bytes)"
    return text


class UnknownLanguage(ValueError):
    """No such language, or it is not available on this judge."""


@dataclass(frozen=True)
class TestSpec:
    __test__ = False  # not a pytest test class

    name: str
    input: bytes
    answer: bytes
    visible: bool = False


@dataclass(frozen=True)
class GroupSpec:
    name: str
    points: int
    tests: tuple[TestSpec, ...]


@dataclass(frozen=True)
class TaskSpec:
    groups: tuple[GroupSpec, ...]
    limits: Limits = field(default_factory=Limits)
    checker: CheckerSpec = field(default_factory=CheckerSpec)
    stop_on_first_failure: bool = False


@dataclass
class Compiled:
    resolved: Resolved
    artifacts: dict[str, bytes]
    output: str = ""


@dataclass
class CompileFailure:
    verdict: Verdict
    output: str


@dataclass
class RunReport:
    """One program run on one input: what `POST /api/v1/runs` and `sobes run` report."""

    verdict: Verdict
    exit_code: int | None = None
    signal: str | None = None
    stdout: str = ""
    stderr: str = ""
    compile_output: str = ""
    cpu_ms: int = 0
    wall_ms: int = 0
    memory_kb: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "compile_output": self.compile_output,
            "cpu_ms": self.cpu_ms,
            "wall_ms": self.wall_ms,
            "memory_kb": self.memory_kb,
        }


@dataclass
class TestReport:
    __test__ = False  # not a pytest test class

    name: str
    group: str
    verdict: Verdict
    cpu_ms: int = 0
    wall_ms: int = 0
    memory_kb: int = 0
    exit_code: int | None = None
    signal: str | None = None
    message: str = ""
    # only for visible tests: what the program printed
    stdout: str | None = None
    stderr: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "group": self.group,
            "verdict": self.verdict.value,
            "cpu_ms": self.cpu_ms,
            "wall_ms": self.wall_ms,
            "memory_kb": self.memory_kb,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "message": self.message,
        }
        if self.stdout is not None:
            body["stdout"] = self.stdout
            body["stderr"] = self.stderr
        return body


@dataclass
class GroupReport:
    name: str
    points: int
    earned: int
    # the first failing test's verdict, AC if none failed
    verdict: Verdict
    # not every test ran (judging stopped at a failure in an earlier group)
    skipped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "points": self.points,
            "earned": self.earned,
            "verdict": self.verdict.value,
            "skipped": self.skipped,
        }


@dataclass
class Judgement:
    """A submission judged against a task's tests."""

    verdict: Verdict
    score: int
    max_score: int
    compile_output: str = ""
    tests: list[TestReport] = field(default_factory=list)
    groups: list[GroupReport] = field(default_factory=list)

    @property
    def cpu_ms(self) -> int:
        return max((t.cpu_ms for t in self.tests), default=0)

    @property
    def memory_kb(self) -> int:
        return max((t.memory_kb for t in self.tests), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "score": self.score,
            "max_score": self.max_score,
            "compile_output": self.compile_output,
            "cpu_ms": self.cpu_ms,
            "memory_kb": self.memory_kb,
            "tests": [t.to_json() for t in self.tests],
            "groups": [g.to_json() for g in self.groups],
        }


class Judge:
    """Compiles and runs programs of the languages this host offers."""

    def __init__(self, sandbox: Sandbox | None = None, zygotes: int | None = None) -> None:
        if sandbox is None:
            shared = tuple(
                {m for lang in LANGUAGES.values() if (r := resolve(lang)) for m in r.mounts}
            )
            sandbox = Sandbox(
                shared_mounts=shared,
                zygotes=os.cpu_count() or 1 if zygotes is None else zygotes,
            )
        self.sandbox = sandbox
        self._checkers: dict[str, Compiled] = {}
        self._compiled: OrderedDict[str, Compiled] = OrderedDict()
        self._compiled_bytes = 0
        self._compiled_lock = threading.Lock()
        self.compile_cache_hits = 0

    def resolved(self, language_id: str) -> Resolved:
        language = LANGUAGES.get(language_id)
        found = resolve(language) if language else None
        if found is None:
            raise UnknownLanguage(language_id)
        return found

    def compile(self, resolved: Resolved, source: str) -> Compiled | CompileFailure:
        language = resolved.language
        files = {language.source: source.encode()}
        if resolved.compile is None:
            return Compiled(resolved, files)
        key = hashlib.sha256(f"{language.id}\0{source}".encode()).hexdigest()
        with self._compiled_lock:
            cached = self._compiled.get(key)
            if cached is not None:
                self._compiled.move_to_end(key)
                self.compile_cache_hits += 1
                return cached
        compiled = self._compile(resolved, files)
        if isinstance(compiled, Compiled):
            self._keep(key, compiled)
        return compiled

    def _keep(self, key: str, compiled: Compiled) -> None:
        size = sum(len(data) for data in compiled.artifacts.values())
        if size > COMPILE_CACHE_BYTES // 4:
            return
        with self._compiled_lock:
            if key in self._compiled:
                return
            self._compiled[key] = compiled
            self._compiled_bytes += size
            while (
                len(self._compiled) > COMPILE_CACHE_ENTRIES
                or self._compiled_bytes > COMPILE_CACHE_BYTES
            ):
                _, dropped = self._compiled.popitem(last=False)
                self._compiled_bytes -= sum(len(d) for d in dropped.artifacts.values())

    def _compile(self, resolved: Resolved, files: dict[str, bytes]) -> Compiled | CompileFailure:
        language = resolved.language
        assert resolved.compile is not None
        usage = self.sandbox.run(
            Invocation(
                argv=list(resolved.compile),
                limits=language.compile_limits,
                files=files,
                mounts=resolved.mounts,
                env=resolved.env,
                collect=language.artifacts,
            )
        )
        output = _text(usage.stdout + usage.stderr, COMPILE_OUTPUT_LIMIT)
        if usage.limit_hit is not None:
            return CompileFailure(
                Verdict.CE, f"compilation exceeded its {usage.limit_hit} limit\n{output}".strip()
            )
        if usage.exit_code != 0 or usage.signal is not None:
            return CompileFailure(Verdict.CE, output or "the compiler failed without a message")
        if not usage.artifacts:
            raise SandboxError(f"{language.id}: the compiler succeeded but produced nothing")
        return Compiled(resolved, usage.artifacts, output)

    def execute(
        self,
        compiled: Compiled,
        stdin: bytes,
        limits: Limits,
        on_output: OutputListener | None = None,
    ) -> Usage:
        language = compiled.resolved.language
        limits = limits.with_overrides(processes=max(limits.processes, language.min_processes))
        return self.sandbox.run(
            Invocation(
                argv=compiled.resolved.run_argv(limits.memory_mb),
                limits=limits,
                files=compiled.artifacts,
                executables=frozenset({language.executable})
                if language.executable
                else frozenset(),
                stdin=stdin,
                mounts=compiled.resolved.mounts,
                env=compiled.resolved.env,
                stdout_to_file=True,
                live=LiveOutput(on_output, limits) if on_output is not None else None,
            )
        )

    @staticmethod
    def verdict_of(language: Language, usage: Usage, limits: Limits) -> Verdict | None:
        verdict = classify(usage, limits)
        if verdict is Verdict.RE and any(
            marker.encode() in usage.stderr for marker in language.out_of_memory_markers
        ):
            return Verdict.MLE
        return verdict

    def run_program(
        self,
        language_id: str,
        source: str,
        stdin: bytes = b"",
        limits: Limits | None = None,
        on_output: OutputListener | None = None,
    ) -> RunReport:
        """Compile and run one program on one input (the playground and `sobes run`).

        ``on_output`` hears the program's stdout and stderr while it runs (see
        ``judge.live_output``), in this thread; the report is the same with or without it.
        Only plain runs have one: tests, hidden ones above all, never pass their output on.
        """
        limits = limits or Limits()
        try:
            resolved = self.resolved(language_id)
            compiled = self.compile(resolved, source)
            if isinstance(compiled, CompileFailure):
                return RunReport(verdict=compiled.verdict, compile_output=compiled.output)
            usage = self.execute(compiled, stdin, limits, on_output)
        except SandboxError as exc:
            log.error("sandbox failure: %s", exc)
            return RunReport(verdict=Verdict.SE, stderr=str(exc))
        verdict = self.verdict_of(resolved.language, usage, limits) or Verdict.AC
        return RunReport(
            verdict=verdict,
            exit_code=usage.exit_code,
            signal=usage.signal,
            stdout=_text(usage.stdout, limits.stdout_bytes),
            stderr=_text(usage.stderr, limits.stderr_bytes),
            compile_output=compiled.output,
            cpu_ms=usage.cpu_ms,
            wall_ms=usage.wall_ms,
            memory_kb=usage.memory_kb,
        )

    def judge(self, task: TaskSpec, language_id: str, source: str) -> Judgement:
        """Compile once, then run and check every test in a fresh sandbox."""
        max_score = sum(group.points for group in task.groups)
        try:
            resolved = self.resolved(language_id)
            compiled = self.compile(resolved, source)
        except SandboxError as exc:
            log.error("sandbox failure while compiling: %s", exc)
            return Judgement(Verdict.SE, 0, max_score, compile_output=str(exc))
        if isinstance(compiled, CompileFailure):
            return Judgement(compiled.verdict, 0, max_score, compile_output=compiled.output)
        judgement = Judgement(Verdict.AC, 0, max_score, compile_output=compiled.output)
        stop = False
        for group in task.groups:
            group_verdict = Verdict.AC
            for test in group.tests:
                if stop:
                    break
                report = self._judge_test(compiled, task, group, test)
                judgement.tests.append(report)
                if report.verdict is not Verdict.AC:
                    if group_verdict is Verdict.AC:
                        group_verdict = report.verdict
                    if judgement.verdict is Verdict.AC:
                        judgement.verdict = report.verdict
                    stop = task.stop_on_first_failure
            ran = sum(1 for t in judgement.tests if t.group == group.name)
            skipped = ran < len(group.tests)
            earned = group.points if group_verdict is Verdict.AC and not skipped else 0
            judgement.score += earned
            judgement.groups.append(
                GroupReport(group.name, group.points, earned, group_verdict, skipped)
            )
        return judgement

    def _judge_test(
        self, compiled: Compiled, task: TaskSpec, group: GroupSpec, test: TestSpec
    ) -> TestReport:
        language = compiled.resolved.language
        report = TestReport(test.name, group.name, Verdict.SE)
        try:
            usage = self.execute(compiled, test.input, task.limits)
            report.cpu_ms, report.wall_ms = usage.cpu_ms, usage.wall_ms
            report.memory_kb = usage.memory_kb
            report.exit_code, report.signal = usage.exit_code, usage.signal
            if test.visible:
                report.stdout = _text(usage.stdout, EXCERPT_LIMIT)
                report.stderr = _text(usage.stderr, EXCERPT_LIMIT)
            verdict = self.verdict_of(language, usage, task.limits)
            if verdict is not None:
                report.verdict = verdict
                return report
            check = self._check(task.checker, test, usage.stdout)
            report.verdict = Verdict.AC if check.ok else Verdict.WA
            if test.visible:
                report.message = check.message
        except SandboxError as exc:
            log.error("sandbox failure on test %s: %s", test.name, exc)
            report.verdict, report.message = Verdict.SE, "the judge failed on this test"
        return report

    def _check(self, spec: CheckerSpec, test: TestSpec, output: bytes) -> Check:
        if spec.kind != "custom":
            return builtin(spec, output, test.answer)
        assert spec.language and spec.source
        key = hashlib.sha256(f"{spec.language}\0{spec.source}".encode()).hexdigest()
        checker = self._checkers.get(key)
        if checker is None:
            compiled = self.compile(self.resolved(spec.language), spec.source)
            if isinstance(compiled, CompileFailure):
                raise SandboxError(f"the task's checker does not compile: {compiled.output}")
            checker = self._checkers[key] = compiled
        if spec.protocol == "kattis":
            return self._check_kattis(checker, spec, test, output)
        files = {
            **checker.artifacts,
            "input.txt": test.input,
            "answer.txt": test.answer,
            "output.txt": output,
        }
        usage = self._run_checker(
            checker,
            files,
            ["input.txt", "output.txt", "answer.txt", *spec.arguments],
        )
        message = _text(usage.stdout or usage.stderr, 512).strip()
        # testlib's convention: 0 accepted, 1 wrong answer, 2 presentation error, else a fault
        if usage.limit_hit is None and usage.signal is None and usage.exit_code in (0, 1, 2):
            return Check(usage.exit_code == 0, message)
        failure = usage.limit_hit or usage.signal or usage.exit_code
        raise SandboxError(f"the task's checker failed ({failure}): {message}")

    def _check_kattis(
        self, checker: Compiled, spec: CheckerSpec, test: TestSpec, output: bytes
    ) -> Check:
        """A Kattis output validator: ``validator input answer feedback_dir [flags] < output``.

        The feedback dir is a fresh directory in the sandbox's private /tmp; the validator's
        own stdout and stderr go to stderr, and its ``judgemessage.txt`` comes back on stdout.
        """
        files = {**checker.artifacts, "input.txt": test.input, "answer.txt": test.answer}
        script = (
            f'/usr/bin/mkdir {KATTIS_FEEDBACK} || exit 99; "$@" >&2; status=$?; '
            f"/usr/bin/head -c {EXCERPT_LIMIT} {KATTIS_FEEDBACK}/judgemessage.txt 2>/dev/null; "
            'exit "$status"'
        )
        usage = self._run_checker(
            checker,
            files,
            ["input.txt", "answer.txt", f"{KATTIS_FEEDBACK}/", *spec.arguments],
            stdin=output,
            wrap=["/usr/bin/sh", "-c", script, "kattis-validator"],
        )
        message = _text(usage.stdout.strip() or usage.stderr, 512).strip()
        # Kattis's convention: 42 accepted, 43 wrong answer, anything else a fault
        if usage.limit_hit is None and usage.signal is None and usage.exit_code in (42, 43):
            return Check(usage.exit_code == 42, message)
        failure = usage.limit_hit or usage.signal or usage.exit_code
        raise SandboxError(f"the task's output validator failed ({failure}): {message}")

    def _run_checker(
        self,
        checker: Compiled,
        files: dict[str, bytes],
        arguments: list[str],
        stdin: bytes = b"",
        wrap: list[str] | None = None,
    ) -> Usage:
        language = checker.resolved.language
        return self.sandbox.run(
            Invocation(
                argv=[
                    *(wrap or []),
                    *checker.resolved.run_argv(CHECKER_LIMITS.memory_mb),
                    *arguments,
                ],
                limits=CHECKER_LIMITS.with_overrides(
                    processes=max(CHECKER_LIMITS.processes, language.min_processes)
                ),
                files=files,
                executables=frozenset({language.executable})
                if language.executable
                else frozenset(),
                stdin=stdin,
                mounts=checker.resolved.mounts,
                env=checker.resolved.env,
            )
        )
