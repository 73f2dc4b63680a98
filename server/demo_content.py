"""The screening funnel's demo content: tracks, coding tasks with tests, a quiz pool, vacancies.

Plain data plus small generators. Every hidden test is built from a fixed seed, so
``sobes demo-data`` loads the same content everywhere; the tests of a task are generated only
when asked for (:func:`task_groups`), not on import.

Shapes (all plain dicts, ready for ``server.demo.load_demo_data``):

- ``TRACKS``: ``{"slug", "name", "description"}``
- ``TASKS`` (rising difficulty): ``{"title", "track" (a track slug), "difficulty", "statement"
  (Markdown with Input, Output, Constraints and Example sections), "limits": {"cpu_ms",
  "memory_mb"}, "checker": {"kind", ...CheckerSpec fields}, "starter_code": {language: code},
  "solution" (Python 3, scores 100), "wrong_solution" (Python 3, a plausible attempt that
  scores less), "slow_solution" (Python 3, right answers but too slow for the "large" group),
  "build_groups" (use :func:`task_groups`)}``
- a task's groups: ``{"name", "points", "tests": [{"name", "input", "answer", "visible"}]}``;
  the first group is "samples" (0 points, visible: the statement's examples), the others
  hold hidden tests and their points add up to 100.
- ``QUESTIONS``: ``{"track", "kind": "single"|"multiple"|"text"|"numeric", "prompt",
  "options": [str], "answer_key", "points"}`` with the answer keys of the screening API.
- ``VACANCIES``: ``{"title", "track", "status", "description", "pass_mark",
  "duration_minutes", "quiz_questions", "quiz_weight", "languages": [id],
  "tasks": [{"title", "weight"}]}``
"""

from __future__ import annotations

import functools
import random
import re
import string
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from typing import Any

Group = dict[str, Any]

TRACKS: tuple[dict[str, str], ...] = (
    {
        "slug": "python-backend",
        "name": "Python back end",
        "description": (
            "Server-side development in Python: data structures and algorithms, HTTP APIs, "
            "SQL and PostgreSQL, processing logs and other text."
        ),
    },
    {
        "slug": "frontend",
        "name": "Front end (JavaScript)",
        "description": (
            "Browser applications in JavaScript: the language and its event loop, the DOM, "
            "CSS layout, HTTP from the browser, and the algorithms behind responsive UIs."
        ),
    },
    {
        "slug": "java",
        "name": "Java",
        "description": "Back-end development on the JVM: the Java language, its collections "
        "and exceptions, streams, and the classic algorithmic toolbox.",
    },
)


# -- helpers ---------------------------------------------------------------------------------


def _rng(seed: str) -> random.Random:
    """A generator of its own for each task, seeded by a fixed string (never the clock)."""
    return random.Random(seed)  # noqa: S311 (test data, not secrets)


def _build(solve: Callable[[str], str], spec: list[tuple[str, int, list[str]]]) -> list[Group]:
    """Groups of tests from (name, points, inputs); answers come from the reference ``solve``."""
    return [
        {
            "name": name,
            "points": points,
            "tests": [
                {
                    "name": f"{name}-{index}",
                    "input": text,
                    "answer": solve(text),
                    "visible": name == "samples",
                }
                for index, text in enumerate(inputs, 1)
            ],
        }
        for name, points, inputs in spec
    ]


def _word(rng: random.Random, low: int = 2, high: int = 8) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(low, high)))


def _distinct_words(rng: random.Random, count: int, low: int = 2, high: int = 8) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        found[_word(rng, low, high)] = None
    return list(found)


# -- 1. Word frequency -----------------------------------------------------------------------


def _word_frequency(text: str) -> str:
    first, _, rest = text.partition("\n")
    k = int(first)
    counts = Counter(word.lower() for word in re.findall(r"[A-Za-z]+", rest))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:k]
    return "".join(f"{word} {count}\n" for word, count in ranked)


def _text_of(rng: random.Random, tokens: list[str], separators: str = " ", width: int = 12) -> str:
    """Tokens joined by random separators, broken into lines of about ``width`` tokens."""
    lines, line = [], []
    for token in tokens:
        line.append(token)
        if len(line) >= width:
            lines.append(" ".join(line))
            line = []
        elif rng.random() < 0.2:
            line[-1] += rng.choice(separators)
    if line:
        lines.append(" ".join(line))
    return "\n".join(lines) + "\n"


def _counted(rng: random.Random, counts: dict[str, int]) -> list[str]:
    tokens = [word for word, count in counts.items() for _ in range(count)]
    rng.shuffle(tokens)
    return tokens


def _recase(rng: random.Random, word: str) -> str:
    return rng.choice([word, word.upper(), word.capitalize(), word.lower()])


@functools.cache
def _word_frequency_groups() -> list[Group]:
    rng = _rng("word-frequency")
    basic = []
    for k, distinct in ((3, 6), (5, 12), (1, 4), (10, 15)):
        words = _distinct_words(rng, distinct)
        counts = dict(zip(words, rng.sample(range(1, distinct + 4), distinct), strict=True))
        basic.append(f"{k}\n" + _text_of(rng, _counted(rng, counts), ".,!?"))
    mixed = []
    for k, distinct in ((4, 8), (6, 10), (3, 7)):
        words = _distinct_words(rng, distinct, 3, 7)
        counts = dict(zip(words, rng.sample(range(1, distinct + 3), distinct), strict=True))
        tokens = [_recase(rng, w) for w in _counted(rng, counts)]
        # glue some words together with characters that are not letters: they still split
        glued = []
        for token in tokens:
            if glued and rng.random() < 0.25:
                glued[-1] += rng.choice(["'", "-", "_", "0", "42", "/", '"', "(", "'s "]) + token
            else:
                glued.append(token)
        mixed.append(f"{k}\n" + _text_of(rng, glued, ".,;:!?)"))
    ties = []
    for k, distinct, count in ((3, 7, 2), (5, 9, 1), (4, 10, 3)):
        words = _distinct_words(rng, distinct)
        tokens = _counted(rng, dict.fromkeys(words, count))
        ties.append(f"{k}\n" + _text_of(rng, [_recase(rng, w) for w in tokens], ".,"))
    edge = [
        "10\nBanana apple banana CHERRY apple banana\n",  # k above the number of words
        "3\n",  # no text at all
        "2\n1984 -- 2024: 42!\n... ??? ...\n",  # no words
        "1\nzebra\nZebra\nzEBRA\nant\n",  # one word per line
        "2\nab ba ab ba b a\n",
    ]
    large = []
    for k, vocabulary, total in ((10, 40_000, 200_000), (100_000, 10_000, 40_000)):
        words = _distinct_words(rng, vocabulary, 3, 9)
        weights = [1 / (rank + 1) for rank in range(vocabulary)]
        tokens = [_recase(rng, w) for w in rng.choices(words, weights, k=total)]
        large.append(f"{k}\n" + _text_of(rng, tokens, ".,!?;:", width=16))
    return _build(
        _word_frequency,
        [
            ("samples", 0, ["3\nThe cat and the hat.\nTHE END, and that's that!\n"]),
            ("basic", 30, basic),
            ("case-and-punctuation", 20, mixed),
            ("ties", 20, ties),
            ("edge-cases", 10, edge),
            ("large", 20, large),
        ],
    )


# -- 2. Balanced brackets --------------------------------------------------------------------

_OPENING = "([{"
_CLOSING = ")]}"
_FILLER = "abcxyz019 +-*/=;,.<>'\""


def _bracket_error(line: str) -> int:
    stack = []
    for position, ch in enumerate(line, 1):
        if ch in _OPENING:
            stack.append(_CLOSING[_OPENING.index(ch)])
        elif ch in _CLOSING and (not stack or stack.pop() != ch):
            return position
    return len(line) + 1 if stack else 0


def _brackets(text: str) -> str:
    lines = text.split("\n")
    count = int(lines[0])
    return "".join(f"{_bracket_error(line)}\n" for line in lines[1 : count + 1])


def _balanced(rng: random.Random, pairs: int, kinds: str = _OPENING, filler: float = 0.3) -> str:
    """A random balanced string of ``pairs`` bracket pairs with other characters between."""
    out, stack = [], []
    opened = 0
    while opened < pairs or stack:
        if opened < pairs and (not stack or rng.random() < 0.55):
            kind = rng.choice(kinds)
            out.append(kind)
            stack.append(_CLOSING[_OPENING.index(kind)])
            opened += 1
        else:
            out.append(stack.pop())
        if rng.random() < filler:
            out.append(rng.choice(_FILLER))
    return "".join(out).strip()


def _broken(rng: random.Random, line: str) -> str:
    """``line`` with one random mistake: a bracket dropped, swapped, added or changed."""
    spots = [i for i, ch in enumerate(line) if ch in _OPENING + _CLOSING]
    i = rng.choice(spots)
    mistake = rng.choice(["drop", "change", "add"])
    if mistake == "drop":
        line = line[:i] + line[i + 1 :]
    elif mistake == "change":
        others = (_CLOSING if line[i] in _CLOSING else _OPENING).replace(line[i], "")
        line = line[:i] + rng.choice(others) + line[i + 1 :]
    else:
        line = line[:i] + rng.choice(_OPENING + _CLOSING) + line[i:]
    return line.strip()


def _unclosed(line: str) -> str:
    """``line`` without its last closing bracket: it ends with a bracket left open."""
    last = max(line.rfind(ch) for ch in _CLOSING)
    return (line[:last] + line[last + 1 :]).strip()


def _bracket_input(lines: list[str]) -> str:
    return f"{len(lines)}\n" + "".join(f"{line}\n" for line in lines)


