"""Package discovery, validated install (file and index), removal; hostile archives refused."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import ArchiveRejected, ModelError
from pipeline.translate import argos

Files = dict[str, dict[tuple[str, str], Path]]


def _snapshot(folder: Path) -> list[str]:
    """Everything in a models folder but its install lock file (which is not a package)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name != ".pipeline-install.lock") if folder.exists() else []


def _members(package: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(package) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist() if not i.is_dir()]


def _zip(path: Path, members: list[tuple[str, bytes]], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    return path


def _renamed(members: list[tuple[str, bytes]], old: str, new: str) -> list[tuple[str, bytes]]:
    return [(n.replace(old, new, 1), d) for n, d in members]


def test_list_install_and_remove(echo_models: Path) -> None:
    packages = argos.list_packages(echo_models)
    assert [(p.name, p.folder) for p in packages] == [
        ("en_es", "translate-en_es-1_0"), ("en_th", "translate-en_th-1_0"),
        ("es_en", "translate-es_en-1_0"), ("th_en", "translate-th_en-1_0"),
    ]
    assert all(len(p.checksum()) == 64 for p in packages)
    assert set(argos.installed_identities(echo_models)) == {"en_es", "en_th", "es_en", "th_en"}
    assert argos.remove_package("es_en", echo_models).folder == "translate-es_en-1_0"
    assert argos.remove_package("translate-th_en-1_0", echo_models).name == "th_en"
    assert [p.name for p in argos.list_packages(echo_models)] == ["en_es", "en_th"]
    # nothing left behind but the install lock file
    assert [p.name for p in echo_models.iterdir() if p.name.startswith(".")] in ([], [".pipeline-install.lock"])
    with pytest.raises(ModelError, match="no installed package named 'es_en'.*installed: en_es"):
        argos.remove_package("es_en", echo_models)


def test_default_models_dir_honours_argos_packages_dir() -> None:
    assert argos.default_models_dir() == Path(os.environ["ARGOS_PACKAGES_DIR"])


def test_install_result_is_read_by_argos_own_loader(argos_package_files: Files, tmp_path: Path) -> None:
    pkg = argos.install_package(argos_package_files["echo"][("es", "en")], tmp_path / "models")
    assert pkg.path == tmp_path / "models" / "translate-es_en-1_0"
    from argostranslate.package import get_installed_packages

    (found,) = get_installed_packages([tmp_path / "models"])
    assert (found.from_code, found.to_code) == ("es", "en")


def test_a_broken_installed_folder_is_reported_not_listed(echo_models: Path) -> None:
    (echo_models / "junk").mkdir()
    assert len(argos.list_packages(echo_models)) == 4
    (problem,) = argos.broken_packages(echo_models)
    assert "junk" in problem and "metadata" in problem


HOSTILE = [
    ("dotdot", lambda m, t: _zip(t, m + [("translate-es_en-1_0/../../evil.txt", b"x")]), "escapes the package folder"),
    ("absolute", lambda m, t: _zip(t, m + [("/tmp/evil.txt", b"x")]), "absolute path"),
    ("symlink", lambda m, t: _zip(t, m, symlink="translate-es_en-1_0/model/link"), "symbolic link"),
    ("two tops", lambda m, t: _zip(t, m + [("other/x.txt", b"x")]), "2 top-level entries"),
    ("root file", lambda m, t: _zip(t, m + [("README.md", b"x")]), "outside the package folder"),
    ("bomb", lambda m, t: _zip(t, m + [("translate-es_en-1_0/model/pad.bin", bytes(50 * 1024**2))]), "zip bomb"),
    ("not a zip", lambda m, t: (t.write_bytes(b"PK but not really" * 100), t)[1], "not a zip archive"),
    ("truncated", lambda m, t: (t.write_bytes(_zip(t, m).read_bytes()[:-200]), t)[1], "not a zip archive|damaged"),
    ("no metadata", lambda m, t: _zip(t, [x for x in m if not x[0].endswith("metadata.json")]), "no translate-es_en-1_0/metadata.json"),
    ("bad metadata", lambda m, t: _zip(t, [(n, b"{not json" if n.endswith("metadata.json") else d) for n, d in m]), "not valid UTF-8 JSON"),
    ("sbd type", lambda m, t: _zip(t, [(n, json.dumps({"from_code": "es", "to_code": "en", "type": "sbd"}).encode()
                                        if n.endswith("metadata.json") else d) for n, d in m]), "type is 'sbd'"),
    ("no codes", lambda m, t: _zip(t, [(n, b'{"type": "translate"}' if n.endswith("metadata.json") else d) for n, d in m]), "no valid from_code"),
    ("no model", lambda m, t: _zip(t, [x for x in m if "model.bin" not in x[0]]), "no translate-es_en-1_0/model/model.bin"),
    ("no tokenizer", lambda m, t: _zip(t, [x for x in m if "sentencepiece" not in x[0]]), "no tokenizer"),
    ("other package's folder", lambda m, t: _zip(t, _renamed(m, "translate-es_en-1_0", "translate-en_es-1_0")), "already exists"),
]


@pytest.mark.parametrize("name,make,reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_archives_are_refused_and_install_nothing(
    name: str, make: object, reason: str, argos_package_files: Files, tmp_path: Path,
) -> None:
    from pipeline.translate.argos import install_package

    models = tmp_path / "models"
    install_package(argos_package_files["echo"][("en", "es")], models)
    before = _snapshot(models)
    members = _members(argos_package_files["echo"][("es", "en")])
    archive = make(members, tmp_path / "hostile.argosmodel")  # type: ignore[operator]
    with pytest.raises(ArchiveRejected, match=reason) as err:
        install_package(archive, models)
    assert str(archive) in str(err.value) and "nothing was installed" in str(err.value)
    assert _snapshot(models) == before
    assert not (tmp_path / "evil.txt").exists()


def test_a_newer_version_replaces_the_old_and_an_older_one_needs_force(echo_models: Path, tmp_path: Path,
                                                                       argos_package_files: Files) -> None:
    from pipeline.testing.models import build_package

    newer = build_package(tmp_path, "es", "en", package_version="1.1")
    result = argos.install(newer, echo_models)
    assert result.action == "replaced" and result.package.package_version == "1.1"
    assert [p.folder for p in result.replaced] == ["translate-es_en-1_0"]
    assert "replaced translate-es_en-1_0 (version 1.0)" in result.message()
    assert [p.folder for p in argos.list_packages(echo_models) if p.pair == ("es", "en")] == ["translate-es_en-1_1"]
    older = argos_package_files["echo"][("es", "en")]
    before = _snapshot(echo_models)
    with pytest.raises(ArchiveRejected, match=r"version 1.0 is older than the installed translate-es_en-1_1.*--force"):
        argos.install(older, echo_models)
    assert _snapshot(echo_models) == before
    forced = argos.install(older, echo_models, force=True)
    assert forced.action == "replaced" and forced.package.package_version == "1.0"
    assert [p.folder for p in argos.list_packages(echo_models) if p.pair == ("es", "en")] == ["translate-es_en-1_0"]


def test_the_same_package_twice_is_a_no_op(echo_models: Path, argos_package_files: Files) -> None:
    before = {p: p.stat().st_mtime_ns for p in echo_models.rglob("*") if p.is_file() and not p.name.startswith(".")}
    result = argos.install(argos_package_files["echo"][("es", "en")], echo_models)
    assert result.action == "unchanged" and "already installed" in result.message()
    after = {p: p.stat().st_mtime_ns for p in echo_models.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert after == before
    assert not [p.name for p in echo_models.iterdir() if p.name.startswith(".pipeline-staging")]


def test_two_installed_versions_the_newest_wins(echo_models: Path, tmp_path: Path) -> None:
    """A folder holding 1.0 and 1.9 of one pair (copied in by hand): 1.9 is used, with a line."""
    import shutil

    from pipeline.testing.models import build_package
    from pipeline.translate.engine import TranslateSettings, Translator

    other = tmp_path / "other"
    argos.install(build_package(tmp_path, "es", "en", package_version="1.9"), other)
    shutil.copytree(other / "translate-es_en-1_9", echo_models / "translate-es_en-1_9")
    assert argos.active_packages(echo_models)[("es", "en")].package_version == "1.9"
    (line,) = argos.shadowed_lines(echo_models)
    assert line.startswith("es_en: translate-es_en-1_0 (version 1.0) is not used, translate-es_en-1_9")
    assert argos.installed_identities(echo_models)["es_en"].startswith("1.9#")
    tr = Translator(TranslateSettings(models_dir=str(echo_models)), memory_path=str(tmp_path / "tm.sqlite"))
    try:
        tr.preflight({("es", "en")})
        assert [m["version"] for m in tr.models_signature()] == ["1.9"]
    finally:
        tr.close()
    # versions compare as numbers, not text: 1.10 is newer than 1.9
    argos.install(build_package(tmp_path, "es", "en", package_version="1.10"), other / "x")
    shutil.copytree(other / "x" / "translate-es_en-1_10", echo_models / "translate-es_en-1_10")
    assert argos.active_packages(echo_models)[("es", "en")].package_version == "1.10"


# --------------------------------------------------------------------------- index

from pipeline.translate import index as model_index  # noqa: E402


def test_install_from_index(index_server: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = index_server
    pkg = model_index.install_from_index("th", "en", index_url=url, models_dir=tmp_path / "models").package
    assert pkg.name == "th_en" and pkg.path.is_dir()


def test_index_checksum_mismatch_installs_nothing(index_server: tuple[str, Path], tmp_path: Path) -> None:
    url, root = index_server
    index = json.loads((root / "index.json").read_text())
    for e in index:
        e["sha256"] = "0" * 64
    (root / "index.json").write_text(json.dumps(index))
    with pytest.raises(ArchiveRejected, match="does not match the index"):
        model_index.install_from_index("es", "en", index_url=url, models_dir=tmp_path / "models")
    assert _snapshot(tmp_path / "models") == []


def test_index_without_the_pair_names_what_it_has(index_server: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = index_server
    with pytest.raises(ModelError, match=r"no package for es->th.*en->es"):
        model_index.install_from_index("es", "th", index_url=url, models_dir=tmp_path)


def test_unreachable_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot download the package index"):
        model_index.install_from_index("es", "en", index_url="http://127.0.0.1:9/index.json", models_dir=tmp_path)
