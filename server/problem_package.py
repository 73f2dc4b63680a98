"""Coding tasks from Kattis / ICPC problem packages (a folder or a zip), as Sobes tasks.

The format: https://www.kattis.com/problem-package-format/ (the legacy version, and what of
2023-07 and later a screening task can use). What a package becomes:

- the title: ``name`` in ``problem.yaml`` (a string, or a map of languages to strings), else
  the ``\\begin{problem}{Title}`` or ``\\problemname{Title}`` of a LaTeX statement, else the
  package's short name (its folder's name);
- the statement: ``statement/`` or ``problem_statement/`` ``problem.en.md`` / ``problem.md``
  as it is, else ``problem.en.tex`` / ``problem.tex`` turned into Markdown by a small
  conversion (sections, emphasis, lists, verbatim; math kept as it is; unknown macros left as
  they are, not guessed at); ``{{name}}`` / ``\\constant{name}`` of problem.yaml's
  ``constants`` put in;
- the limits: ``limits.time_limit`` in ``problem.yaml`` or a ``.timelimit`` file (default
  2 s), ``limits.memory`` in MiB (default Sobes's 256 MiB); Kattis's way of deriving a time
  limit from its judge solutions (``time_multiplier``) has nothing to run on here;
- the checker: an output validator (``output_validators/<name>/`` or the 2023-07
  ``output_validator/``) in one Python, C or C++ source file runs in the Kattis protocol
  (``judge.checkers``), with ``validator_flags`` as its arguments; without one, the default
  validator's flags map onto the built-in checkers (``float_tolerance`` and friends: float;
  ``space_change_sensitive``: exact; else tokens). Sobes's checkers compare case-sensitively,
  where Kattis's default validator does not unless ``case_sensitive`` is given;
- the tests: ``data/sample`` is a group "sample" worth 0 points whose tests candidates see;
  ``data/secret`` is one group "secret" worth 100 points or, when it has subdirectories (test
  data groups), one group per subdirectory in sorted order. A group's points: the
  ``max_score`` of its ``test_group.yaml`` (2023-07 and later), or the ``accept_score`` of its
  legacy ``testdata.yaml``, which is per test: with ``grader_flags: min`` it is the group's,
  with Kattis's default sum the group is worth it times its tests. Without any, the groups
  split 100 evenly. A Sobes group scores all or nothing, as a ``min`` group does.

Interactive and multi-pass problems, validators that give scores, and output validator
arguments for some tests only are refused: Sobes cannot run them faithfully.

A zip is read in memory, never extracted, and refused if it has absolute or ``..`` paths,
links, more than 2,000 files, more than 64 MiB in all (the declared sizes and the bytes
actually read), or a file over 16 MiB. Every problem found is collected and reported at once
in a ``PackageError``.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import re
import stat
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import asyncpg
import yaml

from judge.checkers import CheckerSpec
from judge.limits import MIB, Limits
from server.tasks import NewGroup, NewTest, create_task

MAX_FILES = 2_000
MAX_TOTAL_BYTES = 64 * MIB
MAX_FILE_BYTES = 16 * MIB
DEFAULT_TIME_LIMIT_S = 2.0
TOTAL_POINTS = 100
MAX_TITLE = 200
# Names starting with a dot or a dash are not part of a package (the format says so: .git,
# .gitignore, ...), except the .timelimit that problemtools writes; nor is macOS's __MACOSX.
KEPT_DOTFILES = frozenset({".timelimit"})
IGNORED_PARTS = frozenset({"__MACOSX", "__pycache__"})
STATEMENT_DIRS = ("statement", "problem_statement")
VALIDATOR_LANGUAGES = {".py": "python3", ".c": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp"}
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx")
DEFAULT_VALIDATOR_FLAGS = (
    "case_sensitive",
    "space_change_sensitive",
    "float_tolerance",
    "float_absolute_tolerance",
    "float_relative_tolerance",
)

# called as each file is read: (files read so far, files in all, the file's path)
Progress = Callable[[int, int, str], None]


class PackageError(Exception):
    """The package cannot be imported; ``problems`` lists every reason, one sentence each."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class Problem:
    """A parsed package, ready for ``server.tasks.create_task``."""

    title: str
    statement: str
    limits: Limits
    checker: CheckerSpec
    groups: list[NewGroup]
    origin: str
    shortname: str = ""
    files: int = 0

    @property
    def test_count(self) -> int:
        return sum(len(group.tests) for group in self.groups)

    @property
    def max_score(self) -> int:
        return sum(group.points for group in self.groups)


def parse_package(
    source: Path | bytes, *, name: str | None = None, progress: Progress | None = None
) -> Problem:
    """Read a package (a folder, a .zip file, or a zip's bytes) and check all of it.

    ``name`` is the package's short name when ``source`` cannot tell it (bytes of a zip with
    ``problem.yaml`` at its root: the uploaded file's name). Raises ``PackageError``.
    """
    problems: list[str] = []
    read: _Read | None
    if isinstance(source, bytes | bytearray):
        read = _read_zip(bytes(source), "the zip", problems, progress)
        shortname = (read.top if read else "") or (Path(name).stem if name else "")
    else:
        path = Path(source)
        if path.is_dir():
            read = _read_folder(path, problems, progress)
            shortname = path.resolve().name
        elif path.is_file():
            try:
                data = _read_limited(path, MAX_TOTAL_BYTES)
            except OSError as exc:
                raise PackageError([f"{path} cannot be read: {exc.strerror or exc}"]) from None
            if data is None:
                raise PackageError([f"{path} is larger than {_mib(MAX_TOTAL_BYTES)}"])
            read = _read_zip(data, path.name, problems, progress)
            shortname = (read.top if read else "") or path.stem
        else:
            raise PackageError([f"{path} is neither a folder nor a zip file"])
    if read is None:
        raise PackageError(problems)
    problem = _Package(read.files, read.refused, shortname, problems).parse()
    if problems or problem is None:
        raise PackageError(problems)
    return problem


