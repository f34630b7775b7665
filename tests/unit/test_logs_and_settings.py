"""Personal data never reaches the log; the settings file survives damage."""

from __future__ import annotations

import logging
from pathlib import Path

from desktop.config import Settings
from desktop.logs import configure_logging, scrub


def test_scrub_masks_id_numbers_and_mobiles() -> None:
    text = "身份证 43010519800101123X 电话 13812345678 编码 430102007001001"
    cleaned = scrub(text)
    assert "43010519800101123X" not in cleaned and "430105********123X" in cleaned
    assert "13812345678" not in cleaned and "138****5678" in cleaned
    assert "430102007001001" in cleaned  # a 15-digit grid code is not personal data


def test_log_file_has_no_personal_data(tmp_path: Path) -> None:
    path = configure_logging(tmp_path)
    logger = logging.getLogger("tests.privacy")
    logger.warning("导入 %s 的电话 %s", "张三", "13912345678")
    try:
        raise ValueError("bad id 110101199003074514")
    except ValueError:
        logger.exception("failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert "13912345678" not in content and "139****5678" in content
    assert "110101199003074514" not in content
    assert "failed" in content


def test_settings_round_trip_and_damaged_file(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    settings.set("backup_keep", 10)
    assert Settings(tmp_path / "settings.json").get("backup_keep") == 10
    (tmp_path / "settings.json").write_text("{broken", encoding="utf-8")
    assert Settings(tmp_path / "settings.json").get("backup_keep", 30) == 30
