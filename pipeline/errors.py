"""One exception hierarchy, rooted at :class:`PipelineError`.

Library code raises these; the CLI turns them into one clear line and the
documented exit code in one place (``pipeline.cli.main``). Messages say which
file, what is wrong and what to do, in that order.
"""

from __future__ import annotations

# Exit codes, documented in the README ("Exit codes").
EXIT_OK = 0
EXIT_FAILED = 1  # some input failed, a check found violations, --strict tripped
EXIT_USAGE = 2  # bad command line (Click's own code)
EXIT_CONFIG = 3  # a settings, glossary or config file is invalid
EXIT_MODEL = 4  # a model archive was refused, or a model is missing/broken
EXIT_LOCKED = 5  # another run holds the output folder
EXIT_INTERRUPTED = 130  # Ctrl-C


class PipelineError(Exception):
    exit_code = EXIT_FAILED


class InputError(PipelineError):
    """One input file cannot be processed (binary, undecodable, unreadable)."""

    def __init__(self, path: str, problem: str, hint: str) -> None:
        self.path, self.problem, self.hint = path, problem, hint
        super().__init__(f"{path}: {problem}; {hint}")


class ConfigError(PipelineError):
    exit_code = EXIT_CONFIG


class GlossaryError(ConfigError):
    pass


class ModelError(PipelineError):
    exit_code = EXIT_MODEL


class ArchiveRejected(ModelError):
    pass


class OutputLocked(PipelineError):
    exit_code = EXIT_LOCKED


class OutputError(PipelineError, OSError):
    """A file of the run's output cannot be written: disk full, unwritable or immutable
    folder, a file where a folder should be (or the reverse), a path escaping OUT.

    Also an OSError, so code that handled the raw OSError of a failed write still
    does; its text is the one line ``path: what is wrong; what to do``.
    """

    def __init__(self, path: str, problem: str, hint: str, errno: int | None = None,
                 strerror: str | None = None) -> None:
        self.path, self.problem, self.hint = path, problem, hint
        self.message = f"{path}: {problem}; {hint}"
        PipelineError.__init__(self, self.message)
        self.errno, self.strerror = errno, strerror  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.message


class PathEscape(OutputError):
    """A path the run was about to write resolves outside the output folder."""