async def store_problem(
    conn: asyncpg.Connection,
    problem: Problem,
    *,
    organisation_id: uuid.UUID,
    track_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Store a parsed package as a task of the organisation (in one transaction)."""
    return await create_task(
        conn,
        organisation_id=organisation_id,
        title=problem.title,
        statement=problem.statement,
        limits=problem.limits,
        checker=problem.checker,
        groups=problem.groups,
        track_id=track_id,
        origin=problem.origin,
    )


# --- reading: a folder or a zip into {posix path: bytes}, within the limits -----------------


def _mib(size: int) -> str:
    return f"{size / MIB:.0f} MiB" if size % MIB == 0 else f"{size / MIB:.1f} MiB"


def _ignored(relative: str) -> bool:
    if relative in KEPT_DOTFILES:
        return False
    return any(part in IGNORED_PARTS or part.startswith((".", "-")) for part in relative.split("/"))


def _read_limited(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None if it has more than ``limit`` (links are not followed)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


@dataclass
class _Read:
    """A package's files by their path in it, and the paths refused (already reported)."""

    files: dict[str, bytes] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)
    top: str = ""  # a zip's single top folder, taken off every path


def _link(relative: str) -> str:
    return f"{relative} is a symbolic link; a package may not contain links"


def _read_folder(root: Path, problems: list[str], progress: Progress | None) -> _Read | None:
    read = _Read()
    found: list[tuple[str, Path, int]] = []
    for directory, subdirectories, filenames in os.walk(root):
        here = Path(directory)
        for subdirectory in sorted(subdirectories):
            relative = (here / subdirectory).relative_to(root).as_posix()
            if _ignored(relative):
                subdirectories.remove(subdirectory)
            elif (here / subdirectory).is_symlink():
                problems.append(_link(relative))
                subdirectories.remove(subdirectory)
        subdirectories.sort()
        for filename in sorted(filenames):
            path = here / filename
            relative = path.relative_to(root).as_posix()
            if _ignored(relative):
                continue
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not stat.S_ISREG(mode):
                problems.append(
                    _link(relative) if stat.S_ISLNK(mode) else f"{relative} is not a regular file"
                )
                read.refused.add(relative)
                continue
            found.append((relative, path, path.lstat().st_size))
            if len(found) > MAX_FILES:
                problems.append(f"the package has more than {MAX_FILES:,} files")
                return None
    if not _within_totals(sum(size for _, _, size in found), problems):
        return None
    total = 0
    for index, (relative, path, size) in enumerate(found):
        if progress:
            progress(index + 1, len(found), relative)
        data = None
        if size <= MAX_FILE_BYTES:
            try:
                data = _read_limited(path, MAX_FILE_BYTES)
            except OSError as exc:
                problems.append(f"{relative} cannot be read: {exc.strerror or exc}")
                read.refused.add(relative)
                continue
        if data is None:  # too large, or it grew while we looked
            problems.append(_too_large(relative, size if size > MAX_FILE_BYTES else None))
            read.refused.add(relative)
            continue
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            problems.append(f"the package holds more than {_mib(MAX_TOTAL_BYTES)} in all")
            return None
        read.files[relative] = data
    return read


def _too_large(relative: str, size: int | None = None) -> str:
    """``size``: what the file declares, if it does (else it was found out by reading)."""
    known = f" ({size:,} bytes)" if size is not None else ""
    return f"{relative} is larger than {_mib(MAX_FILE_BYTES)}{known}; no file may be"


def _within_totals(declared: int, problems: list[str]) -> bool:
    if declared > MAX_TOTAL_BYTES:
        problems.append(
            f"the package holds {_mib(declared)} uncompressed; at most "
            f"{_mib(MAX_TOTAL_BYTES)} are allowed"
        )
        return False
    return True


_DRIVE = re.compile(r"^[A-Za-z]:")


def _zip_member_problem(name: str) -> str | None:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return f"zip member {name} has an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return f"zip member {name} points outside the package (..)"
    if "\0" in name:
        return f"zip member {name!r} has a NUL byte in its name"
    return None


def _top_folder(names: list[str]) -> str:
    """The one folder every name is in, if problem.yaml is not at the root; else ''."""
    if not names or "problem.yaml" in names or not all("/" in name for name in names):
        return ""
    tops = {name.split("/", 1)[0] for name in names}
    return tops.pop() if len(tops) == 1 else ""


