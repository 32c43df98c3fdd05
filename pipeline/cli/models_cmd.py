"""`pipeline models`: list, install and remove offline translation models (Argos packages)."""

from __future__ import annotations

import click

from pipeline.cli.common import LanguageCode, complete_model_names, handle_errors, models_dir_option
from pipeline.text import printable


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
    """List installed packages: short name, pair, version, checksum, folder.

    The checksum (first 16 hex digits of the sha256 of the model and
    tokenizer) is what a run records as the model's identity. Broken folders
    are listed as such (remove them with `pipeline models remove FOLDER`); when
    a pair is installed twice, the newest version is used and the older one
    is marked "not used".

    \b
    Example:
      pipeline models list --models-dir ./models
    """
    from pipeline.translate import argos

    root = argos.resolve_models_dir(models_dir)
    argos.sweep_stale(root)  # what killed installs left; never a package in use
    packages = argos.list_packages(root)
    broken = argos.list_broken(root)
    in_use = {p.folder for p in argos.active_packages(root).values()}
    click.echo(f"Models folder: {printable(str(root))}")
    if not packages and not broken:
        click.echo("No models installed. Install one with: pipeline models install FILE.argosmodel")
        return
    rows = [("NAME", "PAIR", "VERSION", "CHECKSUM", "FOLDER")]
    for pkg in packages:
        folder = printable(pkg.folder) + ("" if pkg.folder in in_use else "  (not used: a newer version is installed)")
        rows.append((pkg.name, f"{pkg.from_code} -> {pkg.to_code}", pkg.package_version or "?",
                     pkg.checksum()[:16], folder))
    for b in broken:
        rows.append(("broken", "-", "-", "-", printable(b.folder)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        click.echo("  " + "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths)) + "  " + r[-1])
    for b in broken:
        click.echo(f"Warning: {printable(b.problem)}; or remove it with "
                   f"`pipeline models remove {printable(b.folder)}`", err=True)


@models.command("install")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--from-index", "from_index", nargs=2, type=LanguageCode(), metavar="SRC TGT", default=None,
              help="Download the SRC->TGT package from the package index instead of a file.")
@click.option("--index", "index_url", default=None, metavar="URL",
              help="Package index, http:// or https:// (a JSON list, argospm's format). Default: the Argos index.")
@click.option("--force", is_flag=True,
              help="Install even when this version is older than the installed one, or already installed.")
@models_dir_option
@handle_errors
def install_cmd(file: str | None, from_index: tuple[str, str] | None, index_url: str | None, force: bool,
                models_dir: str | None) -> None:
    """Check and install a package from FILE, or from an index with --from-index SRC TGT.

    The archive is checked before anything is written (one folder, metadata,
    model and tokenizer present and loadable, no path escaping the folder, no
    links, size limits, no other package's folder overwritten); a refused
    archive installs nothing (exit 4). The same version again does nothing
    (exit 0); a newer version of an installed pair replaces the old one; an
    older version needs --force. Installs are atomic and locked: a killed
    install leaves nothing behind that the next command does not clean up.

    \b
    Example:
      pipeline models install translate-es_en-1_0.argosmodel
      pipeline models install --from-index es en
    """
    from pipeline.translate import argos

    if (file is None) == (from_index is None):
        raise click.UsageError("give either FILE or --from-index SRC TGT")
    if from_index is not None:
        from pipeline.translate.index import install_from_index

        result = install_from_index(from_index[0], from_index[1], index_url=index_url, models_dir=models_dir,
                                    force=force)
    else:
        if index_url:
            raise click.UsageError("--index only goes with --from-index")
        result = argos.install(file, models_dir, force=force)  # type: ignore[arg-type]
    click.echo(result.message())


@models.command("remove")
@click.argument("name", shell_complete=complete_model_names)
@models_dir_option
@handle_errors
def remove_cmd(name: str, models_dir: str | None) -> None:
    """Remove an installed package, by short name (es_en) or folder name; also a broken folder.

    \b
    Example:
      pipeline models remove es_en
    """
    from pipeline.translate import argos

    pkg = argos.remove_package(name, models_dir)
    if isinstance(pkg, argos.BrokenPackage):
        click.echo(f"Removed the broken package folder {printable(pkg.folder)}")
    else:
        click.echo(f"Removed {pkg.name} ({printable(pkg.folder)})")
