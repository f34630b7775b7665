"""Every kind of record the services audit has a Chinese name in the audit tab."""

from __future__ import annotations

import re

from desktop.services.audit_queries import ENTITY_LABELS
from tests.conftest import PROJECT_ROOT


def test_every_audited_entity_type_has_a_chinese_label() -> None:
    used: set[str] = set()
    for path in (PROJECT_ROOT / "desktop").rglob("*.py"):
        used |= set(re.findall(r'entity_type="([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert used, "the scan found no audited entity types: the pattern is stale"
    assert used <= set(ENTITY_LABELS), f"no label for {sorted(used - set(ENTITY_LABELS))}"