@functools.cache
def _brackets_groups() -> list[Group]:
    rng = _rng("balanced-brackets")

    def lines(count: int, pairs: int, kinds: str = _OPENING, broken: float = 0.5) -> list[str]:
        made = []
        for _ in range(count):
            line = _balanced(rng, rng.randint(1, pairs), kinds)
            made.append(_broken(rng, line) if rng.random() < broken else line)
        return made

    one_kind = [_bracket_input(lines(8, 6, "(")), _bracket_input(lines(20, 30, "(", 0.6))]
    mixed = [
        _bracket_input(["([)]", "{[()()]}", "((a)]", "x = [1, (2, 3)]; f({a: [b]})", "}{"]),
        _bracket_input(lines(12, 8)),
        _bracket_input(lines(30, 40, broken=0.7)),
    ]
    unclosed = [
        _bracket_input(["(", "((())", "[{()}", "a(b[c]d{e", "", "no brackets at all"]),
        _bracket_input([_unclosed(_balanced(rng, rng.randint(1, 12))) for _ in range(10)]),
    ]
    # one line of 10^6 characters nested half a million deep, wrong just before its end
    deep = "".join(rng.choice(_OPENING) for _ in range(500_000))
    closing = [_CLOSING[_OPENING.index(ch)] for ch in reversed(deep)]
    closing[-3], closing[-2] = closing[-2], closing[-3]
    if closing[-3] == closing[-2]:
        closing[-2] = "}" if closing[-2] != "}" else ")"
    many = lines(20_000, 24, broken=0.4)
    return _build(
        _brackets,
        [
            (
                "samples",
                0,
                [_bracket_input(["(a[b]{c})", "f(x[1)]", "{{}", "if (a) { b(); }", "x)("])],
            ),
            ("one-kind", 20, one_kind),
            ("mixed", 30, mixed),
            ("unclosed", 20, unclosed),
            ("large", 30, [_bracket_input([deep + "".join(closing)]), _bracket_input(many)]),
        ],
    )


# -- 3. Debounced search ---------------------------------------------------------------------


def _debounce(text: str) -> str:
    lines = text.split("\n")
    count, delay = map(int, lines[0].split())
    events = [(int(t), query) for t, query in (line.split() for line in lines[1 : count + 1])]
    out, last = [], None
    for i, (t, query) in enumerate(events):
        if i + 1 < count and events[i + 1][0] < t + delay:
            continue  # the next keystroke came before the timer fired
        if query != last:
            out.append(f"{t + delay} {query}\n")
            last = query
    return "".join(out)


def _debounce_input(delay: int, events: list[tuple[int, str]]) -> str:
    return f"{len(events)} {delay}\n" + "".join(f"{t} {q}\n" for t, q in events)


def _typing(
    rng: random.Random,
    count: int,
    delay: int,
    *,
    start: int = 0,
    avoid_exact: bool = True,
    backspace: float = 0.0,
    pause: float = 0.3,
    exact: float = 0.0,
) -> list[tuple[int, str]]:
    """Someone typing into a search box: quick keystrokes, now and then a pause, some erasing."""
    events, t, query = [], start, ""
    words = ["react", "redux", "router", "vite", "typescript", "node", "next", "vue", "svelte"]
    target = rng.choice(words)
    for _ in range(count):
        if query and rng.random() < backspace:
            query = query[:-1]
        else:
            if query == target or not target.startswith(query):
                target = query + rng.choice(words)
            query = target[: len(query) + 1]
        if not query:
            query = rng.choice(string.ascii_lowercase)
        if rng.random() < exact:
            gap = delay
        elif rng.random() < pause:
            gap = rng.randint(delay + 1, delay * 4)
        else:
            gap = rng.randint(0, delay - 1)
        if avoid_exact and gap == delay:
            gap += 1
        t += gap
        events.append((t, query[-20:]))
    return events


@functools.cache
def _debounce_groups() -> list[Group]:
    rng = _rng("debounced-search")
    simple = [
        _debounce_input(300, _typing(rng, 8, 300)),
        _debounce_input(250, _typing(rng, 30, 250, start=1_000)),
        _debounce_input(1_000, _typing(rng, 60, 1_000, start=123_456)),
    ]
    distinct = [
        _debounce_input(200, [(0, "a"), (100, "ab"), (500, "a"), (900, "ab"), (950, "a")]),
        _debounce_input(300, _typing(rng, 50, 300, backspace=0.45, pause=0.5)),
        _debounce_input(150, _typing(rng, 80, 150, backspace=0.5, pause=0.6)),
    ]
    boundary = [
        _debounce_input(
            300, [(0, "r"), (300, "re"), (600, "rea"), (899, "reac"), (1_199, "react")]
        ),
        _debounce_input(1, [(5, "a"), (5, "b"), (6, "c"), (6, "c"), (8, "d")]),
        _debounce_input(1_000_000_000, [(1_000_000_000_000, "z")]),
        _debounce_input(400, _typing(rng, 60, 400, avoid_exact=False, exact=0.3, pause=0.3)),
    ]
    large = [
        # sparse: every keystroke fires, the times need 64-bit integers
        _debounce_input(
            700,
            _typing(rng, 100_000, 700, start=999_000_000_000, pause=1.0, backspace=0.3),
        ),
        _debounce_input(
            50_000,
            _typing(rng, 30_000, 50_000, start=10**9, avoid_exact=False, exact=0.05, pause=0.4),
        ),
    ]
    return _build(
        _debounce,
        [
            (
                "samples",
                0,
                [
                    _debounce_input(
                        300,
                        [
                            (0, "r"),
                            (120, "re"),
                            (250, "rea"),
                            (900, "reac"),
                            (1000, "react"),
                            (1500, "react"),
                        ],
                    )
                ],
            ),
            ("simple", 25, simple),
            ("repeated-queries", 20, distinct),
            ("boundaries", 20, boundary),
            ("large", 35, large),
        ],
    )


# -- 4. Merge intervals ----------------------------------------------------------------------


def _merge(text: str) -> str:
    numbers = list(map(int, text.split()))
    count = numbers[0]
    intervals = sorted(zip(numbers[1 : 2 * count : 2], numbers[2 : 2 * count + 1 : 2], strict=True))
    merged: list[list[int]] = []
    for left, right in intervals:
        if merged and left <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], right)
        else:
            merged.append([left, right])
    return f"{len(merged)}\n" + "".join(f"{left} {right}\n" for left, right in merged)


def _intervals_input(intervals: list[tuple[int, int]]) -> str:
    return f"{len(intervals)}\n" + "".join(f"{a} {b}\n" for a, b in intervals)


def _chain(
    rng: random.Random, count: int, start: int, step: int, length: int
) -> list[tuple[int, int]]:
    """Intervals with rising left and right ends (none inside another), shuffled."""
    made, left, right = [], start, start - 1
    for _ in range(count):
        left += rng.randint(0, step)
        right = max(left + rng.randint(0, length), right + 1)
        made.append((left, right))
    rng.shuffle(made)
    return made


def _random_intervals(
    rng: random.Random, count: int, low: int, high: int, length: int
) -> list[tuple[int, int]]:
    made = []
    for _ in range(count):
        left = rng.randint(low, high)
        made.append((left, min(high, left + rng.randint(0, length))))
    return made


@functools.cache
def _merge_groups() -> list[Group]:
    rng = _rng("merge-intervals")
    overlapping = [
        _intervals_input(_chain(rng, 6, 0, 5, 4)),
        _intervals_input(_chain(rng, 40, -500, 30, 25)),
        _intervals_input(_chain(rng, 300, 10**6, 1_000, 900)),
    ]
    touching = [
        _intervals_input([(1, 2), (3, 4), (4, 4), (4, 7), (9, 9), (8, 8), (10, 12), (12, 12)]),
        _intervals_input([(i * 10, i * 10 + 10) for i in range(50)] + [(600, 601), (602, 603)]),
    ]
    nested = [
        _intervals_input([(1, 10), (2, 3), (4, 5), (11, 12)]),
        _intervals_input([(0, 100), (10, 20), (30, 40), (50, 60), (99, 100), (100, 101)]),
        _intervals_input(_random_intervals(rng, 200, 0, 10_000, 300)),
    ]
    edge = [
        _intervals_input([(5, 5)]),
        _intervals_input([(-(10**9), 10**9), (0, 0), (-(10**9), -(10**9))]),
        _intervals_input([(-7, -3)] * 4 + [(-2, -1)]),
        _intervals_input([(3, 3), (1, 1), (2, 2), (5, 5)]),
    ]
    disjoint = []
    left = -(10**9)
    for _ in range(199_800):
        left += rng.randint(2, 9_000)
        disjoint.append((left, left + rng.randint(0, 1)))
    # and 200 one-point intervals inside or beside them: 2·10^5 in all
    disjoint += [(a + 1, a + 1) for a, _ in disjoint[::999]]
    rng.shuffle(disjoint)
    return _build(
        _merge,
        [
            ("samples", 0, [_intervals_input([(1, 3), (8, 10), (2, 6), (15, 18), (10, 12)])]),
            ("overlapping", 25, overlapping),
            ("touching", 15, touching),
            ("nested", 25, nested),
            ("edge-cases", 10, edge),
            (
                "large",
                25,
                [
                    _intervals_input(disjoint),
                    _intervals_input(_random_intervals(rng, 50_000, -(10**9), 10**9, 80_000)),
                ],
            ),
        ],
    )


# -- 5. Shortest path in a maze --------------------------------------------------------------


def _maze(text: str) -> str:
    lines = text.split("\n")
    rows, cols = map(int, lines[0].split())
    flat = "".join(lines[1 : rows + 1])
    start, goal = flat.index("S"), flat.index("E")
    distance = [-1] * (rows * cols)
    distance[start] = 0
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if cell == goal:
            break
        r, c = divmod(cell, cols)
        for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= nr < rows and 0 <= nc < cols:
                near = nr * cols + nc
                if flat[near] != "#" and distance[near] < 0:
                    distance[near] = distance[cell] + 1
                    queue.append(near)
    return f"{distance[goal]}\n"


def _maze_input(grid: list[str]) -> str:
    return f"{len(grid)} {len(grid[0])}\n" + "".join(f"{row}\n" for row in grid)


