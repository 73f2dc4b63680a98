"""A plain run's output, passed on while the program runs (a live room shows it as it comes).

The sandbox feeds a ``LiveOutput`` from its supervision loop: stderr as the judge reads it from
its pipe, stdout by following the size-capped file the program writes to. The program is
hostile, so what reaches the listener is bounded the way the stored output is:
- each stream stops at the run's own limit for it, and at ``LIVE_OUTPUT_BYTES``, so what was
  passed on is a prefix of what is stored at the end, never more (the result has it all: a
  flood need not cross the Socket.IO fan-out twice in full);
- chunks are coalesced: at most one call per stream per interval, however fast the program
  prints, so a flood of output is a handful of large chunks, not a flood of small ones;
- bytes are decoded as UTF-8 incrementally, so a character split across two reads is decoded
  whole, and the text passed on equals the stored output decoded at once.
A listener that fails is logged once and hears nothing more; it never fails the run.
"""

from __future__ import annotations

import codecs
import logging
import os
import time
from collections.abc import Callable

from judge.limits import Limits

log = logging.getLogger("sobes.judge.live_output")

# (stream, text): "stdout" or "stderr", and the text since the last call for that stream.
# Called in the judge's thread, while the sandbox is supervising the run.
OutputListener = Callable[[str, str], None]
COALESCE_S = 0.1
# per stream: more than a person reads as it scrolls by, far less than a flood can print
LIVE_OUTPUT_BYTES = 1024 * 1024
STREAMS = ("stdout", "stderr")


class LiveOutput:
    """Coalesces, caps and decodes one run's output for an ``OutputListener``."""

    def __init__(
        self,
        listener: OutputListener,
        limits: Limits,
        interval_s: float = COALESCE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._listener: OutputListener | None = listener
        self._limits = limits
        self._interval_s = interval_s
        self._clock = clock
        self._caps = {
            "stdout": min(limits.stdout_bytes, LIVE_OUTPUT_BYTES),
            "stderr": min(limits.stderr_bytes, LIVE_OUTPUT_BYTES),
        }
        # cut short of what the result keeps: a character split there is not the end of it
        self._cut_short = {
            "stdout": limits.stdout_bytes > LIVE_OUTPUT_BYTES,
            "stderr": limits.stderr_bytes > LIVE_OUTPUT_BYTES,
        }
        self._taken = dict.fromkeys(STREAMS, 0)
        self._pending = {stream: bytearray() for stream in STREAMS}
        self._decoders = {
            stream: codecs.getincrementaldecoder("utf-8")(errors="replace") for stream in STREAMS
        }
        self._flushed_at = dict.fromkeys(STREAMS, float("-inf"))
        self._stdout_file: int | None = None
        # how many times the listener was called: a run started over must not repeat them
        self.calls = 0

    def afresh(self) -> LiveOutput | None:
        """For the same program run again: a new start, or nothing if some was passed on."""
        if self.calls or self._listener is None:
            return None
        return LiveOutput(self._listener, self._limits, self._interval_s, self._clock)

    def follow_stdout(self, fd: int) -> None:
        """Read stdout from this file (the run's output file) rather than from ``take``."""
        self._stdout_file = fd

    def take(self, stream: str, data: bytes) -> None:
        """Bytes the judge read from one of the run's pipes; past the stream's limit, dropped."""
        room = self._caps[stream] - self._taken[stream]
        if room > 0 and data:
            kept = data[:room]
            self._pending[stream] += kept
            self._taken[stream] += len(kept)

    def tick(self) -> None:
        """Pass on what has gathered, for each stream whose interval has passed."""
        if self._listener is None:
            return
        now = self._clock()
        for stream in STREAMS:
            if now - self._flushed_at[stream] >= self._interval_s:
                if stream == "stdout":
                    self._read_stdout_file()
                if self._pending[stream]:
                    self._flushed_at[stream] = now
                    self._flush(stream, final=False)

    def finish(self) -> None:
        """The run has ended: pass on the rest (a partial last character as the result has it)."""
        if self._listener is None:
            return
        self._read_stdout_file()
        for stream in STREAMS:
            cut = self._cut_short[stream] and self._taken[stream] >= self._caps[stream]
            self._flush(stream, final=not cut)
        self._listener = None

    def _read_stdout_file(self) -> None:
        if self._stdout_file is None:
            return
        offset = self._taken["stdout"]
        size = min(os.fstat(self._stdout_file).st_size, self._caps["stdout"])
        if size > offset:
            self.take("stdout", os.pread(self._stdout_file, size - offset, offset))

    def _flush(self, stream: str, final: bool) -> None:
        text = self._decoders[stream].decode(bytes(self._pending[stream]), final=final)
        self._pending[stream].clear()
        if not text or self._listener is None:
            return
        try:
            self._listener(stream, text)
            self.calls += 1
        except Exception:
            log.warning("a live output listener failed; the run goes on without it", exc_info=True)
            self._listener = None
