"""Code similarity between final submissions to one task: winnowed token fingerprints.

The method is that of MOSS (Schleimer, Wilkerson, Aiken, "Winnowing: local algorithms for
document fingerprinting", SIGMOD 2003), written here over Pygments' lexers:

1. ``normalise``: the source becomes a list of tokens with comments, docstrings, preprocessor
   lines and whitespace dropped, and every identifier, string literal and number replaced by
   one placeholder each; keywords, operators and punctuation stay. Renaming variables,
   rewording comments and strings, or reformatting therefore change nothing.
2. ``fingerprints``: every run of ``k`` consecutive tokens (a k-gram) is hashed with a stable
   hash (BLAKE2b, not Python's per-process ``hash()``), and winnowing keeps, of every
   ``window`` consecutive k-gram hashes, the rightmost minimum. Any run of at least
   ``k + window - 1`` tokens that two sources share yields at least one fingerprint they share,
   and the kept set depends on the text only locally, so reordering functions or inserting code
   leaves the fingerprints of the untouched parts as they were.
3. ``similarity``: the share of fingerprints in common, after the task's starter code is taken
   out of both sides.

A high score is an integrity *signal* for a person to look at, never a verdict: short tasks
have few natural solutions, and candidates learn from the same textbooks.

The module is pure (no server imports, no I/O, no shared state but caches) and meant to run
in a worker thread. 200 submissions of about 100 lines take about 1.5 s of one core, four
fifths of it in Pygments' lexers; hashing, winnowing and the 19,900 set intersections take
the rest.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from pygments.lexer import Lexer, RegexLexer, words
from pygments.lexers import get_lexer_by_name
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    _TokenType,
)
from pygments.util import ClassNotFound

__all__ = [
    "DEFAULT_K",
    "DEFAULT_THRESHOLD",
    "DEFAULT_WINDOW",
    "MIN_FINGERPRINTS",
    "fingerprints",
    "flag_pairs",
    "kgram_hashes",
    "normalise",
    "similarity",
]

# Tokens per k-gram. Identifiers, strings and numbers are one placeholder each, so the token
# alphabet is small and short k-grams (``<name> = <name> ( <name>``) occur in any program; too
# long, and every small edit in a copy hides more of it. On the two-sum solutions in
# tests/test_similarity.py, k = 5 scores disguised copies 0.92 to 1.0 and seven pairs of
# different honest solutions 0.11 to 0.24; k = 8 lowers the honest pairs (0.0 to 0.19) but the
# copies too (0.90 to 1.0), with less tolerance of edits, and k = 4 raises the honest ones.
DEFAULT_K = 5
# Winnowing window (in k-grams). Every run of k + window - 1 = 8 tokens (about one line) that
# two sources share is guaranteed a common fingerprint. Winnowing keeps about
# 2 / (window + 1) = 40 % of the k-grams in theory, 35 % on the test programs: an
# interview-size program of 100 to 1000 tokens has some 35 to 350 fingerprints.
DEFAULT_WINDOW = 4
# Pairs at or above this share of common fingerprints are flagged: well above the honest pairs
# measured above (at most 0.24) and below the disguised copies (at least 0.92).
DEFAULT_THRESHOLD = 0.8
# The denominator of the score is never below this many fingerprints: a source with a few
# fingerprints of its own, say two lines that read the input, would otherwise be wholly
# "contained" in any solution that reads its input the same way. 15 fingerprints are some 40
# to 45 tokens, three to five lines; a flag needs at least 0.8 * 15 = 12 shared fingerprints.
MIN_FINGERPRINTS = 15

NAME = "<name>"
STRING = "<str>"
NUMBER = "<num>"

# Our language ids (judge/languages.py) to Pygments lexer aliases; other ids are tried as
# Pygments aliases as they are, then fall back to the generic lexer below.
_PYGMENTS_ALIASES = {
    "python3": "python",
    "c": "c",
    "cpp": "cpp",
    "java": "java",
    "javascript": "javascript",
    "rust": "rust",
}

K = TypeVar("K", bound=Hashable)


class _GenericLexer(RegexLexer):
    """For a language Pygments does not know: C-family and script-family lexemes.

    Words common as keywords across languages stay keywords, every other word is a name;
    ``//``, ``/* */`` and ``#`` start comments (so a C preprocessor line goes with them).
    """

    name = "Generic source"
    aliases: list[str] = []
    tokens = {
        "root": [
            (r"\s+", Text.Whitespace),
            (r"//[^\n]*|#[^\n]*", Comment.Single),
            (r"/\*(?s:.*?)(\*/|\Z)", Comment.Multiline),
            (r'"(\\.|[^"\\\n])*"?', String),
            (r"'(\\.|[^'\\\n])*'?", String),
            (r"`(\\.|[^`\\])*`?", String),
            (r"0[xXbBoO][0-9a-fA-F_]+", Number),
            (r"(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?", Number),
            (
                words(
                    (
                        "and", "break", "case", "catch", "class", "const", "continue", "def",
                        "default", "do", "elif", "else", "end", "enum", "false", "fn", "for",
                        "fun", "func", "function", "if", "import", "in", "let", "loop", "match",
                        "new", "nil", "not", "null", "or", "package", "private", "public",
                        "return", "static", "struct", "switch", "then", "this", "throw", "true",
                        "try", "type", "val", "var", "void", "while", "yield",
                    ),
                    suffix=r"\b",
                ),
                Keyword,
            ),
            (r"[^\W\d]\w*", Name),
            (r"[-+*/%=<>!&|^~?:@$\\]+", Operator),
            (r"[()\[\]{},;.]", Punctuation),
            (r".", Error),
        ]
    }  # fmt: skip


@functools.lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    alias = _PYGMENTS_ALIASES.get(language, language)
    try:
        return get_lexer_by_name(alias)
    except ClassNotFound:
        return _GenericLexer()


# What normalise does with a token of each Pygments type, worked out once per type.
_DROP, _STRING, _NAME, _NUMBER, _SPLIT, _KEEP = range(6)
_ROLES: dict[_TokenType, int] = {}


def _role(kind: _TokenType) -> int:
    role = _ROLES.get(kind)
    if role is None:
        # Comment covers Comment.Preproc and .PreprocFile: #include lines, #define bodies (one
        # opaque token in Pygments) and Rust attributes, which say little about the logic.
        # Text is whitespace, or a line continuation (a backslash before a line end).
        if kind in Comment or kind in String.Doc or kind in Text:
            role = _DROP
        elif kind in String:
            role = _STRING
        elif kind in Name:
            role = _NAME
        elif kind in Number:
            role = _NUMBER
        elif kind in Punctuation or kind in Error:
            role = _SPLIT
        else:  # keywords, operators, anything else a lexer emits: kept as written
            role = _KEEP
        _ROLES[kind] = role
    return role


def normalise(source: str, language: str) -> list[tuple[str, int]]:
    """The source's significant tokens, each with its character offset in ``source``.

    Comments, docstrings, preprocessor lines and whitespace are dropped; every identifier
    (any ``Name`` token: variables, functions, types, builtins, attributes, namespaces) becomes
    ``<name>``, every string or character literal ``<str>`` (a literal that Pygments splits into
    quotes, escapes and interpolation parts is one), every number ``<num>``; keywords and
    operators are kept with their inner whitespace collapsed, punctuation one character per
    token (so ``))`` and ``) )`` agree). An unknown ``language`` is tried as a Pygments alias,
    then lexed by a generic C/script-like lexer: it never fails.
    """
    # The same length as the source, so that offsets stay true: CR LF and lone CR become line
    # ends (a lexer's ``$`` and ``\n`` rules expect them), and a final newline only appends.
    text = source.replace("\r\n", " \n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    out: list[tuple[str, int]] = []
    in_string = False
    for offset, kind, value in _lexer(language).get_tokens_unprocessed(text):
        role = _role(kind)
        if role == _DROP or offset >= len(source) or value.isspace():
            continue
        if role == _STRING:
            if not in_string:
                out.append((STRING, offset))
                in_string = True
            continue
        in_string = False
        if role == _NAME:
            out.append((NAME, offset))
        elif role == _NUMBER:
            out.append((NUMBER, offset))
        elif role == _SPLIT:
            out.extend((ch, offset + i) for i, ch in enumerate(value) if not ch.isspace())
        else:
            out.append((" ".join(value.split()), offset + len(value) - len(value.lstrip())))
    return out


def _hash(gram: Sequence[str]) -> int:
    digest = hashlib.blake2b("\x1f".join(gram).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def kgram_hashes(tokens: Sequence[tuple[str, int]], k: int = DEFAULT_K) -> list[int]:
    """The hash of every k-gram of ``tokens``, in order (empty if there are fewer than k)."""
    values = [value for value, _ in tokens]
    return [_hash(values[i : i + k]) for i in range(len(values) - k + 1)]


def fingerprints(
    tokens: Sequence[tuple[str, int]], k: int = DEFAULT_K, window: int = DEFAULT_WINDOW
) -> dict[int, int]:
    """Winnowed fingerprints of ``tokens`` (from ``normalise``): hash → source offset.

    Of every ``window`` consecutive k-gram hashes the minimum is kept, the rightmost one on a
    tie, and a position chosen by several windows in a row is recorded once. A source with at
    least ``k`` but fewer than ``k + window - 1`` tokens is one window; fewer than ``k`` tokens
    give no fingerprints. The offset is where the first k-gram with that hash starts in the
    source, for showing a reviewer what matched.
    """
    if k < 1 or window < 1:
        raise ValueError("k and window must be positive")
    hashes = kgram_hashes(tokens, k)
    if not hashes:
        return {}
    result: dict[int, int] = {}
    last = -1
    for start in range(max(1, len(hashes) - window + 1)):
        best = start
        for i in range(start + 1, min(start + window, len(hashes))):
            if hashes[i] <= hashes[best]:
                best = i
        if best != last:
            last = best
            result.setdefault(hashes[best], tokens[best][1])
    return result


def _fingerprint_set(
    source: str, language: str, exclude: frozenset[int], k: int, window: int
) -> frozenset[int]:
    return frozenset(fingerprints(normalise(source, language), k, window)) - exclude


def _boilerplate_hashes(boilerplate: str | None, language: str, k: int) -> frozenset[int]:
    # Every k-gram of the starter code, not only its winnowed ones: which k-grams winnowing
    # keeps depends on their neighbours, which differ once a candidate has added code.
    if not boilerplate:
        return frozenset()
    return frozenset(kgram_hashes(normalise(boilerplate, language), k))


def _score(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / max(min(len(a), len(b)), MIN_FINGERPRINTS)


def similarity(
    a: str,
    b: str,
    language: str,
    boilerplate: str | None = None,
    *,
    k: int = DEFAULT_K,
    window: int = DEFAULT_WINDOW,
) -> float:
    """The share of fingerprints two sources in one language have in common, 0.0 to 1.0.

    The score is |A ∩ B| / min(|A|, |B|), the containment of the smaller set in the larger,
    rather than the Jaccard index (|A ∩ B| over the size of the union): a copier who pads the
    copy with dead code or extra helpers grows the union and can so push Jaccard under the
    threshold, but not this. It is symmetric. Its weakness, a tiny source being wholly
    "contained" in a big one, is met by never dividing by fewer than ``MIN_FINGERPRINTS``: at
    the default threshold, fewer than 12 shared fingerprints cannot make a flag.

    Fingerprints of ``boilerplate`` (the task's starter code in this language) are taken out
    of both sides first, so that two candidates who kept the starter code and little else are
    not alike. A source with fewer than ``k`` tokens, or nothing beyond the starter code,
    scores 0.0.
    """
    exclude = _boilerplate_hashes(boilerplate, language, k)
    return _score(
        _fingerprint_set(a, language, exclude, k, window),
        _fingerprint_set(b, language, exclude, k, window),
    )


def flag_pairs(
    candidates: Iterable[tuple[K, str]],
    language_of: Callable[[K], str] | Mapping[K, str],
    threshold: float = DEFAULT_THRESHOLD,
    boilerplate: Mapping[str, str] | None = None,
    *,
    k: int = DEFAULT_K,
    window: int = DEFAULT_WINDOW,
) -> list[tuple[K, K, float]]:
    """Every pair of submissions in the same language whose similarity is at least ``threshold``.

    ``candidates`` are ``(key, source)`` (a key is, say, an attempt or submission id);
    ``language_of`` gives a key's language id, as a function or a mapping; ``boilerplate`` is the
    task's starter code by language id. Each source is lexed and fingerprinted once. Pairs come
    as ``(key_a, key_b, similarity)`` with ``key_a`` the earlier of the two in ``candidates``,
    the most similar first (ties in input order).
    """
    lookup = language_of.__getitem__ if isinstance(language_of, Mapping) else language_of
    starter = boilerplate or {}
    by_language: dict[str, list[tuple[int, K, frozenset[int]]]] = {}
    excluded: dict[str, frozenset[int]] = {}
    for index, (key, source) in enumerate(candidates):
        language = lookup(key)
        if language not in excluded:
            excluded[language] = _boilerplate_hashes(starter.get(language), language, k)
        prints = _fingerprint_set(source, language, excluded[language], k, window)
        by_language.setdefault(language, []).append((index, key, prints))
    flagged: list[tuple[int, int, K, K, float]] = []
    for group in by_language.values():
        for (i, key_a, a), (j, key_b, b) in itertools.combinations(group, 2):
            score = _score(a, b)
            if score >= threshold:
                flagged.append((i, j, key_a, key_b, score))
    flagged.sort(key=lambda row: (-row[4], row[0], row[1]))
    return [(key_a, key_b, score) for _, _, key_a, key_b, score in flagged]