def _read_zip(
    data: bytes, label: str, problems: list[str], progress: Progress | None
) -> _Read | None:
    """The zip's files, in memory: nothing is extracted, nothing trusted before it is counted."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        problems.append(f"{label} is not a readable zip file ({exc})")
        return None
    with archive:
        candidates: list[zipfile.ZipInfo] = []
        refused: list[str] = []
        seen: set[str] = set()
        for info in archive.infolist():
            name = info.filename
            mode = info.external_attr >> 16
            unsafe = _zip_member_problem(name)
            if unsafe is None and stat.S_ISLNK(mode):
                unsafe = "zip member " + _link(name)
            elif unsafe is None and info.is_dir():
                continue
            elif unsafe is None and stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # 0: none given
                unsafe = f"zip member {name} is not a regular file"
            elif unsafe is None and info.flag_bits & 0x1:
                unsafe = f"zip member {name} is encrypted"
            elif unsafe is None and name in seen:
                unsafe = f"zip member {name} appears more than once"
            if unsafe:
                problems.append(unsafe)
                refused.append(name)
                continue
            seen.add(name)
            candidates.append(info)
        read = _Read(top=_top_folder([info.filename for info in candidates] + refused))

        def inside(name: str) -> str:
            return name[len(read.top) + 1 :] if read.top else name

        read.refused = {inside(name) for name in refused}
        members = [info for info in candidates if not _ignored(inside(info.filename))]
        if len(members) > MAX_FILES:
            problems.append(f"the package has more than {MAX_FILES:,} files")
            return None
        if not _within_totals(sum(info.file_size for info in members), problems):
            return None
        total = 0
        for index, info in enumerate(members):
            if progress:
                progress(index + 1, len(members), info.filename)
            if info.file_size > MAX_FILE_BYTES:
                problems.append(_too_large(info.filename, info.file_size))
                read.refused.add(inside(info.filename))
                continue
            try:
                content, overflow = _read_member(archive, info, MAX_TOTAL_BYTES - total)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
                    zlib.error) as exc:  # fmt: skip
                problems.append(f"zip member {info.filename} cannot be read ({exc})")
                read.refused.add(inside(info.filename))
                continue
            if overflow == "file":
                problems.append(_too_large(info.filename))
                read.refused.add(inside(info.filename))
                continue
            if overflow == "total":
                problems.append(
                    f"the package holds more than {_mib(MAX_TOTAL_BYTES)} uncompressed "
                    "(more than its zip declares)"
                )
                return None
            total += len(content)
            read.files[inside(info.filename)] = content
    return read


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int
) -> tuple[bytes, str | None]:
    """A member's bytes, counted as they come: whatever its header says, no more than fits."""
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(1 << 16):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                return b"", "file"
            if size > room:
                return b"", "total"
            chunks.append(chunk)
    return b"".join(chunks), None


# --- parsing the files ------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A YAML number (or a string of one) as a float; None for anything else."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _yaml_error(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _split_evenly(total: int, count: int) -> list[int]:
    """``total`` in ``count`` whole parts; the last ones get the remainder, one each."""
    base, extra = divmod(total, count)
    return [base + (1 if index >= count - extra else 0) for index in range(count)]


