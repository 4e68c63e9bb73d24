"""Apache Spark for the analytics core: where the one session of a process runs, and a small standalone
cluster on this machine for tests and benchmarks.

By default the session runs in local mode in this process (``local[DESIST_SPARK_CORES]``). ``use_spark``
(the command line's ``--spark-master`` and ``--spark-conf``) or the environment (``DESIST_SPARK_MASTER``,
``DESIST_SPARK_CONF``) points it at a cluster instead: a standalone master (``spark://host:7077``), YARN
(``yarn``, as on EMR or Dataproc), Kubernetes (``k8s://...``), or ``existing`` for the session a platform
such as Databricks already provides. See docs/production.md, "Analytics on a Spark cluster".
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXISTING = "existing"


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here (Spark without Java, say); the message says why."""


def java_available() -> bool:
    """Whether a Java runtime is on the path (Spark needs one)."""
    return bool(os.environ.get("JAVA_HOME")) or shutil.which("java") is not None


def parse_conf(pairs: Iterable[str]) -> dict[str, str]:
    """``key=value`` texts as a dict; raises ValueError for a text without ``=``."""
    conf: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"expected a Spark setting as key=value, got {pair!r}")
        conf[key.strip()] = value.strip()
    return conf


@dataclass(frozen=True)
class SparkTarget:
    """Where the session runs: a master URL (or ``existing``) and extra Spark settings."""

    master: str
    conf: tuple[tuple[str, str], ...] = ()

    @property
    def local(self) -> bool:
        """Whether the session runs inside this process (local mode)."""
        return self.master.startswith("local")


def _target_from_environment() -> SparkTarget:
    cores = os.environ.get("DESIST_SPARK_CORES", "2")
    master = os.environ.get("DESIST_SPARK_MASTER") or f"local[{cores}]"
    conf = parse_conf(p for p in os.environ.get("DESIST_SPARK_CONF", "").split(";") if p.strip())
    return SparkTarget(master, tuple(sorted(conf.items())))


_chosen: SparkTarget | None = None
_session: Any = None
_session_target: SparkTarget | None = None


def use_spark(master: str | None = None, conf: Mapping[str, str] | None = None) -> SparkTarget:
    """Run this process's Spark work on ``master`` with the extra settings ``conf`` (None: back to the
    environment's choice, local mode by default). A session already open elsewhere is stopped on next use."""
    global _chosen
    if master is None and not conf:
        _chosen = None
    else:
        base = _target_from_environment()
        merged = {**dict(base.conf), **(conf or {})}
        _chosen = SparkTarget(master or base.master, tuple(sorted(merged.items())))
    return spark_target()


def spark_target() -> SparkTarget:
    """Where the next session will run."""
    return _chosen or _target_from_environment()


def _similarity_jar() -> str:
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def spark_session() -> Any:
    """The process's Spark session, on the chosen target (made on first use, remade when the target changes).

    Splink's similarity functions (a jar in the splink package) go with it, so executors on a cluster get
    them too and nothing is downloaded at run time.
    """
    global _session, _session_target
    target = spark_target()
    if _session is not None and _session_target == target:
        return _session
    if not java_available():
        raise EngineUnavailable("Spark needs a Java runtime (Java 17 or later); none was found")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise EngineUnavailable("Spark needs the pyspark package") from exc
    stop_spark()
    partitions = os.environ.get("DESIST_SPARK_PARTITIONS", "4")
    builder = SparkSession.builder.appName("desist")
    if target.master != EXISTING:
        builder = builder.master(target.master)
        settings = {
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.shuffle.partitions": partitions,
            "spark.default.parallelism": partitions,
            "spark.sql.execution.arrow.pyspark.enabled": "true",
            "spark.jars": _similarity_jar(),
        }
        if target.local:
            # Local mode on a shared machine: listen on loopback only, no web UI.
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
            settings |= {
                "spark.driver.host": "127.0.0.1",
                "spark.driver.bindAddress": "127.0.0.1",
                "spark.ui.enabled": "false",
                "spark.driver.memory": os.environ.get("DESIST_SPARK_MEMORY", "2g"),
            }
        for key, value in {**settings, **dict(target.conf)}.items():
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _session, _session_target = session, target
    return session


