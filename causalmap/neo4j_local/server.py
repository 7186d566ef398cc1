"""Start, stop and inspect the local Neo4j that causalmap runs when NEO4J_URI is unset.

Why a launcher of our own: there is no Docker engine on the machines this runs on, and
the official Neo4j artifacts on Maven Central are the real server. Maven fetches them
once into the runtime directory; `javac` compiles the small launcher beside this file.
The server listens on 127.0.0.1 only, with authentication on and a generated password
kept in a file only its owner can read.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from causalmap.config import Settings
from causalmap.errors import DatabaseUnavailable
from causalmap.files import write_private

NEO4J_VERSION = "5.26.30"
START_TIMEOUT_S = 180
STOP_TIMEOUT_S = 60
_JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:MaxMetaspaceSize=512m",
)


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    uri: str
    data_dir: Path


class LocalNeo4j:
    """One local Neo4j, described by the settings: its data directory, port and memory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = settings.data_dir
        self.port = settings.bolt_port
        self.runtime = settings.runtime_dir / f"neo4j-{NEO4J_VERSION}"

    # -- paths -------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def password_file(self) -> Path:
        return self.data_dir / "password"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "neo4j.log"

    # -- password ----------------------------------------------------------------------
    def make_private_dir(self) -> None:
        """The data directory, owner-only (0700) whatever the umask: Neo4j's store and
        transaction logs hold case text in the clear, and its files inside inherit no
        protection of their own from an older start, so the directory is the guard."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.data_dir, 0o700)

    def password(self) -> str:
        """The generated password; created on first use with mode 0600 (owner only)."""
        self.make_private_dir()
        if not self.password_file.exists():
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(24) + "\n")
        os.chmod(self.password_file, 0o600)
        return self.password_file.read_text().strip()

    # -- runtime -----------------------------------------------------------------------
    def ensure_runtime(self) -> None:
        """Fetch the Neo4j jars and compile the launcher once; say exactly what is missing."""
        classes = self.runtime / "classes" / "causalmap" / "Launcher.class"
        if classes.exists() and (self.runtime / "lib").is_dir():
            return
        missing = [tool for tool in ("java", "javac", "mvn") if shutil.which(tool) is None]
        if missing:
            raise DatabaseUnavailable(
                f"cannot run the local Neo4j: {', '.join(missing)} not found on PATH; install Java 17 "
                "(apt-get install openjdk-17-jdk-headless) and Maven (apt-get install maven), "
                "or set NEO4J_URI to an existing Neo4j 5.26 server"
            )
        source = resources.files("causalmap.neo4j_local") / "launcher"
        self.runtime.mkdir(parents=True, exist_ok=True)
        build = self.runtime / "build"
        shutil.rmtree(build, ignore_errors=True)
        with resources.as_file(source) as src:
            shutil.copytree(src, build)
        lib = self.runtime / "lib.partial"
        shutil.rmtree(lib, ignore_errors=True)
        self._run(["mvn", "-q", "-B", "-f", str(build / "pom.xml"), "dependency:copy-dependencies",
                   f"-DoutputDirectory={lib}", "-DincludeScope=runtime"], "fetching the Neo4j jars with Maven")
        out = self.runtime / "classes"
        self._run(["javac", "--release", "17", "-d", str(out), "-cp", f"{lib}/*",
                   str(build / "src/main/java/causalmap/Launcher.java")], "compiling the Neo4j launcher")
        shutil.rmtree(self.runtime / "lib", ignore_errors=True)
        lib.rename(self.runtime / "lib")

    @staticmethod
    def _run(cmd: list[str], what: str) -> None:
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            raise DatabaseUnavailable(f"{what} failed: {' | '.join(tail) or 'exit ' + str(done.returncode)}")

    # -- lifecycle ---------------------------------------------------------------------
    def _pid(self) -> int | None:
        """The pid of this data directory's running Neo4j, confirmed from its command line.

        A pid file outlives a crash or a reboot and its number may since belong to another
        program: a pid whose command line does not name our launcher and this data directory
        is not ours, and its stale pid file is removed rather than obeyed."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        if not self._is_ours(pid):
            self.pid_file.unlink(missing_ok=True)
            return None
        return pid

    def _is_ours(self, pid: int) -> bool:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:  # gone, or not ours to read
            return False
        expected = (b"causalmap.Launcher", os.fsencode(self.data_dir / "home"))
        return all(part in argv for part in expected)

    def status(self) -> Status:
        pid = self._pid()
        return Status(pid is not None, pid, self.uri, self.data_dir)

    def _port_free(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", self.port))
            except OSError:
                return False
        return True

    def start(self) -> bool:
        """Start the server unless it runs; wait until it answers. True when it was started now."""
        if self._pid() is not None:
            return False
        if not self._port_free():
            raise DatabaseUnavailable(
                f"port {self.port} on 127.0.0.1 is already in use by another program; "
                "set CAUSALMAP_BOLT_PORT to a free port"
            )
        self.ensure_runtime()
        self.password()  # created before first start, read by the launcher
        classpath = f"{self.runtime / 'classes'}{os.pathsep}{self.runtime / 'lib'}/*"
        cmd = ["java", f"-Xmx{self.settings.heap}", f"-Xms{self.settings.heap}", *_JVM_FLAGS,
               "-cp", classpath, "causalmap.Launcher", str(self.data_dir / "home"), str(self.port),
               str(self.password_file), str(self.settings.pagecache_mb)]
        log = os.fdopen(os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w")
        with log:  # umask 077: every file Neo4j creates is its owner's only
            process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True, umask=0o077)
        write_private(self.pid_file, f"{process.pid}\n".encode())
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise DatabaseUnavailable(f"Neo4j stopped while starting: {self._log_tail()}")
            if f"READY {self.port}" in self.log_file.read_text(errors="replace"):
                return True
            time.sleep(0.25)
        self.stop()
        raise DatabaseUnavailable(f"Neo4j did not answer within {START_TIMEOUT_S} s: {self._log_tail()}")

    def stop(self) -> bool:
        """Stop the server cleanly (SIGTERM runs Neo4j's shutdown). True when one was running."""
        pid = self._pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
                _reap(pid)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def _log_tail(self) -> str:
        try:
            lines = [ln for ln in self.log_file.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            return "no log"
        return " | ".join(lines[-3:]) + f" (full log: {self.log_file})"


def _reap(pid: int) -> None:
    """Collect the child's exit status when we started it in this process (tests do)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
