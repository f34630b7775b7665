"""Samples look complete: ``kinds.sample_source`` (what ``subcenter print --samples`` and
the 新建 dialog start from) prefers a record whose draft has no placeholder — a demand
with a lead unit and a responsibility list item — and keeps the placeholders only for
data that is genuinely missing. Also the list titles of forms titled by their kind."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from desktop.bootstrap import AppContext, open_migrated_context
from desktop.demo import build_demo_street
from desktop.documents import kinds, supervision
from desktop.documents.kinds import DocumentKind, draft_fields, is_complete, sample_source
from local_db.models import Demand


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo street built once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("street") / "data"
    context = open_migrated_context(folder)
    build_demo_street(context)
    context.close()
    return folder


@pytest.fixture
def demo(built: Path, tmp_path: Path) -> Iterator[AppContext]:
    shutil.copytree(built, tmp_path / "data")
    context = open_migrated_context(tmp_path / "data")
    yield context
    context.close()


def _set_lead_unit(context: AppContext, demand_ids: list[str] | None) -> None:
    """No lead unit and no list item for these demands (all when None)."""
    with context.uow() as uow:
        statement = update(Demand).values(lead_unit_id=None, responsibility_item_id=None)
        if demand_ids is not None:
            statement = statement.where(Demand.id.in_(demand_ids))
        uow.session.execute(statement)
        uow.commit()


def test_the_demo_samples_of_demand_kinds_have_no_placeholder(demo: AppContext) -> None:
    for kind in (DocumentKind.LETTER, DocumentKind.SUPERVISION):
        fields = draft_fields(demo.uow(), kind, sample_source(demo.uow(), kind))
        assert is_complete(fields), kind
        assert fields["recipient"] and not fields["recipient"].startswith("（")


def test_an_incomplete_first_choice_gives_way_to_a_complete_demand(demo: AppContext) -> None:
    own = supervision.sample_source(demo.uow())
    assert own is not None
    _set_lead_unit(demo, [own])
    assert supervision.sample_source(demo.uow()) == own  # the kind still picks it …
    assert not is_complete(draft_fields(demo.uow(), DocumentKind.SUPERVISION, own))
    chosen = sample_source(demo.uow(), DocumentKind.SUPERVISION)  # … the sample does not
    assert chosen != own
    assert is_complete(draft_fields(demo.uow(), DocumentKind.SUPERVISION, chosen))
    offered = [own, chosen]
    assert kinds.preferred_source(demo.uow(), DocumentKind.SUPERVISION, offered) == chosen


def test_placeholders_stay_when_the_data_is_genuinely_missing(demo: AppContext) -> None:
    _set_lead_unit(demo, None)
    source = sample_source(demo.uow(), DocumentKind.LETTER)
    assert source is not None
    fields = draft_fields(demo.uow(), DocumentKind.LETTER, source)
    assert fields["recipient"] == "（主送机关）"
    assert "（请填写法律法规依据）" in fields["body"]
    assert not is_complete(fields)


def test_forms_titled_by_their_kind_get_their_matter_in_the_list() -> None:
    assert kinds.list_title(DocumentKind.LETTER, {"title": "关于X问题的函"}, "id") == "关于X问题的函"
    supervision_fields = {"title": "督办单", "demand_number": "20260924-0005",
                          "matter": "2026年9月24日受理的“朝阳新村小区路灯损坏”（受理编号20260924-0005）"}
    assert (kinds.list_title(DocumentKind.SUPERVISION, supervision_fields, "id")
            == "督办单：朝阳新村小区路灯损坏（20260924-0005）")
    handover_fields = {"title": "案件移送书", "case": "工地扬尘（受理编号20260923-0003）"}
    assert (kinds.list_title(DocumentKind.HANDOVER, handover_fields, "id")
            == "案件移送书：工地扬尘（20260923-0003）")
    assert kinds.list_title(DocumentKind.HANDOVER, {"title": "案件移送书"}, "H-1") == "案件移送书（H-1）"


def test_every_field_of_every_kind_has_a_chinese_label(demo: AppContext) -> None:
    for kind in DocumentKind:
        source = sample_source(demo.uow(), kind)
        if source is None:
            continue  # the demo plans no joint action yet
        labels = kinds.field_labels(kind)
        missing = [key for key in draft_fields(demo.uow(), kind, source) if key not in labels]
        assert missing == [], kind
