"""The headless commands: exit codes, Chinese refusals on stderr, data really written."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.cli import main
from tests.conftest import STREET


def _init_args(home: Path, code: str = STREET["division_code"]) -> list[str]:
    return ["--home", str(home), "init", "--street", STREET["street_name"], "--code", code,
            "--authority", STREET["issuing_authority"], "--prefix", STREET["doc_prefix"]]


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("init", "demo", "migrate", "backup", "import", "export", "info", "--smoke"):
        assert command in out


def test_init_then_info_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_init_args(tmp_path)) == 0
    capsys.readouterr()
    assert main(["--home", str(tmp_path), "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["street_code"] == STREET["division_code"]
    assert info["name"] == "测试街道综合指挥分中心"
    assert Path(info["data_folder"]) == tmp_path.resolve()


def test_init_refuses_a_bad_division_code_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_init_args(tmp_path, code="43010200700")) == 1
    err = capsys.readouterr().err
    assert "统计区划代码" in err and "12 位数字" in err
    with sqlite3.connect(tmp_path / "subcenter.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM sub_center").fetchone()[0] == 0


def test_init_twice_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_init_args(tmp_path)) == 0
    assert main(_init_args(tmp_path)) == 1
    assert "不能再设置" in capsys.readouterr().err


def test_import_of_a_missing_file_is_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    main(_init_args(tmp_path))
    assert main(["--home", str(tmp_path), "import", "grids", str(tmp_path / "none.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_export_needs_an_xlsx_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(_init_args(tmp_path))
    assert main(["--home", str(tmp_path), "export", "grids", str(tmp_path / "out.csv")]) == 1
    assert ".xlsx" in capsys.readouterr().err


def test_backup_writes_a_consistent_copy(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    main(_init_args(tmp_path))
    target = tmp_path / "copy.sqlite3"
    assert main(["--home", str(tmp_path), "backup", "--out", str(target)]) == 0
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT street_name FROM sub_center").fetchone()[0] == "测试街道"


def test_migrate_reports_up_to_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path), "migrate"]) == 0
    assert "已应用" in capsys.readouterr().out
    assert main(["--home", str(tmp_path), "migrate"]) == 0
    assert "已是最新版本" in capsys.readouterr().out


def test_environment_variable_chooses_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SUBCENTER_HOME", str(tmp_path / "elsewhere"))
    assert main(["info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["data_folder"] == str(tmp_path / "elsewhere")
