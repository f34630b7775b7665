"""Data files shipped with the app (fonts, styles, icons, translations, templates).

They are found next to this module, so the same lookup works from a source checkout,
an installed wheel and a PyInstaller bundle (which keeps package data beside the code).
"""

from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("fonts", "wqy-microhei.ttc")``."""
    return RESOURCES_DIR.joinpath(*parts)
