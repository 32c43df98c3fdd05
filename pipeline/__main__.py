"""``python -m pipeline``: the same command as the installed ``pipeline``."""

from pipeline import stopping

stopping.install()  # before the CLI's imports: a Ctrl-C during them is a stop request too (exit 130)

from pipeline.cli import entry  # noqa: E402 - after install, on purpose

entry()
