"""A pool of sandbox zygotes (``judge/zygote.c``): one per worker slot, each in its own cgroup.

Each zygote is a bubblewrap sandbox started once, with the whole read-only view of the
toolchains; runs are forked inside it (fresh pid, mount and ipc namespaces, private tmpfs
mounts, no capabilities), so a run costs a few forks instead of a new bubblewrap. A zygote
lives in a control group of its own, so its runs are born there (no migration): limits are
set and counters read around each run, the zygote's own share taken off.
"""

from __future__ import annotations

import array
import contextlib
import functools
import logging
import os
import queue
import resource
import secrets
import selectors
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from judge.cgroups import CgroupHost, RunGroup
from judge.limits import MIB, Limits, Usage
from judge.live_output import LiveOutput
from judge.sandbox import (
    BASE_ENV,
    HOST_UID,
    BubblewrapProcess,
    Invocation,
    Mount,
    SandboxError,
    bwrap_prefix,
    memfd,
    read_json,
    signal_name,
    spawn,
    view_of_host,
)

log = logging.getLogger("sobes.judge.zygotes")
ZYGOTE_SOURCE = Path(__file__).with_name("zygote.c")
# what a zygote's own processes take in its group: bubblewrap's init, the zygote, and the
# two forks between it and the command
OWN_PROCESSES = 4
POLL_S = 0.01
KILL_GRACE_S = 10


@functools.cache
def zygote_binary() -> bytes:
    """The zygote, compiled once per process from its source with the host's C compiler."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        raise SandboxError("the zygote needs a C compiler (gcc)")
    with tempfile.TemporaryDirectory(prefix="sobes-zygote-") as scratch:
        output = Path(scratch) / "zygote"
        built = subprocess.run(  # noqa: S603 (the host's compiler on our own source)
            [compiler, "-O2", "-Wall", "-o", str(output), str(ZYGOTE_SOURCE)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if built.returncode != 0:
            raise SandboxError(f"the zygote does not compile: {built.stderr[:2000]}")
        return output.read_bytes()


@dataclass
class Zygote:
    process: BubblewrapProcess
    control: socket.socket
    group: RunGroup
    mounts: tuple[Mount, ...]
    # the group's limits as last set: unchanged between runs of one task, so not rewritten
    limits_set: tuple[int, int] | None = None

    def pids(self) -> set[int]:
        """The zygote's own processes: bubblewrap, its init in the sandbox, and the zygote."""
        found = {self.process.popen.pid}
        frontier = set(found)
        for _ in range(2):
            children = set()
            for pid in frontier:
                with contextlib.suppress(OSError):
                    children |= {
                        int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                    }
            found |= children
            frontier = children
        return found

    def alive(self) -> bool:
        self.process.poll()
        return self.process.returncode is None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.control.close()
        self.group.kill_all()
        self.process.wait_briefly()
        self.process.kill_and_reap()
        self.process.close()
        self.group.remove()