def _arguments(value: Any) -> list[str] | None:
    """Validator flags or arguments: a string of them, or a list; None if neither."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(
        isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
    ):
        return [str(item) for item in value]
    return None


_UNUSABLE = object()


@dataclass
class _Pair:
    name: str
    input: str
    answer: str


@dataclass
class _Package:
    files: dict[str, bytes]
    refused: set[str]
    shortname: str
    problems: list[str]
    config: dict[str, Any] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    # YAML files read so far (each is read, and reported on, once); None: unusable
    settings: dict[str, dict[str, Any] | None] = field(default_factory=dict)

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def text(self, path: str, what: str = "text") -> str | None:
        try:
            return self.files[path].decode("utf-8")
        except UnicodeDecodeError:
            self.problem(f"{path} is not UTF-8 {what}")
            return None

    def yaml(self, path: str) -> Any:
        """The file's YAML, or ``_UNUSABLE`` (and a problem) if it cannot be read."""
        text = self.text(path)
        if text is None:
            return _UNUSABLE
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            self.problem(f"{path} is not valid YAML: {_yaml_error(exc)}")
            return _UNUSABLE

    def mapping(self, path: str) -> dict[str, Any]:
        """A YAML file that must hold a mapping ({} if it is absent, empty or unusable)."""
        return self.usable_mapping(path) or {}

    def usable_mapping(self, path: str) -> dict[str, Any] | None:
        """As ``mapping``, but None if the file is there and unusable (and reported)."""
        if path not in self.files:
            return None if path in self.refused else {}
        if path not in self.settings:
            value = self.yaml(path)
            if value is None:  # an empty file
                value = {}
            elif value is not _UNUSABLE and not isinstance(value, dict):
                self.problem(f"{path} must be a mapping of keys to values")
            self.settings[path] = value if isinstance(value, dict) else None
        return self.settings[path]

    def parse(self) -> Problem | None:
        if "problem.yaml" not in self.files:
            self.problem("problem.yaml is missing (the package's root must hold it)")
        else:
            self.config = self.mapping("problem.yaml")
        self.constants = self.read_constants()
        tex_title, statement = self.statement()
        title = self.title(tex_title)
        limits = self.limits()
        checker = self.checker()
        groups = self.groups()
        if limits is None or checker is None or title is None:
            return None
        shortname = self.shortname or re.sub(r"[^a-z0-9]+", "", title.lower()) or "problem"
        return Problem(
            title=title,
            statement=statement,
            limits=limits,
            checker=checker,
            groups=groups,
            origin=f"kattis:{shortname}",
            shortname=shortname,
            files=len(self.files),
        )

    def read_constants(self) -> dict[str, str]:
        constants = self.config.get("constants") or {}
        if not isinstance(constants, dict) or not all(
            isinstance(key, str)
            and re.fullmatch(r"[A-Za-z_]\w*", key)
            and isinstance(value, str | int | float)
            and not isinstance(value, bool)
            for key, value in constants.items()
        ):
            self.problem("problem.yaml: constants must map names to numbers or strings")
            return {}
        return {key: str(value) for key, value in constants.items()}

    def substitute(self, text: str) -> str:
        """``{{name}}`` of the package's constants put in (others are left as they are)."""
        if not self.constants:
            return text
        return re.sub(r"\{\{(\w+)\}\}", lambda m: self.constants.get(m.group(1), m.group(0)), text)

    # -- title and statement

    def title(self, tex_title: str | None) -> str | None:
        name = self.config.get("name")
        if isinstance(name, int | float) and not isinstance(name, bool):
            name = str(name)  # name: 2048
        if isinstance(name, dict):
            english = name.get("en")
            strings = [value for value in name.values() if isinstance(value, str)]
            name = english if isinstance(english, str) else (strings[0] if strings else None)
            if name is None:
                self.problem("problem.yaml: name maps languages to no name at all")
        elif name is not None and not isinstance(name, str):
            self.problem("problem.yaml: name must be a string or a map of languages to names")
            name = None
        title = " ".join((name or tex_title or self.shortname or "").split())
        if not title:
            self.problem("the problem has no name: give it one in problem.yaml (name: ...)")
            return None
        if len(title) > MAX_TITLE:
            self.problem(f"the problem's name is longer than {MAX_TITLE} characters")
            return None
        return title

    def statement(self) -> tuple[str | None, str]:
        preferred = [
            f"{folder}/{stem}.{suffix}"
            for suffix in ("md", "tex")
            for folder in STATEMENT_DIRS
            for stem in ("problem.en", "problem")
        ]
        # then any other language's statement, Markdown first
        pattern = re.compile(r"(problem_)?statement/problem\.[\w-]+\.(md|tex)")
        others = sorted(
            (p for p in self.files if pattern.fullmatch(p)),
            key=lambda p: (not p.endswith(".md"), p),
        )
        for path in [*preferred, *others]:
            if path not in self.files:
                continue
            text = self.text(path, "text (a statement must be UTF-8)")
            if text is None:
                return None, ""
            if path.endswith(".md"):
                text = re.sub(r"\{\{(nextsample|remainingsamples)\}\}", "", text)
                return None, self.substitute(text.replace("\r\n", "\n")).strip() + "\n"
            return tex_to_markdown(text, self.constants)
        self.problem(
            "there is no problem statement: expected statement/problem.en.md or "
            "problem_statement/problem.en.tex (or problem.md, problem.tex)"
        )
        return None, ""

    # -- limits

    def limits(self) -> Limits | None:
        section = self.config.get("limits")
        if section is None:
            section = {}
        if not isinstance(section, dict):
            self.problem("problem.yaml: limits must be a mapping (time_limit, memory, ...)")
            section = {}
        seconds: float | None = DEFAULT_TIME_LIMIT_S
        if "time_limit" in section:
            seconds = self.seconds(section["time_limit"], "problem.yaml: limits.time_limit")
        elif ".timelimit" in self.files:
            text = self.text(".timelimit")
            seconds = None if text is None else self.seconds(text.strip(), ".timelimit")
        memory_mb: int | None = Limits().memory_mb
        if "memory" in section:
            memory = _number(section["memory"])
            low, high = 16, 4_096
            if memory is None or memory != int(memory) or not low <= memory <= high:
                self.problem(
                    f"problem.yaml: limits.memory must be a whole number of MiB from {low} "
                    f"to {high:,}, not {section['memory']!r}"
                )
                memory_mb = None
            else:
                memory_mb = int(memory)
        if seconds is None or memory_mb is None:
            return None
        return Limits(cpu_ms=round(seconds * 1000), memory_mb=memory_mb)

    def seconds(self, value: Any, where: str) -> float | None:
        number = _number(value)
        if number is None or not 0.01 <= number <= 60:
            self.problem(f"{where}: the time limit must be from 0.01 to 60 seconds, not {value!r}")
            return None
        return number

    # -- checker

    def checker(self) -> CheckerSpec | None:
        custom = self.validation_is_custom()
        flags = self.validator_arguments()
        legacy = sorted(p for p in self.files if p.startswith("output_validators/"))
        current = sorted(p for p in self.files if p.startswith("output_validator/"))
        if legacy and current:
            self.problem("the package has both output_validator/ and output_validators/")
            return None
        programs: dict[str, list[str]] = {}
        if current:  # 2023-07 and later: a validator there is the problem's
            programs["output_validator"] = current
            custom = custom if custom is None else True
        for path in legacy:
            programs.setdefault("/".join(path.split("/")[:2]), []).append(path)
        if custom is None or flags is None:
            return None
        if not custom:
            return self.default_checker(flags)
        if not programs:
            self.problem(
                "problem.yaml sets validation: custom, but the package has no output validator "
                "(output_validators/<name>/ or output_validator/)"
            )
            return None
        if len(programs) > 1:
            names = ", ".join(sorted(p.split("/")[-1] for p in programs))
            self.problem(f"output_validators/ holds several validators ({names}); one is supported")
            return None
        ((where, paths),) = programs.items()
        return self.validator(where, paths, flags)

    def validation_is_custom(self) -> bool | None:
        """Whether problem.yaml asks for a custom validator; None (and problems) if unusable."""
        ok = True
        validation = self.config.get("validation", "default")
        if not isinstance(validation, str) or not validation.split():
            self.problem(f"problem.yaml: validation must be default or custom, not {validation!r}")
            return None
        first, *rest = validation.split()
        if first not in ("default", "custom"):
            self.problem(f"problem.yaml: validation must be default or custom, not {validation!r}")
            ok = False
        unsupported = {
            "interactive": "interactive problems (validation: custom interactive) are not "
            "supported",
            "score": "validators that give scores (validation: custom score) are not supported; "
            "give each test data group its points in its testdata.yaml instead",
            "multipass": "multi-pass problems (validation: custom multipass) are not supported",
        }
        for word in rest:
            self.problem(unsupported.get(word, f"problem.yaml: unknown validation mode {word!r}"))
            ok = False
        kinds = self.config.get("type", "pass-fail")
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            if kind in ("interactive", "multi-pass", "submit-answer"):
                self.problem(f"problems of type {kind} are not supported")
                ok = False
            elif kind not in ("pass-fail", "scoring"):
                self.problem(f"problem.yaml: unknown problem type {kind!r}")
                ok = False
        return first == "custom" if ok else None

    def validator_arguments(self) -> list[str] | None:
        """problem.yaml's validator_flags, and the output validator's arguments of all tests.

        Arguments that apply to some tests only (a group's, a test's) cannot be given: a Sobes
        task has one checker.
        """
        flags = _arguments(self.config.get("validator_flags"))
        if flags is None:
            self.problem("problem.yaml: validator_flags must be a string of flags")
        keys = ("output_validator_flags", "output_validator_args")
        for name in ("data/testdata.yaml", "data/test_group.yaml"):
            for key in keys:
                value = self.mapping(name).get(key)
                more = _arguments(value)
                if more is None:
                    self.problem(f"{name}: {key} must be a string or a list of arguments")
                elif flags is not None:
                    flags += more
        for path in sorted(self.files):
            if not path.startswith("data/") or not path.endswith(".yaml"):
                continue
            if path in ("data/testdata.yaml", "data/test_group.yaml"):
                continue
            settings = self.mapping(path)
            for key in keys:
                if settings.get(key):
                    self.problem(
                        f"{path}: {key} for some tests only are not supported (a Sobes task has "
                        "one checker; give the arguments in problem.yaml's validator_flags)"
                    )
        return flags

    def default_checker(self, flags: list[str]) -> CheckerSpec | None:
        space_sensitive = False
        tolerances: dict[str, float] = {}
        index, ok = 0, True
        while index < len(flags):
            flag = flags[index]
            index += 1
            if flag == "case_sensitive":
                continue  # Sobes's checkers always are
            if flag == "space_change_sensitive":
                space_sensitive = True
            elif flag in DEFAULT_VALIDATOR_FLAGS:
                value = flags[index] if index < len(flags) else None
                index += 1
                number = _number(value)
                if number is None or number < 0:
                    self.problem(
                        f"problem.yaml: validator flag {flag} needs a tolerance (a number "
                        f"from 0) after it, not {value!r}"
                    )
                    ok = False
                    continue
                if flag in ("float_tolerance", "float_absolute_tolerance"):
                    tolerances["abs"] = number
                if flag in ("float_tolerance", "float_relative_tolerance"):
                    tolerances["rel"] = number
            else:
                self.problem(
                    f"problem.yaml: unknown validator flag {flag!r} (the default validator "
                    f"knows {', '.join(DEFAULT_VALIDATOR_FLAGS)})"
                )
                ok = False
        if not ok:
            return None
        if tolerances:
            return CheckerSpec(
                "float",
                abs_tolerance=tolerances.get("abs", 0.0),
                rel_tolerance=tolerances.get("rel", 0.0),
            )
        return CheckerSpec("exact" if space_sensitive else "tokens")

    def validator(self, where: str, paths: list[str], flags: list[str]) -> CheckerSpec | None:
        names = {PurePosixPath(p).name for p in paths}
        if names & {"build", "run"}:
            self.problem(
                f"{where} has a build or run script; only a validator in one source file "
                "(.py, .c, .cpp or .cc) is supported"
            )
            return None
        sources = [p for p in paths if PurePosixPath(p).suffix.lower() in VALIDATOR_LANGUAGES]
        if not sources:
            self.problem(f"{where} has no source file (.py, .c, .cpp or .cc)")
            return None
        if len(sources) > 1:
            listed = ", ".join(PurePosixPath(p).name for p in sources)
            self.problem(f"{where} has several source files ({listed}); only one is supported")
            return None
        (path,) = sources
        language = VALIDATOR_LANGUAGES[PurePosixPath(path).suffix.lower()]
        source = self.text(path, "text (a validator's source must be UTF-8)")
        if source is None:
            return None
        if language != "python3":
            source = self.inline_headers(path, source, set())
        return CheckerSpec(
            "custom",
            language=language,
            source=self.substitute(source),
            protocol="kattis",
            arguments=tuple(flags),
        )

    def inline_headers(self, path: str, source: str, done: set[str]) -> str:
        """The validator's own headers (``#include "x.h"``) put in place, once each.

        The sandbox compiles one file, so a validator's headers (problemtools' validate.h, say)
        travel inside it; other includes are left for the compiler.
        """
        folder = PurePosixPath(path).parent

        def replace(match: re.Match[str]) -> str:
            header = posixpath.normpath(str(folder / match.group(1)))
            if header not in self.files or not header.endswith(HEADER_SUFFIXES):
                return match.group(0)
            if header in done:
                return f"// {match.group(0).strip()}: included above"
            done.add(header)
            text = self.text(header, "text (a validator's header must be UTF-8)") or ""
            text = re.sub(r"^[ \t]*#[ \t]*pragma[ \t]+once[ \t]*$", "", text, flags=re.MULTILINE)
            return self.inline_headers(header, text, done)

        return re.sub(
            r'^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"[ \t]*$', replace, source, flags=re.MULTILINE
        )

    # -- tests

    def pairs(self, folder: str, recursive: bool) -> list[_Pair]:
        """The .in/.ans pairs in ``folder`` (and below it, if ``recursive``), sorted by name."""
        inputs: dict[str, str] = {}
        answers: dict[str, str] = {}
        for path in self.files:
            if not path.startswith(folder + "/"):
                continue
            relative = path[len(folder) + 1 :]
            if not recursive and "/" in relative:
                continue
            stem, dot, suffix = relative.rpartition(".")
            if dot and suffix == "in":
                inputs[stem] = path
            elif dot and suffix == "ans":
                answers[stem] = path
        pairs = []
        for stem in sorted(inputs.keys() | answers.keys()):
            base = PurePosixPath(stem).name
            if stem not in answers:
                if f"{folder}/{stem}.ans" not in self.refused:  # else reported already
                    self.problem(f"{inputs[stem]} has no matching {base}.ans")
                continue
            if stem not in inputs:
                if f"{folder}/{stem}.in" not in self.refused:
                    self.problem(f"{answers[stem]} has no matching {base}.in")
                continue
            given = self.text(inputs[stem], "text (Sobes keeps tests as text)")
            wanted = self.text(answers[stem], "text (Sobes keeps tests as text)")
            if given is not None and wanted is not None:
                pairs.append(_Pair(stem, given, wanted))
        return pairs

    def has_test_files(self, folder: str) -> bool:
        return any(p.startswith(folder + "/") and p.endswith((".in", ".ans")) for p in self.files)

    def groups(self) -> list[NewGroup]:
        groups: list[NewGroup] = []
        samples = self.pairs("data/sample", recursive=True)
        if samples:
            tests = [NewTest(p.input, p.answer, visible=True, name=p.name) for p in samples]
            groups.append(NewGroup("sample", 0, tests))
        loose = self.pairs("data/secret", recursive=False)
        folders = sorted(
            {
                "data/secret/" + path.split("/")[2]
                for path in self.files
                if path.startswith("data/secret/") and path.count("/") >= 3
            }
        )
        # (name, tests, points: None if not given, False if given but unusable)
        secret: list[tuple[str, list[_Pair], int | bool | None]] = []
        if loose and folders:
            self.problem(
                "data/secret holds both tests and test data groups (subdirectories); put the "
                "loose tests in a group of their own"
            )
        elif loose:
            secret.append(("secret", loose, TOTAL_POINTS))
        for folder in folders:
            pairs = self.pairs(folder, recursive=True)
            if not pairs:
                if not self.has_test_files(folder):
                    self.problem(f"{folder} is a test data group without tests")
                continue
            name = folder.removeprefix("data/secret/")
            score = self.group_score(folder, len(pairs))
            secret.append(("secret-sample" if name == "sample" else name, pairs, score))
        if not samples and not secret:
            if not self.has_test_files("data"):
                self.problem(
                    "the package has no tests: data/sample and data/secret hold no .in/.ans pairs"
                )
            return groups
        if not secret:
            if not self.has_test_files("data/secret"):
                self.problem("data/secret has no tests (the sample tests are worth no points)")
            return groups
        for (name, pairs, _), points in zip(secret, self.points(secret), strict=True):
            tests = [NewTest(p.input, p.answer, name=p.name) for p in pairs]
            groups.append(NewGroup(name, points, tests))
        return groups

    def group_score(self, folder: str, tests: int) -> int | bool | None:
        """The group's points from its settings; None if they give none, False if unusable.

        ``test_group.yaml`` (2023-07 and later): ``max_score``, the group's. ``testdata.yaml``
        (legacy): ``accept_score``, per test: the group's with ``grader_flags: min``, else
        (Kattis's ``sum``) times the group's tests.
        """
        current = self.usable_mapping(f"{folder}/test_group.yaml")
        legacy = self.usable_mapping(f"{folder}/testdata.yaml")
        if current is None or legacy is None:
            return False
        if "max_score" in current:
            where, value, per_test = (
                f"{folder}/test_group.yaml: max_score",
                current["max_score"],
                False,
            )
        elif "accept_score" in legacy or "score" in legacy:
            key = "accept_score" if "accept_score" in legacy else "score"
            flags = str(legacy.get("grader_flags") or "").split()
            where, value, per_test = (
                f"{folder}/testdata.yaml: {key}",
                legacy[key],
                "min" not in flags,
            )
        else:
            return None
        number = _number(value)
        if number is None or number < 0 or number != int(number):
            self.problem(f"{where} must be a whole number of points from 0, not {value!r}")
            return False
        return int(number) * (tests if per_test else 1)

    def points(self, secret: list[tuple[str, list[_Pair], int | bool | None]]) -> list[int]:
        given = [score for _, _, score in secret]
        if any(score is False for score in given):  # reported already
            return [0] * len(given)
        if all(score is None for score in given):
            return _split_evenly(TOTAL_POINTS, len(secret))
        lacking = [name for name, _, score in secret if score is None]
        if lacking:
            self.problem(
                f"test data group{'s' if len(lacking) > 1 else ''} {', '.join(lacking)} "
                f"give{'' if len(lacking) > 1 else 's'} no score while other groups do "
                "(accept_score in testdata.yaml)"
            )
        points = [score or 0 for score in given]
        if not lacking and sum(points) == 0:
            self.problem("the secret test data groups are worth 0 points in all")
        return points


