"""Hostile programs: each asserts its verdict and that the host is untouched afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from judge.limits import Limits
from judge.sandbox import HOST_UID, Invocation, SandboxError, parse_artifacts
from judge.verdicts import Verdict

REPO = Path(__file__).resolve().parents[2]
CANARY = "sobes-canary-" + os.urandom(6).hex()


# Processes of the sandbox's account that were there before the test began: another judge on
# the machine (a dev server, another test run) or what a killed one left. Not this test's.
_BEFORE: set[int] = set()


def _sandbox_user_processes() -> list[str]:
    found = subprocess.run(
        ["ps", "-o", "pid=,stat=,etime=,args=", "-u", str(HOST_UID)], capture_output=True, text=True
    )
    return [line for line in found.stdout.splitlines() if not line.split()[1].startswith("Z")]


@pytest.fixture(autouse=True)
def _processes_before():
    _BEFORE.clear()
    _BEFORE.update(int(line.split()[0]) for line in _sandbox_user_processes())
    yield


def host_processes_of_sandbox_user(judge=None) -> list[str]:
    """Live processes of the sandbox's host account that this test's runs left behind: none
    may be left once a run has returned.

    The judge's idle zygotes (bubblewrap, its init, the zygote: waiting for the next run) are
    the judge's own and do not count; neither do zombies (bubblewrap's in-namespace init can
    linger a moment for the host's init to reap: dead, running nothing), nor processes that
    were there before the test began.
    """
    zygotes = judge.sandbox.zygotes.idle_pids() if judge and judge.sandbox.zygotes else set()
    return [
        line
        for line in _sandbox_user_processes()
        if int(line.split()[0]) not in zygotes and int(line.split()[0]) not in _BEFORE
    ]


@pytest.fixture
def host(tmp_path, monkeypatch, judge):
    """A secret in the judge's environment, a file of the judge's, a port on the host."""
    monkeypatch.setenv("SOBES_TEST_SECRET", CANARY)
    secret_file = tmp_path / "judge-config.env"
    secret_file.write_text(f"DATABASE_URL=postgresql://sobes:{CANARY}@db/sobes\n")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    accepted: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                accepted.append("connection")
                conn.close()
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    disk_before = shutil.disk_usage("/").used
    yield {
        "secret_file": secret_file,
        "port": listener.getsockname()[1],
        "accepted": accepted,
    }
    stop.set()
    thread.join()
    listener.close()
    assert accepted == [], "the sandbox reached a service on the host"
    assert secret_file.read_text().endswith(f"{CANARY}@db/sobes\n")
    assert host_processes_of_sandbox_user(judge) == [], "something outlived its run"
    assert abs(shutil.disk_usage("/").used - disk_before) < 64 << 20


def run(judge, language, source, stdin=b"", **limits):
    report = judge.run_program(language, source, stdin, Limits(**limits))
    assert report.verdict is not Verdict.SE, report
    return report


def test_fork_bomb_is_contained(judge, host):
    report = run(
        judge, "c",
        "#include <unistd.h>\nint main(void){for(;;)fork();}\n",
        cpu_ms=1000, wall_ms=3000,
    )  # fmt: skip
    assert report.verdict in (Verdict.TLE, Verdict.WLE)


def test_python_fork_bomb_is_contained(judge, host):
    report = run(judge, "python3", "import os\nwhile True:\n    os.fork()\n", cpu_ms=1000)
    assert report.verdict in (Verdict.TLE, Verdict.WLE, Verdict.RE)


@pytest.mark.parametrize(
    ("language", "source"),
    [
        (
            "c",
            "#include <stdlib.h>\n#include <string.h>\nint main(void){for(;;){char*p=malloc(1<<24);memset(p,1,1<<24);}}\n",
        ),
        (
            "c",
            "#define _GNU_SOURCE\n#include <sys/mman.h>\n#include <string.h>\nint main(void){for(;;){char*p=mmap(0,1<<24,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);memset(p,1,1<<24);}}\n",
        ),
        ("python3", "x = []\nwhile True:\n    x.append(bytearray(1 << 24))\n"),
        (
            "java",
            "public class Main{public static void main(String[] a){java.util.List<byte[]> l=new java.util.ArrayList<>();while(true)l.add(new byte[1<<24]);}}\n",
        ),
        ("cpp", "#include <vector>\nint main(){std::vector<int> v;for(;;)v.push_back(1);}\n"),
    ],
    ids=["heap", "mmap", "python", "jvm", "vector"],
)
def test_memory_bombs_are_mle(judge, host, language, source):
    report = run(judge, language, source, memory_mb=128 if language != "java" else 256)
    assert report.verdict is Verdict.MLE
    assert report.memory_kb <= (256 if language == "java" else 128) * 1024 + 1024


def test_cpu_spin_is_tle_and_sleeping_is_wle(judge, host):
    spin = run(judge, "c", "int main(void){volatile long i=0;for(;;)i++;}\n", cpu_ms=300)
    assert spin.verdict is Verdict.TLE
    assert 300 <= spin.cpu_ms < 800
    sleep = run(
        judge, "c", "#include <unistd.h>\nint main(void){sleep(60);}\n", cpu_ms=300, wall_ms=800
    )
    assert sleep.verdict is Verdict.WLE
    assert sleep.cpu_ms < 100
    assert 800 <= sleep.wall_ms < 2000


def test_output_flood_is_ole(judge, host):
    report = run(judge, "python3", "while True:\n    print('y' * 4096)\n")
    assert report.verdict is Verdict.OLE
    assert len(report.stdout) <= Limits().stdout_bytes + 64


def test_filling_the_disk_hits_the_private_tmpfs(judge, host):
    source = """