def _random_maze(
    rng: random.Random,
    rows: int,
    cols: int,
    walls: float,
    *,
    border: bool = False,
    start: tuple[int, int] | None = None,
    goal: tuple[int, int] | None = None,
) -> list[str]:
    grid = [["#" if rng.random() < walls else "." for _ in range(cols)] for _ in range(rows)]
    if border:
        for r in range(rows):
            grid[r][0] = grid[r][cols - 1] = "#"
        grid[0] = ["#"] * cols
        grid[rows - 1] = ["#"] * cols
    inside = [(r, c) for r in range(rows) for c in range(cols) if not border or grid[r][c] == "."]
    start = start or rng.choice(inside)
    goal = goal or rng.choice([cell for cell in inside if cell != start])
    grid[start[0]][start[1]] = "S"
    grid[goal[0]][goal[1]] = "E"
    return ["".join(row) for row in grid]


def _serpentine(rows: int, cols: int) -> list[str]:
    """Corridors that wind through the whole grid: the one path is very long."""
    grid = []
    for r in range(rows):
        if r % 2 == 0:
            grid.append("." * cols)
        elif r % 4 == 1:
            grid.append("#" * (cols - 1) + ".")
        else:
            grid.append("." + "#" * (cols - 1))
    last = len(grid) - 1
    grid[0] = "S" + grid[0][1:]
    grid[last] = grid[last][:-1] + "E" if last % 4 == 0 else "E" + grid[last][1:]
    return grid


@functools.cache
def _maze_groups() -> list[Group]:
    rng = _rng("maze")
    bordered = [
        _maze_input(_random_maze(rng, 6, 8, 0.25, border=True)),
        _maze_input(_random_maze(rng, 12, 20, 0.3, border=True)),
        _maze_input(_random_maze(rng, 30, 30, 0.28, border=True)),
        _maze_input(_random_maze(rng, 40, 25, 0.35, border=True)),
    ]
    # start and exit on opposite edges, a wall with one far gap between them
    walled = _random_maze(rng, 9, 15, 0.1, start=(0, 1), goal=(8, 1))
    walled[4] = "#" * 14 + "."
    edges = [
        _maze_input(walled),
        _maze_input(_random_maze(rng, 20, 20, 0.3, start=(0, 10), goal=(19, 10))),
        _maze_input(_random_maze(rng, 25, 40, 0.3, start=(12, 0), goal=(12, 39))),
    ]
    edge = [
        _maze_input(["SE"]),
        _maze_input(["S", ".", ".", "E"]),
        _maze_input([".#.", "#S#", ".#E"]),
        _maze_input(["S....#....E"]),
        _maze_input(["E.......", "######.#", "S......."]),
    ]
    return _build(
        _maze,
        [
            (
                "samples",
                0,
                [
                    _maze_input(["S..#...", "##.#.#.", "...#.#.", ".###.#.", ".....#E"]),
                    _maze_input(["S#.", "##.", "..E"]),
                ],
            ),
            ("walled", 30, bordered),
            ("open-edges", 20, edges),
            ("edge-cases", 15, edge),
            (
                "large",
                35,
                [
                    _maze_input(_serpentine(499, 500)),
                    _maze_input(_random_maze(rng, 500, 500, 0.3, start=(0, 0), goal=(499, 499))),
                ],
            ),
        ],
    )


# -- 6. LRU cache ----------------------------------------------------------------------------


def _lru(text: str) -> str:
    lines = text.split("\n")
    capacity, count = map(int, lines[0].split())
    cache: OrderedDict[str, int] = OrderedDict()
    out = []
    for line in lines[1 : count + 1]:
        parts = line.split()
        key = parts[1]
        if parts[0] == "GET":
            if key in cache:
                cache.move_to_end(key)
                out.append(f"{cache[key]}\n")
            else:
                out.append("-1\n")
        else:
            cache[key] = int(parts[2])
            cache.move_to_end(key)
            if len(cache) > capacity:
                cache.popitem(last=False)
    return "".join(out)


def _lru_input(capacity: int, operations: list[str]) -> str:
    return f"{capacity} {len(operations)}\n" + "".join(f"{op}\n" for op in operations)


def _operations(
    rng: random.Random, capacity: int, count: int, keys: list[str], *, updates: bool, hot: int = 0
) -> list[str]:
    """GETs and PUTs; without ``updates`` a PUT never names a key that is in the cache."""
    cache: OrderedDict[str, int] = OrderedDict()
    made = []
    for index in range(count):
        pool = keys[:hot] if hot and rng.random() < 0.5 else keys
        key = rng.choice(pool)
        if index == count - 1 or rng.random() < 0.5:
            made.append(f"GET {key}")
            if key in cache:
                cache.move_to_end(key)
            continue
        if key in cache and not updates:
            made.append(f"GET {key}")
            cache.move_to_end(key)
            continue
        value = rng.randint(0, 10**9)
        made.append(f"PUT {key} {value}")
        cache[key] = value
        cache.move_to_end(key)
        if len(cache) > capacity:
            cache.popitem(last=False)
    return made


@functools.cache
def _lru_groups() -> list[Group]:
    rng = _rng("lru-cache")

    def keys(count: int) -> list[str]:
        return _distinct_words(rng, count, 1, 6)

    no_updates = [
        _lru_input(2, _operations(rng, 2, 12, keys(4), updates=False)),
        _lru_input(5, _operations(rng, 5, 60, keys(12), updates=False)),
        _lru_input(30, _operations(rng, 30, 400, keys(60), updates=False)),
    ]
    updates = [
        _lru_input(2, ["PUT a 1", "PUT b 2", "PUT a 3", "PUT c 4", "GET a", "GET b", "GET c"]),
        _lru_input(4, _operations(rng, 4, 80, keys(8), updates=True)),
        _lru_input(25, _operations(rng, 25, 500, keys(50), updates=True, hot=10)),
    ]
    capacities = [
        _lru_input(
            1, ["GET x", "PUT x 5", "GET x", "PUT y 6", "GET x", "GET y", "PUT y 7", "GET y"]
        ),
        _lru_input(1, _operations(rng, 1, 50, keys(3), updates=True)),
        _lru_input(100_000, _operations(rng, 100_000, 2_000, keys(300), updates=True)),
    ]
    large_keys = [f"k{i}" for i in range(150_000)]
    rng.shuffle(large_keys)
    return _build(
        _lru,
        [
            (
                "samples",
                0,
                [
                    _lru_input(
                        2,
                        [
                            "PUT a 1",
                            "PUT b 2",
                            "GET a",
                            "PUT c 3",
                            "GET b",
                            "GET c",
                            "PUT a 10",
                            "GET a",
                            "GET c",
                        ],
                    )
                ],
            ),
            ("without-updates", 25, no_updates),
            ("updates", 25, updates),
            ("capacities", 15, capacities),
            (
                "large",
                35,
                [
                    _lru_input(
                        100_000,
                        _operations(rng, 100_000, 200_000, large_keys, updates=True, hot=2_000),
                    ),
                    _lru_input(
                        1_000, _operations(rng, 1_000, 50_000, large_keys[:5_000], updates=True)
                    ),
                ],
            ),
        ],
    )


# -- 7. Service latency report ---------------------------------------------------------------

_FIELD = re.compile(r'"(\w+)"\s*:\s*("[^"]*"|\d+(?:\.\d+)?)')


def _latency(text: str) -> str:
    stats: dict[str, list[float]] = {}
    for line in text.split("\n"):
        if not line.startswith("{"):
            continue
        fields = dict(_FIELD.findall(line))
        entry = stats.setdefault(fields["service"].strip('"'), [0, 0, 0.0])
        entry[0] += 1
        entry[1] += int(fields["status"]) >= 500
        entry[2] += float(fields["ms"])
    return "".join(
        f"{name} {requests} {errors} {total / requests:.6f}\n"
        for name, (requests, errors, total) in sorted(stats.items())
    )


_STATUSES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 429, 500, 502, 503]
_NOISE = [
    "starting worker 3",
    "",
    "WARN: disk almost full",
    "[2024-05-01 12:00:00] reloading configuration {pool: 4}",
    "Traceback (most recent call last):",
    '  {"service": "indented", "status": 200, "ms": 1}',
    "--",
]


def _ms(rng: random.Random) -> str:
    whole = rng.choice([rng.randint(1, 30), rng.randint(1, 300), rng.randint(100, 60_000)])
    decimals = rng.choice([0, 0, 1, 3])
    return f"{whole}.{rng.randint(0, 10**decimals - 1):0{decimals}d}" if decimals else f"{whole}"


def _record(
    rng: random.Random, service: str, t: int, spacing: str = " ", extra: bool = False
) -> str:
    fields = [
        ("ts", str(t)),
        ("service", f'"{service}"'),
        ("status", str(rng.choice(_STATUSES))),
        ("ms", _ms(rng)),
    ]
    if extra:
        fields.append(("db_ms", _ms(rng)))
        fields.append(("path", f'"/api/v1/{rng.choice(["users", "orders", "search?q=a,b"])}"'))
        fields.append(("msg", rng.choice(['"ok"', '"retry {1}, code: 7"', '"ms: 12"', '""'])))
    rng.shuffle(fields)
    sep = rng.choice([" ", "", "\t", "  "]) if spacing == "random" else spacing
    body = f",{sep}".join(f'"{key}":{sep}{value}' for key, value in fields)
    return "{" + sep + body + sep + "}"


def _log(
    rng: random.Random,
    services: list[str],
    count: int,
    *,
    spacing: str = " ",
    extra: float = 0.0,
    noise: float = 0.0,
) -> str:
    lines = []
    for t in range(count):
        if rng.random() < noise:
            lines.append(rng.choice(_NOISE))
        lines.append(_record(rng, rng.choice(services), t, spacing, rng.random() < extra))
    return "\n".join(lines) + "\n"


