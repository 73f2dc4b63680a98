"""Run several Sobes nodes on this machine behind HAProxy, sharing one PostgreSQL and one Redis.

    python deploy/cluster.py [--nodes 3] [--port 8000]

PostgreSQL comes from DATABASE_URL, else the embedded server under ./var is started and
shared; Redis from REDIS_URL, else a redis-server is started under ./var/cluster. HAProxy
(Debian's `haproxy`) listens on --port and balances over the nodes, which listen on the
ports after it. Ctrl+C stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from deploy.processes import SobesProcess, sobes_env, start_redis, start_sobes  # noqa: E402

TEMPLATE = Path(__file__).with_name("haproxy.cfg.template")


def haproxy_config(port: int, node_ports: list[int]) -> str:
    servers = "\n".join(
        f"    server node-{i + 1} 127.0.0.1:{p} check inter 1s fall 2 rise 2 cookie node-{i + 1}"
        for i, p in enumerate(node_ports)
    )
    return TEMPLATE.read_text().format(bind=f"127.0.0.1:{port}", servers=servers)


class Cluster:
    """Nodes, their Redis and the balancer; `stop()` ends all of them."""

    def __init__(
        self,
        nodes: int,
        port: int,
        data_dir: Path,
        database_url: str | None = None,
        redis_url: str | None = None,
    ) -> None:
        self.database_url = database_url or os.environ.get("DATABASE_URL")
        self.redis_url = redis_url or os.environ.get("REDIS_URL")
        self.port = port
        self.data_dir = data_dir
        self.redis = None
        self.embedded = None
        self.nodes: list[SobesProcess] = []
        self.balancer: subprocess.Popen[bytes] | None = None
        self.count = nodes

    def start(self) -> None:
        run_dir = self.data_dir / "cluster"
        run_dir.mkdir(parents=True, exist_ok=True)
        database_url = self.database_url
        if not database_url:
            from server.storage.database import EMBEDDED_DATABASE
            from server.storage.embedded import start_embedded

            self.embedded = start_embedded(self.data_dir)
            database_url = self.embedded.url(EMBEDDED_DATABASE)
        redis_url = self.redis_url
        if not redis_url:
            self.redis = start_redis(run_dir / "redis")
            redis_url = self.redis.url
        env = sobes_env(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            SOBES_DATA_DIR=str(self.data_dir),
            SOBES_PUBLIC_URL=self.url,
            SOBES_FORWARDED_ALLOW_IPS="127.0.0.1",
        )
        for index in range(self.count):
            node_env = {**env, "SOBES_NODE_NAME": f"node-{index + 1}"}
            log = run_dir / f"node-{index + 1}.log"
            self.nodes.append(start_sobes(node_env, log, port=self.port + 1 + index))
        config = run_dir / "haproxy.cfg"
        config.write_text(haproxy_config(self.port, [node.port for node in self.nodes]))
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise SystemExit("deploy/cluster.py needs HAProxy: apt-get install haproxy")
        self.balancer = subprocess.Popen([haproxy, "-f", str(config), "-db"])
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("HAProxy did not start answering")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.balancer and self.balancer.poll() is None:
            self.balancer.terminate()
            self.balancer.wait(10)
        for node in self.nodes:
            node.stop()
        if self.redis:
            self.redis.stop()
        if self.embedded:
            self.embedded.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", type=Path, default=REPO / "var")
    args = parser.parse_args()
    cluster = Cluster(args.nodes, args.port, args.data_dir)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        cluster.start()
        print(f"{args.nodes} nodes behind HAProxy at {cluster.url}; Ctrl+C stops them", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