# --- LaTeX statements into Markdown ------------------------------------------------------------

_KEPT = "\x00{}\x00"
_BREAK = "\x01"  # a paragraph break that trimming a list's items leaves alone
_SECTIONS = {"section": "##", "subsection": "###", "subsubsection": "####"}
_HEADED = {"Input": "Input", "Output": "Output", "Interaction": "Interaction"}
_WRAPPED = {"emph": "*", "textit": "*", "textsl": "*", "textbf": "**", "texttt": "`"}
_PLAIN = ("textrm", "textsf", "textsc", "textnormal", "textup", "text", "mbox", "underline")
_DROPPED = ("noindent", "medskip", "bigskip", "smallskip", "centering", "clearpage", "newpage",
            "vfill", "hfill", "raggedright", "sloppy", "nextsample", "remainingsamples",
            "normalsize", "small", "large", "Large")  # fmt: skip
_REPLACED = (
    ("\\textellipsis", "…"),
    ("\\ldots", "…"),
    ("\\dots", "…"),
    ("\\textbackslash", "\\\\"),
    ("\\%", "%"),
    ("\\&", "&"),
    ("\\{", "{"),
    ("\\}", "}"),
    ("\\,", " "),
    ("\\ ", " "),
    ("---", "—"),
    ("--", "\N{EN DASH}"),
    ("``", "“"),
    ("''", "”"),
    ("<<", "«"),
    (">>", "»"),
    ("~", " "),
)


