"""``python -m pipeline``: the same command as the installed ``pipeline``.

Ctrl-C handling is installed before the CLI and Click are imported, so a
Ctrl-C during those imports is a stop request too (exit 130 with the line).
:func:`main` is the installed command's entry point too (pyproject.toml), for
the same reason: ``pipeline.cli:entry`` could only install it after
``pipeline.cli`` and Click were imported.
"""

from pipeline import stopping


def main() -> None:
    stopping.install()
    from pipeline.cli import entry

    entry()


if __name__ == "__main__":
    main()