class ZygotePool:
    """Zygotes for runs that need only the shared toolchain view and write stdout to a file."""

    def __init__(self, bwrap: str, cgroups: CgroupHost, mounts: tuple[Mount, ...]):
        # One zygote per caller at a time: the pool grows to the worker's slot count.
        self.bwrap = bwrap
        self.cgroups = cgroups
        self.mounts = mounts
        self.as_root = os.geteuid() == 0
        self._idle: queue.LifoQueue[Zygote] = queue.LifoQueue()
        self._closed = False

    def serves(self, inv: Invocation) -> bool:
        return (
            inv.stdout_to_file
            and not inv.collect
            and set(inv.mounts) <= set(self.mounts)
            and len(inv.files) <= 48
        )

    def _start(self) -> Zygote:
        group = self.cgroups.create(f"zygote-{secrets.token_hex(6)}", Limits(memory_mb=4096))
        if group is None:
            raise SandboxError("zygotes need control groups")
        fds: dict[str, int] = {}
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            fds["passwd"] = memfd("passwd", b"sandbox:x:0:0::/box:/bin/sh\n")
            fds["group"] = memfd("group", b"sandbox:x:0:\n")
            fds["zygote"] = memfd("zygote", zygote_binary())
            for index, mount in enumerate(self.mounts):
                fds[f"mount:{index}"] = os.open(mount.host, os.O_PATH | os.O_DIRECTORY)
            info_r, fds["info_w"] = os.pipe()
            fds["block_r"], block_w = os.pipe()
            fds["control"] = theirs.fileno()
            identity = ["--uid", "0", "--gid", "0", "--cap-add", "ALL"]
            cmd = bwrap_prefix(self.bwrap, identity, BASE_ENV)
            cmd += view_of_host(fds, self.mounts, 16)
            cmd += [
                "--perms", "0555", "--ro-bind-data", str(fds["zygote"]), "/zygote",
                "--remount-ro", "/",
                "--chdir", "/",
                "--info-fd", str(fds["info_w"]),
                "--block-fd", str(fds["block_r"]),
                "--",
                "/zygote", str(fds["control"]),
            ]  # fmt: skip
            stdin = os.open(os.devnull, os.O_RDONLY)
            process = spawn(
                cmd,
                stdin_fd=stdin,
                stdout_fd=stdin,
                pass_fds=list(fds.values()),
                as_user=HOST_UID if self.as_root else None,
            )
            os.close(stdin)
            os.close(fds["info_w"])
            os.close(fds["block_r"])
            info = read_json(info_r, deadline=time.monotonic() + 10)
            os.close(info_r)
            if info is None:
                raise SandboxError("the zygote's bubblewrap failed to start")
            group.attach(int(info["child-pid"]))
            os.write(block_w, b"go")
            os.close(block_w)
        except BaseException:
            group.kill_all()
            group.remove()
            ours.close()
            raise
        finally:
            theirs.close()
            for key in ("passwd", "group", "zygote"):
                if key in fds:
                    os.close(fds[key])
            for key, fd in fds.items():
                if key.startswith("mount:"):
                    os.close(fd)
        return Zygote(process, ours, group, self.mounts)

    def _take(self) -> Zygote:
        while True:
            try:
                zygote = self._idle.get_nowait()
            except queue.Empty:
                return self._start()
            if zygote.alive():
                return zygote
            zygote.close()

    def run(self, inv: Invocation) -> Usage:
        zygote = self._take()
        healthy = False
        try:
            usage = self._run(zygote, inv)
            healthy = True
            return usage
        finally:
            if healthy and not self._closed:
                self._idle.put(zygote)
            else:
                zygote.close()

    def _run(self, zygote: Zygote, inv: Invocation) -> Usage:
        limits = inv.limits
        group = zygote.group
        # the zygote's own share, taken off what the run is allowed and what it is said to use
        baseline = group.memory_usage_bytes()
        wanted = (baseline + limits.memory_mb * MIB, OWN_PROCESSES + limits.processes)
        if (
            zygote.limits_set is None
            or abs(zygote.limits_set[0] - wanted[0]) > MIB
            or (zygote.limits_set[1] != wanted[1])
        ):
            group.set_limits(*wanted)
            zygote.limits_set = wanted
        group.reset_peak_memory()
        cpu_before = group.cpu_ns()
        ooms_before = group.oom_kills()
        stdin = memfd("stdin", inv.stdin)
        stdout = memfd("stdout", b"")
        err_r, err_w = os.pipe()
        file_fds = [memfd(name, content) for name, content in inv.files.items()]
        largest_input = max((len(c) for c in inv.files.values()), default=0)
        cpu_s = -(-limits.cpu_ms // 1000) + 1
        file_size = max(limits.stdout_bytes + 1, largest_input)
        stack = min(limits.memory_mb, 256) * MIB
        fields = [
            f"box={limits.tmpfs_mb * MIB}",
            f"tmp={limits.tmpfs_mb * MIB}",
            f"shm={16 * MIB}",
            f"rlimit={resource.RLIMIT_CPU}:{cpu_s}:{cpu_s + 1}",
            f"rlimit={resource.RLIMIT_FSIZE}:{file_size}:{file_size}",
            f"rlimit={resource.RLIMIT_NOFILE}:{limits.open_files}:{limits.open_files}",
            f"rlimit={resource.RLIMIT_CORE}:0:0",
            f"rlimit={resource.RLIMIT_STACK}:{stack}:{stack}",
            f"rlimit={resource.RLIMIT_MSGQUEUE}:0:0",
        ]
        fields += [
            f"file={0o755 if name in inv.executables else 0o644:o}:{name}" for name in inv.files
        ]
        fields += [f"env={k}={v}" for k, v in {**BASE_ENV, **inv.env, "PWD": "/box"}.items()]
        fields += [f"arg={arg}" for arg in inv.argv]
        if any("\0" in field for field in fields):
            raise SandboxError("NUL in a command or its environment")
        request = b"".join(field.encode() + b"\0" for field in fields)
        try:
            zygote.control.sendmsg(
                [request],
                [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                  array.array("i", [stdin, stdout, err_w, *file_fds]))],
            )  # fmt: skip
        except OSError as exc:
            raise SandboxError(f"the zygote is gone: {exc}") from exc
        finally:
            for fd in (stdin, err_w, *file_fds):
                os.close(fd)
        begun = time.monotonic()
        usage = Usage()
        if inv.live is not None:
            inv.live.follow_stdout(stdout)
        try:
            answer = self._supervise(
                zygote, group, limits, err_r, usage, begun, cpu_before, inv.live
            )
            if inv.live is not None and "error" not in answer:
                inv.live.finish()
            size = os.fstat(stdout).st_size
            usage.stdout = os.pread(stdout, min(size, limits.stdout_bytes), 0)
        finally:
            os.close(stdout)
            os.close(err_r)
        if "error" in answer:
            raise SandboxError(f"the zygote could not start the run: {answer['error']}")
        usage.wall_ms = round((time.monotonic() - begun) * 1000)
        usage.cpu_ms = (group.cpu_ns() - cpu_before) // 1_000_000
        usage.memory_kb = max(0, group.peak_memory_bytes() - baseline) // 1024
        if "status" in answer:
            status = int(answer["status"])
            # the command's own CPU (its zygote forks and set-up are not the candidate's)
            usage.cpu_ms = int(answer["cpu_us"]) // 1000
            if os.WIFSIGNALED(status):
                usage.signal = signal_name(os.WTERMSIG(status))
            else:
                usage.exit_code = os.WEXITSTATUS(status)
        elif usage.limit_hit is None:
            usage.signal = "SIGKILL"
        if usage.limit_hit is None and group.oom_kills() > ooms_before:
            usage.limit_hit = "memory"
        if size > limits.stdout_bytes:
            usage.limit_hit = "output"  # it wrote past the limit first; the rest followed
        return usage

    def _supervise(
        self,
        zygote: Zygote,
        group: RunGroup,
        limits: Limits,
        err_r: int,
        usage: Usage,
        begun: float,
        cpu_before: int,
        live: LiveOutput | None = None,
    ) -> dict:
        selector = selectors.DefaultSelector()
        os.set_blocking(err_r, False)
        selector.register(err_r, selectors.EVENT_READ)
        selector.register(zygote.control, selectors.EVENT_READ)
        wall_deadline = begun + limits.effective_wall_ms / 1000
        cpu_limit_ns = limits.cpu_ms * 1_000_000
        stderr: list[bytes] = []
        kept = 0
        answer: dict | None = None
        killed = False
        try:
            while answer is None:
                for key, _ in selector.select(timeout=POLL_S):
                    if key.fileobj is zygote.control:
                        message = zygote.control.recv(1 << 16)
                        if not message:
                            raise SandboxError("the zygote died during a run")
                        answer = (
                            dict(
                                part.split("=", 1)
                                for part in message.decode().split(" ")
                                if "=" in part
                            )
                            if not message.startswith(b"error=")
                            else {"error": message[6:].decode()}
                        )
                        continue
                    data = os.read(err_r, 1 << 16)
                    if not data:
                        selector.unregister(err_r)
                        continue
                    room = limits.stderr_bytes - kept
                    if room > 0:
                        stderr.append(data[:room])
                        kept += min(room, len(data))
                    if live is not None:
                        live.take("stderr", data)
                if live is not None:
                    live.tick()
                if answer is None and time.monotonic() > wall_deadline + KILL_GRACE_S:
                    # the zygote did not answer even after the kill: it is broken
                    raise SandboxError("the zygote did not end a run it was told to kill")
                if answer is None and not killed:
                    if group.cpu_ns() - cpu_before > cpu_limit_ns:
                        usage.limit_hit, killed = "cpu", True
                    elif time.monotonic() > wall_deadline:
                        usage.limit_hit, killed = "wall", True
                    if killed:
                        zygote.control.send(b"kill")
            # stderr may still hold what the run wrote last
            with contextlib.suppress(BlockingIOError, OSError):
                while (data := os.read(err_r, 1 << 16)) and kept < limits.stderr_bytes:
                    stderr.append(data[: limits.stderr_bytes - kept])
                    kept += len(stderr[-1])
                    if live is not None:
                        live.take("stderr", data)
        finally:
            selector.close()
        usage.stderr = b"".join(stderr)
        return answer

    def idle_pids(self) -> set[int]:
        """The processes of the zygotes waiting for work (for checks that nothing else is left)."""
        pids: set[int] = set()
        for zygote in list(self._idle.queue):
            pids |= zygote.pids()
        return pids

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
