"""Code similarity by winnowed fingerprints: copies are alike, honest solutions are not."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from server.similarity import (
    DEFAULT_K,
    DEFAULT_THRESHOLD,
    MIN_FINGERPRINTS,
    NAME,
    NUMBER,
    STRING,
    fingerprints,
    flag_pairs,
    kgram_hashes,
    normalise,
    similarity,
)

# "Two sum": read n, a target and n numbers; print the 1-based indices of two numbers that add
# up to the target, or -1.

PY_HASH = '''\
import sys


def find_pair(numbers, target):
    """Indices of two numbers with the given sum, by remembering what we have seen."""
    seen = {}
    for index, value in enumerate(numbers):
        wanted = target - value
        if wanted in seen:
            return seen[wanted], index
        seen[value] = index
    return None


def main():
    data = sys.stdin.read().split()
    n, target = int(data[0]), int(data[1])
    numbers = [int(x) for x in data[2 : 2 + n]]
    pair = find_pair(numbers, target)
    if pair is None:
        print("-1")
    else:
        print(pair[0] + 1, pair[1] + 1)


main()
'''

# PY_HASH with every variable and function renamed, the docstring and strings changed,
# comments added and the layout changed.
PY_HASH_DISGUISED = """\
import sys
# my own solution, honestly


def pair_with_sum(arr, goal):
    # one pass with a dictionary
    where = {}
    for i, x in enumerate(arr):
        need = goal - x  # complement
        if need in where:
            return where[need], i
        where[x] = i
    return None

def solve():
    tokens = sys.stdin.read().split()
    count, goal = int(tokens[0]), int(tokens[1])
    arr = [int(t)   for t in tokens[2 : 2 + count]]
    answer = pair_with_sum(arr,
                           goal)
    if answer is None:
        print('NO PAIR')
    else:
        print(answer[0] + 1, answer[1] + 1)
solve()
"""

# PY_HASH with its two functions swapped round.
PY_HASH_REORDERED = '''\
import sys


def main():
    data = sys.stdin.read().split()
    n, target = int(data[0]), int(data[1])
    numbers = [int(x) for x in data[2 : 2 + n]]
    pair = find_pair(numbers, target)
    if pair is None:
        print("-1")
    else:
        print(pair[0] + 1, pair[1] + 1)


def find_pair(numbers, target):
    """Indices of two numbers with the given sum, by remembering what we have seen."""
    seen = {}
    for index, value in enumerate(numbers):
        wanted = target - value
        if wanted in seen:
            return seen[wanted], index
        seen[value] = index
    return None


main()
'''

PY_TWO_POINTERS = """\
n, target = map(int, input().split())
a = list(map(int, input().split()))
order = sorted(range(n), key=lambda i: a[i])
lo, hi = 0, n - 1
found = False
while lo < hi:
    s = a[order[lo]] + a[order[hi]]
    if s == target:
        i, j = sorted((order[lo], order[hi]))
        print(i + 1, j + 1)
        found = True
        break
    elif s < target:
        lo += 1
    else:
        hi -= 1
if not found:
    print(-1)
"""

PY_BRUTE_FORCE = """\
import sys

def read_ints():
    return list(map(int, sys.stdin.readline().split()))

n, target = read_ints()
values = read_ints()
answer = (-1,)
for i in range(n):
    for j in range(i + 1, n):
        if values[i] + values[j] == target:
            answer = (i + 1, j + 1)
            break
    if answer[0] != -1:
        break
print(*answer)
"""

PY_SORT_AND_SEARCH = """\
from bisect import bisect_left

n, target = map(int, input().split())
nums = list(map(int, input().split()))
pairs = sorted((v, i) for i, v in enumerate(nums))
keys = [v for v, _ in pairs]
result = None
for pos, (v, i) in enumerate(pairs):
    k = bisect_left(keys, target - v, pos + 1)
    if k < n and keys[k] == target - v:
        result = sorted((i + 1, pairs[k][1] + 1))
        break
print(*result) if result else print(-1)
"""

CPP_HASH = """\
#include <bits/stdc++.h>
using namespace std;

