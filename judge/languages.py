"""Languages as data: one small declaration each, over one generic mechanism (``judge.runner``).

A declaration names the source file, the compile and run commands as they run inside the
sandbox, a version probe, the toolchain paths the sandbox must show read-only, and a
self-test program that a worker compiles and runs at start-up: a language is offered only
if its self-test passes. Placeholders in commands: ``{heap_mb}`` (a JVM or V8 heap derived
from the memory limit) and the toolchain roots found on this host (``{java_home}``,
``{rust_sysroot}``).
"""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from judge.limits import COMPILE_LIMITS, Limits
from judge.sandbox import Mount


@dataclass(frozen=True)
class Language:
    id: str
    name: str
    source: str
    run: tuple[str, ...]
    version: tuple[str, ...]
    test_program: str
    compile: tuple[str, ...] | None = None
    # What the compile step leaves in the work dir for the runs (shell globs).
    artifacts: tuple[str, ...] = ()
    executable: str | None = None
    mounts: tuple[tuple[str, str], ...] = ()
    # Host paths that must exist for the language to be offered at all.
    requires: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    compile_limits: Limits = COMPILE_LIMITS
    # The runtime's own threads need more than the default process budget.
    min_processes: int = 1
    # Memory the runtime needs beyond the program's heap, taken off heap flags.
    runtime_overhead_mb: int = 0
    # Lines on stderr by which the runtime reports that it ran out of memory.
    out_of_memory_markers: tuple[str, ...] = ()
    version_on_stderr: bool = False
    test_input: str = "3 4\n"
    test_output: str = "7\n"

    @property
    def compiled(self) -> bool:
        return self.compile is not None

    def heap_mb(self, memory_mb: int) -> int:
        return max(16, memory_mb - self.runtime_overhead_mb)


SUM_C = '#include <stdio.h>\nint main(void){long a,b;if(scanf("%ld %ld",&a,&b)!=2)return 1;printf("%ld\\n",a+b);return 0;}\n'  # noqa: E501

LANGUAGES: dict[str, Language] = {
    language.id: language
    for language in (
        Language(
            id="python3",
            name="Python 3",
            source="main.py",
            compile=("/usr/bin/python3", "-I", "-m", "py_compile", "main.py"),
            artifacts=("main.py",),
            run=("/usr/bin/python3", "-I", "-S", "main.py"),
            version=("/usr/bin/python3", "--version"),
            requires=("/usr/bin/python3",),
            out_of_memory_markers=("MemoryError",),
            test_program="a, b = map(int, input().split())\nprint(a + b)\n",
        ),
        Language(
            id="c",
            name="C (GCC, C17)",
            source="main.c",
            compile=("/usr/bin/gcc", "-std=c17", "-O2", "-pipe", "-o", "main", "main.c", "-lm"),
            artifacts=("main",),
            executable="main",
            run=("./main",),
            version=("/usr/bin/gcc", "-dumpfullversion"),
            requires=("/usr/bin/gcc",),
            test_program=SUM_C,
        ),
        Language(
            id="cpp",
            name="C++ (G++, C++20)",
            source="main.cpp",
            compile=("/usr/bin/g++", "-std=c++20", "-O2", "-pipe", "-o", "main", "main.cpp"),
            artifacts=("main",),
            executable="main",
            run=("./main",),
            version=("/usr/bin/g++", "-dumpfullversion"),
            requires=("/usr/bin/g++",),
            test_program=(
                "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;"
                "std::cout<<a+b<<'\\n';}\n"
            ),
        ),
        Language(
            id="java",
            name="Java (OpenJDK)",
            source="Main.java",
            compile=(
                "{java_home}/bin/javac",
                "-J-Xmx512m",
                "-J-XX:+UseSerialGC",
                "-encoding",
                "UTF-8",
                "-proc:none",
                "Main.java",
            ),
            artifacts=("*.class",),
            run=(
                "{java_home}/bin/java",
                "-Xmx{heap_mb}m",
                "-Xss64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:CICompilerCount=1",
                "-XX:MaxMetaspaceSize=64m",
                "-XX:ReservedCodeCacheSize=32m",
                "-Xshare:auto",
                "-cp",
                ".",
                "Main",
            ),
            version=("{java_home}/bin/java", "-version"),
            version_on_stderr=True,
            mounts=(("/etc/java-17-openjdk", "/etc/java-17-openjdk"),),
            requires=("{java_home}/bin/javac",),
            min_processes=64,
            runtime_overhead_mb=96,
            out_of_memory_markers=("java.lang.OutOfMemoryError",),
            test_program=(
                "import java.util.*;\npublic class Main { public static void main(String[] a) {"
                " Scanner s = new Scanner(System.in); long x = s.nextLong(), y = s.nextLong();"
                " System.out.println(x + y); } }\n"
            ),
        ),
        Language(
            id="javascript",
            name="JavaScript (Node.js)",
            source="main.js",
            compile=("/usr/bin/node", "--check", "main.js"),
            artifacts=("main.js",),
            run=(
                "/usr/bin/node",
                "--max-old-space-size={heap_mb}",
                "--stack-size=65500",
                "main.js",
            ),
            version=("/usr/bin/node", "--version"),
            requires=("/usr/bin/node",),
            min_processes=32,
            runtime_overhead_mb=48,
            out_of_memory_markers=("JavaScript heap out of memory",),
            test_program=(
                "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/)"
                ".map(Number);\nconsole.log(a + b);\n"
            ),
        ),
        Language(
            id="rust",
            name="Rust",
            source="main.rs",
            compile=(
                "{rust_sysroot}/bin/rustc",
                "--edition",
                "2021",
                "-O",
                "-C",
                "linker=/usr/bin/gcc",
                "-o",
                "main",
                "main.rs",
            ),
            artifacts=("main",),
            executable="main",
            run=("./main",),
            version=("{rust_sysroot}/bin/rustc", "--version"),
            # shown at its own path: rustc finds its libraries relative to itself
            mounts=(("{rust_sysroot}", "{rust_sysroot}"),),
            requires=("{rust_sysroot}/bin/rustc",),
            test_program=(
                "use std::io::Read;\nfn main(){let mut s=String::new();"
                "std::io::stdin().read_to_string(&mut s).unwrap();"
                "let v:Vec<i64>=s.split_whitespace().map(|x|x.parse().unwrap()).collect();"
                'println!("{}",v[0]+v[1]);}\n'
            ),
        ),
    )
}