import os
for place in ("/box", "/tmp", "/dev/shm"):
    written = 0
    try:
        with open(os.path.join(place, "fill"), "wb") as f:
            while True:
                f.write(b"z" * (1 << 20))
                written += 1
    except OSError as e:
        print(place, "stopped after", written, "MiB:", e.strerror)
"""
    report = run(judge, "python3", source, memory_mb=512, cpu_ms=5000)
    lines = report.stdout.splitlines()
    assert len(lines) == 3, report
    for line in lines:
        written = int(line.split()[3])
        assert written <= 64, line


def test_inode_and_fd_exhaustion_are_contained(judge, host):
    source = """
import os
made = 0
try:
    while True:
        open(f"/tmp/f{made}", "w").close()
        made += 1
        if made >= 200000:
            break
except OSError as e:
    pass
print("files", made)
fds = []
try:
    while True:
        fds.append(os.open("/dev/null", os.O_RDONLY))
except OSError as e:
    print("fds", len(fds), e.strerror)
"""
    report = run(judge, "python3", source, cpu_ms=5000, memory_mb=256)
    assert report.verdict in (Verdict.AC, Verdict.TLE, Verdict.MLE), report
    if report.verdict is Verdict.AC:
        fds_line = report.stdout.splitlines()[-1]
        assert int(fds_line.split()[1]) < Limits().open_files


def test_no_network_at_all(judge, host):
    # Only loopback is ever a target here; that the sandbox has no interface but its own
    # loopback is read from /proc/net/dev.
    source = f"""
import socket
targets = [("127.0.0.1", {host["port"]}), ("127.0.0.1", 5432), ("127.0.0.1", 6379),
           ("127.0.0.1", 8000), ("127.0.0.1", 22)]
for h, p in targets:
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect((h, p))
        print("REACHED", h, p)
    except OSError as e:
        print("blocked", h, p, type(e).__name__)
    finally:
        s.close()
lines = open("/proc/net/dev").read().splitlines()[2:]
print("interfaces", sorted(line.split(":")[0].strip() for line in lines))
"""
    report = run(judge, "python3", source, cpu_ms=3000, wall_ms=10000)
    assert "REACHED" not in report.stdout, report.stdout
    assert report.stdout.count("blocked") == 5
    assert "interfaces ['lo']" in report.stdout


def test_host_secrets_and_files_are_out_of_reach(judge, host):
    paths = [
        "/etc/shadow",
        "/etc/hostname",
        "/root/.bashrc",
        str(host["secret_file"]),
        str(REPO / "pyproject.toml"),
        "/proc/1/environ",
        "/proc/self/environ",
        "/var/lib/postgresql",
        "/sys/kernel",
    ]
    source = f"""
import os, glob
for path in {paths!r}:
    try:
        with open(path, "rb") as f:
            data = f.read()
        print("READ", path, len(data), b"{CANARY}" in data)
    except OSError as e:
        print("denied", path, type(e).__name__)
print("env", sorted(os.environ))
leaks = []
for p in glob.glob("/proc/*/environ"):
    try:
        if b"{CANARY}" in open(p, "rb").read():
            leaks.append(p)
    except OSError:
        pass
print("environ leaks", leaks)
"""
    report = run(judge, "python3", source)
    out = report.stdout
    assert CANARY not in out.replace(f"b'{CANARY}'", "")
    for line in out.splitlines():
        if line.startswith("READ"):
            # only the sandbox's own, harmless proc files may be read, never with the secret
            assert line.split()[1].startswith("/proc/"), line
            assert line.endswith("False"), line
    env_line = next(line for line in out.splitlines() if line.startswith("env"))
    # the sandbox gets a fixed, clean environment: nothing of the judge's
    assert env_line == "env ['HOME', 'LANG', 'LC_ALL', 'PATH', 'PWD', 'TMPDIR']"
    assert "environ leaks []" in out


def test_compile_time_includes_cannot_read_host_files(judge, host):
    c = judge.run_program("c", '#include "/etc/shadow"\nint main(void){return 0;}\n')
    assert c.verdict is Verdict.CE
    assert "root:" not in c.compile_output
    secret = judge.run_program("c", f'#include "{host["secret_file"]}"\nint main(void){{}}\n')
    assert secret.verdict is Verdict.CE
    assert CANARY not in secret.compile_output
    rust = judge.run_program(
        "rust", f'fn main(){{ print!("{{}}", include_str!("{host["secret_file"]}")); }}\n'
    )
    assert rust.verdict is Verdict.CE
    assert CANARY not in rust.compile_output + rust.stdout


def test_setuid_binaries_give_no_privilege(judge, host):
    source = """