@functools.cache
def _latency_groups() -> list[Group]:
    rng = _rng("latency-report")
    names = ["search", "auth", "billing", "gateway", "users", "orders", "cart", "api-v2"]
    one = [
        _log(rng, ["auth"], 5),
        _log(rng, ["payments"], 40),
        _log(rng, ["a"], 300),
    ]
    several = [
        _log(rng, ["users", "auth"], 12),
        _log(rng, names[:5], 80),
        _log(rng, names, 500),
    ]
    noisy = [
        _log(rng, names[:3], 40, extra=0.6, noise=0.3),
        _log(rng, ["solo"], 1, noise=1.0) + "done\n",
        "".join(line + "\n" for line in _NOISE),  # no records at all
    ]
    spacing = [
        _log(rng, names[:4], 30, spacing=""),
        _log(rng, names, 60, spacing="random", extra=0.3),
    ]
    many = [f"svc-{i:05d}" for i in range(20_000)]
    rng.shuffle(many)
    return _build(
        _latency,
        [
            (
                "samples",
                0,
                [
                    '{"ts": 1, "service": "auth", "status": 200, "ms": 12.5}\n'
                    '{"service":"search","ms":80,"status":503,"ts":2}\n'
                    "starting worker 7\n"
                    '{"ts": 3, "service": "auth", "status": 500, "ms": 7.5, "path": "/login"}\n'
                    '{"ts": 4, "status": 200, "service": "search", "ms": 40}\n'
                    '{"ts": 5, "service": "auth", "status": 404, "ms": 3}\n'
                ],
            ),
            ("one-service", 20, one),
            ("several-services", 30, several),
            ("noise-and-extra-fields", 15, noisy),
            ("spacing", 10, spacing),
            (
                "large",
                25,
                [
                    _log(rng, many, 100_000),
                    _log(rng, [*names, "z", "m"], 30_000, spacing="random", extra=0.2, noise=0.05),
                ],
            ),
        ],
    )


# -- statements, programs and starter code ---------------------------------------------------
# Each statement's Example section shows exactly the task's "samples" tests (a test checks it).

_WORD_FREQUENCY = """\
A support team wants to know which words come up most often in customer messages. Read a
number k and a text, and print the k most frequent words of the text.

A **word** is a maximal run of Latin letters (`A` to `Z`, `a` to `z`). Every other character
(digits, punctuation, apostrophes, spaces, line breaks) separates words, so `that's` is the two
words `that` and `s`. Words are compared regardless of case and printed in lower case.

Order the words by their number of occurrences, most frequent first; words that occur equally
often come in alphabetical order (`ab` before `abc` before `b`). If the text has fewer than k
distinct words, print all of them.

## Input

The first line holds the integer k. The rest of the input, possibly empty, is the text.

## Output

At most k lines, each a word and its number of occurrences, separated by a space. Print
nothing if the text has no words.

## Constraints

- 1 ≤ k ≤ 10^5
- the text is ASCII, at most 2 MB
- time limit 2 s, memory limit 256 MB

## Example

Input:

```text
3
The cat and the hat.
THE END, and that's that!
```

Output:

```text
the 3
and 2
that 2
```

`the` occurs three times; `and` and `that` twice each, so they follow in alphabetical order.
"""

_WORD_FREQUENCY_SOLUTION = """\
import heapq
import re
import sys

first, _, text = sys.stdin.read().partition("\\n")
k = int(first)
counts = {}
for word in re.split(r"[^a-z]+", text.lower()):
    if word:
        counts[word] = counts.get(word, 0) + 1
best = heapq.nsmallest(k, counts.items(), key=lambda item: (-item[1], item[0]))
sys.stdout.write("".join(f"{word} {count}\\n" for word, count in best))
"""

# ties come out in the order the words first appeared, not alphabetically
_WORD_FREQUENCY_WRONG = """\
import re
import sys
from collections import Counter

first, _, text = sys.stdin.read().partition("\\n")
counts = Counter(word.lower() for word in re.findall(r"[A-Za-z]+", text))
for word, count in counts.most_common(int(first)):
    print(word, count)
"""

# counts each distinct word with a pass over all words: quadratic
_WORD_FREQUENCY_SLOW = """\
import re
import sys

first, _, text = sys.stdin.read().partition("\\n")
words = [word.lower() for word in re.findall(r"[A-Za-z]+", text)]
counts = {word: words.count(word) for word in set(words)}
ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
for word, count in ranked[: int(first)]:
    print(word, count)
"""

_WORD_FREQUENCY_STARTER = {
    "python3": """\
import sys


def main() -> None:
    first, _, text = sys.stdin.read().partition("\\n")
    k = int(first)
    # TODO: count the words of `text`; print the k most frequent, one "word count" a line


main()
""",
    "javascript": """\
const data = require("fs").readFileSync(0, "utf8");
const newline = data.indexOf("\\n");
const k = Number(newline < 0 ? data : data.slice(0, newline));
const text = newline < 0 ? "" : data.slice(newline + 1);

// TODO: count the words of `text`; print the k most frequent, one "word count" a line
""",
    "cpp": """\
#include <iostream>
#include <iterator>
#include <string>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    long long k;
    cin >> k;
    string text((istreambuf_iterator<char>(cin)), istreambuf_iterator<char>());
    // TODO: count the words of `text`; print the k most frequent, one "word count" a line
    return 0;
}
""",
    "java": """\
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int k = Integer.parseInt(in.readLine().trim());
        StringBuilder text = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            text.append(line).append('\\n');
        }
        // TODO: count the words of `text`; print the k most frequent, one "word count" a line
    }
}
""",
}

_BRACKETS = """\
A code editor underlines the first bracket that is out of place. Write the check behind it.

The brackets are the six characters `(` `)` `[` `]` `{` `}`; every other character, `<` and
`>` included, is ignored. A line is **balanced** if every closing bracket closes the most recent
bracket still open, that bracket is of the same kind, and no bracket is left open at the end.

For each line print `0` if it is balanced. Otherwise print the position (from 1; every
character counts, spaces too) of the first closing bracket that does not match: one with no
bracket open before it, or one of another kind than the most recent bracket still open. If
every closing bracket matches but a bracket is still open at the end of the line, print the
length of the line plus one.

## Input

The first line holds n, the number of lines to check. Each of the next n lines is a line of
printable ASCII characters, possibly empty; a line neither starts nor ends with a space.

## Output

n lines: the answer for each line, in order.

## Constraints

- 1 ≤ n ≤ 10^5
- the lines hold at most 10^6 characters in all
- time limit 2 s, memory limit 256 MB

## Example

Input:

```text
5
(a[b]{c})
f(x[1)]
{{}
if (a) { b(); }
x)(
```

Output:

```text
0
6
4
0
2
```

In `f(x[1)]` the `)` at position 6 comes while `[` is the most recent open bracket. In `{{}` one
`{` is still open at the end: the answer is 3 + 1. In `x)(` the `)` has nothing to close.
"""

_BRACKETS_SOLUTION = """\
import sys

OPENER_OF = {")": "(", "]": "[", "}": "{"}


def first_error(line):
    open_brackets = []
    for index, ch in enumerate(line):
        if ch == "(" or ch == "[" or ch == "{":
            open_brackets.append(ch)
        elif ch in OPENER_OF:
            if not open_brackets or open_brackets[-1] != OPENER_OF[ch]:
                return index + 1
            open_brackets.pop()
    return len(line) + 1 if open_brackets else 0


lines = sys.stdin.read().split("\\n")
n = int(lines[0])
sys.stdout.write("".join(f"{first_error(line)}\\n" for line in lines[1 : n + 1]))
"""

# keeps a counter per kind of bracket: blind to "([)]"
_BRACKETS_WRONG = """\
import sys

lines = sys.stdin.read().split("\\n")
n = int(lines[0])
pairs = {")": "(", "]": "[", "}": "{"}
out = []
for line in lines[1 : n + 1]:
    depth = {"(": 0, "[": 0, "{": 0}
    answer = 0
    for position, ch in enumerate(line, 1):
        if ch in depth:
            depth[ch] += 1
        elif ch in pairs:
            depth[pairs[ch]] -= 1
            if depth[pairs[ch]] < 0:
                answer = position
                break
    if answer == 0 and any(depth.values()):
        answer = len(line) + 1
    out.append(str(answer))
print("\\n".join(out))
"""

# looks back from each closing bracket for the nearest unmatched one: quadratic when deep
_BRACKETS_SLOW = """\
import sys

lines = sys.stdin.read().split("\\n")
n = int(lines[0])
pairs = {")": "(", "]": "[", "}": "{"}
out = []
for line in lines[1 : n + 1]:
    matched = [False] * len(line)
    answer = 0
    for i, ch in enumerate(line):
        if ch in pairs:
            j = i - 1
            while j >= 0 and (matched[j] or line[j] not in "([{"):
                j -= 1
            if j < 0 or line[j] != pairs[ch]:
                answer = i + 1
                break
            matched[i] = matched[j] = True
    else:
        if any(ch in "([{" and not matched[i] for i, ch in enumerate(line)):
            answer = len(line) + 1
    out.append(str(answer))
print("\\n".join(out))
"""

_BRACKETS_STARTER = {
    "python3": """\
import sys


def main() -> None:
    lines = sys.stdin.read().split("\\n")
    n = int(lines[0])
    for line in lines[1 : n + 1]:
        # TODO: print 0 if `line` is balanced, else the position of its first error
        pass


main()
""",
    "javascript": """\
const lines = require("fs").readFileSync(0, "utf8").split("\\n");
const n = Number(lines[0]);
const out = [];
for (let i = 1; i <= n; i++) {
  const line = lines[i];
  // TODO: push 0 if `line` is balanced, else the position of its first error
}
process.stdout.write(out.map((answer) => answer + "\\n").join(""));
""",
    "cpp": """\
#include <iostream>
#include <string>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    string line;
    getline(cin, line);  // the end of the first line
    for (int i = 0; i < n; i++) {
        getline(cin, line);
        // TODO: print 0 if `line` is balanced, else the position of its first error
    }
    return 0;
}
""",
    "java": """\
import java.io.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(in.readLine().trim());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String line = in.readLine();
            // TODO: append 0 if `line` is balanced, else the position of its first error
        }
        System.out.print(out);
    }
}
""",
}