// two sum with a hash map
int main() {
    int n;
    long long target;
    cin >> n >> target;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    unordered_map<long long, int> seen;
    for (int i = 0; i < n; i++) {
        auto it = seen.find(target - a[i]);
        if (it != seen.end()) {
            cout << it->second + 1 << " " << i + 1 << "\\n";
            return 0;
        }
        seen[a[i]] = i;
    }
    cout << -1 << "\\n";
    return 0;
}
"""

CPP_HASH_DISGUISED = """\
#include <iostream>
#include <vector>
#include <unordered_map>
using namespace std;
/* Reads the array and finds the pair in one pass. */
int main()
{
    int count; long long goal;
    cin >> count >> goal;
    vector<long long> values(count);
    for (int k = 0; k < count; k++)
        cin >> values[k];
    unordered_map<long long, int> index_of;   // value -> position
    for (int k = 0; k < count; k++)
    {
        auto found = index_of.find(goal - values[k]);
        if (found != index_of.end())
        {
            cout << found->second + 1 << ' ' << k + 1 << endl;
            return 0;
        }
        index_of[values[k]] = k;
    }
    cout << -1 << endl;
    return 0;
}
"""

CPP_TWO_POINTERS = """\
#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    long long t;
    scanf("%d %lld", &n, &t);
    vector<pair<long long, int>> v(n);
    for (int i = 0; i < n; ++i) {
        scanf("%lld", &v[i].first);
        v[i].second = i + 1;
    }
    sort(v.begin(), v.end());
    int l = 0, r = n - 1;
    while (l < r) {
        long long s = v[l].first + v[r].first;
        if (s == t) {
            printf("%d %d\\n", min(v[l].second, v[r].second), max(v[l].second, v[r].second));
            return 0;
        }
        if (s < t) ++l; else --r;
    }
    puts("-1");
}
"""

PY_STARTER = '''\
import sys


def solve(numbers: list[int], target: int) -> tuple[int, int] | None:
    """Return the 1-based indices of two numbers that add up to target, or None."""
    # Write your code here
    return None


def main() -> None:
    data = sys.stdin.read().split()
    n, target = int(data[0]), int(data[1])
    numbers = [int(x) for x in data[2 : 2 + n]]
    answer = solve(numbers, target)
    print(-1 if answer is None else f"{answer[0]} {answer[1]}")


if __name__ == "__main__":
    main()
'''


def test_normalise_keeps_structure_and_abstracts_names_literals_and_comments():
    tokens = normalise('total = count + 42  # sum\nprint("hi", total)\n', "python3")
    assert [t for t, _ in tokens] == [
        NAME, "=", NAME, "+", NUMBER, NAME, "(", STRING, ",", NAME, ")"
    ]  # fmt: skip
    # offsets point into the original source
    assert [offset for _, offset in tokens][:6] == [0, 6, 8, 14, 16, 26]


def test_normalise_merges_one_literal_and_ignores_line_ends():
    a = normalise('s = "a\\tb" "c";\r\nx = \'q\';\r\n', "cpp")
    b = normalise("s = \"x\";\nx = '\\n';\n", "cpp")
    assert [t for t, _ in a] == [t for t, _ in b] == [NAME, "=", STRING, ";"] * 2


@pytest.mark.parametrize(
    ("original", "disguised", "language"),
    [(PY_HASH, PY_HASH_DISGUISED, "python3"), (CPP_HASH, CPP_HASH_DISGUISED, "cpp")],
    ids=["python", "cpp"],
)
def test_renamed_recommented_reformatted_copy_is_alike(original, disguised, language):
    assert similarity(original, disguised, language) >= 0.9


@pytest.mark.parametrize(
    ("a", "b", "language"),
    [
        (PY_HASH, PY_TWO_POINTERS, "python3"),
        (PY_HASH, PY_BRUTE_FORCE, "python3"),
        (PY_TWO_POINTERS, PY_BRUTE_FORCE, "python3"),
        (PY_TWO_POINTERS, PY_SORT_AND_SEARCH, "python3"),
        (PY_BRUTE_FORCE, PY_SORT_AND_SEARCH, "python3"),
        (PY_HASH, PY_SORT_AND_SEARCH, "python3"),
        (CPP_HASH, CPP_TWO_POINTERS, "cpp"),
    ],
)
def test_different_honest_solutions_are_below_the_threshold(a, b, language):
    assert similarity(a, b, language) < DEFAULT_THRESHOLD


def test_reordering_functions_keeps_similarity_high():
    assert similarity(PY_HASH, PY_HASH_REORDERED, "python3") >= 0.9


def test_a_copy_padded_with_extra_code_is_still_alike():
    # a whole other solution appended to dilute the copy: the score is the share of the
    # smaller side in common, which padding the larger does not lower
    padded = PY_HASH_DISGUISED + "\n\n" + PY_BRUTE_FORCE
    assert similarity(PY_HASH, padded, "python3") >= 0.9


def test_similarity_is_symmetric():
    for a, b in [(PY_HASH, PY_TWO_POINTERS), (PY_HASH, PY_HASH_DISGUISED), (PY_HASH, "")]:
        assert similarity(a, b, "python3") == similarity(b, a, "python3")
    assert similarity(CPP_HASH, CPP_TWO_POINTERS, "cpp") == similarity(
        CPP_TWO_POINTERS, CPP_HASH, "cpp"
    )


@pytest.mark.parametrize("short", ["", "   \n", "# only a comment\n", "print(1)\n"])
def test_empty_or_too_short_source_scores_zero(short):
    assert len(normalise(short, "python3")) < DEFAULT_K
    assert similarity(PY_HASH, short, "python3") == 0.0
    assert similarity(short, short, "python3") == 0.0


def test_a_few_lines_contained_in_a_solution_are_not_enough_to_flag():
    # a candidate who only read the input, as another candidate's full solution does: all of
    # the short one's fingerprints are in the long one, but there are too few to mean much
    gave_up = "\n".join(PY_TWO_POINTERS.splitlines()[:2]) + "\n"
    assert len(fingerprints(normalise(gave_up, "python3"))) < MIN_FINGERPRINTS
    assert similarity(gave_up, PY_TWO_POINTERS, "python3") < DEFAULT_THRESHOLD
    assert similarity(gave_up, gave_up, "python3") < DEFAULT_THRESHOLD


def test_identical_sources_score_one():
    assert similarity(PY_HASH, PY_HASH, "python3") == 1.0


def test_starter_code_alone_is_not_alike_once_it_is_boilerplate():
    # without being told, two untouched starters are identical
    assert similarity(PY_STARTER, PY_STARTER, "python3") == 1.0
    assert similarity(PY_STARTER, PY_STARTER, "python3", boilerplate=PY_STARTER) == 0.0
    flagged = flag_pairs(
        [("a", PY_STARTER), ("b", PY_STARTER)],
        {"a": "python3", "b": "python3"},
        boilerplate={"python3": PY_STARTER},
    )
    assert flagged == []


def _fill_starter(body: str) -> str:
    body = "\n".join("    " + line for line in body.splitlines())
    return PY_STARTER.replace("    # Write your code here\n    return None", body)


HASH_BODY = """\
seen = {}
for i, v in enumerate(numbers):
    if target - v in seen:
        return seen[target - v] + 1, i + 1
    seen[v] = i
