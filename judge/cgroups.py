"""Control groups for runs: limits on memory and processes, CPU and peak-memory accounting.

The host may have cgroup v1 controllers, a v2 hierarchy, or neither (then the sandbox falls
back to rlimits). ``detect()`` picks what this host offers; each run gets a group of its own
that is emptied and removed when the run ends.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import time
from abc import ABC, abstractmethod
from pathlib import Path

from judge.limits import MIB, Limits

log = logging.getLogger("sobes.judge.cgroups")
GROUP_NAME = "sobes-judge"


def _write(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def _read(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        return os.read(fd, 65536).decode()
    finally:
        os.close(fd)


def _pids(path: Path) -> list[int]:
    try:
        return [int(line) for line in _read(path).split()]
    except FileNotFoundError:
        return []


def _rmdir(path: Path) -> None:
    for _ in range(50):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
            time.sleep(0.002)
    log.warning("cgroup %s is still busy; left behind", path)


class RunGroup(ABC):
    """The control group of one run."""

    @abstractmethod
    def attach(self, pid: int) -> None: ...

    @abstractmethod
    def cpu_ns(self) -> int: ...

    @abstractmethod
    def peak_memory_bytes(self) -> int: ...

    @abstractmethod
    def memory_exceeded(self) -> bool: ...

    @abstractmethod
    def process_count(self) -> int: ...

    @abstractmethod
    def kill_all(self) -> None:
        """SIGKILL every process in the group until it is empty."""

    @abstractmethod
    def remove(self) -> None: ...

    # For a long-lived group that hosts one run after another (a zygote's slot):

    @abstractmethod
    def set_limits(self, memory_bytes: int, processes: int) -> None: ...

    @abstractmethod
    def memory_usage_bytes(self) -> int: ...

    @abstractmethod
    def reset_peak_memory(self) -> None: ...

    @abstractmethod
    def oom_kills(self) -> int: ...


class CgroupHost(ABC):
    kind: str

    @abstractmethod
    def create(self, run_id: str, limits: Limits) -> RunGroup | None: ...


class NoCgroups(CgroupHost):
    """No usable control groups: the sandbox relies on rlimits and rusage alone."""

    kind = "none"

    def create(self, run_id: str, limits: Limits) -> RunGroup | None:
        return None


class _V1Group(RunGroup):
    def __init__(self, dirs: dict[str, Path]) -> None:
        self.dirs = dirs

    def attach(self, pid: int) -> None:
        for directory in self.dirs.values():
            _write(directory / "cgroup.procs", str(pid))

    def cpu_ns(self) -> int:
        return int(_read(self.dirs["cpuacct"] / "cpuacct.usage"))

    def peak_memory_bytes(self) -> int:
        return int(_read(self.dirs["memory"] / "memory.max_usage_in_bytes"))

    def memory_exceeded(self) -> bool:
        return self.oom_kills() > 0

    def oom_kills(self) -> int:
        for line in _read(self.dirs["memory"] / "memory.oom_control").splitlines():
            name, _, value = line.partition(" ")
            if name == "oom_kill":
                return int(value)
        return 0

    def set_limits(self, memory_bytes: int, processes: int) -> None:
        memory = self.dirs["memory"]
        swap = memory / "memory.memsw.limit_in_bytes"
        # memsw may never be below the memory limit: order the writes accordingly
        current = int(_read(memory / "memory.limit_in_bytes"))
        if swap.exists() and memory_bytes > current:
            _write(swap, str(memory_bytes))
            _write(memory / "memory.limit_in_bytes", str(memory_bytes))
        else:
            _write(memory / "memory.limit_in_bytes", str(memory_bytes))
            if swap.exists():
                _write(swap, str(memory_bytes))
        _write(self.dirs["pids"] / "pids.max", str(processes))

    def memory_usage_bytes(self) -> int:
        return int(_read(self.dirs["memory"] / "memory.usage_in_bytes"))

    def reset_peak_memory(self) -> None:
        _write(self.dirs["memory"] / "memory.max_usage_in_bytes", "0")

    def process_count(self) -> int:
        return len(_pids(self.dirs["pids"] / "cgroup.procs"))

    def kill_all(self) -> None:
        procs = self.dirs["pids"] / "cgroup.procs"
        for _ in range(200):
            pids = _pids(procs)
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.001)
        log.error("could not empty %s", procs)

    def remove(self) -> None:
        for directory in self.dirs.values():
            _rmdir(directory)


class CgroupsV1(CgroupHost):
    """Separate v1 hierarchies for memory, pids and cpuacct."""

    kind = "v1"
    CONTROLLERS = ("memory", "pids", "cpuacct")

    def __init__(self, mounts: dict[str, Path]) -> None:
        self.parents = {}
        for controller in self.CONTROLLERS:
            parent = mounts[controller] / GROUP_NAME
            parent.mkdir(exist_ok=True)
            self.parents[controller] = parent
        self.swap_accounting = (self.parents["memory"] / "memory.memsw.limit_in_bytes").exists()

    def create(self, run_id: str, limits: Limits) -> RunGroup:
        dirs = {c: self.parents[c] / run_id for c in self.CONTROLLERS}
        for directory in dirs.values():
            directory.mkdir()
        group = _V1Group(dirs)
        try:
            memory = str(limits.memory_mb * MIB)
            _write(dirs["memory"] / "memory.limit_in_bytes", memory)
            if self.swap_accounting:
                _write(dirs["memory"] / "memory.memsw.limit_in_bytes", memory)
            _write(dirs["pids"] / "pids.max", str(limits.processes))
        except OSError:
            group.remove()
            raise
        return group


class _V2Group(RunGroup):
    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def attach(self, pid: int) -> None:
        _write(self.dir / "cgroup.procs", str(pid))

    def _stat(self, name: str) -> dict[str, int]:
        found = {}
        for line in _read(self.dir / name).splitlines():
            key, _, value = line.partition(" ")
            found[key] = int(value)
        return found

    def cpu_ns(self) -> int:
        return self._stat("cpu.stat")["usage_usec"] * 1000

    def peak_memory_bytes(self) -> int:
        return int(_read(self.dir / "memory.peak"))

    def memory_exceeded(self) -> bool:
        return self.oom_kills() > 0

    def oom_kills(self) -> int:
        return self._stat("memory.events").get("oom_kill", 0)

    def set_limits(self, memory_bytes: int, processes: int) -> None:
        _write(self.dir / "memory.max", str(memory_bytes))
        _write(self.dir / "pids.max", str(processes))

    def memory_usage_bytes(self) -> int:
        return int(_read(self.dir / "memory.current"))

    def reset_peak_memory(self) -> None:
        _write(self.dir / "memory.peak", "reset")

    def process_count(self) -> int:
        return len(_pids(self.dir / "cgroup.procs"))

    def kill_all(self) -> None:
        _write(self.dir / "cgroup.kill", "1")
        for _ in range(200):
            if not _pids(self.dir / "cgroup.procs"):
                return
            time.sleep(0.001)

    def remove(self) -> None:
        _rmdir(self.dir)


class CgroupsV2(CgroupHost):
    """A v2 group ``sobes-judge`` with memory, pids and cpu delegated to per-run children."""

    kind = "v2"

    def __init__(self, parent: Path) -> None:
        self.parent = parent

    def create(self, run_id: str, limits: Limits) -> RunGroup:
        directory = self.parent / run_id
        directory.mkdir()
        group = _V2Group(directory)
        try:
            _write(directory / "memory.max", str(limits.memory_mb * MIB))
            _write(directory / "memory.swap.max", "0")
            _write(directory / "pids.max", str(limits.processes))
        except OSError:
            group.remove()
            raise
        return group


def _mounts() -> tuple[dict[str, Path], list[Path]]:
    v1: dict[str, Path] = {}
    v2: list[Path] = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or len(tail) < 3:
            continue
        mount_point, fstype, options = Path(fields[4]), tail[0], tail[2].split(",")
        if fstype == "cgroup":
            for controller in CgroupsV1.CONTROLLERS:
                if controller in options:
                    v1.setdefault(controller, mount_point)
        elif fstype == "cgroup2":
            v2.append(mount_point)
    return v1, v2


def detect() -> CgroupHost:
    """The best control groups this process may use, or ``NoCgroups``."""
    v1, v2 = _mounts()
    if all(c in v1 for c in CgroupsV1.CONTROLLERS):
        try:
            return CgroupsV1(v1)
        except OSError as exc:
            log.warning("cgroup v1 controllers are mounted but not usable: %s", exc)
    for mount in v2:
        try:
            available = set(_read(mount / "cgroup.controllers").split())
        except OSError:
            continue
        if not {"memory", "pids", "cpu"} <= available:
            continue
        try:
            _write(mount / "cgroup.subtree_control", "+memory +pids +cpu")
            parent = mount / GROUP_NAME
            parent.mkdir(exist_ok=True)
            _write(parent / "cgroup.subtree_control", "+memory +pids +cpu")
            return CgroupsV2(parent)
        except OSError as exc:
            log.warning("cgroup v2 at %s is not delegated to us: %s", mount, exc)
    return NoCgroups()
