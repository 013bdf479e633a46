"""One-article paths on a PostgreSQL team project (issue 29), each against bare psycopg, same run.

    .venv/bin/python benchmarks/bench_scale_server.py [--server URL] [--sizes 1000,10000]
        [--small] [--explain]

URL is a PostgreSQL role that may create databases and roles (default:
$ANNOTATOR_TEST_DATABASE_URL). For each size, the project of bench_scale.py (articles of
about 21 units, three coders who coded every unit) is built in a file by the project's
bulk paths, copied into a fresh database by `annotator push` (transfer.push), ANALYZEd
(a push leaves the planner no statistics until autovacuum's first analyze), and its
first coder `ann` becomes a team member: a LOGIN role under row-level security. Then:

- open: `Project.open(URL)` plus the codebook, against a psycopg connect that reads the
  alembic revision and the codebook row;
- key -> commit, median and p99, as `ann` (RLS on) and as the owner: `coding.apply_codes`
  of one field against a bare upsert of the code, its history row and COMMIT;
- list page: `article_views.article_page` (100 articles' rows with the coder's progress)
  and `service.progress` of those 100 alone, against one plain SQL counting the same;
- one article's codes: `service.coder_codes(article_id=...)` against a plain join;
- agreement read: `project_codes.coded_table` of one field (every coder's codes) against
  a plain fetch of the same joined rows;
- `annotator articles`, `code`, `units --article KEY` and `info` as `ann`, each a fresh
  process, against a fresh `python -c` process doing the same queries with psycopg; then
  the time each spent after its imports (the work alone).

`--explain` runs EXPLAIN (ANALYZE, BUFFERS) on every statement each path sent (writes
rolled back) and names any sequential scan of unit, code, note or history: a path that
reads a table whole is proportional to the project. `--small` builds 40 articles, for
tests/core/test_benchmarks.py. Never run 100,000 articles on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_scale  # noqa: E402  (beside this file: the project and the row format)
import psycopg  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from annotator.core.agreement.project_codes import coded_table  # noqa: E402
from annotator.core.codebook import Scope  # noqa: E402
from annotator.core.coding import article_views  # noqa: E402
from annotator.core.coding import service as coding  # noqa: E402
from annotator.core.store.project import Project  # noqa: E402
from annotator.core.store.transfer import push  # noqa: E402
from annotator.core.team import roles  # noqa: E402

CODER = "ann"  # a coder of the built project, renamed to a team member of this run
PAGE = article_views.LIST_PAGE
BIG_TABLES = {"unit", "code", "note", "history"}
CODES = ("named_person", "anonymous_vague", "named_organisation")
LIST_SQL = """
SELECT a.id, a.key, a.title, a.outlet, a.published, a.author, a.metadata_json,
  (SELECT count(*) FROM unit u WHERE u.article_id = a.id AND u.kind = ANY(%(kinds)s)),
  (SELECT count(*) FROM (SELECT c.unit_id FROM code c JOIN unit u ON u.id = c.unit_id
     WHERE u.article_id = a.id AND u.kind = ANY(%(kinds)s) AND c.coder_id = %(coder)s
     GROUP BY c.unit_id HAVING count(*) >= %(fields)s) AS done)