_DEBOUNCE = """\
A search box sends a request to the server only once the user pauses: every keystroke
(re)starts a timer of d milliseconds, and when the timer runs out the box sends the text it
holds. A keystroke before the timer runs out cancels it and starts a new one; a keystroke at
the very millisecond it runs out is too late to cancel it. Besides, a request is not sent if
its text is the same as that of the last request sent.

Given the keystrokes, print the requests the box sends.

## Input

The first line holds n and d. Each of the next n lines holds t and s: the time of a
keystroke in milliseconds and the text in the box right after it. Times never decrease;
several keystrokes may come in the same millisecond.

## Output

One line per request sent, in order: the time it is sent and its text, separated by a space.

## Constraints

- 1 ≤ n ≤ 2·10^5, 1 ≤ d ≤ 10^9
- 0 ≤ t ≤ 10^12 (times need 64-bit integers)
- each text is 1 to 20 lower-case Latin letters
- time limit 2 s, memory limit 256 MB

## Example

Input:

```text
6 300
0 r
120 re
250 rea
900 reac
1000 react
1500 react
```

Output:

```text
550 rea
1300 react
```

The keystrokes at 0 and 120 are cancelled by the next ones; the timer started at 250 runs out
at 550. The one started at 1000 runs out at 1300. The last one runs out at 1800, but its text is
that of the last request sent, so nothing is sent.
"""

_DEBOUNCE_SOLUTION = """\
import sys

data = sys.stdin.buffer.read().split()
n, d = int(data[0]), int(data[1])
out = []
last_sent = None
fires_at = text = None
for i in range(n):
    t = int(data[2 + 2 * i])
    if fires_at is not None and fires_at <= t and text != last_sent:
        out.append(b"%d %s\\n" % (fires_at, text))
        last_sent = text
    fires_at, text = t + d, data[3 + 2 * i]
if text != last_sent:
    out.append(b"%d %s\\n" % (fires_at, text))
sys.stdout.buffer.write(b"".join(out))
"""

# a keystroke at the very millisecond the timer runs out wrongly cancels it
_DEBOUNCE_WRONG = """\
import sys

lines = sys.stdin.read().split("\\n")
n, d = map(int, lines[0].split())
events = [line.split() for line in lines[1 : n + 1]]
last = None
for i, (t, text) in enumerate(events):
    if i + 1 < n and int(events[i + 1][0]) - int(t) <= d:
        continue
    if text != last:
        print(int(t) + d, text)
        last = text
"""

# checks every later keystroke instead of the next one: quadratic
_DEBOUNCE_SLOW = """\
import sys

lines = sys.stdin.read().split("\\n")
n, d = map(int, lines[0].split())
times = [int(line.split()[0]) for line in lines[1 : n + 1]]
texts = [line.split()[1] for line in lines[1 : n + 1]]
last = None
for i in range(n):
    if any(times[j] < times[i] + d for j in range(i + 1, n)):
        continue
    if texts[i] != last:
        print(times[i] + d, texts[i])
        last = texts[i]
"""

_DEBOUNCE_STARTER = {
    "python3": """\
import sys


def main() -> None:
    data = sys.stdin.read().split()
    n, d = int(data[0]), int(data[1])
    events = [(int(data[2 + 2 * i]), data[3 + 2 * i]) for i in range(n)]
    # TODO: print "time text" for every request the search box sends


main()
""",
    "javascript": """\
const data = require("fs").readFileSync(0, "utf8").split(/\\s+/).filter(Boolean);
const n = Number(data[0]);
const d = BigInt(data[1]); // times go up to 10^12 + 10^9: BigInt, or Number (exact below 2^53)
const events = [];
for (let i = 0; i < n; i++) {
  events.push({ t: BigInt(data[2 + 2 * i]), text: data[3 + 2 * i] });
}
// TODO: print "time text" for every request the search box sends
""",
    "cpp": """\
#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    long long d;
    cin >> n >> d;
    vector<long long> t(n);
    vector<string> text(n);
    for (int i = 0; i < n; i++) cin >> t[i] >> text[i];
    // TODO: print "time text" for every request the search box sends
    return 0;
}
""",
    "java": """\
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer first = new StringTokenizer(in.readLine());
        int n = Integer.parseInt(first.nextToken());
        long d = Long.parseLong(first.nextToken());
        long[] t = new long[n];
        String[] text = new String[n];
        for (int i = 0; i < n; i++) {
            StringTokenizer line = new StringTokenizer(in.readLine());
            t[i] = Long.parseLong(line.nextToken());
            text[i] = line.nextToken();
        }
        // TODO: print "time text" for every request the search box sends
    }
}
""",
}

_MERGE = """\
A calendar service keeps busy periods as closed intervals [l, r] of whole minutes. Merge them:
intervals that overlap or touch, that is share at least one point (like [1, 3] and [3, 5]),
become one. [1, 2] and [3, 4] share no point, so they stay apart.

## Input

The first line holds n. Each of the next n lines holds an interval: two integers l and r.

## Output

First the number k of intervals after merging, then k lines with the merged intervals, `l r`,
in ascending order.

## Constraints

- 1 ≤ n ≤ 2·10^5
- -10^9 ≤ l ≤ r ≤ 10^9
- time limit 2 s, memory limit 256 MB

## Example

Input:

```text
5
1 3
8 10
2 6
15 18
10 12
```

Output:

```text
3
1 6
8 12
15 18
```

[1, 3] and [2, 6] overlap; [8, 10] and [10, 12] touch at 10.
"""

_MERGE_SOLUTION = """\
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
pairs = sorted((int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n))
out = []
left, right = pairs[0]
for l, r in pairs[1:]:
    if l > right:
        out.append(f"{left} {right}")
        left, right = l, r
    elif r > right:
        right = r
out.append(f"{left} {right}")
sys.stdout.write(f"{len(out)}\\n" + "".join(line + "\\n" for line in out))
"""

# moves the right end to the last interval's, even when that one lies inside the current one
_MERGE_WRONG = """\
n = int(input())
intervals = sorted(tuple(map(int, input().split())) for _ in range(n))
merged = [list(intervals[0])]
for l, r in intervals[1:]:
    if l <= merged[-1][1]:
        merged[-1][1] = r
    else:
        merged.append([l, r])
print(len(merged))
for l, r in merged:
    print(l, r)
"""

# merges each interval into a list of all merged so far, without sorting: quadratic
_MERGE_SLOW = """\
import sys

data = list(map(int, sys.stdin.buffer.read().split()))
n = data[0]
merged = []
for i in range(n):
    l, r = data[1 + 2 * i], data[2 + 2 * i]
    kept = []
    for a, b in merged:
        if a <= r and l <= b:
            l, r = min(l, a), max(r, b)
        else:
            kept.append((a, b))
    kept.append((l, r))
    merged = kept
merged.sort()
print(len(merged))
print("\\n".join(f"{a} {b}" for a, b in merged))
"""

_MERGE_STARTER = {
    "python3": """\
import sys


def main() -> None:
    data = sys.stdin.read().split()
    n = int(data[0])
    intervals = [(int(data[1 + 2 * i]), int(data[2 + 2 * i])) for i in range(n)]
    # TODO: print the number of merged intervals, then each one as "l r"


main()
""",
    "javascript": """\
const data = require("fs").readFileSync(0, "utf8").split(/\\s+/).filter(Boolean).map(Number);
const n = data[0];
const intervals = [];
for (let i = 0; i < n; i++) intervals.push([data[1 + 2 * i], data[2 + 2 * i]]);
// TODO: print the number of merged intervals, then each one as "l r"
""",
    "cpp": """\
#include <iostream>
#include <utility>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<pair<long long, long long>> intervals(n);
    for (auto& [l, r] : intervals) cin >> l >> r;
    // TODO: print the number of merged intervals, then each one as "l r"
    return 0;
}
""",
    "java": """\
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(in.readLine().trim());
        long[][] intervals = new long[n][2];
        for (int i = 0; i < n; i++) {
            StringTokenizer line = new StringTokenizer(in.readLine());
            intervals[i][0] = Long.parseLong(line.nextToken());
            intervals[i][1] = Long.parseLong(line.nextToken());
        }
        // TODO: print the number of merged intervals, then each one as "l r"
    }
}
""",
}

_MAZE = """\
A game draws its levels on a grid. Find the least number of moves from the start `S` to the
exit `E`: a move goes to one of the four neighbouring cells (up, down, left or right), never
into a wall `#` and never off the grid. Print `-1` if the exit cannot be reached.

## Input

The first line holds n and m, the numbers of rows and columns. Each of the next n lines holds
m characters: `.` a free cell, `#` a wall, `S` the start, `E` the exit. There is exactly one
`S` and one `E`.

## Output

The least number of moves, or `-1`.

## Constraints

- 1 ≤ n, m ≤ 500, n·m ≥ 2
- time limit 2 s, memory limit 256 MB

## Examples

Input:

```text
5 7
S..#...
##.#.#.
...#.#.
.###.#.
.....#E
```

Output:

```text
22
```

Input:

```text
3 3
S#.
##.
..E
```

Output:

```text
-1
```

In the first maze the only way goes down the left side, along the bottom, up the middle and
over the top to the exit. In the second, walls shut the start in.
"""

_MAZE_SOLUTION = """\
import sys

lines = sys.stdin.read().split("\\n")
n, m = map(int, lines[0].split())
width = m + 2
cells = "#" * width + "".join("#" + lines[1 + r] + "#" for r in range(n)) + "#" * width
start, goal = cells.index("S"), cells.index("E")
visited = [ch == "#" for ch in cells]
visited[start] = True
frontier, steps, answer = [start], 0, -1
while frontier and answer < 0:
    steps += 1
    following = []
    for cell in frontier:
        for near in (cell - width, cell + width, cell - 1, cell + 1):
            if not visited[near]:
                if near == goal:
                    answer = steps
                visited[near] = True
                following.append(near)
    frontier = following
print(answer)
"""

