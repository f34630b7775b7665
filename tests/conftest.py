"""Shared fixtures. Tests never need a display: Qt runs offscreen, on a 1920×1080
virtual screen (the offscreen default of 800×600 would clamp windows and dialogs)."""

from __future__ import annotations

import os
from pathlib import Path

_SCREEN = Path(__file__).resolve().parent / "offscreen_screen.json"
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")

import pytest

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.domain.actor import LOCAL_ADMIN
from desktop.services.subcenter import SubCenterInfo, set_up_sub_center

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEST_OUTPUT = PROJECT_ROOT / "test-output"

STREET = {
    "street_name": "测试街道",
    "division_code": "430102007000",
    "issuing_authority": "长沙市芙蓉区测试街道办事处",
    "doc_prefix": "测街",
}


@pytest.fixture
def context(tmp_path: Path) -> AppContext:
    """A migrated, empty data folder (no sub-center yet)."""
    ctx = open_migrated_context(tmp_path / "data")
    yield ctx
    ctx.close()


@pytest.fixture
def street(context: AppContext) -> SubCenterInfo:
    """The context's data folder set up as a small test street."""
    return set_up_sub_center(context.uow(), actor=LOCAL_ADMIN, **STREET)
