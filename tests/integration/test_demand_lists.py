"""The demand lists on 20,000 demands from the scale generator: every filter and sort
returns exactly the rows a plain Python filter over the same data returns, in the same
order, across pages; paging never repeats or skips a row, even when demands arrive
between pages; full-text and 2-character search find the right rows; every list query
finds its rows through an index; totals, status counts and saved filters."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.bootstrap import AppContext
from desktop.demo_demands import DEMO_DEMANDS
from desktop.domain.deadlines import DemandSource
from desktop.domain.demand_states import DeadlineState, DemandStatus
from desktop.domain.demand_states import deadline_state as domain_deadline_state
from desktop.domain.errors import ValidationError
from desktop.domain.ids import new_id
from desktop.services import demand_lists
from desktop.services.calendar import calendar_in
from desktop.services.demand_lists import (
    DemandFilter,
    DemandPage,
    DemandSort,
    count_by_status,
    count_demands,
    criteria_for,
    delete_filter,
    due_soon_boundary,
    list_demands,
    save_filter,
    saved_filters,
)
from local_db import demand_queries
from local_db.models import Demand
from tests.integration.demand_data import (
    DEMANDS,
    NOW,
    Ref,
    Reference,
    open_at_now,
    shared_folder,
)

TIMED = set(demand_lists.TIMED_STATUSES)  # whose clock runs


@pytest.fixture(scope="module")
def demand_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_folder(tmp_path_factory)


@pytest.fixture
def demand_context(demand_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    context = open_at_now(demand_folder, monkeypatch)
    yield context
    context.close()


@pytest.fixture(scope="module")
def ref(demand_folder) -> Reference:
    return Reference(demand_folder / "subcenter.sqlite3")


def _boundary(context: AppContext) -> datetime:
    with context.uow() as uow:
        return due_soon_boundary(uow, NOW)


def _all_ids(context: AppContext, chosen: DemandFilter, sort: DemandSort,
             page_size: int = 700) -> tuple[list[str], list[DemandPage]]:
    ids: list[str] = []
    pages: list[DemandPage] = []
    after = None
    while True:
        page = list_demands(context.uow(), filter=chosen, sort=sort, page_size=page_size,
                            after=after)
        pages.append(page)
        ids += [row.id for row in page.rows]
        if page.next is None:
            return ids, pages
        after = page.next
        assert len(pages) < 200, "paging does not end"


def _expected(ref: Reference, keep: Callable[[Ref], bool], sort: DemandSort) -> list[str]:
    rows = [r for r in ref.rows if keep(r)]
    ordered = {
        DemandSort.RECEIVED_DESC: ref.received_desc,
        DemandSort.DEADLINE_ASC: ref.deadline_asc,
        DemandSort.NUMBER_ASC: ref.by_number,
        DemandSort.NUMBER_DESC: lambda rs: ref.by_number(rs, True),
    }[sort](rows)
    return [r.id for r in ordered]


def _some(ref: Reference, attribute: str) -> str:
    """A value of ``attribute`` held by a middling number of demands."""
    counts = Counter(getattr(r, attribute) for r in ref.rows if getattr(r, attribute))
    return sorted(counts, key=counts.__getitem__)[len(counts) // 2]


def _cases(ref: Reference, boundary: datetime) -> dict[str, tuple[DemandFilter, Callable]]:
    now = demand_queries.stamp(NOW)
    soon = demand_queries.stamp(boundary)
    grid, unit = _some(ref, "grid_id"), _some(ref, "unit_id")

    def open_(r: Ref) -> bool:
        return r.status in TIMED

    def overdue(r: Ref) -> bool:
        return open_(r) and r.deadline_at is not None and r.deadline_at < now

    def due_soon(r: Ref) -> bool:
        return open_(r) and r.deadline_at is not None and now <= r.deadline_at < soon

    busy = Counter(r.grid_id for r in ref.rows if overdue(r)).most_common(1)[0][0]
    return {
        "everything": (DemandFilter(), lambda r: True),
        "one status": (DemandFilter(statuses=frozenset({"handling"})),
                       lambda r: r.status == "handling"),
        "several statuses": (DemandFilter(statuses=frozenset({"accepted", "merged", "verified"})),
                             lambda r: r.status in {"accepted", "merged", "verified"}),
        "kind (by label)": (DemandFilter(kind="发展诉求"), lambda r: r.kind == "development"),
        "source": (DemandFilter(source="petition"), lambda r: r.source == "petition"),
        "grid": (DemandFilter(grid_id=grid), lambda r: r.grid_id == grid),
        "unit": (DemandFilter(unit_id=unit), lambda r: r.unit_id == unit),
        "overdue": (DemandFilter(overdue=True), overdue),
        "due soon": (DemandFilter(due_soon=True), due_soon),
        "overdue or due soon": (DemandFilter(overdue=True, due_soon=True),
                                lambda r: overdue(r) or due_soon(r)),
        "overdue of a finished status": (DemandFilter(statuses=frozenset({"closed"}),
                                                      overdue=True), lambda r: False),
        "due soon while suspended": (DemandFilter(statuses=frozenset({"suspended"}),
                                                  due_soon=True), lambda r: False),
        "received range": (DemandFilter(received_from=date(2025, 3, 1),
                                        received_to=date(2025, 3, 31)),
                           lambda r: "2025-03-01" <= r.received_at < "2025-04-01"),
        "status + grid + overdue": (
            DemandFilter(statuses=frozenset({"handling", "reported"}), grid_id=busy,
                         overdue=True),
            lambda r: overdue(r) and r.status in {"handling", "reported"} and r.grid_id == busy),
        "kind + source + received": (
            DemandFilter(kind="enforcement", source="grid_report",
                         received_from=date(2025, 1, 1)),
            lambda r: r.kind == "enforcement" and r.source == "grid_report"
            and r.received_at >= "2025-01-01"),
    }


@pytest.mark.parametrize("sort", list(DemandSort))
def test_every_filter_and_sort_returns_exactly_the_expected_rows_in_order(
        demand_context: AppContext, ref: Reference, sort: DemandSort) -> None:
    for name, (chosen, keep) in _cases(ref, _boundary(demand_context)).items():
        expected = _expected(ref, keep, sort)
        ids, pages = _all_ids(demand_context, chosen, sort)
        assert ids == expected, f"{name} sorted by {sort.label}"
        assert len(set(ids)) == len(ids), f"{name}: a row appears twice"
        assert pages[0].total == min(len(expected), demand_lists.TOTAL_CAP), name
        assert pages[0].total_capped == (len(expected) > demand_lists.TOTAL_CAP), name
        assert all(page.total is None for page in pages[1:]), name


def test_the_filters_select_something_so_the_comparison_means_something(
        demand_context: AppContext, ref: Reference) -> None:
    sizes = {name: sum(1 for r in ref.rows if keep(r))
             for name, (_f, keep) in _cases(ref, _boundary(demand_context)).items()}
    empty = {"overdue of a finished status", "due soon while suspended"}
    assert all(size > 0 for name, size in sizes.items() if name not in empty), sizes
    assert sizes["everything"] == DEMANDS + DEMO_DEMANDS
    assert sizes["overdue"] < sizes["everything"] // 10


def test_rows_carry_labels_and_masked_phones(demand_context: AppContext,
                                            ref: Reference) -> None:
    by_id = {r.id: r for r in ref.rows}
    page = list_demands(demand_context.uow(), filter=DemandFilter(overdue=True, due_soon=True),
                        page_size=300)
    states = Counter(row.deadline_state for row in page.rows)
    assert set(states) == {DeadlineState.OVERDUE, DeadlineState.DUE_SOON}
    for row in page.rows:
        source = by_id[row.id]
        if source.phone:  # a walk-in may leave no number
            assert re.fullmatch(r"1\d\d\*{4}\d{4}", row.reporter_phone)
            assert row.reporter_phone[-4:] == source.phone[-4:]
            assert source.phone not in row.reporter_phone
        assert row.status_label == DemandStatus(source.status).label
        assert row.kind_label.endswith("诉求") and row.grid_name and row.received_at <= NOW
        assert row.source_label == DemandSource(source.source).label


def test_every_rows_deadline_state_is_the_domains(demand_context: AppContext,
                                                 ref: Reference) -> None:
    with demand_context.uow() as uow:
        calendar = calendar_in(uow)
    rows, after = [], None
    while True:
        page = list_demands(demand_context.uow(), page_size=5000, after=after)
        rows += page.rows
        if page.next is None:
            break
        after = page.next
    closed = {r.id: r.closed_at for r in ref.rows}
    seen = Counter()
    for row in rows:
        closed_at = datetime.fromisoformat(closed[row.id]) if closed[row.id] else None
        expected = domain_deadline_state(row.status, row.deadline_at, NOW, calendar,
                                         closed_at=closed_at)
        assert row.deadline_state is expected, row
        seen[expected] += 1
    assert len(rows) == len(ref.rows) and len(seen) == len(DeadlineState), seen


def test_due_soon_ends_with_the_next_working_day(demand_context: AppContext) -> None:
    # 2026-11-23 is a Monday: one working day left until the end of Tuesday.
    assert _boundary(demand_context) == datetime(2026, 11, 25, 0, 0)
    with demand_context.uow() as uow:
        # On Friday 2026-11-27, a deadline on Monday is due soon, one on Tuesday is not.
        assert due_soon_boundary(uow, datetime(2026, 11, 27, 9)) == datetime(2026, 12, 1)
        # Before the 2026 National Day holiday (Oct 1–7) the next working day is Oct 8,
        # so a deadline on Oct 8 is due soon on Sep 30 and one on Oct 9 is not.
        assert due_soon_boundary(uow, datetime(2026, 9, 30, 9)) == datetime(2026, 10, 9)


def test_paging_is_stable_when_demands_arrive_between_pages(
        demand_context: AppContext, ref: Reference) -> None:
    expected = _expected(ref, lambda r: True, DemandSort.RECEIVED_DESC)
    first = list_demands(demand_context.uow(), page_size=250)
    stamp = NOW + timedelta(minutes=1)
    with demand_context.uow() as uow:  # a new demand on top, then pages 2…
        uow.session.add(Demand(
            id=new_id(), number="20261123-9999", kind="livelihood", nature="help",
            source="walk_in", title="新来的诉求", content="翻页期间新受理", address="",
            handling_level="street", status="accepted", received_at=stamp,
            created_at=stamp, updated_at=stamp))
        uow.commit()
    try:
        ids = [row.id for row in first.rows]
        after = first.next
        while after is not None:
            page = list_demands(demand_context.uow(), page_size=250, after=after)
            ids += [row.id for row in page.rows]
            after = page.next
        assert ids == expected  # no duplicate, no gap, the newcomer is above page 1
        fresh = list_demands(demand_context.uow(), page_size=1)
        assert fresh.rows[0].number == "20261123-9999"
    finally:
        with demand_context.uow() as uow:
            uow.session.delete(uow.demands.by_number("20261123-9999"))
            uow.commit()


def _matching(ref: Reference, text: str) -> list[Ref]:
    return [r for r in ref.rows if text in r.text]


@pytest.mark.parametrize("phrase", ["占道经营", "合平路12", "居民反映：荷花池", "2025031"])
def test_full_text_search_finds_every_match_newest_recorded_first(
        demand_context: AppContext, ref: Reference, phrase: str) -> None:
    expected = [r.id for r in sorted(_matching(ref, phrase), key=lambda r: r.rowid,
                                     reverse=True)]
    ids, pages = _all_ids(demand_context, DemandFilter(text=phrase), DemandSort.RECEIVED_DESC)
    assert expected and ids == expected
    assert not pages[-1].incomplete


def test_full_text_search_combines_with_filters_and_other_sorts(
        demand_context: AppContext, ref: Reference) -> None:
    chosen = DemandFilter(text="垃圾桶满溢", statuses=frozenset({"closed", "handling"}))
    keep = lambda r: "垃圾桶满溢" in r.text and r.status in {"closed", "handling"}  # noqa: E731
    for sort in (DemandSort.DEADLINE_ASC, DemandSort.NUMBER_DESC):
        ids, _pages = _all_ids(demand_context, chosen, sort, page_size=90)
        assert ids == _expected(ref, keep, sort)
        assert ids


def test_search_text_is_taken_literally(demand_context: AppContext) -> None:
    for text in ('占道"经营', "NEAR(占道 经营)", "占道 OR 经营", "*经营", "a:b"):
        page = list_demands(demand_context.uow(), filter=DemandFilter(text=text))
        assert page.rows == () and page.total == 0


@pytest.mark.parametrize("text", ["漏水", "犬", "%", "_"])
def test_one_or_two_characters_fall_back_to_a_like_over_the_newest(
        demand_context: AppContext, ref: Reference, text: str) -> None:
    expected = [r.id for r in ref.received_desc(_matching(ref, text))]
    ids, pages = _all_ids(demand_context, DemandFilter(text=text), DemandSort.RECEIVED_DESC)
    assert ids == expected
    assert not pages[-1].incomplete and pages[-1].notice == ""  # 20,000 < the bound


def test_the_short_search_is_bounded_and_says_so(
        demand_context: AppContext, ref: Reference, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demand_queries, "SHORT_TEXT_BOUND", 3000)
    newest = ref.received_desc(ref.rows)
    bound = newest[3000].received_at
    recent = [r for r in newest if r.received_at > bound]
    for sort in (DemandSort.RECEIVED_DESC, DemandSort.NUMBER_ASC, DemandSort.DEADLINE_ASC):
        expected = _expected(ref, lambda r: r.received_at > bound and "漏水" in r.text, sort)
        ids, pages = _all_ids(demand_context, DemandFilter(text="漏水"), sort, page_size=40)
        assert ids == expected and 0 < len(ids) < len(_matching(ref, "漏水"))
        assert pages[-1].incomplete and "可能不完整" in pages[-1].notice
        assert not pages[0].incomplete or len(pages) == 1
    assert len(recent) <= 3000
    nothing = list_demands(demand_context.uow(), filter=DemandFilter(text="猫狗"))
    assert nothing.rows == () and nothing.incomplete and nothing.total_text.endswith("（可能不完整）")


def _plans(context: AppContext, ref: Reference) -> dict[tuple[str, DemandSort], list[str]]:
    boundary = _boundary(context)
    cases = {name: chosen for name, (chosen, _keep) in _cases(ref, boundary).items()}
    cases["search"] = DemandFilter(text="占道经营")
    cases["search + status"] = DemandFilter(text="占道经营", statuses=frozenset({"closed"}))
    plans = {}
    with context.uow() as uow:
        for name, chosen in cases.items():
            for sort in DemandSort:
                criteria = criteria_for(chosen, NOW, boundary)
                plans[name, sort] = uow.demand_queries.plan(criteria, sort.value)
    return plans


def test_every_list_query_finds_its_rows_through_an_index(
        demand_context: AppContext, ref: Reference) -> None:
    for (name, sort), plan in _plans(demand_context, ref).items():
        assert plan, name
        table_scans = [line for line in plan if re.fullmatch(r"SCAN (d|demand)", line)]
        assert not table_scans, f"{name}, {sort.label}: {plan}"
        assert any("INDEX" in line or "VIRTUAL TABLE" in line or "PRIMARY KEY" in line
                   for line in plan), f"{name}, {sort.label}: {plan}"


def test_the_short_search_scans_only_its_bound_through_the_received_index(
        demand_context: AppContext) -> None:
    with demand_context.uow() as uow:
        for sort in DemandSort:
            criteria = criteria_for(DemandFilter(text="漏水"), NOW, NOW)
            plan = " / ".join(uow.demand_queries.plan(criteria, sort.value))
            assert "ix_demand_received_at (received_at>?)" in plan, plan


def test_totals_are_capped_beyond_the_cap(demand_context: AppContext,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demand_lists, "TOTAL_CAP", 500)
    page = list_demands(demand_context.uow(), page_size=10)
    assert page.total == 500 and page.total_capped and page.total_text == "超过 500 件"
    assert count_demands(demand_context.uow()) == (500, True)
    bare = list_demands(demand_context.uow(), page_size=10, with_total=False)
    assert bare.total is None and bare.rows == page.rows
    small = list_demands(demand_context.uow(), filter=DemandFilter(source="deputies"),
                         page_size=10)
    assert small.total_capped is False and 10 < small.total < 500
    assert small.total_text == f"共 {small.total:,} 件"


def test_counts_by_status_match_the_data(demand_context: AppContext, ref: Reference) -> None:
    everything = count_by_status(demand_context.uow())
    assert list(everything) == list(demand_lists.STATUS_LABELS)
    assert everything == {s: sum(1 for r in ref.rows if r.status == s)
                          for s in demand_lists.STATUS_LABELS}
    grid = _some(ref, "grid_id")
    mine = count_by_status(demand_context.uow(), DemandFilter(
        grid_id=grid, statuses=frozenset({"closed"})))  # its own statuses are ignored
    assert mine == {s: sum(1 for r in ref.rows if r.status == s and r.grid_id == grid)
                    for s in demand_lists.STATUS_LABELS}


def test_filters_are_checked(demand_context: AppContext) -> None:
    with pytest.raises(ValidationError, match="诉求类型"):
        DemandFilter(kind="公益诉求")
    with pytest.raises(ValidationError, match="状态"):
        DemandFilter(statuses=frozenset({"lost"}))
    with pytest.raises(ValidationError, match="晚于"):
        DemandFilter(received_from=date(2026, 2, 1), received_to=date(2026, 1, 1))
    assert DemandFilter(kind="执法", source="12345热线", text="  占道   经营 ") == DemandFilter(
        kind="enforcement", source="hotline_12345", text="占道 经营")
    with pytest.raises(ValidationError, match="每页行数"):
        list_demands(demand_context.uow(), page_size=0)


def test_saved_filters_round_trip_through_the_settings(demand_context: AppContext) -> None:
    chosen = DemandFilter(statuses=frozenset({"handling", "reported"}), kind="民生诉求",
                          grid_id="g-1", overdue=True, received_from=date(2026, 1, 1),
                          received_to=date(2026, 6, 30), text="漏水")
    save_filter(demand_context, "本周超期", chosen)
    save_filter(demand_context, "信访", DemandFilter(source="信访"))
    reopened = type(demand_context.settings)(demand_context.paths.settings_file)
    demand_context.settings = reopened  # as after a restart
    assert saved_filters(demand_context) == {"本周超期": chosen,
                                             "信访": DemandFilter(source="petition")}
    save_filter(demand_context, "信访", DemandFilter(source="deputies"))  # replaced
    assert saved_filters(demand_context)["信访"].source == "deputies"
    assert delete_filter(demand_context, "信访") and not delete_filter(demand_context, "信访")
    with pytest.raises(ValidationError, match="名称"):
        save_filter(demand_context, "  ", chosen)
    demand_context.settings.set("demand_filters", {"坏的": {"received_from": "昨天"},
                                                   **demand_context.settings.get("demand_filters")})
    assert list(saved_filters(demand_context)) == ["本周超期"]  # the damaged one is skipped
    delete_filter(demand_context, "本周超期")
    delete_filter(demand_context, "坏的")


def test_queries_see_the_unit_of_works_own_changes(demand_context: AppContext) -> None:
    """A list read inside a unit of work that added a demand (not yet committed, not
    even flushed) sees it; once rolled back, nobody does."""
    stamp = NOW + timedelta(minutes=5)
    criteria = criteria_for(DemandFilter(text="未提交的诉求"), NOW, NOW)
    with demand_context.uow() as uow:
        uow.session.add(Demand(
            id=new_id(), number="20261123-9998", kind="livelihood", nature="help",
            source="walk_in", title="未提交的诉求", content="", address="",
            handling_level="street", status="accepted", received_at=stamp,
            created_at=stamp, updated_at=stamp))
        page = uow.demand_queries.page(criteria)
        assert [row[3] for row in page.rows] == ["20261123-9998"]
    with demand_context.uow() as uow:  # rolled back on leaving
        assert uow.demand_queries.page(criteria).rows == []