# checks only the upper bounds: a step off the top or the left wraps around (Python's
# negative indexes), and far enough it raises an IndexError
_MAZE_WRONG = """\
from collections import deque

n, m = map(int, input().split())
grid = [input() for _ in range(n)]
start = next((r, row.index("S")) for r, row in enumerate(grid) if "S" in row)
distance = {start: 0}
queue = deque([start])
answer = -1
while queue:
    r, c = queue.popleft()
    if grid[r][c] == "E":
        answer = distance[(r, c)]
        break
    for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
        if nr < n and nc < m and grid[nr][nc] != "#" and (nr, nc) not in distance:
            distance[(nr, nc)] = distance[(r, c)] + 1
            queue.append((nr, nc))
print(answer)
"""

# relaxes every cell from its neighbours until nothing changes: as many sweeps as the path
# has turns back against the sweep
_MAZE_SLOW = """\
n, m = map(int, input().split())
grid = [input() for _ in range(n)]
far = n * m + 1
distance = [[0 if ch == "S" else far for ch in row] for row in grid]
changed = True
while changed:
    changed = False
    for r in range(n):
        for c in range(m):
            if grid[r][c] == "#":
                continue
            best = distance[r][c]
            for nr, nc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                if 0 <= nr < n and 0 <= nc < m and distance[nr][nc] + 1 < best:
                    best = distance[nr][nc] + 1
            if best < distance[r][c]:
                distance[r][c] = best
                changed = True
goal = next(distance[r][row.index("E")] for r, row in enumerate(grid) if "E" in row)
print(goal if goal < far else -1)
"""

_MAZE_STARTER = {
    "python3": """\
import sys


def main() -> None:
    lines = sys.stdin.read().split("\\n")
    n, m = map(int, lines[0].split())
    grid = lines[1 : n + 1]
    # TODO: print the least number of moves from S to E, or -1


main()
""",
    "javascript": """\
const lines = require("fs").readFileSync(0, "utf8").split("\\n");
const [n, m] = lines[0].trim().split(/\\s+/).map(Number);
const grid = lines.slice(1, n + 1);
// TODO: print the least number of moves from S to E, or -1
""",
    "cpp": """\
#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n, m;
    cin >> n >> m;
    vector<string> grid(n);
    for (auto& row : grid) cin >> row;
    // TODO: print the least number of moves from S to E, or -1
    return 0;
}
""",
    "java": """\
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer first = new StringTokenizer(in.readLine());
        int n = Integer.parseInt(first.nextToken());
        int m = Integer.parseInt(first.nextToken());
        char[][] grid = new char[n][];
        for (int i = 0; i < n; i++) grid[i] = in.readLine().toCharArray();
        // TODO: print the least number of moves from S to E, or -1
    }
}
""",
}

_LRU = """\
Simulate a cache that holds at most c keys and, when it is over capacity, evicts the least
recently used key. The operations are:

- `GET key`: if the key is in the cache, print its value, and the key becomes the most recently
  used; otherwise print `-1`.
- `PUT key value`: store the value under the key, replacing the old value if the key is
  already there; either way the key becomes the most recently used. If the cache then holds
  more than c keys, remove the least recently used one.

## Input

The first line holds c and q, the capacity and the number of operations. Each of the next q
lines holds an operation.

## Output

For each `GET`, in order, a line with what it prints.

## Constraints

- 1 ≤ c ≤ 10^5, 1 ≤ q ≤ 2·10^5, and there is at least one `GET`
- a key is 1 to 10 lower-case Latin letters and digits; 0 ≤ value ≤ 10^9
- time limit 2 s, memory limit 256 MB

## Example

Input:

```text
2 9
PUT a 1
PUT b 2
GET a
PUT c 3
GET b
GET c
PUT a 10
GET a
GET c
```

Output:

```text
1
-1
3
10
3
```

`GET a` makes `a` more recent than `b`, so `PUT c 3` evicts `b`.
"""

_LRU_SOLUTION = """\
import sys


def main():
    data = sys.stdin.buffer.read().split()
    capacity, q = int(data[0]), int(data[1])
    # a ring of nodes through node 0: after[0] is the most recent, before[0] the least
    slot, keys, values, before, after = {}, [None], [None], [0], [0]

    def unlink(node):
        b, a = before[node], after[node]
        after[b], before[a] = a, b

    def make_most_recent(node):
        first = after[0]
        before[node], after[node] = 0, first
        before[first] = after[0] = node

    out, i = [], 2
    for _ in range(q):
        operation, key = data[i], data[i + 1]
        if operation == b"GET":
            i += 2
            node = slot.get(key)
            if node is None:
                out.append(b"-1")
                continue
            unlink(node)
            out.append(values[node])
        else:
            value, i = data[i + 2], i + 3
            node = slot.get(key)
            if node is not None:
                unlink(node)
                values[node] = value
            elif len(slot) == capacity:
                node = before[0]
                unlink(node)
                del slot[keys[node]]
                keys[node], values[node], slot[key] = key, value, node
            else:
                node = slot[key] = len(keys)
                keys.append(key)
                values.append(value)
                before.append(0)
                after.append(0)
        make_most_recent(node)
    sys.stdout.buffer.write(b"\\n".join(out) + b"\\n")


main()
"""

# a PUT that updates a key leaves the key where it was in the order of use
_LRU_WRONG = """\
import sys
from collections import OrderedDict

lines = sys.stdin.read().split("\\n")
capacity, q = map(int, lines[0].split())
cache = OrderedDict()
out = []
for line in lines[1 : q + 1]:
    parts = line.split()
    if parts[0] == "GET":
        if parts[1] in cache:
            cache.move_to_end(parts[1])
            out.append(cache[parts[1]])
        else:
            out.append("-1")
    else:
        cache[parts[1]] = parts[2]
        if len(cache) > capacity:
            cache.popitem(last=False)
print("\\n".join(out))
"""

# keeps the order of use in a list: every access is a linear search
_LRU_SLOW = """\
import sys

lines = sys.stdin.read().split("\\n")
capacity, q = map(int, lines[0].split())
values, order, out = {}, [], []
for line in lines[1 : q + 1]:
    parts = line.split()
    key = parts[1]
    if parts[0] == "GET":
        if key in values:
            order.remove(key)
            order.append(key)
            out.append(values[key])
        else:
            out.append("-1")
    else:
        if key in values:
            order.remove(key)
        values[key] = parts[2]
        order.append(key)
        if len(order) > capacity:
            del values[order.pop(0)]
print("\\n".join(out))
"""

_LRU_STARTER = {
    "python3": """\
import sys


def main() -> None:
    lines = sys.stdin.read().split("\\n")
    c, q = map(int, lines[0].split())
    for line in lines[1 : q + 1]:
        parts = line.split()
        if parts[0] == "GET":
            key = parts[1]
            # TODO: print the value of `key`, or -1
        else:
            key, value = parts[1], int(parts[2])
            # TODO: store `value` under `key`


main()
""",
    "javascript": """\
const lines = require("fs").readFileSync(0, "utf8").split("\\n");
const [c, q] = lines[0].trim().split(/\\s+/).map(Number);
const out = [];
for (let i = 1; i <= q; i++) {
  const [operation, key, value] = lines[i].trim().split(/\\s+/);
  if (operation === "GET") {
    // TODO: push the value of `key`, or -1
  } else {
    // TODO: store Number(value) under `key`
  }
}
process.stdout.write(out.map((line) => line + "\\n").join(""));
""",
    "cpp": """\
#include <iostream>
#include <string>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int c, q;
    cin >> c >> q;
    for (int i = 0; i < q; i++) {
        string operation, key;
        cin >> operation >> key;
        if (operation == "GET") {
            // TODO: print the value of `key`, or -1
        } else {
            long long value;
            cin >> value;
            // TODO: store `value` under `key`
        }
    }
    return 0;
}
""",
    "java": """\
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer first = new StringTokenizer(in.readLine());
        int c = Integer.parseInt(first.nextToken());
        int q = Integer.parseInt(first.nextToken());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < q; i++) {
            StringTokenizer line = new StringTokenizer(in.readLine());
            String operation = line.nextToken(), key = line.nextToken();
            if (operation.equals("GET")) {
                // TODO: append the value of `key`, or -1
            } else {
                long value = Long.parseLong(line.nextToken());
                // TODO: store `value` under `key`
            }
        }
        System.out.print(out);
    }
}
""",
}

_LATENCY = """\
Every service of a shop writes one JSON record per request to a shared log, among other lines.
For each service, report its number of requests, how many of them failed on the server side
(status 500 or above), and its mean latency.

## Input

The log, up to the end of the input. A line whose very first character is `{` is a record: a
JSON object on one line with the fields `service` (a string), `status` (an integer) and `ms`
(the latency in milliseconds, a non-negative number, possibly with a fractional part), in any
order, maybe beside other fields. Values are strings, with no `"` or `\\` inside, or numbers
in plain decimal notation. Spaces or tabs may stand around `{`, `}`, `:` and `,`. Every other
line (empty lines, messages in plain text, indented lines) is not a record: ignore it.

## Output

One line per service, in ascending order of name (by character codes): the name, the number of
requests, the number of server errors, and the mean latency, separated by spaces. The mean is
accepted within an absolute or relative error of 10^-6: print six digits after the decimal
point, for example. Print nothing if the log has no records.

## Constraints

- at most 2·10^5 lines, 16 MB in all
- a service name is 1 to 32 characters: letters `a` to `z`, digits and `-`, and starts with a letter
- 0 ≤ ms ≤ 10^6
- time limit 2 s, memory limit 256 MB

## Example

Input:

```text
{"ts": 1, "service": "auth", "status": 200, "ms": 12.5}
{"service":"search","ms":80,"status":503,"ts":2}
starting worker 7
{"ts": 3, "service": "auth", "status": 500, "ms": 7.5, "path": "/login"}
{"ts": 4, "status": 200, "service": "search", "ms": 40}
{"ts": 5, "service": "auth", "status": 404, "ms": 3}
```

Output:

```text
auth 3 1 7.666667
search 2 1 60.000000
```

A 404 is the client's error, not the server's: `auth` has one server error, the 500.
"""

