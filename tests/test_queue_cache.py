"""Queue impacts kept between runs: a hit is the same impact, any change to what it depends on misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyweigh import cache, queue_effects
from policyweigh.loading import load_library
from policyweigh.organisation import load_organisation
from policyweigh.policy import Policy
from tests.helpers import ROOT

LIBRARY = load_library([ROOT / "policies"]).models


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own, the cache switched on, nothing remembered in memory."""
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(where))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    monkeypatch.setattr(queue_effects, "_MEMO", type(queue_effects._MEMO)())
    monkeypatch.setattr(queue_effects, "_TABLES", {})
    return where


def _new_process() -> None:
    """Forget what this process worked out, as a new run of the command would."""
    queue_effects._MEMO.clear()
    queue_effects._TABLES.clear()


def _no_work(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make any queue worked out anew be recorded (by policy id) instead of silently computed."""
    worked: list[str] = []
    real = queue_effects.team_queue

    def team_queue(policy: Policy, *args: object, **kwargs: object) -> object:
        worked.append(policy.id)
        return real(policy, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queue_effects, "team_queue", team_queue)
    return worked


def _dump(impacts: list[object]) -> list[str | None]:
    return [None if i is None else i.model_dump_json() for i in impacts]  # type: ignore[attr-defined]


def test_a_second_run_reads_every_impact_back_unchanged(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    organisation = load_organisation(ROOT / "organisation.yaml")
    first = queue_effects.assess_all(LIBRARY, organisation, cost=False)
    assert sum(i is not None for i in first) >= 10
    assert len(list(folder.glob("queues-*.pickle"))) == 1
    _new_process()
    worked = _no_work(monkeypatch)
    again = queue_effects.assess_all(LIBRARY, load_organisation(ROOT / "organisation.yaml"), cost=False)
    assert worked == []
    assert _dump(again) == _dump(first)


def test_a_changed_policy_alone_is_worked_out_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    organisation = load_organisation(ROOT / "organisation.yaml")
    queue_effects.assess_all(LIBRARY, organisation, cost=False)
    target = next(p for p in LIBRARY if p.id == "pie-van-lunch-ban")
    rule = target.rules[0].model_copy(update={"min_minutes": 45})
    changed = [p if p is not target else p.model_copy(update={"rules": [rule]}) for p in LIBRARY]
    _new_process()
    worked = _no_work(monkeypatch)
    queue_effects.assess_all(changed, organisation, cost=False)
    assert set(worked) == {"pie-van-lunch-ban"}


def test_another_organisation_misses(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    queue_effects.assess_all(LIBRARY, load_organisation(ROOT / "organisation.yaml"), cost=False)
    text = (
        (ROOT / "organisation.yaml")
        .read_text(encoding="utf-8")
        .replace("shrinkage_pct: 12", "shrinkage_pct: 20", 1)
    )
    assert "shrinkage_pct: 20" in text
    other = tmp_path / "organisation.yaml"
    other.write_text(text, encoding="utf-8")
    _new_process()
    worked = _no_work(monkeypatch)
    queue_effects.assess_all(LIBRARY, load_organisation(other), cost=False)
    assert worked


def test_a_corrupt_table_is_ignored_and_replaced(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    organisation = load_organisation(ROOT / "organisation.yaml")
    first = queue_effects.assess_all(LIBRARY, organisation, cost=False)
    (table,) = folder.glob("queues-*.pickle")
    table.write_bytes(table.read_bytes()[:-100])
    _new_process()
    worked = _no_work(monkeypatch)
    again = queue_effects.assess_all(LIBRARY, organisation, cost=False)
    assert worked and _dump(again) == _dump(first)
    _new_process()
    worked.clear()
    queue_effects.assess_all(LIBRARY, organisation, cost=False)
    assert worked == []


def test_the_table_keeps_at_most_its_bound(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_effects, "KEPT", 3)
    organisation = load_organisation(ROOT / "organisation.yaml")
    queue_effects.assess_all(LIBRARY, organisation, cost=False)
    _new_process()
    assert len(queue_effects._table(organisation)) == 3


def test_switched_off_nothing_is_written(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    queue_effects.assess_all(LIBRARY, load_organisation(ROOT / "organisation.yaml"), cost=False)
    assert not folder.exists() or not list(folder.iterdir())
