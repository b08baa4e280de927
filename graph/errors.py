"""The errors tiegraph raises for the user to act on. The CLI turns each into a message and a
non-zero exit code (see ``EXIT_CODES``)."""

from __future__ import annotations


class TiegraphError(Exception):
    """Base class: a problem the user can act on. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class ConfigError(TiegraphError):
    """Settings are missing or inconsistent."""

    exit_code = 2


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

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown actor {name!r}.{hint}")


class RefusedError(TiegraphError):
    """A load would remove more than it may without ``--prune``; nothing was written."""

    exit_code = 8