_LATENCY_SOLUTION = """\
import json
import sys

stats = {}
for line in sys.stdin:
    if not line.startswith("{"):
        continue
    record = json.loads(line)
    entry = stats.get(record["service"])
    if entry is None:
        entry = stats[record["service"]] = [0, 0, 0.0]
    entry[0] += 1
    entry[1] += record["status"] >= 500
    entry[2] += record["ms"]
for name in sorted(stats):
    requests, errors, total = stats[name]
    sys.stdout.write(f"{name} {requests} {errors} {total / requests:.6f}\\n")
"""

# prints the services in the order they first appear, not by name
_LATENCY_WRONG = """\
import json
import sys

stats = {}
for line in sys.stdin:
    if line.startswith("{"):
        record = json.loads(line)
        entry = stats.setdefault(record["service"], [0, 0, 0.0])
        entry[0] += 1
        entry[1] += record["status"] >= 500
        entry[2] += record["ms"]
for name, (requests, errors, total) in stats.items():
    print(name, requests, errors, f"{total / requests:.6f}")
"""

# gathers each service's records with a pass over the whole log: quadratic in the services
_LATENCY_SLOW = """\
import json
import sys

records = [json.loads(line) for line in sys.stdin if line.startswith("{")]
for name in sorted({record["service"] for record in records}):
    mine = [record for record in records if record["service"] == name]
    errors = sum(1 for record in mine if record["status"] >= 500)
    mean = sum(record["ms"] for record in mine) / len(mine)
    print(name, len(mine), errors, f"{mean:.6f}")
"""

_LATENCY_STARTER = {
    "python3": """\
import json
import sys


def main() -> None:
    for line in sys.stdin:
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        # TODO: count record["service"]'s requests, server errors and latency


main()
""",
    "javascript": """\
const lines = require("fs").readFileSync(0, "utf8").split("\\n");
for (const line of lines) {
  if (!line.startsWith("{")) continue;
  const record = JSON.parse(line);
  // TODO: count record.service's requests, server errors and latency
}
// TODO: print one line per service, sorted by name
""",
    "cpp": """\
#include <iostream>
#include <string>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    string line;
    while (getline(cin, line)) {
        if (line.empty() || line[0] != '{') continue;
        // TODO: find the "service", "status" and "ms" fields of the record in `line`
    }
    // TODO: print one line per service, sorted by name
    return 0;
}
""",
    "java": """\
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.startsWith("{")) continue;
            // TODO: find the "service", "status" and "ms" fields of the record in `line`
        }
        // TODO: print one line per service, sorted by name
    }
}
""",
}


def _task(
    title: str,
    track: str,
    difficulty: str,
    statement: str,
    build_groups: Callable[[], list[Group]],
    solutions: tuple[str, str, str],
    starter_code: dict[str, str],
    *,
    cpu_ms: int = 2_000,
    memory_mb: int = 256,
    checker: dict[str, Any] | None = None,
) -> dict[str, Any]:
    solution, wrong, slow = solutions
    return {
        "title": title,
        "track": track,
        "difficulty": difficulty,
        "statement": statement,
        "limits": {"cpu_ms": cpu_ms, "memory_mb": memory_mb},
        "checker": checker or {"kind": "tokens"},
        "starter_code": starter_code,
        "solution": solution,
        "wrong_solution": wrong,
        "slow_solution": slow,
        "build_groups": build_groups,
    }


TASKS: tuple[dict[str, Any], ...] = (
    _task(
        "Word frequency",
        "python-backend",
        "easy",
        _WORD_FREQUENCY,
        _word_frequency_groups,
        (_WORD_FREQUENCY_SOLUTION, _WORD_FREQUENCY_WRONG, _WORD_FREQUENCY_SLOW),
        _WORD_FREQUENCY_STARTER,
    ),
    _task(
        "Balanced brackets",
        "frontend",
        "easy",
        _BRACKETS,
        _brackets_groups,
        (_BRACKETS_SOLUTION, _BRACKETS_WRONG, _BRACKETS_SLOW),
        _BRACKETS_STARTER,
    ),
    _task(
        "Debounced search",
        "frontend",
        "easy",
        _DEBOUNCE,
        _debounce_groups,
        (_DEBOUNCE_SOLUTION, _DEBOUNCE_WRONG, _DEBOUNCE_SLOW),
        _DEBOUNCE_STARTER,
    ),
    _task(
        "Merge intervals",
        "python-backend",
        "medium",
        _MERGE,
        _merge_groups,
        (_MERGE_SOLUTION, _MERGE_WRONG, _MERGE_SLOW),
        _MERGE_STARTER,
    ),
    _task(
        "Shortest path in a maze",
        "frontend",
        "medium",
        _MAZE,
        _maze_groups,
        (_MAZE_SOLUTION, _MAZE_WRONG, _MAZE_SLOW),
        _MAZE_STARTER,
    ),
    _task(
        "LRU cache",
        "python-backend",
        "medium",
        _LRU,
        _lru_groups,
        (_LRU_SOLUTION, _LRU_WRONG, _LRU_SLOW),
        _LRU_STARTER,
    ),
    _task(
        "Service latency report",
        "python-backend",
        "hard",
        _LATENCY,
        _latency_groups,
        (_LATENCY_SOLUTION, _LATENCY_WRONG, _LATENCY_SLOW),
        _LATENCY_STARTER,
        checker={"kind": "float", "abs_tolerance": 1e-6, "rel_tolerance": 1e-6},
    ),
)


def task_groups(task: dict[str, Any]) -> list[Group]:
    """The task's test groups, generated on first use (the same every time)."""
    return task["build_groups"]()


def task_by_title(title: str) -> dict[str, Any]:
    return next(task for task in TASKS if task["title"] == title)


# -- the quiz pool ---------------------------------------------------------------------------
# Every answer below was checked: the code ones by running them (CPython 3.11, Node.js 18,
# OpenJDK 17).


def _single(track: str, prompt: str, options: list[str], correct: int, points: int = 1) -> dict:
    return {
        "track": track,
        "kind": "single",
        "prompt": prompt,
        "options": options,
        "answer_key": {"correct": correct},
        "points": points,
    }


def _multiple(
    track: str, prompt: str, options: list[str], correct: list[int], points: int = 2
) -> dict:
    return {
        "track": track,
        "kind": "multiple",
        "prompt": prompt,
        "options": options,
        "answer_key": {"correct": correct},
        "points": points,
    }


def _text(
    track: str,
    prompt: str,
    accepted: list[str],
    *,
    pattern: str | None = None,
    case_sensitive: bool = False,
    points: int = 1,
) -> dict:
    return {
        "track": track,
        "kind": "text",
        "prompt": prompt,
        "options": [],
        "answer_key": {"accepted": accepted, "pattern": pattern, "case_sensitive": case_sensitive},
        "points": points,
    }


def _numeric(track: str, prompt: str, value: float, tolerance: float = 0, points: int = 1) -> dict:
    return {
        "track": track,
        "kind": "numeric",
        "prompt": prompt,
        "options": [],
        "answer_key": {"value": value, "tolerance": tolerance},
        "points": points,
    }


_PY = "python-backend"
_FE = "frontend"
_JAVA = "java"