FROM article a WHERE a.id = ANY(%(ids)s)
"""
PROGRESS_SQL = """
SELECT u.article_id, count(DISTINCT c.unit_id) FROM code c JOIN unit u ON u.id = c.unit_id
WHERE u.article_id = ANY(%(ids)s) AND u.kind = ANY(%(kinds)s) AND c.coder_id = %(coder)s
GROUP BY u.article_id
"""
CODES_SQL = (
    "SELECT c.unit_id, c.field, c.code FROM code c JOIN unit u ON u.id = c.unit_id"
    " WHERE u.article_id = %s AND c.coder_id = %s"
)
AGREEMENT_SQL = (
    "SELECT a.key, u.idx, u.kind, k.name, k.role, c.field, c.code, c.codebook_version_id"
    " FROM code c JOIN unit u ON u.id = c.unit_id JOIN article a ON a.id = u.article_id"
    " JOIN coder k ON k.id = c.coder_id WHERE c.field = 'attribution'"
    " ORDER BY a.position, a.id, u.idx, k.name"
)
UPSERT_SQL = (
    "INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id, coded_at)"
    " VALUES (%s, %s, 'attribution', %s, 1, %s) ON CONFLICT (unit_id, coder_id, field)"
    " DO UPDATE SET code = excluded.code, coded_at = excluded.coded_at"
)
HISTORY_SQL = (
    'INSERT INTO history (article_sha256, start, "end", coder, target, old, new, origin, at)'
    " SELECT a.sha256, u.start, u.end, %s, 'attribution', NULL, %s, 'bench', %s"
    " FROM unit u JOIN article a ON a.id = u.article_id WHERE u.id = %s"
)
BARE = {
    "articles": (
        "rows = c.execute('SELECT a.key, a.title, count(u.id) FROM article a LEFT JOIN unit u"
        " ON u.article_id = a.id GROUP BY a.id ORDER BY a.position, a.id')\n"
        "for key, title, n in rows: print(key, title[:60], n)"
    ),
    "code": (
        "u = c.execute('SELECT u.id FROM unit u JOIN article a ON a.id = u.article_id"
        " WHERE a.key = %s AND u.idx = 2', (sys.argv[2],)).fetchone()[0]\n"
        "me = c.execute('SELECT id FROM coder WHERE name = CURRENT_USER').fetchone()[0]\n"
        'c.execute("INSERT INTO code (unit_id, coder_id, field, code, codebook_version_id,'
        " coded_at) VALUES (%s, %s, 'attribution', 'anonymous_vague', 1, now())"
        ' ON CONFLICT (unit_id, coder_id, field) DO UPDATE SET code = excluded.code", (u, me))\n'
        "c.commit()"
    ),
    "units": (
        "rows = c.execute('SELECT u.idx, u.kind, u.text FROM unit u JOIN article a"
        " ON a.id = u.article_id WHERE a.key = %s ORDER BY u.idx', (sys.argv[2],))\n"
        "for row in rows: print(*row)"
    ),
    "info": (
        "for table in ('article', 'unit', 'code', 'coder'):\n"
        "    print(table, c.execute(f'SELECT count(*) FROM {table}').fetchone()[0])\n"
        "print(c.execute('SELECT outlet, count(*) FROM article GROUP BY outlet').fetchall())"
    ),
}
BARE_SCRIPT = (
    "import sys, time\n"
    "import psycopg\n"
    "{floor}"
    "started = time.perf_counter()\n"
    "c = psycopg.connect(sys.argv[1])\n"
    "{body}\n"
    "c.close()\n"
    "print(time.perf_counter() - started, file=sys.stderr)\n"
)


@contextmanager
def project_on_server(admin: str, file: Path) -> Iterator[tuple[str, str]]:
    """A fresh database holding `file` (pushed), its coder `ann` renamed to a role name of
    this run's own and made a team member, vacuumed and ANALYZEd: yields (owner URL,
    member URL); the database and the role are dropped afterwards."""
    base = make_url(admin).set(drivername="postgresql")
    libpq = base.render_as_string(hide_password=False)
    name = f"annotator_scale_{uuid.uuid4().hex[:8]}"
    member_name = f"{CODER}_{name[-8:]}"  # roles are the cluster's: one of this run's own
    owner = base.set(drivername="postgresql+psycopg", database=name)
    owner_url = owner.render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        started = time.perf_counter()
        push(file, owner_url)
        print(f"  pushed in {time.perf_counter() - started:.0f} s", end="")
        with psycopg.connect(plain(owner_url), autocommit=True) as connection:
            for rename in (
                "UPDATE coder SET name = %s WHERE name = %s",
                "UPDATE history SET coder = %s WHERE coder = %s",
            ):
                connection.execute(rename, (member_name, CODER))
            connection.execute("VACUUM ANALYZE")
            size = connection.execute("SELECT pg_database_size(current_database())").fetchone()
        print(f", {size[0] >> 20} MB on the server" if size else "")
        roles.add_member(owner_url, member_name, "bench")
        member = owner.set(username=member_name, password="bench")
        yield owner_url, member.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'DROP ROLE IF EXISTS "{member_name}"')


def plain(url: str) -> str:
    """The libpq spelling of a SQLAlchemy URL (psycopg.connect takes no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def member_of(url: str) -> str:
    """The team member a URL connects as: her role name is her coder name."""
    name = make_url(url).username
    assert name is not None
    return name


class Statements:
    """Every statement a path sends, captured on SQLAlchemy's engines, for --explain."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, object]] = []
        self.on = False
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.on and not executemany:
            self.sent.append((statement, parameters))

    @contextmanager
    def capture(self) -> Iterator[list[tuple[str, object]]]:
        self.sent, self.on = [], True
        try:
            yield self.sent
        finally:
            self.on = False


def explain(url: str, label: str, sent: list[tuple[str, object]]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement as `url`'s role, rolled back; prints
    the slowest ones and every sequential scan of a table that grows with the project."""
    plans = []
    with psycopg.connect(plain(url)) as connection:
        for statement, parameters in sent:
            if statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "SHOW", "SET")):
                continue
            cursor = connection.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement,  # type: ignore[arg-type]
                parameters or None,  # type: ignore[arg-type]
            )
            plan = cursor.fetchone()[0][0]
            plans.append((plan["Execution Time"], statement, scans(plan["Plan"])))
        connection.rollback()
    total = sum(ms for ms, _, _ in plans)
    print(f"    EXPLAIN {label}: {len(plans)} statements, {total:.1f} ms executing")
    for ms, statement, seq in sorted(plans, reverse=True, key=lambda p: p[0])[:3]:
        first = " ".join(statement.split())[:110]
        found = ", ".join(seq) if seq else "index scans only"
        print(f"      {ms:8.2f} ms  {found}  <- {first}")


