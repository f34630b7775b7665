"""Duplicate suggestions at intake (same grid and category within N days, or a similar
text through the trigram index) and the desk saving a call with its triage or merge in
one transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.domain.actor import LOCAL_ADMIN
from desktop.domain.deadlines import DemandKind, DemandNature, DemandSource
from desktop.domain.demand_states import DemandStatus
from desktop.domain.errors import ValidationError
from desktop.domain.grids import GridCategory, GridKind
from desktop.services import grids
from desktop.services.demand_desk import desk_choices, intake_at_desk
from desktop.services.demand_duplicates import suggest_duplicates, trigrams
from desktop.services.demand_intake import IntakeInput
from tests.integration.demand_helpers import OPERATOR, Clock, Desk, build_desk, rows

START = datetime(2026, 9, 14, 9, 0)


@pytest.fixture
def desk(context) -> Desk:  # type: ignore[no-untyped-def]
    return build_desk(context)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, START)


def _numbers(found) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.number for s in found]


def test_trigrams_split_on_punctuation_and_keep_order() -> None:
    assert trigrams("井盖缺失，AB-12") == ["井盖缺", "盖缺失"]
    assert trigrams("路灯不亮路灯不亮") == ["路灯不", "灯不亮", "不亮路", "亮路灯"]


def test_same_grid_and_category_within_the_window(desk: Desk, clock: Clock) -> None:
    old = desk.intake(title="人行道有摊贩")
    clock.set(START + timedelta(days=10))
    recent = desk.intake(title="小贩占道卖水果")
    clock.set(START + timedelta(days=35))
    found = suggest_duplicates(desk.uow(), grid_id=desk.grid_id,
                               category_id=desk.categories["占道经营"], text="")
    assert _numbers(found) == [recent.number]  # the 35-day-old one is outside 30 days
    assert found[0].same_place and "同网格同类别" in found[0].reason
    wider = suggest_duplicates(desk.uow(), grid_id=desk.grid_id,
                               category_id=desk.categories["占道经营"], text="", days=40)
    assert set(_numbers(wider)) == {old.number, recent.number}
    other = suggest_duplicates(desk.uow(), grid_id=desk.grid_id,
                               category_id=desk.categories["噪音扰民"], text="")
    assert other == []


def test_similar_text_is_found_in_another_grid_and_category(desk: Desk, clock: Clock) -> None:
    community = grids.list_communities(desk.uow())[0]
    second = grids.create_grid(desk.uow(), actor=LOCAL_ADMIN, community_id=community.id,
                               fields=grids.GridFields("东风二网格", GridKind.BASE,
                                                       GridCategory.URBAN_COMMUNITY))
    target = desk.intake(title="朝阳新村3栋井盖缺失", content="小区门口井盖缺失，夜间有人摔倒。",
                         address="朝阳新村3栋", grid_id=second.id,
                         category_id=desk.categories["井盖缺失"])
    desk.intake(title="商户占道经营")  # unrelated words
    clock.set(START + timedelta(hours=3))
    found = suggest_duplicates(desk.uow(), grid_id=desk.grid_id,
                               category_id=desk.categories["道路破损"],
                               text="朝阳新村井盖缺失 有老人摔倒")
    assert _numbers(found) == [target.number]
    assert not found[0].same_place and found[0].similarity >= 0.3
    assert "内容相似" in found[0].text and "东风二网格" in found[0].text


def test_merged_demands_are_not_suggested(desk: Desk, clock: Clock) -> None:
    first = desk.intake()
    second = desk.intake()
    desk.advance(second.id, ())
    from desktop.services import demands

    demands.merge_duplicate(desk.uow(), actor=OPERATOR, demand_id=second.id,
                            expected_version=second.version, into_id=first.id)
    found = suggest_duplicates(desk.uow(), grid_id=desk.grid_id,
                               category_id=desk.categories["占道经营"], text="商户占道经营")
    assert _numbers(found) == [first.number]
    assert found[0].status is DemandStatus.ACCEPTED


def _data(desk: Desk, **extra) -> IntakeInput:  # type: ignore[no-untyped-def]
    return IntakeInput("商户占道经营", "黄兴中路商户把货架摆上人行道。", DemandKind.ENFORCEMENT,
                       DemandSource.HOTLINE, DemandNature.COMPLAINT, grid_id=desk.grid_id,
                       category_id=desk.categories["占道经营"], **extra)


def test_desk_saves_and_triages_in_one_transaction(desk: Desk, clock: Clock) -> None:
    result = intake_at_desk(desk.uow(), actor=OPERATOR, data=_data(desk),
                            routing=desk.routing(desk.city, desk.housing))
    assert result.demand.status is DemandStatus.TRIAGED and result.triaged
    assert result.message == (f"已受理，受理编号 {result.demand.number}，已研判（街道小循环，"
                              "区城管执法局）。")
    actions = [a for (a,) in rows(desk.context, "SELECT action FROM demand_step ORDER BY id")]
    assert actions == ["accept", "triage"]
    audits = rows(desk.context, "SELECT summary FROM audit_record ORDER BY id")
    assert any("受理诉求" in s for (s,) in audits) and any("研判" in s for (s,) in audits)


def test_desk_refusal_stores_nothing(desk: Desk, clock: Clock) -> None:
    before = rows(desk.context, "SELECT count(*) FROM demand")
    routing = desk.routing(desk.city)
    from dataclasses import replace

    from desktop.domain.demand_states import HandlingLevel

    with pytest.raises(ValidationError, match="主责单位"):
        intake_at_desk(desk.uow(), actor=OPERATOR, data=_data(desk),
                       routing=replace(routing, lead_unit_id=None,
                                       handling_level=HandlingLevel.STREET))
    assert rows(desk.context, "SELECT count(*) FROM demand") == before


def test_desk_merges_a_new_call_into_the_demand_being_handled(desk: Desk, clock: Clock) -> None:
    first = desk.intake()
    result = intake_at_desk(desk.uow(), actor=OPERATOR, data=_data(desk), merge_into_id=first.id)
    assert result.demand.status is DemandStatus.MERGED and result.merged_into == first.number
    assert f"已作为重复件并入 {first.number}" in result.message


def test_desk_choices_list_grids_categories_units_and_recent_addresses(desk: Desk,
                                                                       clock: Clock) -> None:
    desk.intake(address="黄兴中路88号")
    choices = desk_choices(desk.uow())
    assert [g.name for g in choices.grids] == ["东风一网格"]
    assert {u.name for u in choices.units} >= {"区城管执法局", "区住房和城乡建设局"}
    assert any(c.name == "占道经营" and c.is_leaf for c in choices.categories)
    assert choices.addresses == (("黄兴中路88号", desk.grid_id, "东风一网格"),)
