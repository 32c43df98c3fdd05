"""Atomic writes: whole files or nothing; devices written through, never replaced."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.fsutil import TEMP_PREFIX, atomic_write_text, sweep_temp_files


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.md"
    atomic_write_text(target, "uno\n")
    atomic_write_text(target, "dos\n")
    assert target.read_text("utf-8") == "dos\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "b.md"
    atomic_write_text(target, "old\n")

    def boom(*a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    assert target.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["b.md"]


def test_a_link_inside_the_output_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.md").symlink_to(outside)
    atomic_write_text(out / "x.md", "new\n")
    assert outside.read_text("utf-8") == "keep me\n"
    assert not (out / "x.md").is_symlink() and (out / "x.md").read_text("utf-8") == "new\n"


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        atomic_write_text(fifo, "hola\n")
        assert os.read(reader, 100) == b"hola\n"
    finally:
        os.close(reader)
    assert fifo.is_fifo()


def test_sweep_removes_leftover_temp_files(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / f"{TEMP_PREFIX}abc").write_text("half", encoding="utf-8")
    (tmp_path / "en" / "keep.md").write_text("x", encoding="utf-8")
    assert sweep_temp_files(tmp_path) == 1
    assert [p.name for p in (tmp_path / "en").iterdir()] == ["keep.md"]