def _braced(text: str, start: int) -> tuple[str, int] | None:
    """The contents of the ``{...}`` group at ``start`` (spaces skipped) and where it ends."""
    index = start
    while index < len(text) and text[index] in " \t\n":
        index += 1
    if index >= len(text) or text[index] != "{":
        return None
    depth = 0
    position = index
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2  # an escaped character, \{ and \} among them
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[index + 1 : position], position + 1
        position += 1
    return None


def _optional(text: str, start: int) -> int:
    """Past an optional ``[...]`` argument at ``start``, if there is one."""
    if start < len(text) and text[start] == "[":
        end = text.find("]", start)
        if end != -1:
            return end + 1
    return start


def _command(text: str, name: str, arguments: int, render: Callable[[list[str]], str]) -> str:
    """Every ``\\name*[opt]{a}{b}...`` in ``text`` replaced by ``render([a, b, ...])``."""
    pattern = re.compile(r"\\" + name + r"(?![A-Za-z])\*?")
    out: list[str] = []
    position = 0
    while match := pattern.search(text, position):
        index = _optional(text, match.end())
        values: list[str] = []
        for _ in range(arguments):
            group = _braced(text, index)
            if group is None:
                break
            values.append(group[0])
            index = group[1]
        if len(values) < arguments:  # not the form we know: left as it is
            out.append(text[position : match.end()])
            position = match.end()
            continue
        out.append(text[position : match.start()])
        out.append(render([_inline(value) for value in values]))
        position = index
    out.append(text[position:])
    return "".join(out)