import os, subprocess
print("uid", os.getuid(), os.geteuid())
print([l for l in open("/proc/self/status") if l.startswith(("NoNewPrivs", "CapEff"))])
for cmd in (["/usr/bin/su", "-c", "id", "root"], ["/usr/bin/passwd", "-S"], ["/usr/bin/newgrp"]):
    if os.path.exists(cmd[0]):
        r = subprocess.run(cmd, capture_output=True, text=True, input="", timeout=5)
        print("ran", cmd[0], r.returncode)
print("uid after", os.getuid(), os.geteuid())
"""
    report = run(judge, "python3", source, cpu_ms=5000, wall_ms=15000)
    lines = report.stdout.splitlines()
    before = next(line for line in lines if line.startswith("uid ")).split()[1:]
    after = next(line for line in lines if line.startswith("uid after")).split()[2:]
    assert before == after  # su, passwd and newgrp changed nothing
    assert "ran /usr/bin/su" in report.stdout
    assert "NoNewPrivs:\\t1" in report.stdout
    assert "CapEff:\\t0000000000000000" in report.stdout


def test_daemonised_children_do_not_outlive_the_run(judge, host, tmp_path):
    source = """
#include <unistd.h>
#include <stdio.h>
int main(void){
  if(fork()==0){ setsid(); if(fork()==0){ for(;;) sleep(1); } return 0; }
  if(fork()==0){ for(;;) sleep(1); }
  puts("parent done"); return 0;
}
"""
    report = run(judge, "c", source)
    assert report.verdict is Verdict.AC
    assert "parent done" in report.stdout
    time.sleep(0.2)
    assert host_processes_of_sandbox_user(judge) == []


def test_tiocsti_cannot_reach_a_terminal(judge, host):
    source = """
#include <stdio.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>
int main(void){
  char c='x';
  for(int fd=0; fd<3; fd++) printf("fd%d %s\\n", fd, ioctl(fd, TIOCSTI, &c)==0 ? "INJECTED" : strerror(errno));
  int t=open("/dev/tty", O_RDWR);
  printf("tty %s\\n", t>=0 ? "OPENED" : strerror(errno));
  return 0;
}
"""
    report = run(judge, "c", source)
    assert "INJECTED" not in report.stdout
    assert "OPENED" not in report.stdout


def test_no_user_namespaces_or_mounts_inside(judge, host):
    source = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER = 0x10000000
print("unshare", libc.unshare(CLONE_NEWUSER), ctypes.get_errno())
print("mount", libc.mount(b"none", b"/box", b"tmpfs", 0, None), ctypes.get_errno())
print("ptrace pid1", os.path.exists("/proc/1/mem"))
"""
    report = run(judge, "python3", source)
    assert "unshare -1" in report.stdout
    assert "mount -1" in report.stdout


def test_planted_links_never_leave_the_sandbox(judge):
    # An artifact that is a link is refused outright; the host never resolves it.
    with pytest.raises(SandboxError, match="not a plain file"):
        judge.sandbox.run(
            Invocation(
                argv=["/bin/sh", "-c", "ln -s /etc/shadow main"],
                limits=Limits(),
                collect=("main",),
            )
        )


def test_artifacts_with_links_or_odd_names_are_refused():
    import io
    import tarfile

    def archive(**member):
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo(member.get("name", "main"))
            info.type = member.get("type", tarfile.REGTYPE)
            info.linkname = member.get("linkname", "")
            data = b"" if info.type != tarfile.REGTYPE else b"binary"
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()

    assert parse_artifacts(archive()) == {"main": b"binary"}
    for bad in (
        {"type": tarfile.SYMTYPE, "linkname": "/etc/shadow"},
        {"type": tarfile.LNKTYPE, "linkname": "/etc/passwd"},
        {"type": tarfile.CHRTYPE},
        {"name": "../escape"},
        {"name": "/abs"},
        {"name": "dir/file"},
        {"name": "new\nline"},
    ):
        with pytest.raises(SandboxError):
            parse_artifacts(archive(**bad))


def test_injection_through_names_and_languages_is_refused(judge):
    from judge.runner import UnknownLanguage

    with pytest.raises(UnknownLanguage):
        judge.resolved("c; rm -rf /")
    with pytest.raises(SandboxError):
        judge.sandbox.run(Invocation(argv=["/bin/true"], limits=Limits(), files={"../x": b""}))
    with pytest.raises(SandboxError):
        judge.sandbox.run(
            Invocation(argv=["/bin/true"], limits=Limits(), files={"a\n--bind / /x": b""})
        )
    weird = judge.run_program("python3", "print(input())\n", b"--help\n$(id)\n`id`; rm -rf /\n")
    assert weird.stdout == "--help\n"
