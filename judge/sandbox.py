"""Runs one command in a bubblewrap sandbox under limits, and measures it.

Isolation: new user, pid, network, ipc, uts, mount and cgroup namespaces; a read-only view of
``/usr`` and the toolchain paths a language declares, nothing else of the host; a private,
size-capped tmpfs as the work dir ``/box`` and as ``/tmp``; no network (an empty network
namespace, so even the host's loopback services are out of reach); an unprivileged uid on the
host and inside; a new session (no controlling terminal, so no TIOCSTI); NO_NEW_PRIVS and no
capabilities; no further user namespaces; death with the judge. When the command ends, the
pid namespace ends with it, so nothing outlives a run, ``setsid`` children included.

Files go in through memfds copied by bubblewrap into the sandbox's own tmpfs, and results come
out through the judge's own descriptors (pipes, and memfds for output), so the host never
writes, chowns or reads through a path that sandboxed code could have created or replaced.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import resource
import secrets
import selectors
import shlex
import shutil
import signal
import subprocess
import tarfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from judge.cgroups import CgroupHost, RunGroup, detect
from judge.limits import MIB, Limits, Usage
from judge.live_output import LiveOutput

log = logging.getLogger("sobes.judge.sandbox")

WORK_DIR = "/box"
SANDBOX_UID = 1000
# The unprivileged host account sandboxes run as when the judge itself runs as root.
HOST_UID = 65534
ARTIFACT_LIMIT = 128 * MIB
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,127}$")
_POLL_S = 0.01  # how often CPU time and the wall clock are checked
PRLIMIT = shutil.which("prlimit") or "/usr/bin/prlimit"
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": WORK_DIR,
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
}


class SandboxError(RuntimeError):
    """The sandbox itself failed (a judge-side fault, never the candidate's)."""


@dataclass(frozen=True)
class Mount:
    """A host path shown read-only inside the sandbox."""

    host: str
    inside: str


@dataclass
class Invocation:
    argv: list[str]
    limits: Limits
    files: dict[str, bytes] = field(default_factory=dict)
    executables: frozenset[str] = frozenset()
    stdin: bytes = b""
    mounts: tuple[Mount, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    # After a successful exit, these names (shell globs in /box) come back as artifacts.
    collect: tuple[str, ...] = ()
    # Standard output into a file capped by RLIMIT_FSIZE rather than a pipe: writes never
    # block, so a runtime cannot pile up unwritten output in memory (Node.js does), and
    # exceeding the output limit is decided by the kernel, not by how fast the judge reads.
    stdout_to_file: bool = False
    # Where the output goes while the program runs, besides into the result (plain runs only).
    live: LiveOutput | None = None


def bubblewrap() -> str:
    found = shutil.which("bwrap") or "/usr/bin/bwrap"
    if not Path(found).exists():
        raise SandboxError("bubblewrap is not installed: apt-get install bubblewrap")
    return found


def memfd(name: str, content: bytes) -> int:
    fd = os.memfd_create(name, 0)
    view = memoryview(content)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"SIG{number}"


def parse_artifacts(data: bytes) -> dict[str, bytes]:
    """Regular files of a tar stream made in the sandbox; links, devices and odd names refused."""
    found: dict[str, bytes] = {}
    if not data:
        return found
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for member in archive:
                if not member.isreg() or not _SAFE_NAME.match(member.name):
                    raise SandboxError(f"refused artifact {member.name!r} (not a plain file)")
                extracted = archive.extractfile(member)
                assert extracted is not None
                found[member.name] = extracted.read()
    except tarfile.TarError as exc:
        raise SandboxError(f"unreadable artifacts: {exc}") from exc
    return found


def bwrap_prefix(bwrap: str, identity: list[str], env: dict[str, str]) -> list[str]:
    """bubblewrap's namespaces, identity and environment, shared by runs and zygotes."""
    cmd = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        *identity,
        "--hostname", "sandbox",
        "--clearenv",
    ]  # fmt: skip
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    return cmd


def view_of_host(fds: dict[str, int], mounts: tuple[Mount, ...], tmpfs_mb: int) -> list[str]:
    """The file system the sandbox sees: read-only /usr and toolchains, private tmpfs mounts."""
    cmd = [
        "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin",
        "--symlink", "usr/sbin", "/sbin",
        "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64",
        "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache",
        "--ro-bind-data", str(fds["passwd"]), "/etc/passwd",
        "--ro-bind-data", str(fds["group"]), "/etc/group",
        "--proc", "/proc",
        "--dev", "/dev",
        "--size", str(tmpfs_mb * MIB), "--perms", "1777", "--tmpfs", "/tmp",
        "--size", str(16 * MIB), "--perms", "1777", "--tmpfs", "/dev/shm",
        "--size", str(tmpfs_mb * MIB), "--perms", "0777", "--tmpfs", WORK_DIR,
    ]  # fmt: skip
    for index, mount in enumerate(mounts):
        # by descriptor: the judge opened it, so the sandbox user needs no way to it
        cmd += ["--ro-bind-fd", str(fds[f"mount:{index}"]), mount.inside]
    return cmd


class Sandbox:
    """Runs invocations; one instance serves any number of concurrent runs."""

    def __init__(
        self,
        cgroups: CgroupHost | None = None,
        shared_mounts: tuple[Mount, ...] = (),
        zygotes: int = 0,
    ) -> None:
        self.bwrap = bubblewrap()
        self.cgroups = cgroups if cgroups is not None else detect()
        self.as_root = os.geteuid() == 0
        self.zygotes = None
        if zygotes and self.cgroups.kind != "none":
            from judge.zygotes import ZygotePool

            self.zygotes = ZygotePool(self.bwrap, self.cgroups, shared_mounts)

    def close(self) -> None:
        if self.zygotes is not None:
            self.zygotes.close()

    def _command(self, inv: Invocation, fds: dict[str, int]) -> list[str]:
        identity = ["--cap-drop", "ALL", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
        cmd = bwrap_prefix(self.bwrap, identity, {**BASE_ENV, **inv.env})
        cmd += view_of_host(fds, inv.mounts, inv.limits.tmpfs_mb)
        for name in inv.files:
            mode = "0755" if name in inv.executables else "0644"
            cmd += ["--perms", mode, "--file", str(fds[f"file:{name}"]), f"{WORK_DIR}/{name}"]
        cmd += [
            "--remount-ro", "/",
            "--chdir", WORK_DIR,
            "--info-fd", str(fds["info_w"]),
            "--block-fd", str(fds["block_r"]),
            "--json-status-fd", str(fds["status_w"]),
            "--",
        ]  # fmt: skip
        argv = inv.argv
        if inv.collect:
            # Hand the artifacts over as a tar stream on fd 3, only if the command succeeded.
            # (bash, not sh: dash cannot redirect to descriptors above 9)
            argv = [
                "/usr/bin/bash",
                "-c",
                f"{shlex.join(inv.argv)} && exec /usr/bin/tar --no-recursion -cf - "
                f"{' '.join(inv.collect)} >&{fds['artifacts_w']}",
            ]
        return cmd + argv

    @staticmethod
    def _rlimits(limits: Limits, with_cgroup: bool, file_size: int) -> list[str]:
        """``prlimit`` options: set on bubblewrap itself, so everything it starts inherits them.

        (Setting them from outside with prlimit(2) needs CAP_SYS_RESOURCE, which a judge may
        well not have; lowering one's own limits needs nothing.)
        """
        cpu_s = -(-limits.cpu_ms // 1000) + 1  # ceil, plus a second: the watcher acts first
        options = [
            f"--cpu={cpu_s}:{cpu_s + 1}",
            f"--fsize={file_size}",
            f"--nofile={limits.open_files}",
            "--core=0",
            f"--stack={min(limits.memory_mb, 256) * MIB}",
            "--msgqueue=0",
        ]
        if not with_cgroup:
            # No control group: bound the address space and the process count instead.
            options += [f"--as={(limits.memory_mb + 64) * MIB}", f"--nproc={limits.processes}"]
        return options

    def run(self, inv: Invocation) -> Usage:
        """Run ``inv`` and return what it used; raises ``SandboxError`` on judge faults."""
        if self.zygotes is not None and self.zygotes.serves(inv):
            try:
                return self.zygotes.run(inv)
            except SandboxError as exc:
                log.warning("zygote failed (%s); this run gets a sandbox of its own", exc)
                if inv.live is not None:
                    # (none if some of what the failed run printed was passed on already)
                    inv = replace(inv, live=inv.live.afresh())
        return self._run_alone(inv)

    def _run_alone(self, inv: Invocation) -> Usage:
        run_id = f"run-{secrets.token_hex(8)}"
        limits = inv.limits
        fds: dict[str, int] = {}
        to_close: list[int] = []
        group: RunGroup | None = None
        process = None
        try:
            fds["passwd"] = memfd("passwd", b"sandbox:x:1000:1000::/box:/bin/sh\n")
            fds["group"] = memfd("group", b"sandbox:x:1000:\n")
            for name, content in inv.files.items():
                if not _SAFE_NAME.match(name):
                    raise SandboxError(f"bad file name {name!r}")
                fds[f"file:{name}"] = memfd(name, content)
            for index, mount in enumerate(inv.mounts):
                fds[f"mount:{index}"] = os.open(mount.host, os.O_PATH | os.O_DIRECTORY)
            stdin_fd = memfd("stdin", inv.stdin)
            out_fd = memfd("stdout", b"") if inv.stdout_to_file else None
            to_close += [*fds.values(), stdin_fd]
            if out_fd is not None:
                to_close.append(out_fd)
            info_r, fds["info_w"] = os.pipe()
            fds["block_r"], block_w = os.pipe()
            status_r, fds["status_w"] = os.pipe()
            art_r, art_w = os.pipe() if inv.collect else (-1, -1)
            to_close += [info_r, fds["info_w"], fds["block_r"], block_w, status_r]
            to_close += [fds["status_w"]]
            pass_fds = list(fds.values())
            if inv.collect:
                to_close += [art_r, art_w]
            group = self.cgroups.create(run_id, limits)
            started = time.monotonic()
            if inv.collect:
                fds["artifacts_w"] = art_w
                pass_fds.append(art_w)
            file_size = limits.file_size_mb * MIB
            if inv.stdout_to_file:
                # The output file's size limit is the output limit (+1 to tell a full file from
                # an overflowing one), but bubblewrap must still be able to write the inputs.
                largest_input = max((len(c) for c in inv.files.values()), default=0)
                file_size = max(limits.stdout_bytes + 1, largest_input)
            rlimits = self._rlimits(limits, group is not None, file_size)
            process = spawn(
                [PRLIMIT, *rlimits, "--", *self._command(inv, fds)],
                stdin_fd=stdin_fd,
                stdout_fd=out_fd,
                pass_fds=pass_fds,
                as_user=HOST_UID if self.as_root else None,
            )
            for fd in (fds["info_w"], fds["block_r"], fds["status_w"], stdin_fd, art_w):
                if fd >= 0:
                    os.close(fd)
                    to_close.remove(fd)
            info = read_json(info_r, deadline=started + 10)
            if info is None:
                raise SandboxError(f"bubblewrap failed: {_drain(process.stderr_fd)[:2000]!r}")
            child = int(info["child-pid"])
            if group is not None:
                try:
                    group.attach(child)
                except ProcessLookupError:
                    process.kill_and_reap()
                    raise SandboxError(
                        f"bubblewrap failed: {_drain(process.stderr_fd)[:2000]!r}"
                    ) from None
            os.write(block_w, b"go")
            os.close(block_w)
            to_close.remove(block_w)
            begun = time.monotonic()
            if inv.live is not None and out_fd is not None:
                inv.live.follow_stdout(out_fd)
            usage = self._supervise(process, group, limits, art_r, begun, inv.live)
            if inv.live is not None:
                inv.live.finish()
            if out_fd is not None:
                size = os.fstat(out_fd).st_size
                usage.stdout = os.pread(out_fd, min(size, limits.stdout_bytes), 0)
                if size > limits.stdout_bytes:
                    # It wrote past the limit first; whatever it did next (runtimes that ignore
                    # SIGXFSZ pile up errors until memory runs out) follows from that.
                    usage.limit_hit = "output"
            status = _read_statuses(status_r)
            exit_code = status.get("exit-code")
            if exit_code is not None and exit_code > 128 and usage.signal is None:
                usage.signal = signal_name(exit_code - 128)
            elif exit_code is not None and usage.signal is None:
                usage.exit_code = exit_code
            if usage.signal is not None:
                usage.exit_code = None
            return usage
        finally:
            if process is not None:
                if group is not None:
                    group.kill_all()
                process.wait_briefly()
                process.kill_and_reap()
                process.close()
            if group is not None:
                group.kill_all()
                group.remove()
            for fd in to_close:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _supervise(
        self,
        process: BubblewrapProcess,
        group: RunGroup | None,
        limits: Limits,
        art_r: int,
        begun: float,
        live: LiveOutput | None = None,
    ) -> Usage:
        usage = Usage()
        streams = {process.stderr_fd: "stderr"}
        if process.stdout_fd is not None:
            streams[process.stdout_fd] = "stdout"
        caps = {process.stderr_fd: limits.stderr_bytes}
        if process.stdout_fd is not None:
            caps[process.stdout_fd] = limits.stdout_bytes
        if art_r >= 0:
            caps[art_r] = ARTIFACT_LIMIT
        chunks: dict[int, list[bytes]] = {fd: [] for fd in caps}
        sizes = dict.fromkeys(caps, 0)
        selector = selectors.DefaultSelector()
        for fd in caps:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        # bubblewrap's exit wakes the loop at once (a pidfd), not at the next poll
        exited = os.pidfd_open(process.popen.pid)
        selector.register(exited, selectors.EVENT_READ)
        wall_deadline = begun + limits.effective_wall_ms / 1000
        cpu_limit_ns = limits.cpu_ms * 1_000_000
        open_fds = set(caps)
        try:
            while open_fds or process.returncode is None:
                for key, _ in selector.select(timeout=_POLL_S):
                    fd = key.fd
                    if fd == exited:
                        selector.unregister(exited)
                        continue
                    try:
                        data = os.read(fd, 1 << 16)
                    except BlockingIOError:
                        continue
                    if not data:
                        selector.unregister(fd)
                        open_fds.discard(fd)
                        continue
                    room = caps[fd] - sizes[fd]
                    if live is not None and fd in streams:
                        live.take(streams[fd], data)  # which keeps no more than the limit
                    if len(data) > room:
                        chunks[fd].append(data[: max(room, 0)])
                        sizes[fd] = caps[fd]
                        if fd == process.stdout_fd or fd == art_r:
                            usage.limit_hit = usage.limit_hit or "output"
                            self._stop(process, group)
                        # a noisy stderr is cut, not fatal
                    else:
                        chunks[fd].append(data)
                        sizes[fd] += len(data)
                if live is not None:
                    live.tick()
                process.poll()
                now = time.monotonic()
                if usage.limit_hit is None:
                    if group is not None and group.cpu_ns() > cpu_limit_ns:
                        usage.limit_hit = "cpu"
                        self._stop(process, group)
                    elif now > wall_deadline:
                        usage.limit_hit = "wall"
                        self._stop(process, group)
                if process.returncode is not None and open_fds and now > wall_deadline + 1:
                    break  # the sandbox is gone; whatever still holds a pipe is being killed
        finally:
            selector.close()
            os.close(exited)
        usage.wall_ms = round((time.monotonic() - begun) * 1000)
        if process.stdout_fd is not None:
            usage.stdout = b"".join(chunks[process.stdout_fd])
        usage.stderr = b"".join(chunks[process.stderr_fd])
        if group is not None:
            usage.cpu_ms = group.cpu_ns() // 1_000_000
            usage.memory_kb = group.peak_memory_bytes() // 1024
            if group.memory_exceeded() and usage.limit_hit is None:
                usage.limit_hit = "memory"
        else:
            assert process.rusage is not None
            usage.cpu_ms = round((process.rusage.ru_utime + process.rusage.ru_stime) * 1000)
            usage.memory_kb = process.rusage.ru_maxrss
        if usage.limit_hit is None and usage.memory_kb * 1024 >= limits.memory_mb * MIB:
            usage.limit_hit = "memory"
        if art_r >= 0 and usage.limit_hit is None:
            usage.artifacts = parse_artifacts(b"".join(chunks[art_r]))
        return usage

    @staticmethod
    def _stop(process: BubblewrapProcess, group: RunGroup | None) -> None:
        if group is not None:
            # Kill the sandbox from inside; bubblewrap then reaps its child and exits itself,
            # so no orphan is left for the host's init to reap.
            group.kill_all()
        else:
            process.kill_and_reap(wait=False)


@dataclass
class BubblewrapProcess:
    """bubblewrap's process, reaped with wait4 so its children's CPU and memory are known."""

    popen: subprocess.Popen[bytes]
    stdout_fd: int | None
    stderr_fd: int
    returncode: int | None = None
    rusage: resource.struct_rusage | None = None

    def _reaped(self, status: int, rusage: resource.struct_rusage) -> None:
        self.returncode = os.waitstatus_to_exitcode(status)
        self.rusage = rusage
        self.popen.returncode = self.returncode

    def poll(self) -> None:
        if self.returncode is None:
            pid, status, rusage = os.wait4(self.popen.pid, os.WNOHANG)
            if pid:
                self._reaped(status, rusage)

    def wait_briefly(self, seconds: float = 2.0) -> None:
        """Give bubblewrap a moment to exit by itself after its sandbox was killed."""
        deadline = time.monotonic() + seconds
        while self.returncode is None and time.monotonic() < deadline:
            self.poll()
            if self.returncode is None:
                time.sleep(0.001)

    def kill_and_reap(self, wait: bool = True) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            if wait:
                _, status, rusage = os.wait4(self.popen.pid, 0)
                self._reaped(status, rusage)

    def close(self) -> None:
        for stream in (self.popen.stdout, self.popen.stderr):
            if stream is not None:
                stream.close()


def spawn(
    argv: list[str],
    *,
    stdin_fd: int,
    stdout_fd: int | None,
    pass_fds: list[int],
    as_user: int | None,
) -> BubblewrapProcess:
    """Start bubblewrap with exactly the descriptors it needs, as ``as_user`` when given."""
    identity: dict[str, Any] = {}
    if as_user is not None:
        identity = {"user": as_user, "group": as_user, "extra_groups": []}
    popen = subprocess.Popen(  # noqa: S603 (a fixed bwrap command line, no shell)
        argv,
        stdin=stdin_fd,
        stdout=subprocess.PIPE if stdout_fd is None else stdout_fd,
        stderr=subprocess.PIPE,
        pass_fds=pass_fds,
        close_fds=True,
        start_new_session=True,
        env={},
        **identity,
    )
    assert popen.stderr is not None
    out = popen.stdout.fileno() if popen.stdout is not None else None
    return BubblewrapProcess(popen=popen, stdout_fd=out, stderr_fd=popen.stderr.fileno())


def read_json(fd: int, deadline: float) -> dict | None:
    data = b""
    while time.monotonic() < deadline:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            continue
    return None


def _read_statuses(fd: int) -> dict:
    """The last of bubblewrap's JSON status documents (it writes the exit code last)."""
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    merged: dict = {}
    decoder = json.JSONDecoder()
    text, index = data.decode(errors="replace"), 0
    while index < len(text):
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            break
        try:
            document, index = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            break
        merged.update(document)
    return merged


def _drain(fd: int) -> str:
    try:
        return os.read(fd, 65536).decode(errors="replace")
    except OSError:
        return ""