def _inline(text: str) -> str:
    for name, mark in _WRAPPED.items():
        text = _command(text, name, 1, lambda v, mark=mark: f"{mark}{v[0].strip()}{mark}")
    for name in _PLAIN:
        text = _command(text, name, 1, lambda v: v[0])
    text = re.sub(r"\{\\(?:bf|bfseries)\s+([^{}]*)\}", r"**\1**", text)
    text = re.sub(r"\{\\(?:em|it|itshape|sl)\s+([^{}]*)\}", r"*\1*", text)
    text = re.sub(r"\{\\(?:tt|ttfamily)\s+([^{}]*)\}", r"`\1`", text)
    text = _command(text, "url", 1, lambda v: f"<{v[0]}>")
    text = _command(text, "href", 2, lambda v: f"[{v[1]}]({v[0]})")
    text = _command(text, "footnote", 1, lambda v: f" ({v[0]})")
    text = _command(text, "illustration", 3, lambda v: f"\n\n*(figure not included: {v[2]})*\n\n")
    text = _command(text, "includegraphics", 1, lambda v: f"*(figure not included: {v[0]})*")
    text = _command(text, "caption", 1, lambda v: f"*{v[0]}*")
    return text


def _lists(text: str) -> str:
    """itemize, enumerate and description as Markdown lists, nested by indentation."""
    token = re.compile(
        r"\\begin\{(itemize|enumerate|description)\}|\\end\{(itemize|enumerate|description)\}"
        r"|\\item(?![A-Za-z])(?:\s*\[([^\]]*)\])?\s*"
    )
    stack: list[str] = []
    out: list[str] = []
    position = 0

    def trimmed() -> None:  # what came before, without its trailing blank space
        while out and not out[-1].strip():
            out.pop()
        if out:
            out[-1] = out[-1].rstrip()

    for match in token.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        if match.group(1):  # a list begins: a paragraph of its own, or inside an item
            trimmed()
            out.append("" if stack else _BREAK)
            stack.append(match.group(1))
        elif match.group(2):
            if stack:
                stack.pop()
            trimmed()
            out.append("\n" if stack else _BREAK)
        elif stack:
            trimmed()
            label = match.group(3)
            marker = "1. " if stack[-1] == "enumerate" else f"- **{label}** " if label else "- "
            out.append("\n" + "    " * (len(stack) - 1) + marker)
        else:
            out.append(match.group(0))
    out.append(text[position:])
    return "".join(out).replace(_BREAK, "\n\n")


