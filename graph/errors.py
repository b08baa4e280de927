"""The errors tiegraph raises for the user to act on. The CLI turns each into a message and a
non-zero exit code: ``EXIT_CODES`` is the one table of them (the README and ``tiegraph --help``
print it from here), true for click's own usage errors (2) as for tiegraph's.
"""

from __future__ import annotations

#: Every exit code of ``tiegraph`` and what it means.
EXIT_CODES: dict[int, str] = {
    0: "ok",
    1: "unexpected error (a bug: please report it)",
    2: "usage: a wrong option, argument or combination of them",
    3: "invalid data: every problem listed with file and line",
    4: "Neo4j server: cannot be reached, refused the credentials, or failed",
    5: "local server: cannot be assembled, started or stopped",
    6: "unknown actor name (with close matches, if any)",
    7: "configuration: settings missing or inconsistent",
    8: "refused: the command would remove or overwrite more than it may without a flag",
}

#: The exit codes of ``tiegraph neo4j status`` (those of LSB init scripts and ``pg_ctl``).
STATUS_EXIT_CODES: dict[int, str] = {
    0: "running",
    3: "not running",
    4: "cannot tell (unreadable pid file, or a live process that does not answer)",
}


def exit_code_table(codes: dict[int, str] | None = None) -> str:
    """Return ``codes`` (default ``EXIT_CODES``) as aligned ``code  meaning`` lines."""
    return "\n".join(f"{code:>3}  {text}" for code, text in (codes or EXIT_CODES).items())


class TiegraphError(Exception):
    """Base class: a problem the user can act on. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class UsageError(TiegraphError):
    """The command line asks for something that cannot be done (found after parsing)."""

    exit_code = 2


class ConfigError(TiegraphError):
    """Settings are missing or inconsistent."""

    exit_code = 7


class RefusedError(TiegraphError):
    """A command would remove or overwrite more than it may without an explicit flag."""

    exit_code = 8


class DataError(TiegraphError):
    """The fact files are invalid. ``problems`` lists every problem found, with file and line."""

    exit_code = 3

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        head = f"{len(problems)} problem(s) in the data files:"
        super().__init__("\n".join([head, *problems]))


class ServerError(TiegraphError):
    """The Neo4j server cannot be reached, refused the credentials, or failed."""

    exit_code = 4


class LocalServerError(TiegraphError):
    """The local Neo4j server (tiegraph neo4j ...) cannot be assembled, started or stopped."""

    exit_code = 5


class UnknownActorError(TiegraphError):
    """A name does not resolve to an entity; ``suggestions`` holds close matches."""

    exit_code = 6

    def __init__(self, name: str, suggestions: list[str], where: str = "") -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown actor {name!r}{f' ({where})' if where else ''}.{hint}")