QUESTIONS: tuple[dict[str, Any], ...] = (
    # -- Python back end
    _single(
        _PY,
        "What does this print?\n\n```python\nprint([1, 2, 3][::-1])\n```",
        ["[3, 2, 1]", "[1, 2, 3]", "[3]", "It raises an error"],
        0,
    ),
    _single(
        _PY,
        "What does this print?\n\n```python\ndef add(item, bucket=[]):\n    bucket.append(item)\n"
        "    return bucket\n\nadd(1)\nprint(add(2))\n```",
        ["[2]", "[1, 2]", "[]", "It raises a TypeError"],
        1,
        points=2,
    ),
    _single(
        _PY,
        "What does this print?\n\n```python\ngrid = [[0] * 2] * 2\ngrid[0][0] = 1\n"
        "print(grid)\n```",
        ["[[1, 0], [0, 0]]", "[[1, 0], [1, 0]]", "[[1, 1], [0, 0]]", "It raises an error"],
        1,
        points=2,
    ),
    _single(
        _PY,
        "What does this print?\n\n```python\nsquares = (n * n for n in range(3))\n"
        "print(sum(squares), sum(squares))\n```",
        ["5 5", "5 0", "0 5", "It raises an error"],
        1,
        points=2,
    ),
    _single(
        _PY,
        "What is the value of `7 // -2` in Python 3?",
        ["-3", "-4", "-3.5", "3"],
        1,
        points=2,
    ),
    _single(
        _PY,
        "Which built-in type answers `x in c` in O(1) time on average?",
        ["`list`", "`tuple`", "`set`", "`str`"],
        2,
    ),
    _multiple(
        _PY,
        "Which of these built-in types are immutable?",
        ["`tuple`", "`list`", "`frozenset`", "`str`", "`dict`"],
        [0, 2, 3],
    ),
    _multiple(
        _PY,
        "Which of these expressions evaluate to `True` in Python 3?",
        ["`0.1 + 0.2 == 0.3`", "`[] == []`", "`'a' * 0 == ''`", "`None == False`", "`1 == 1.0`"],
        [1, 2, 4],
        points=3,
    ),
    _numeric(_PY, "What is the value of `len({x % 3 for x in range(10)})`?", 3),
    _numeric(
        _PY,
        "What is the value of `sum(1 / 2**k for k in range(1, 11))`? (Answers within 10^-6 count.)",
        0.9990234375,
        tolerance=1e-6,
        points=2,
    ),
    _text(
        _PY,
        "Name the built-in function that pairs up the elements of several iterables, so that "
        "`list(f([1, 2], 'ab'))` is `[(1, 'a'), (2, 'b')]`.",
        ["zip"],
        pattern=r"^zip(\(\))?$",
        case_sensitive=True,
    ),
    _single(
        _PY,
        "A signed-in user asks an API for a resource they may not access. Which status code is "
        "meant for that?",
        ["401 Unauthorized", "403 Forbidden", "400 Bad Request", "409 Conflict"],
        1,
    ),
    _multiple(
        _PY,
        "Which of these HTTP methods are idempotent by the HTTP specification (RFC 9110)?",
        ["GET", "POST", "PUT", "DELETE", "PATCH"],
        [0, 2, 3],
    ),
    _numeric(
        _PY,
        "Which HTTP status code does an API usually answer a `POST` with when it has created a "
        "new resource?",
        201,
    ),
    _single(
        _PY,
        "What is PostgreSQL's default transaction isolation level?",
        ["Read uncommitted", "Read committed", "Repeatable read", "Serializable"],
        1,
        points=2,
    ),
    _single(
        _PY,
        "What does `SELECT NULL = NULL;` return in PostgreSQL?",
        ["`true`", "`false`", "`NULL`", "An error"],
        2,
        points=2,
    ),
    _text(
        _PY,
        "Which SQL keyword, written right after `SELECT`, removes duplicate rows from the result?",
        ["DISTINCT"],
    ),
    _numeric(
        _PY,
        "Table `a` has 4 rows and table `b` has 5. How many rows does "
        "`SELECT * FROM a CROSS JOIN b` return?",
        20,
    ),
    _text(
        _PY,
        "Which PostgreSQL command, put before a query, shows the plan the planner chose for it?",
        ["EXPLAIN", "EXPLAIN ANALYZE"],
        pattern=r"^explain( analyze)?$",
        points=2,
    ),
    # -- front end
    _single(
        _FE,
        "What does `typeof null` evaluate to?",
        ['`"null"`', '`"object"`', '`"undefined"`', '`"number"`'],
        1,
    ),
    _single(
        _FE,
        'In what order are the letters logged?\n\n```js\nconsole.log("a");\n'
        'setTimeout(() => console.log("b"), 0);\n'
        'Promise.resolve().then(() => console.log("c"));\nconsole.log("d");\n```',
        ["a b c d", "a d c b", "a d b c", "a c d b"],
        1,
        points=2,
    ),
    _single(
        _FE,
        "What does this log?\n\n```js\nconsole.log([1, 2, 3].map(parseInt));\n```",
        ["[1, 2, 3]", "[1, NaN, NaN]", "[NaN, NaN, NaN]", "[1, NaN, 3]"],
        1,
        points=2,
    ),
    _single(
        _FE,
        'What does `console.log(0 ?? "default", 0 || "default")` log?',
        ["0 0", "0 default", "default 0", "default default"],
        1,
        points=2,
    ),
    _single(
        _FE,
        "What does this log?\n\n```js\nconst list = [1, 2];\nlist.push(3);\n"
        "console.log(list.length);\n```",
        ["2", "3", "TypeError: Assignment to constant variable", "undefined"],
        1,
    ),
    _multiple(
        _FE,
        "Which of these values are falsy in JavaScript?",
        ["`0`", '`"0"`', "`[]`", "`NaN`", '`""`', "`null`"],
        [0, 3, 4, 5],
    ),
    _numeric(_FE, "What is the value of `[10, 1, 2].sort()[1]`?", 10, points=2),
    _numeric(
        _FE,
        "What is the value of `x` once all the timers have run?\n\n```js\nlet x = 0;\n"
        "for (var i = 0; i < 3; i++) {\n  setTimeout(() => { x += i; }, 0);\n}\n```",
        9,
        points=3,
    ),
    _numeric(_FE, 'What is the value of `"5" * "2" - "3"`?', 7),
    _text(
        _FE,
        "Which keyword, put before `function`, makes the function return a Promise and lets "
        "it use `await`?",
        ["async"],
        case_sensitive=True,
    ),
    _text(
        _FE,
        "Which array method makes a new array of only the elements for which a callback returns "
        "a truthy value?",
        ["filter", "Array.prototype.filter"],
        pattern=r"^(Array\.prototype\.)?filter(\(\))?$",
        case_sensitive=True,
    ),
    _text(
        _FE,
        "Which attribute of `<img>` holds the text alternative that screen readers read out?",
        ["alt"],
    ),
    _single(
        _FE,
        "Which of these selectors has the highest specificity?",
        ["`div p`", "`.card p`", "`#main p`", "`p:first-child`"],
        2,
        points=2,
    ),
    _numeric(
        _FE,
        "An element has `width: 200px; padding: 10px; border: 5px solid; box-sizing: "
        "content-box`. How wide, in pixels, is its border box?",
        230,
        points=2,
    ),
    _single(
        _FE,
        "Which `position` value keeps an element in the normal flow until scrolling would move it "
        "past a given offset, and then holds it there?",
        ["`relative`", "`absolute`", "`fixed`", "`sticky`"],
        3,
    ),
    _single(
        _FE,
        "Which storage does the browser clear when the tab that wrote it is closed?",
        ["`localStorage`", "`sessionStorage`", "IndexedDB", "A cookie with `Max-Age`"],
        1,
    ),
    _multiple(
        _FE,
        "Which of these response headers belong to CORS?",
        [
            "`Access-Control-Allow-Origin`",
            "`Content-Security-Policy`",
            "`Access-Control-Allow-Methods`",
            "`Strict-Transport-Security`",
            "`Access-Control-Max-Age`",
        ],
        [0, 2, 4],
    ),
    _multiple(
        _FE,
        "Which of these hooks come with React itself?",
        ["`useState`", "`useEffect`", "`useFetch`", "`useMemo`", "`useRouter`"],
        [0, 1, 3],
    ),
    # -- Java
    _single(
        _JAVA,
        'What does this print?\n\n```java\nString s = new String("hi");\n'
        'System.out.println(s == "hi");\nSystem.out.println(s.equals("hi"));\n```',
        ["true, then true", "false, then true", "true, then false", "false, then false"],
        1,
        points=2,
    ),
    _numeric(_JAVA, "What does `System.out.println(7 / 2);` print?", 3),
    _numeric(_JAVA, "What does `System.out.println(10 % 3 + 10 / 4 * 2);` print?", 5, points=2),
    _numeric(
        _JAVA,
        "On a JVM with default settings, how many of the two lines print `true`?\n\n```java\n"
        "Integer a = 127, b = 127;\nInteger c = 128, d = 128;\nSystem.out.println(a == b);\n"
        "System.out.println(c == d);\n```",
        1,
        points=3,
    ),
    _multiple(
        _JAVA,
        "Which of these exceptions are checked exceptions?",
        [
            "`IOException`",
            "`NullPointerException`",
            "`InterruptedException`",
            "`IllegalArgumentException`",
            "`ClassNotFoundException`",
        ],
        [0, 2, 4],
    ),
    _multiple(
        _JAVA,
        "Which of these `Stream` methods are terminal operations?",
        ["`collect`", "`map`", "`forEach`", "`filter`", "`reduce`"],
        [0, 2, 4],
    ),
    _text(
        _JAVA,
        "Which modifier on a class declaration prevents the class from being subclassed?",
        ["final"],
        case_sensitive=True,
    ),
    _text(
        _JAVA,
        "What is the name of the method the JVM calls to start a Java application?",
        ["main"],
        case_sensitive=True,
    ),
    _single(
        _JAVA,
        "In what order does iterating over a `java.util.HashMap` visit its keys?",
        ["Insertion order", "Sorted by key", "No order is guaranteed", "Reverse insertion order"],
        2,
    ),
    _single(
        _JAVA,
        "Which class is the usual choice for a single-threaded queue or stack with fast insertion "
        "and removal at both ends?",
        ["`ArrayList`", "`ArrayDeque`", "`TreeSet`", "`Vector`"],
        1,
    ),
)


# -- vacancies -------------------------------------------------------------------------------

VACANCIES: tuple[dict[str, Any], ...] = (
    {
        "title": "Python back-end developer",
        "track": "python-backend",
        "status": "open",
        "description": (
            "Acme Hiring is looking for a **back-end developer** to build the services behind "
            "our shop: HTTP APIs in Python, PostgreSQL, queues and the logs that tell us how "
            "it all runs.\n\n"
            "**The assessment** (90 minutes): three coding tasks, judged on hidden tests, and "
            "a short quiz on Python, HTTP and SQL. Solve the tasks in Python, or in Java, C++ "
            "or JavaScript if you prefer; run your code on the examples as often as you like "
            "before you submit."
        ),
        "pass_mark": 60,
        "duration_minutes": 90,
        "quiz_questions": 8,
        "quiz_weight": 2,
        "languages": ["python3", "java", "cpp", "javascript"],
        "tasks": [
            {"title": "Merge intervals", "weight": 2},
            {"title": "LRU cache", "weight": 3},
            {"title": "Service latency report", "weight": 3},
        ],
    },
    {
        "title": "Front-end developer",
        "track": "frontend",
        "status": "open",
        "description": (
            "Join the team that builds Acme's web shop as a **front-end developer**: fast, "
            "accessible pages in modern JavaScript, talking to our APIs.\n\n"
            "**The assessment** (75 minutes): three coding tasks, judged on hidden tests, and "
            "a quiz on JavaScript, CSS and the browser. Write your solutions in JavaScript "
            "(Node.js) or Python."
        ),
        "pass_mark": 60,
        "duration_minutes": 75,
        "quiz_questions": 8,
        "quiz_weight": 2,
        "languages": ["javascript", "python3"],
        "tasks": [
            {"title": "Balanced brackets", "weight": 1},
            {"title": "Debounced search", "weight": 2},
            {"title": "Shortest path in a maze", "weight": 2},
        ],
    },
    {
        "title": "Java developer",
        "track": "java",
        "status": "draft",
        "description": (
            "A **Java developer** for our order processing, on the JVM. (Draft: the assessment "
            "is still being put together.)\n\n"
            "**The assessment** (90 minutes): three coding tasks in Java and a short quiz."
        ),
        "pass_mark": 65,
        "duration_minutes": 90,
        "quiz_questions": 6,
        "quiz_weight": 2,
        "languages": ["java"],
        "tasks": [
            {"title": "Word frequency", "weight": 1},
            {"title": "Merge intervals", "weight": 2},
            {"title": "LRU cache", "weight": 2},
        ],
    },
)
