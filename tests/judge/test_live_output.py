"""A plain run's output passed on while it runs: as it comes, coalesced, capped, decoded whole."""

from __future__ import annotations

import os
import time

import pytest

from judge.limits import Limits
from judge.live_output import LIVE_OUTPUT_BYTES, LiveOutput
from judge.runner import Judge
from judge.verdicts import Verdict

PAUSED = (
    "import sys, time\n"
    "for i in range(3):\n"
    "    print(f'line {i} ж', flush=True)\n"
    "    print(f'note {i}', file=sys.stderr, flush=True)\n"
    "    time.sleep(0.3)\n"
)


class Heard:
    """A listener that keeps what it heard, and when."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str, str]] = []

    def __call__(self, stream: str, text: str) -> None:
        self.calls.append((time.monotonic(), stream, text))

    def text(self, stream: str) -> str:
        return "".join(text for _, s, text in self.calls if s == stream)

    def size(self) -> int:
        return sum(len(text.encode()) for _, _, text in self.calls)


@pytest.fixture(scope="module")
def lone_judge():
    """A judge without zygotes: every run in a bubblewrap sandbox of its own."""
    judge = Judge(zygotes=0)
    yield judge
    judge.sandbox.close()


@pytest.fixture(params=["zygote", "alone"])
def any_judge(request, judge, lone_judge):
    if request.param == "zygote" and judge.sandbox.zygotes is None:
        pytest.skip("no control groups here, so no zygotes")
    return judge if request.param == "zygote" else lone_judge


def test_output_is_passed_on_while_the_program_runs(any_judge):
    heard = Heard()
    report = any_judge.run_program("python3", PAUSED, on_output=heard)
    ended = time.monotonic()
    assert report.verdict is Verdict.AC
    assert report.stdout == "line 0 ж\nline 1 ж\nline 2 ж\n"
    assert heard.text("stdout") == report.stdout
    assert heard.text("stderr") == report.stderr == "note 0\nnote 1\nnote 2\n"
    stdout_calls = [at for at, stream, _ in heard.calls if stream == "stdout"]
    assert len(stdout_calls) >= 2
    # the first line came while the program was still sleeping, not with the result
    assert stdout_calls[0] < ended - 0.4
    # the same report as without a listener
    quiet = any_judge.run_program("python3", PAUSED)
    assert quiet.verdict is report.verdict
    assert (quiet.stdout, quiet.stderr) == (report.stdout, report.stderr)


@pytest.mark.parametrize("stdout_bytes", [256 * 1024, Limits().stdout_bytes])
def test_a_flood_is_a_few_chunks_within_the_output_limits(any_judge, stdout_bytes):
    heard = Heard()
    limits = Limits(cpu_ms=1000, stdout_bytes=stdout_bytes)
    report = any_judge.run_program(
        "python3", "while True:\n    print('y' * 100)\n", limits=limits, on_output=heard
    )
    assert report.verdict is Verdict.OLE and len(report.stdout) == stdout_bytes
    streamed = heard.text("stdout")
    # all of it within the run's limit; a prefix of it past what is worth passing on live
    assert len(streamed) == min(stdout_bytes, LIVE_OUTPUT_BYTES)
    assert report.stdout.startswith(streamed)
    # at most one call per stream per 100 ms, and one more at the end
    assert len(heard.calls) <= 2 * (report.wall_ms // 100 + 2)


def test_many_small_prints_are_coalesced(any_judge):
    heard = Heard()
    limits = Limits(cpu_ms=1000, stderr_bytes=4096)
    source = (
        "import sys\n"
        "for i in range(10**9):\n"
        "    print(i, flush=True)\n"
        "    print(i, file=sys.stderr, flush=True)\n"
    )
    report = any_judge.run_program("python3", source, limits=limits, on_output=heard)
    assert report.verdict in (Verdict.TLE, Verdict.WLE, Verdict.OLE)
    streamed = heard.text("stdout")
    assert report.stdout.startswith(streamed)
    assert len(streamed) == min(len(report.stdout), LIVE_OUTPUT_BYTES)
    assert heard.text("stderr") == report.stderr and len(report.stderr) <= 4096
    assert len(heard.calls) <= 2 * (report.wall_ms // 100 + 2)


def test_a_failing_listener_does_not_fail_the_run(judge):
    def broken(stream: str, text: str) -> None:
        raise RuntimeError("the room went away")

    report = judge.run_program("python3", PAUSED, on_output=broken)
    assert report.verdict is Verdict.AC and report.stdout.count("line") == 3


def test_a_compile_error_passes_nothing_on(judge):
    heard = Heard()
    report = judge.run_program("c", "int main(void) { return x; }\n", on_output=heard)
    assert report.verdict is Verdict.CE and heard.calls == []


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_characters_split_across_reads_are_decoded_whole():
    heard, clock = Heard(), Clock()
    live = LiveOutput(heard, Limits(), clock=clock)
    encoded = "ж€😀".encode()
    for index in range(len(encoded)):
        live.take("stdout", encoded[index : index + 1])
        clock.now += 1
        live.tick()
    live.finish()
    assert heard.text("stdout") == "ж€😀"
    # undecodable bytes, cut anywhere, give what the stored output gives
    noise = os.urandom(4096)
    heard = Heard()
    live = LiveOutput(heard, Limits(), clock=clock)
    for start in range(0, len(noise), 7):
        live.take("stderr", noise[start : start + 7])
        clock.now += 1
        live.tick()
    live.finish()
    assert heard.text("stderr") == noise.decode("utf-8", errors="replace")


def test_coalescing_and_caps_without_a_program():
    heard, clock = Heard(), Clock()
    live = LiveOutput(heard, Limits(stdout_bytes=10, stderr_bytes=3), clock=clock)
    for _ in range(100):
        live.take("stdout", b"ab")
        live.take("stderr", b"e")
        clock.now += 0.01
        live.tick()
    live.finish()
    assert heard.text("stdout") == "ababababab" and heard.text("stderr") == "eee"
    assert len(heard.calls) <= 4
    # a run started over after nothing was passed on starts afresh; after that, never
    assert LiveOutput(heard, Limits(), clock=clock).afresh() is not None
    assert live.afresh() is None


def test_a_character_cut_by_the_live_limit_is_left_out():
    heard = Heard()
    live = LiveOutput(heard, Limits())
    live.take("stdout", b"y" * (LIVE_OUTPUT_BYTES - 1) + "ж".encode())
    live.finish()
    assert heard.text("stdout") == "y" * (LIVE_OUTPUT_BYTES - 1)
    # cut by the run's own limit, the result has U+FFFD there, and so does what was passed on
    heard = Heard()
    live = LiveOutput(heard, Limits(stdout_bytes=3))
    live.take("stdout", "y€".encode())
    live.take("stdout", b"more")
    live.finish()
    assert heard.text("stdout") == "y\ufffd" == ("y€".encode()[:3]).decode(errors="replace")