return None"""

BRUTE_BODY = """\
for i in range(len(numbers)):
    for j in range(i + 1, len(numbers)):
        if numbers[i] + numbers[j] == target:
            return i + 1, j + 1
return None"""


def test_boilerplate_leaves_the_candidates_own_code_to_compare():
    hash_in_starter = _fill_starter(HASH_BODY)
    brute_in_starter = _fill_starter(BRUTE_BODY)
    # The shared starter makes different bodies look alike ...
    assert similarity(hash_in_starter, brute_in_starter, "python3") > 0.5
    # ... until it is discounted; a copied body is still a copy.
    assert similarity(hash_in_starter, brute_in_starter, "python3", boilerplate=PY_STARTER) < 0.3
    renamed = hash_in_starter.replace("seen", "memo").replace("v ", "value ")
    assert similarity(hash_in_starter, renamed, "python3", boilerplate=PY_STARTER) >= 0.9


def test_flag_pairs_finds_exactly_the_copied_pair():
    submissions = [
        ("alice", PY_HASH),
        ("bob", PY_TWO_POINTERS),
        ("carol", PY_BRUTE_FORCE),
        ("dave", PY_SORT_AND_SEARCH),
        ("erin", PY_HASH_DISGUISED),
    ]
    flagged = flag_pairs(submissions, lambda key: "python3")
    assert [(a, b) for a, b, _ in flagged] == [("alice", "erin")]
    assert flagged[0][2] >= 0.9


def test_flag_pairs_compares_only_within_a_language():
    submissions = [
        ("p1", PY_HASH),
        ("c1", CPP_HASH),
        ("p2", PY_HASH_REORDERED),
        ("c2", CPP_TWO_POINTERS),
        ("c3", CPP_HASH_DISGUISED),
        # the same text under another language id is not compared with p1
        ("j1", PY_HASH),
    ]
    languages = {"p1": "python3", "p2": "python3", "c1": "cpp", "c2": "cpp", "c3": "cpp"}
    languages["j1"] = "java"
    flagged = flag_pairs(submissions, languages)
    assert {(a, b) for a, b, _ in flagged} == {("p1", "p2"), ("c1", "c3")}
    assert [s for _, _, s in flagged] == sorted((s for _, _, s in flagged), reverse=True)
    assert flag_pairs(submissions, languages, threshold=1.01) == []


# The same "two sum" in each remaining language, for a rename-everything check.
OTHER_LANGUAGES = {
    "c": """\
#include <stdio.h>
int main(void) {
    int n; long long target, a[1000];
    if (scanf("%d %lld", &n, &target) != 2) return 1;
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[i] + a[j] == target) { printf("%d %d\\n", i + 1, j + 1); return 0; }
    puts("-1");
    return 0;
}
""",
    "java": """\
