"""Write district/openapi.json from the app: ``python -m district.export_openapi``.

A test compares the committed file with the app's current schema, so the contract the
client is written against never drifts from the server.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


def current_schema() -> dict[str, Any]:
    from district.app import create_app
    from district.server import Settings

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(db_url="sqlite://", files_dir=Path(folder),
                                  admin_token="export"))
        return app.openapi()


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> None:
    OPENAPI_PATH.write_text(render(current_schema()), encoding="utf-8")
    print(f"wrote {OPENAPI_PATH}")


if __name__ == "__main__":
    main()
