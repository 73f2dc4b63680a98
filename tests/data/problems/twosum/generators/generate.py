"""Writes data/ of this package (deterministic): python3 generators/generate.py"""

import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def case(n: int, rng: random.Random, pairs: int) -> tuple[str, str]:
    """n values with at least ``pairs`` pairs adding up to the target; the answer is one."""
    target = rng.randint(-(10**9), 10**9)
    values = [rng.randint(-(10**9), 10**9) for _ in range(n)]
    spots = rng.sample(range(n), 2 * pairs)
    for k in range(pairs):
        i, j = spots[2 * k], spots[2 * k + 1]
        x = rng.randint(-(10**9) + abs(target), 10**9 - abs(target)) if abs(target) < 10**9 else 0
        values[i], values[j] = x, target - x
    first = {}
    answer = None
    for j, value in enumerate(values):
        if target - value in first and answer is None:
            answer = (first[target - value] + 1, j + 1)
        first.setdefault(value, j)
    assert answer is not None
    line = " ".join(map(str, values))
    return f"{n} {target}\n{line}\n", f"{answer[0]} {answer[1]}\n"


def write(folder: Path, name: str, text: tuple[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.in").write_text(text[0])
    (folder / f"{name}.ans").write_text(text[1])


def main() -> None:
    rng = random.Random(2024)  # noqa: S311 (test data, reproducible)
    write(DATA / "sample", "1", ("4 9\n2 7 11 15\n", "1 2\n"))
    write(DATA / "sample", "2", ("5 6\n1 5 3 3 2\n", "1 2\n"))
    for index in range(1, 4):  # small: the pair is among the first ten values
        n = rng.randint(2, 10)
        write(DATA / "secret" / "group1", f"{index:02}", case(n, rng, min(n // 2, 2)))
    for index in range(1, 4):
        write(DATA / "secret" / "group2", f"{index:02}", case(2_000, rng, 3))


if __name__ == "__main__":
    main()
