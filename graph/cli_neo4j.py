"""``tiegraph neo4j start|stop|status|import``: a local Neo4j server without Docker.

A thin layer over :mod:`graph.localserver`. The password is never printed: a generated one is
stored in a file (mode 0600) whose path is printed.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from tiegraph.graph import localserver
from tiegraph.graph.clitools import (
    Group,
    connection_options,
    handle_errors,
    settings_from,
    step,
    with_mme_option,
)
from tiegraph.graph.errors import STATUS_EXIT_CODES, exit_code_table
from tiegraph.graph.settings import local_password_file

home_option = click.option(
    "--home", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The server's folder (default: $TIEGRAPH_HOME/neo4j, i.e. ~/.tiegraph/neo4j).")


@click.group(cls=Group)
def neo4j() -> None:
    """Run a local Neo4j Community server (no Docker; jars from Maven Central)."""


@neo4j.command()
@home_option
@click.option("--bolt-port", type=int, default=7687, show_default=True, help="Bolt port.")
@click.option("--http-port", type=int, default=7474, show_default=True,
              help="HTTP port (Neo4j Browser at /browser/).")
@click.option("--heap", default="1g", show_default=True, help="JVM heap size.")
@click.option("--pagecache", default="512m", show_default=True, help="Page cache size.")
@click.option("--timeout", type=float, default=120, show_default=True,
              help="Seconds to wait for the server to answer.")
@handle_errors
def start(home: Path | None, bolt_port: int, http_port: int, heap: str, pagecache: str,
          timeout: float) -> None:
    """Start the server on 127.0.0.1 and wait until it answers.

    The password of user neo4j is NEO4J_PASSWORD (environment or .env) on the first start,
    else a generated one, stored in <home>/password.
    """
    if not localserver.jars_ready():
        click.echo(f"Downloading the Neo4j {localserver.NEO4J_VERSION} jars with Maven "
                   "(once; about 140 MB)...", err=True)
    with step(f"starting Neo4j {localserver.NEO4J_VERSION} (waiting until it answers)"):
        info = localserver.start(home, bolt_port=bolt_port, http_port=http_port, heap=heap,
                                 pagecache=pagecache, timeout=timeout)
    click.echo(f"Neo4j {localserver.NEO4J_VERSION} is running (pid {info.pid})")
    click.echo(f"  home:    {info.home}")
    click.echo(f"  bolt:    {info.bolt_uri}")
    click.echo(f"  browser: {info.http_uri}/browser/")
    if info.password_file:
        click.echo(f"  user neo4j, password in {info.password_file} (mode 0600)")
    else:
        click.echo("  user neo4j, password as configured (NEO4J_PASSWORD)")
    hints = []
    if info.home != localserver.default_home().resolve() and bolt_port != 7687:
        hints.append(f"export NEO4J_URI={info.bolt_uri}")  # the default home's port is found
    if info.password_file and info.password_file != local_password_file().resolve():
        hints.append(f'export NEO4J_PASSWORD="$(cat {shlex.quote(str(info.password_file))})"')
    if hints:
        click.echo("For the other tiegraph commands:\n  " + "\n  ".join(hints))


@neo4j.command()
@home_option
@click.option("--timeout", type=float, default=60, show_default=True,
              help="Seconds to wait after SIGTERM before SIGKILL.")
@handle_errors
def stop(home: Path | None, timeout: float) -> None:
    """Stop the server (SIGTERM to its recorded pid)."""
    pid = localserver.stop(home, timeout=timeout)
    click.echo(f"stopped (pid {pid})")


@neo4j.command(epilog="Exit codes (as LSB init scripts and pg_ctl):\n\n\b\n"
                      + exit_code_table(STATUS_EXIT_CODES))
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@handle_errors
def status(home: Path | None, as_json: bool) -> None:
    """Say whether the server runs, with its pid, ports and version; the exit code says it
    too: 0 running, 3 not running, 4 cannot tell."""
    st = localserver.status(home)
    if as_json:
        click.echo(json.dumps(st.as_dict(), indent=2))
    elif not st.known:
        click.echo(f"cannot tell: {st.note} (home {st.home})")
    elif st.running:
        click.echo(f"running (pid {st.pid}): Neo4j {st.version}, "
                   f"bolt://127.0.0.1:{st.bolt_port}, http://127.0.0.1:{st.http_port}/browser/, "
                   f"home {st.home}")
    else:
        click.echo(f"not running (home {st.home})")
    sys.exit(0 if st.known and st.running else 3 if st.known else 4)


@neo4j.command("import")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@home_option
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Folder of the source texts for quote checks.")
@click.option("--no-quotes", is_flag=True, help="Do not check quotes against the texts.")
@with_mme_option
@connection_options
@handle_errors
def import_(folder: Path | None, home: Path | None, sources_dir: Path | None, no_quotes: bool,
            mme: Path | None, **kwargs: Any) -> None:
    """Initial load of FOLDER with neo4j-admin's offline importer (docs/scale.md).

    FOLDER is a bulk CSV folder or a YAML data folder (default: the bundled data). For an
    EMPTY database of the local server in --home, which must be running: the input is
    validated first, the server is stopped, the database imported, and the server started
    again with the schema created. Refuses a database that holds anything; later changes go
    through `tiegraph bulk-load` or `tiegraph load`. If the importer fails, the empty
    database is put back and the server restarted. With --with-mme PATH (or TIEGRAPH_MME)
    the MME v7 exercises are imported with it.
    """
    from tiegraph.loaders.admin_import import offline_import
    from tiegraph.loaders.paths import mme_path

    settings = settings_from(kwargs)
    r = offline_import(folder, home or localserver.default_home(), settings,
                       sources_dir=sources_dir, check_quotes=not no_quotes, mme=mme_path(mme))
    quotes = "quotes verified" if r.quotes_checked else "quotes NOT verified"
    click.echo(f"imported {r.facts} facts: {r.nodes} nodes, {r.relationships} relationships "
               f"({quotes}) in {r.seconds_total:.1f} s: validate {r.seconds_validate:.1f} s, "
               f"export {r.seconds_export:.1f} s, import {r.seconds_import:.1f} s, restart "
               f"{r.seconds_restart:.1f} s, schema {r.seconds_schema:.1f} s")