def tex_to_markdown(tex: str, constants: dict[str, str] | None = None) -> tuple[str | None, str]:
    """A Kattis LaTeX statement as Markdown, and its title if it names one.

    Deliberately small: what problem statements use (sections, the Input and Output
    environments, emphasis, lists, verbatim, links) is converted; math stays as it is
    (``\\[..\\]`` and ``\\(..\\)`` become ``$$..$$`` and ``$..$``); anything else is left as
    written rather than guessed at.
    """
    text = tex.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace(_KEPT[0], "").replace(_BREAK, "")
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return _KEPT.format(len(kept) - 1)

    def restore(value: str) -> str:
        # a kept piece only ever holds pieces kept before it, so this ends
        return re.sub(r"\x00(\d+)\x00", lambda m: restore(kept[int(m.group(1))]), value)

    code = r"\\begin\{(verbatim|lstlisting)\}(?:\[[^\]]*\])?\n?(.*?)\\end\{\1\}"
    text = re.sub(
        code, lambda m: keep(f"\n\n```\n{m.group(2).rstrip()}\n```\n\n"), text, flags=re.DOTALL
    )
    text = re.sub(
        r"\\(?:verb|lstinline)([^A-Za-z\s])(.+?)\1", lambda m: keep(f"`{m.group(2)}`"), text
    )
    text = re.sub(r"^[ \t]*(?<!\\)%[^\n]*\n", "", text, flags=re.MULTILINE)
    text = re.sub(r"(?<!\\)%[^\n]*", "", text)
    text = text.replace("\\$", keep("\\$"))
    for name, value in (constants or {}).items():
        text = re.sub(r"\\constant\{" + re.escape(name) + r"\}", lambda _, v=value: v, text)
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: keep(m.group(0)), text, flags=re.DOTALL)
    text = re.sub(r"\\\[(.+?)\\\]", lambda m: keep(f"$${m.group(1)}$$"), text, flags=re.DOTALL)
    text = re.sub(r"\$(.+?)\$", lambda m: keep(m.group(0)), text, flags=re.DOTALL)
    text = re.sub(r"\\\((.+?)\\\)", lambda m: keep(f"${m.group(1)}$"), text, flags=re.DOTALL)

    title: str | None = None
    begin = re.search(r"\\begin\{problem\}", text)
    if begin:
        end = begin.end()
        group = _braced(text, end)
        if group is not None:
            title, end = group
            while (more := _braced(text, end)) is not None:  # the class's other arguments
                end = more[1]
        text = text[: begin.start()] + text[end:]
    text = re.sub(r"\\end\{problem\}", "", text)
    named = re.search(r"\\problemname(?![A-Za-z])", text)
    if named:
        group = _braced(text, named.end())
        if group is not None:
            title = title or group[0]
            text = text[: named.start()] + text[group[1] :]
    if title is not None:
        title = " ".join(restore(_inline(title)).split()) or None

    text = "\n".join(line.strip() for line in text.split("\n"))
    for name, marks in _SECTIONS.items():
        text = _command(text, name, 1, lambda v, m=marks: f"\n\n{m} {' '.join(v[0].split())}\n\n")
    for name, heading in _HEADED.items():
        text = re.sub(r"\\begin\{" + name + r"\}", f"\n\n## {heading}\n\n", text)
        text = re.sub(r"\\end\{" + name + r"\}", "\n\n", text)
    text = _command(text, "paragraph", 1, lambda v: f"\n\n**{v[0].strip()}** ")
    text = _inline(text)
    text = _lists(text)
    text = re.sub(
        r"\\(?:begin|end)\{(?:center|flushleft|flushright|quote|figure|wrapfigure)\}"
        r"(?:\{[^}]*\}|\[[^\]]*\])*",
        "\n",
        text,
    )
    for name in _DROPPED:
        text = re.sub(r"\\" + name + r"(?![A-Za-z])[ \t]*", "", text)
    text = re.sub(r"\\par(?![A-Za-z])", "\n\n", text)
    # a hard line break, CommonMark's way
    text = re.sub(
        r"(?:\\newline(?![A-Za-z])|\\\\(?:\[[^\]]*\])?)[ \t]*", lambda _: keep("\\\n"), text
    )
    for old, new in _REPLACED:
        text = text.replace(old, new)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = restore(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return title, text + "\n"