def world_reachable(path: Path) -> bool:
    """Whether any user may reach ``path``: the sandbox runs as an unprivileged account."""
    path = path.resolve()
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in (path, *path.parents)) and bool(
        os.stat(path).st_mode & stat.S_IROTH
    )


def _rust_sysroot(rustc: str) -> str | None:
    try:
        found = subprocess.run(  # noqa: S603 (the host's own rustc, a fixed argument)
            [rustc, "--print", "sysroot"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    sysroot = found.stdout.strip()
    return sysroot if found.returncode == 0 and sysroot else None


@functools.cache
def toolchain_roots() -> dict[str, str]:
    """Where this host keeps the toolchains that are not simply under /usr/bin.

    Only toolchains the sandbox's unprivileged user can reach count (a rustup install under
    a private home directory does not; Debian's ``rustc`` does).
    """
    roots: dict[str, str] = {}
    javac = shutil.which("javac")
    if javac and world_reachable(Path(javac)):
        roots["java_home"] = str(Path(javac).resolve().parent.parent)
    for rustc in ("/usr/bin/rustc", shutil.which("rustc")):
        if rustc and Path(rustc).exists():
            sysroot = _rust_sysroot(rustc)
            if sysroot and world_reachable(Path(sysroot) / "bin" / "rustc"):
                roots["rust_sysroot"] = sysroot
                break
    return roots


def expand(text: str, **values: object) -> str:
    """``text`` with the toolchain roots and the given values put in for their placeholders."""
    return text.format(**toolchain_roots(), **values)


@dataclass(frozen=True)
class Resolved:
    """A language with its commands and mounts filled in for this host."""

    language: Language
    compile: tuple[str, ...] | None
    mounts: tuple[Mount, ...]
    env: dict[str, str] = field(default_factory=dict)

    def run_argv(self, memory_mb: int) -> list[str]:
        heap = self.language.heap_mb(memory_mb)
        return [expand(part, heap_mb=heap) for part in self.language.run]

    def version_argv(self) -> list[str]:
        return [expand(part) for part in self.language.version]


def resolve(language: Language) -> Resolved | None:
    """Fill in ``language`` for this host, or None if its toolchain is missing here."""
    try:
        if not all(Path(expand(path)).exists() for path in language.requires):
            return None
        mounts = tuple(
            Mount(expand(host), expand(inside))
            for host, inside in language.mounts
            if not Path(expand(host)).resolve().is_relative_to("/usr")  # /usr is always shown
        )
        compile_argv = tuple(expand(part) for part in language.compile or ()) or None
    except KeyError:  # a placeholder for a toolchain this host does not have
        return None
    if not all(Path(mount.host).exists() for mount in mounts):
        return None
    return Resolved(language, compile_argv, mounts, dict(language.env))
