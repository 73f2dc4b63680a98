"""The judge's four figures, each next to its peer measured in the same run.

(a) sandbox overhead: median wall time of a sandboxed "hello world" in C and in Python
    against the same program started bare, in alternating turns;
(b) throughput: sandboxed trivial runs per second against bare ones, as many at once as
    there are cores;
(c) a 50-test C++ task, submission to verdict (compile once, 50 sandboxed runs), against
    compiling and running the same 50 tests bare;
(d) memory accounting: what the judge reports for a program touching 64 MiB;
(e) the demo tasks' headroom: each reference solution's slowest test in CPU time against
    the task's limit (a limit is absolute, so how much room it leaves is this machine's).

    python bench/judge.py [--runs 60] [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from judge.checkers import CheckerSpec
from judge.limits import Limits
from judge.runner import GroupSpec, Judge, TaskSpec, TestSpec

HELLO_C = '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n'
HELLO_PY = 'print("hello")\n'
SORT_CPP = (
    "#include <bits/stdc++.h>\nint main(){int n;std::cin>>n;std::vector<long long>v(n);"
    "for(auto&x:v)std::cin>>x;std::sort(v.begin(),v.end());long long s=0;"
    "for(int i=0;i<n;i+=2)s+=v[i];std::cout<<s<<'\\n';}\n"
)
TOUCH_64 = (
    "#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>\nint main(void){"
    "volatile char*p=malloc(64<<20);memset((char*)p,1,64<<20);long s=0;"
    'for(long i=0;i<(64<<20);i+=4096)s+=p[i];printf("%ld\\n",s);return 0;}\n'
)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def overhead(judge: Judge, runs: int, workdir: Path) -> None:
    print("(a) sandbox overhead, median wall per run (ms)")
    hello = judge.compile(judge.resolved("c"), HELLO_C)
    (workdir / "hello").write_bytes(hello.artifacts["main"])
    (workdir / "hello").chmod(0o755)
    (workdir / "hello.py").write_text(HELLO_PY)
    python = judge.compile(judge.resolved("python3"), HELLO_PY)
    cases = {
        "C": ([str(workdir / "hello")], hello),
        "Python": (["/usr/bin/python3", "-I", "-S", str(workdir / "hello.py")], python),
    }
    for name, (bare_argv, compiled) in cases.items():
        bare, boxed = [], []
        for _ in range(runs):
            bare.append(
                timed(lambda a=bare_argv: subprocess.run(a, stdout=subprocess.DEVNULL, check=True))
            )
            boxed.append(timed(lambda c=compiled: judge.execute(c, b"", Limits())))
        b, s = statistics.median(bare), statistics.median(boxed)
        print(
            f"    {name:<7} bare {b:6.2f}   sandboxed {s:6.2f}   added {s - b:5.2f} ms"
            f"   ratio {s / b:5.2f}   (target: added <= 5 ms)"
        )


def throughput(judge: Judge, seconds: float, workdir: Path) -> None:
    workers = os.cpu_count() or 1
    print(f"(b) throughput of trivial C runs, {workers} at a time")
    compiled = judge.compile(judge.resolved("c"), HELLO_C)
    bare_argv = [str(workdir / "hello")]

    def rate(one) -> float:
        deadline = time.perf_counter() + seconds
        counts = [0] * workers

        def loop(slot: int) -> None:
            while time.perf_counter() < deadline:
                one()
                counts[slot] += 1

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(loop, range(workers)))
        return sum(counts) / seconds

    bare = rate(lambda: subprocess.run(bare_argv, stdout=subprocess.DEVNULL, check=True))
    boxed = rate(lambda: judge.execute(compiled, b"", Limits()))
    print(
        f"    bare {bare:7.0f}/s   sandboxed {boxed:7.0f}/s   ratio {boxed / bare:4.2f}"
        "   (target >= 0.50)"
    )


def task_of_fifty() -> TaskSpec:
    tests = []
    for index in range(50):
        n = 2000 + index * 100
        values = [(index * 7919 + k * 104729) % 1000003 for k in range(n)]
        ordered = sorted(values)
        answer = sum(ordered[0::2])
        data = f"{n}\n{' '.join(map(str, values))}\n"
        tests.append(TestSpec(f"t{index}", data.encode(), f"{answer}\n".encode()))
    return TaskSpec(groups=(GroupSpec("all", 100, tuple(tests)),), limits=Limits(cpu_ms=2000))


def fifty_tests(judge: Judge, workdir: Path) -> None:
    print("(c) a 50-test C++ task, submission to verdict")
    task = task_of_fifty()
    started = time.perf_counter()
    result = judge.judge(task, "cpp", SORT_CPP)
    boxed = (time.perf_counter() - started) * 1000
    assert result.verdict.value == "AC", result.to_json()
    source = workdir / "sort.cpp"
    source.write_text(SORT_CPP)
    started = time.perf_counter()
    subprocess.run(
        ["/usr/bin/g++", "-std=c++20", "-O2", "-pipe", "-o", str(workdir / "sort"), str(source)],
        check=True,
    )
    for test in task.groups[0].tests:
        out = subprocess.run(
            [str(workdir / "sort")], input=test.input, capture_output=True, check=True
        ).stdout
        assert out == test.answer
    bare = (time.perf_counter() - started) * 1000
    print(
        f"    judged {boxed:7.0f} ms (verdict {result.verdict.value}, score {result.score})"
        f"   bare compile+run {bare:7.0f} ms   ratio {boxed / bare:4.2f}"
    )


def memory(judge: Judge) -> None:
    print("(d) memory accounting of a C program touching 64 MiB")
    report = judge.run_program("c", TOUCH_64, limits=Limits(memory_mb=256))
    baseline = judge.run_program("c", "int main(void){return 0;}\n", limits=Limits())
    measured = report.memory_kb - baseline.memory_kb
    error = (measured - 64 * 1024) / (64 * 1024) * 100
    print(
        f"    reported {report.memory_kb} KiB, {baseline.memory_kb} KiB for an empty program:"
        f" {measured / 1024:.1f} MiB touched, error {error:+.1f}% (target within ±10%)"
    )


def demo_spec(task: dict) -> TaskSpec:
    """A demo task (server.demo_content) as the judge runs it, without a database."""
    return TaskSpec(
        groups=tuple(
            GroupSpec(
                group["name"],
                group["points"],
                tuple(
                    TestSpec(t["name"], t["input"].encode(), t["answer"].encode(), t["visible"])
                    for t in group["tests"]
                ),
            )
            for group in task["build_groups"]()
        ),
        limits=Limits(**task["limits"]),
        checker=CheckerSpec(**task["checker"]),
    )


def headroom(judge: Judge) -> None:
    from server.demo_content import TASKS

    print("(e) demo tasks: the reference solution's slowest test, CPU ms / limit")
    for task in TASKS:
        judgement = judge.judge(demo_spec(task), "python3", task["solution"])
        slowest = max(t.cpu_ms for t in judgement.tests)
        limit = task["limits"]["cpu_ms"]
        print(
            f"    {task['title']:<28} {judgement.verdict.value:>3}  {slowest:>5} / {limit} ms"
            f" = {slowest / limit:.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=5)
    args = parser.parse_args()
    judge = Judge()
    print(f"sandbox: bubblewrap, cgroups {judge.sandbox.cgroups.kind}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        overhead(judge, args.runs, workdir)
        throughput(judge, args.seconds, workdir)
        fifty_tests(judge, workdir)
        memory(judge)
        headroom(judge)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