def scans(node: dict) -> list[str]:
    """'Seq Scan on TABLE (rows read)' of every sequential scan of a big table in a plan,
    and every sort that did not fit in work_mem."""
    found = []
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
        read = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get(
            "Actual Loops", 1
        )
        found.append(f"Seq Scan on {node['Relation Name']} ({read:,} rows read)")
    if node.get("Sort Space Type") == "Disk":  # work_mem too small for this sort
        found.append(f"sort spilled to disk ({node.get('Sort Space Used', 0):,} kB)")
    for child in node.get("Plans", ()):
        found += scans(child)
    return found


def timed_path(
    statements: Statements | None, url: str, label: str, action: Callable[[], object], runs: int
) -> list[float]:
    times = bench_scale.timed(action, runs)
    if statements is not None:
        with statements.capture() as sent:
            action()
        explain(url, label, sent)
    return times


def key_times(url: str, coder: str, saves: int, statements: Statements | None) -> tuple[list, list]:
    """apply_codes of one field by `coder` on sentences spread over the project, against a
    bare upsert + history row + COMMIT on one psycopg connection, both as `url`'s role."""
    with psycopg.connect(plain(url)) as connection:
        sentences = connection.execute("SELECT id FROM unit WHERE kind = 'sentence'")
        units = [row[0] for row in sentences]
        me = connection.execute("SELECT id, name FROM coder WHERE name = %s", (coder,)).fetchone()
    rng = random.Random(1)
    picks = [rng.choice(units) for _ in range(saves)]
    app = []
    with Project.open(url) as project:
        project.codebook  # noqa: B018
        for number, unit_id in enumerate(picks):
            start = time.perf_counter()
            coding.apply_codes(project, coder, unit_id, {"attribution": CODES[number % 3]})
            app.append(time.perf_counter() - start)
        if statements is not None:
            with statements.capture() as sent:
                coding.apply_codes(project, coder, picks[0], {"attribution": CODES[2]})
            explain(url, "key -> commit", sent)
    bare = []
    now = datetime.now(UTC)
    with psycopg.connect(plain(url)) as connection:
        for number, unit_id in enumerate(picks):
            code = CODES[(number + 1) % 3]
            start = time.perf_counter()
            connection.execute(UPSERT_SQL, (unit_id, me[0], code, now))
            connection.execute(HISTORY_SQL, (me[1], code, now, unit_id))
            connection.commit()
            bare.append(time.perf_counter() - start)
    return app, bare