def stop_spark() -> None:
    """Stop the process's session, if it made one (the next ``spark_session`` makes a new one)."""
    global _session, _session_target
    if _session is not None:
        if _session_target is not None and _session_target.master != EXISTING:
            _session.stop()
        _session, _session_target = None, None


# --- a standalone cluster on this machine ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def spark_home() -> Path:
    """The Spark distribution inside the pyspark package (its bin/spark-class starts masters and workers)."""
    import pyspark

    return Path(pyspark.__file__).parent


@dataclass
class StandaloneCluster:
    """A Spark standalone master and ``workers`` workers on 127.0.0.1, started with Spark's own
    ``bin/spark-class`` (each in its own process group, logs in ``directory``); ``stop`` ends them.

    For tests and benchmarks: a real cluster, whose executors are separate JVMs that read the input
    themselves, on one machine.
    """

    workers: int = 2
    cores: int = 1
    memory: str = "1g"
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="desist-spark-")))
    master_url: str = ""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def _start(self, name: str, *arguments: str) -> None:
        env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_HOME=str(spark_home()))
        env["SPARK_LOG_DIR"] = str(self.directory)
        env["PYSPARK_PYTHON"] = sys.executable
        with (self.directory / f"{name}.log").open("wb") as log:
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - Spark's own script, fixed arguments
                    [str(spark_home() / "bin" / "spark-class"), *arguments],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )

    def start(self, timeout: float = 120.0) -> StandaloneCluster:
        """Start the master and the workers; return once every worker has registered."""
        port = _free_port()
        self.master_url = f"spark://127.0.0.1:{port}"
        self._start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--webui-port",
            str(_free_port()),
        )
        for n in range(self.workers):
            work = self.directory / f"work-{n}"
            work.mkdir(exist_ok=True)
            self._start(
                f"worker-{n}",
                "org.apache.spark.deploy.worker.Worker",
                self.master_url,
                "--host",
                "127.0.0.1",
                "--cores",
                str(self.cores),
                "--memory",
                self.memory,
                "--webui-port",
                str(_free_port()),
                "--work-dir",
                str(work),
            )
        deadline = time.monotonic() + timeout
        log = self.directory / "master.log"
        while log.read_text(errors="replace").count("Registering worker") < self.workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                self.stop()
                raise EngineUnavailable(f"the Spark standalone cluster did not start; see {self.directory}")
            time.sleep(0.2)
        return self

    def target(self, **conf: str) -> dict[str, str]:
        """Settings for a driver in this process: executors of ``memory`` less headroom, loopback."""
        return {
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.ui.enabled": "false",
            # The driver plans Splink's large queries and prepares the records: 1 GB is too little.
            "spark.driver.memory": os.environ.get("DESIST_SPARK_MEMORY", "2g"),
            "spark.executor.cores": str(self.cores),
            "spark.executor.memory": os.environ.get("DESIST_SPARK_EXECUTOR_MEMORY", "768m"),
            "spark.cores.max": str(self.cores * self.workers),
            **conf,
        }

    def stop(self) -> None:
        """End the master and the workers (and the executors the workers started)."""
        for process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, 15)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        self.processes.clear()


def add_spark_arguments(parser: argparse.ArgumentParser) -> None:
    """The command line's Spark options (used with ``--engine spark``)."""
    group = parser.add_argument_group("Spark (with --engine spark; docs/production.md)")
    group.add_argument(
        "--spark-master",
        metavar="URL",
        help="where Spark runs: spark://host:7077, yarn, k8s://..., local[N], or 'existing' for the "
        "session the platform provides (default: local mode, or DESIST_SPARK_MASTER)",
    )
    group.add_argument(
        "--spark-conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Spark setting, as spark.executor.memory=8g (repeat for more)",
    )


def apply_spark_arguments(args: argparse.Namespace) -> None:
    """Point this process's Spark work where ``--spark-master`` and ``--spark-conf`` say."""
    master = getattr(args, "spark_master", None)
    conf = parse_conf(getattr(args, "spark_conf", None) or [])
    if master or conf:
        use_spark(master, conf)
