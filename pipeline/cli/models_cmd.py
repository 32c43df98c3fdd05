"""`pipeline models`: list, install and remove offline translation models (Argos packages)."""

from __future__ import annotations

import click

from pipeline.cli.common import complete_model_names, handle_errors, models_dir_option


@click.group()
def models() -> None:
    """List, install and remove offline translation models (Argos packages).

    \b
    Example:
      pipeline models install translate-es_en-1_0.argosmodel
      pipeline models list
    """


@models.command("list")
@models_dir_option
@handle_errors
def list_cmd(models_dir: str | None) -> None:
    """List installed packages: short name, version, folder.

    \b
    Example:
      pipeline models list --models-dir ./models
    """
    from pipeline.translate import argos

    root = argos.resolve_models_dir(models_dir)
    packages = argos.list_packages(root)
    click.echo(f"Models folder: {root}")
    if not packages:
        click.echo("No models installed. Install one with: pipeline models install FILE.argosmodel")
    for pkg in packages:
        click.echo(f"  {pkg.name:<8} {pkg.from_code} -> {pkg.to_code}  version {pkg.package_version:<6} {pkg.folder}")
    for problem in argos.broken_packages(root):
        click.echo(f"Warning: {problem}", err=True)


@models.command("install")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--from-index", "from_index", nargs=2, metavar="SRC TGT", default=None,
              help="Download the SRC->TGT package from the package index instead of a file.")
@click.option("--index", "index_url", default=None, metavar="URL",
              help="Package index (a JSON list, argospm's format). Default: the Argos index.")
@models_dir_option
@handle_errors
def install_cmd(file: str | None, from_index: tuple[str, str] | None, index_url: str | None,
                models_dir: str | None) -> None:
    """Check and install a package from FILE, or from an index with --from-index SRC TGT.

    The archive is checked before anything is written (one folder, metadata,
    model and tokenizer present, no path escaping the folder, no links, size
    limits, nothing overwritten); a refused archive installs nothing.

    \b
    Example:
      pipeline models install translate-es_en-1_0.argosmodel
      pipeline models install --from-index es en
    """
    from pipeline.translate import argos

    if (file is None) == (from_index is None):
        raise click.UsageError("give either FILE or --from-index SRC TGT")
    if from_index is not None:
        pkg = argos.install_from_index(from_index[0], from_index[1], index_url=index_url, models_dir=models_dir)
    else:
        if index_url:
            raise click.UsageError("--index only goes with --from-index")
        pkg = argos.install_package(file, models_dir)  # type: ignore[arg-type]
    click.echo(f"Installed {pkg.name} ({pkg.from_code} -> {pkg.to_code}, version {pkg.package_version}) "
               f"in {pkg.path}")


@models.command("remove")
@click.argument("name", shell_complete=complete_model_names)
@models_dir_option
@handle_errors
def remove_cmd(name: str, models_dir: str | None) -> None:
    """Remove an installed package, by short name (es_en) or folder name.

    \b
    Example:
      pipeline models remove es_en
    """
    from pipeline.translate import argos

    pkg = argos.remove_package(name, models_dir)
    click.echo(f"Removed {pkg.name} ({pkg.folder})")
