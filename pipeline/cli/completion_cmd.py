"""`pipeline completion SHELL`: print the shell completion script."""

from __future__ import annotations

import click


@click.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL; source it from your shell's start-up file.

    \b
    Example:
      pipeline completion bash >> ~/.bashrc
    """
    from click.shell_completion import get_completion_class

    from pipeline.cli import main

    cls = get_completion_class(shell)
    assert cls is not None  # the Choice above only admits supported shells
    click.echo(cls(main, {}, "pipeline", "_PIPELINE_COMPLETE").source())
