"""``python -m pipeline``: the same command as the installed ``pipeline``.

Ctrl-C handling is installed before the CLI and Click are imported, so a
Ctrl-C during those imports is a stop request too (exit 130 with the line).
:func:`main` also suits a console-script entry point for the same reason
(``pipeline.cli:entry`` can only install it after ``pipeline.cli`` imported).
"""

from pipeline import stopping


def main() -> None:
    stopping.install()
    from pipeline.cli import entry

    entry()


if __name__ == "__main__":
    main()