import java.util.*;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int n = in.nextInt();
        long target = in.nextLong();
        Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < n; i++) {
            long value = in.nextLong();
            Integer j = seen.get(target - value);
            if (j != null) { System.out.println((j + 1) + " " + (i + 1)); return; }
            seen.put(value, i);
        }
        System.out.println(-1);
    }
}
""",
    "javascript": """\
const data = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);
const [n, target] = data;
const seen = new Map();
let answer = "-1";
for (let i = 0; i < n; i++) {
  const value = data[2 + i];
  if (seen.has(target - value)) { answer = `${seen.get(target - value) + 1} ${i + 1}`; break; }
  seen.set(value, i);
}
console.log(answer);
""",
    "rust": """\
use std::collections::HashMap;
use std::io::Read;

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let nums: Vec<i64> = input.split_whitespace().map(|x| x.parse().unwrap()).collect();
    let (n, target) = (nums[0] as usize, nums[1]);
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for (i, &value) in nums[2..2 + n].iter().enumerate() {
        if let Some(&j) = seen.get(&(target - value)) {
            println!("{} {}", j + 1, i + 1);
            return;
        }
        seen.insert(value, i);
    }
    println!("-1");
}
""",
}

RENAMES = {"target": "goal", "seen": "memo", "value": "cur", "data": "xs", "nums": "arr"}


@pytest.mark.parametrize("language", sorted(OTHER_LANGUAGES))
def test_each_language_abstracts_identifiers(language):
    source = OTHER_LANGUAGES[language]
    renamed = source
    for old, new in RENAMES.items():
        renamed = renamed.replace(old, new)
    assert renamed != source
    assert similarity(source, renamed, language) == 1.0
    kept = {token for token, _ in normalise(source, language)}
    assert kept.isdisjoint(RENAMES)
    assert {NAME, NUMBER, STRING} <= kept
    assert similarity(source, PY_HASH, language) < DEFAULT_THRESHOLD


def test_unknown_language_falls_back_to_a_generic_lexer():
    source = """\
fun twoSum(nums: IntArray, target: Int): IntArray? {
    val seen = HashMap<Int, Int>()
    for ((i, v) in nums.withIndex()) {
        val j = seen[target - v]
        if (j != null) return intArrayOf(j, i)
        seen[v] = i
    }
    return null
}
"""
    renamed = source.replace("seen", "memo").replace("nums", "xs")
    tokens = normalise(source, "no-such-language")
    assert tokens and all(source[offset] != " " for _, offset in tokens)
    assert "fun" in [t for t, _ in tokens]
    assert similarity(source, renamed, "no-such-language") == 1.0
    assert similarity(source, PY_HASH, "no-such-language") < DEFAULT_THRESHOLD


def test_winnowing_keeps_a_fingerprint_in_every_window_and_few_others():
    tokens = normalise(PY_HASH, "python3")
    prints = fingerprints(tokens, k=5, window=4)
    hashes = kgram_hashes(tokens, k=5)
    assert len(hashes) == len(tokens) - 5 + 1
    # every window of 4 consecutive k-grams has its minimum among the fingerprints ...
    for start in range(len(hashes) - 4 + 1):
        assert min(hashes[start : start + 4]) in prints
    # ... and nothing else is kept: a fingerprint is the minimum of some window
    minima = {min(hashes[start : start + 4]) for start in range(len(hashes) - 4 + 1)}
    assert set(prints) == minima
    assert len(prints) < len(hashes) / 2
    # offsets point at the first token of the k-gram in the source
    assert all(PY_HASH[offset] not in " \n" for offset in prints.values())
    assert fingerprints(tokens[:4], k=5, window=4) == {}
    assert len(fingerprints(tokens[:6], k=5, window=4)) == 1  # fewer k-grams than a window


def test_fingerprints_do_not_depend_on_the_process_hash_seed():
    program = (
        "import sys; from server.similarity import fingerprints, normalise; "
        "print(sorted(fingerprints(normalise(sys.stdin.read(), 'python3'))))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            input=PY_HASH,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {str(sorted(fingerprints(normalise(PY_HASH, "python3")))) + "\n"}


def test_two_hundred_submissions_compare_quickly():
    sources = [PY_HASH, PY_TWO_POINTERS, PY_BRUTE_FORCE, PY_SORT_AND_SEARCH, PY_HASH_REORDERED]
    # about 100 lines each, all a little different
    submissions = [
        (i, "\n".join(sources[(i + j) % 5].replace("target", f"t{i}") for j in range(5)))
        for i in range(200)
    ]
    assert 90 <= sum(source.count("\n") for _, source in submissions) / 200 <= 110
    started = time.perf_counter()
    flag_pairs(submissions, lambda key: "python3")
    # about 1.5 s here; the bound leaves room for a slow CI machine, not for a quadratic lexer
    assert time.perf_counter() - started < 5.0
