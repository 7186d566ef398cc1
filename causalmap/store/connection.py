"""One Neo4j driver per process, opened from the settings; the local server started on demand."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import AuthError, ConstraintError, ServiceUnavailable

from causalmap.config import Settings
from causalmap.errors import Conflict, DatabaseUnavailable
from causalmap.neo4j_local import LocalNeo4j
from causalmap.store import schema

T = TypeVar("T")


class Store:
    """A connected database: reads and writes go through managed transactions here."""

    def __init__(self, driver: Driver, database: str, uri: str) -> None:
        self.driver = driver
        self.database = database
        self.uri = uri

    @property
    def bookmarks(self) -> Any:
        """One bookmark manager for every session of the process (the one `execute_query` uses), so
        that on a cluster a read routed to a secondary always sees this process's earlier writes."""
        return self.driver.execute_query_bookmark_manager

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = self.driver.execute_query(
            query, params, database_=self.database, routing_=RoutingControl.READ
        )
        return [record.data() for record in records]

    def write(self, query: str, **params: Any) -> None:
        """One statement in its own write transaction (retried by the driver when transient)."""
        self.driver.execute_query(query, params, database_=self.database, bookmark_manager_=self.bookmarks)

    def write_transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        """Run `work` in one write transaction: all of it lands or none of it does.

        Two writers who both found nothing and both create the same id (two imports into one
        new case) meet at the unique constraint: a Conflict for the user, never a crash.
        """
        try:
            with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as session:
                return session.execute_write(work)
        except ConstraintError:
            raise Conflict("someone else created the same case or item at the same moment; reload to see it, "
                           "then make your change again") from None

    def read_transaction(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as session:
            return session.execute_read(work)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: How long one request waits for the database before it is told the database is away. The
#: driver's defaults (30 s to connect, 30 s of retries, 60 s to get a pooled connection) make a
#: user wait a minute for a 503; a short wait fails fast and the next request reconnects.
CONNECTION_TIMEOUT_S = 2.0
RETRY_TIME_S = 1.0


def connect(uri: str, user: str, password: str | None, database: str) -> Store:
    auth = (user, password) if password is not None else None
    driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF",
                                  connection_timeout=CONNECTION_TIMEOUT_S,
                                  connection_acquisition_timeout=CONNECTION_TIMEOUT_S,
                                  max_transaction_retry_time=RETRY_TIME_S)
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise DatabaseUnavailable(
            f"Neo4j at {uri} refused the credentials for user {user!r}; check NEO4J_USER and NEO4J_PASSWORD"
        ) from None
    except (ServiceUnavailable, OSError, ValueError) as exc:
        driver.close()
        raise DatabaseUnavailable(f"cannot reach Neo4j at {uri} ({one_line(exc)})") from None
    return Store(driver, database, uri)


def one_line(error: BaseException) -> str:
    """The driver's message on one line (it spreads the reason over several)."""
    return " ".join(str(error).split())


def open_store(settings: Settings, *, autostart: bool = True, announce: Callable[[str], None] | None = None) -> Store:
    """Connect to NEO4J_URI, or to the local Neo4j, starting it (and saying so) when it is down."""
    if not settings.local:
        store = connect(settings.neo4j_uri or "", settings.neo4j_user, settings.neo4j_password,
                        settings.neo4j_database)
        schema.migrate(store)
        return store
    local = LocalNeo4j(settings)
    if autostart and local.start():
        (announce or _to_stderr)(f"Started the local Neo4j at {local.uri} (data in {local.data_dir}); "
                                 "stop it with `causalmap db stop`")
    elif not local.status().running:
        raise DatabaseUnavailable("the local Neo4j is not running; start it with `causalmap db start`")
    store = connect(local.uri, "neo4j", local.password(), "neo4j")
    schema.migrate(store)
    return store


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)