def read_rows(owner: str, member: str, runs: int, statements: Statements | None) -> None:
    """The list page, progress per page, one article's codes and the agreement read."""
    name = member_of(member)
    with psycopg.connect(plain(owner)) as connection:
        ids = [r[0] for r in connection.execute("SELECT id FROM article ORDER BY position, id")]
        coder = connection.execute("SELECT id FROM coder WHERE name = %s", (name,)).fetchone()
    middle = len(ids) // 2
    page = ids[middle : middle + PAGE]
    with Project.open(member) as project, psycopg.connect(plain(member)) as bare:
        codebook = project.codebook
        required = sum(1 for f in codebook.fields_of(Scope.UNIT) if f.required)
        kinds = list(codebook.progress_kinds)
        where = {"ids": page, "kinds": kinds, "coder": coder[0], "fields": required}
        for label, action, sql, parameters in (
            (
                "list page (100 rows)",
                lambda: article_views.article_page(project, name, page, {}),
                LIST_SQL,
                where,
            ),
            (
                "progress of a page",
                lambda: coding.progress(project, name, page),
                PROGRESS_SQL,
                where,
            ),
            (
                "one article's codes",
                lambda: coding.coder_codes(project, name, page[0]),
                CODES_SQL,
                (page[0], coder[0]),
            ),
        ):
            app = timed_path(statements, member, label, action, runs)
            plain_times = bench_scale.timed(
                lambda s=sql, p=parameters: bare.execute(s, p).fetchall(), runs
            )
            bench_scale.row(label, bench_scale.median(app), bench_scale.median(plain_times))
    with Project.open(owner) as project, psycopg.connect(plain(owner)) as bare:
        app = timed_path(
            statements,
            owner,
            "agreement read",
            lambda: coded_table(project, ["attribution"]),
            max(1, runs // 5),
        )
        plain_times = bench_scale.timed(
            lambda: bare.execute(AGREEMENT_SQL).fetchall(), max(1, runs // 5)
        )
        bench_scale.row("agreement read (1 field)", min(app), min(plain_times))


def command_times(url: str, command: str, runs: int) -> list[list[tuple[float, float]]]:
    """(wall, work after imports) of `annotator COMMAND URL`, of its bare script and of
    its bare script with SQLModel imported (the floor issue 29 accepts)."""
    key = "article-1"
    argv = bench_scale.command_argv(command, url, member_of(url), key)
    app = [sys.executable, "-c", bench_scale.APP_SCRIPT, *argv]
    bare, floor = (
        [sys.executable, "-c", BARE_SCRIPT.format(body=BARE[command], floor=f), plain(url), key]
        for f in ("", bench_scale.FLOOR)
    )
    return bench_scale.process_times(app, bare, floor, runs=runs)


def open_times(url: str, runs: int) -> tuple[list[float], list[float]]:
    def app() -> None:
        with Project.open(url) as project:
            project.codebook  # noqa: B018

    def bare() -> None:
        with psycopg.connect(plain(url)) as connection:
            connection.execute("SELECT version_num FROM alembic_version").fetchall()
            latest = "SELECT definition FROM codebook_version ORDER BY id DESC LIMIT 1"
            connection.execute(latest).fetchone()

    return bench_scale.timed(app, runs), bench_scale.timed(bare, runs)


def measure(owner: str, member: str, saves: int, runs: int, statements: Statements | None) -> None:
    median, p99, row = bench_scale.median, bench_scale.p99, bench_scale.row
    print(f"  {'':<24} {'annotator':>12} {'psycopg':>12} {'ratio':>8}   after the imports:")
    app, bare = open_times(member, runs)
    row("open", median(app), median(bare))
    for who, url in (("coder, RLS", member), ("owner", owner)):
        app, bare = key_times(url, member_of(member), saves, statements if url == member else None)
        row(f"key, {who}: median", median(app), median(bare))
        row(f"key, {who}: p99", p99(app), p99(bare))
    read_rows(owner, member, runs * 4, statements)
    bench_scale.command_rows(lambda command: command_times(member, command, runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("ANNOTATOR_TEST_DATABASE_URL"))
    parser.add_argument("--sizes", default="1000,10000", help="articles per project")
    parser.add_argument("--small", action="store_true", help="one project of 40 articles")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each path")
    parser.add_argument("--keep", type=Path, help="build the project files here and keep them")
    args = parser.parse_args()
    if not args.server:
        print("PostgreSQL: no --server or ANNOTATOR_TEST_DATABASE_URL; nothing measured")
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    saves, runs = bench_scale.SAVES, bench_scale.COMMAND_RUNS
    if args.small:
        sizes, saves, runs = [40], 20, 1
    statements = Statements() if args.explain else None
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        for size in sizes:
            file = folder / f"scale-{size}.annotator"
            print(f"\n{size:,} articles on PostgreSQL")
            if not file.exists():
                bench_scale.build(file, size)
            with project_on_server(args.server, file) as (owner, member):
                measure(owner, member, saves, runs, statements)


if __name__ == "__main__":
    main()
