"""The batch hot path's helpers do what the slow, obvious code did.

Results built without validation validate to themselves; compiled reason
templates fill as ``fill`` does; scores and ranges in one pass equal ``score``
and ``ranges``; the collector's settings come back after a batch whatever
happens in it; the durable-rules floor runs the engine's own messages. The
byte-identical corpus (``test_hotpath_identity.py``) holds the whole output.
"""

from __future__ import annotations

import gc
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from policyweigh import rete
from policyweigh.evaluation import (
    BATCH_GC_POLICIES,
    BATCH_GC_THRESHOLD,
    CompiledTemplate,
    EvaluationRun,
    PolicyValues,
    batch_gc,
    batch_gc_for,
    fill,
    score_policies,
)
from policyweigh.project import open_project
from policyweigh.results import Contribution, Evaluation, PolicyResult, Reach, Scores, trusted, trusted_row
from policyweigh.rulebook import Rulebook
from policyweigh.scoring import ranges, score, score_and_ranges
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def library_run() -> Iterator[EvaluationRun]:
    """The bundled library scored with its settings (an organisation file, so queue results too)."""
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.chdir(ROOT)
    project = open_project(["policies"])
    yield score_policies(list(project.library.models), rulebook=project.rulebook, settings=project.settings)
    monkeypatch.undo()


# --------------------------------------------------------------------------- results without validation


def test_results_built_without_validation_validate_to_themselves(library_run: EvaluationRun) -> None:
    results = library_run.evaluation.policies
    assert len(results) >= 20 and any(r.queue for r in results)
    for result in results:
        again = PolicyResult.model_validate(result.model_dump())
        assert again == result
        assert again.model_dump_json() == result.model_dump_json()
        for made, checked in zip(result.contributions, again.contributions, strict=True):
            assert made.model_fields_set == checked.model_fields_set
    evaluation = library_run.evaluation
    assert (
        Evaluation.model_validate(evaluation.model_dump()).model_dump_json() == evaluation.model_dump_json()
    )


def test_contributions_hold_their_own_lists_and_dicts(library_run: EvaluationRun) -> None:
    """Validation copied every list and dict; contributions of one firing must not share them."""
    contributions = [c for r in library_run.evaluation.policies for c in r.contributions]
    for name in ("evidence", "facts", "chain", "also"):
        values = [getattr(c, name) for c in contributions]
        assert len({id(v) for v in values}) == len(values), name


def test_trusted_fills_defaults_and_refuses_what_validation_would() -> None:
    reach = trusted(Reach, employees=None, contacts_share=0.5)
    assert reach == Reach(employees=None, contacts_share=0.5)
    assert reach.model_fields_set == {"employees", "contacts_share"}
    result = trusted(
        PolicyResult,
        id="p",
        title="P",
        verdict="neutral",
        scores=Scores(employee=0, customer=0, customer_direct=0, customer_indirect=0, criteria={}),
        contributions=[],
    )
    assert result.not_assessed == [] and result.replaced_by == [] and result.queue is None
    other = trusted(
        PolicyResult, id="q", title="Q", verdict="neutral", scores=result.scores, contributions=[]
    )
    assert other.not_assessed is not result.not_assessed  # a default factory runs for each
    assert result == PolicyResult.model_validate(result.model_dump())
    with pytest.raises(TypeError, match="required field 'title'"):
        trusted(PolicyResult, id="p")
    with pytest.raises(TypeError, match="unknown field"):
        trusted(Reach, employees=1, contacts_share=0.0, colour="red")
    with pytest.raises(TypeError, match="unknown field"):
        trusted(Reach, employees=1, colour="red")
    with pytest.raises(TypeError, match="14 fields, 2 values"):
        trusted_row(Contribution, "X001", "x.y")


def test_trusted_results_stay_frozen() -> None:
    reach = trusted(Reach, employees=3, contacts_share=0.5)
    with pytest.raises(Exception, match="frozen"):
        reach.employees = 4  # type: ignore[misc]
    copied = reach.model_copy(update={"employees": 4})
    assert copied.employees == 4 and reach.employees == 3


# --------------------------------------------------------------------------- compiled templates


def _lookups() -> list[Any]:
    """Lookups that give every kind of value a placeholder can meet, and nothing."""
    values: list[Any] = [None, 5, 5.0, 2.5, True, False, "text", 600, ["a", "b"], {"x": 1}]
    return [lambda key, value=value: value for value in values] + [lambda key: key.upper()]


def test_compiled_templates_fill_as_fill_does(rulebook: Rulebook) -> None:
    templates = {rule.because for rule in rulebook.impact_rules}
    templates |= {rule.because for rule in rulebook.conflict_rules}
    templates |= {"", "no placeholder", "{", "}", "{}", "{policy.__class__}", "{x!r} {x:>9} {x[0]}", "{a}{b}"}
    assert len(templates) > 50
    for template in sorted(templates):
        compiled = CompiledTemplate(template)
        for lookup in _lookups():
            assert compiled.fill(lookup) == fill(template, lookup), template


def test_compiled_templates_fill_real_facts_as_fill_does(library_run: EvaluationRun) -> None:
    book = library_run.rulebook
    seen = 0
    for trace in library_run.traces.values():
        policy = library_run.policies[trace.policy]
        values = PolicyValues(policy)
        for firing in trace.firings:
            rule = book.impact_by_code.get(firing.code)
            if rule is None:
                continue
            lookup = values.lookup(firing.facts[0])
            assert CompiledTemplate(rule.because).fill(lookup) == fill(rule.because, lookup)
            seen += 1
    assert seen > 50


# --------------------------------------------------------------------------- scoring in one pass


def test_scores_and_ranges_in_one_pass_equal_score_and_ranges(library_run: EvaluationRun) -> None:
    book = library_run.rulebook
    for result in library_run.evaluation.policies:
        scores, spans = score_and_ranges(result.contributions, book)
        assert scores.model_dump_json() == score(result.contributions, book).model_dump_json()
        assert spans.model_dump_json() == ranges(result.contributions, book).model_dump_json()


def test_scores_in_one_pass_keep_negative_zero_weights(mini_rulebook: Rulebook) -> None:
    scores, spans = score_and_ranges([], mini_rulebook)
    assert scores.model_dump_json() == score([], mini_rulebook).model_dump_json()
    assert spans == ranges([], mini_rulebook)


# --------------------------------------------------------------------------- the collector in a batch


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as the test found it, whatever the test does to it; nothing frozen during the test.

    A batch loaded through the process pool earlier in the session stays frozen (it lives as long
    as its project): it is unfrozen for the test and frozen again after it.
    """
    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count()
    if frozen:
        gc.unfreeze()
    enabled = gc.isenabled()
    yield
    gc.set_threshold(*threshold)
    if enabled:
        gc.enable()
    if gc.get_freeze_count():
        gc.unfreeze()
    if frozen:
        gc.freeze()


@pytest.mark.usefixtures("collector")
def test_batch_gc_raises_the_threshold_freezes_and_restores() -> None:
    gc.set_threshold(700, 10, 10)
    assert gc.get_freeze_count() == 0
    with batch_gc():
        assert gc.get_threshold() == (BATCH_GC_THRESHOLD, 10, 10)
        assert gc.get_freeze_count() > 0
        assert not gc.isenabled()
        with batch_gc(threshold=10, pause=False):  # re-entrant: the outer context's settings hold
            assert gc.get_threshold() == (BATCH_GC_THRESHOLD, 10, 10)
            assert not gc.isenabled()
        assert gc.get_threshold() == (BATCH_GC_THRESHOLD, 10, 10)
        assert gc.get_freeze_count() > 0
        assert not gc.isenabled()
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_batch_gc_without_pausing_keeps_collecting_less_often() -> None:
    gc.set_threshold(700, 10, 10)
    with batch_gc(threshold=20_000, pause=False):
        assert gc.isenabled()
        assert gc.get_threshold() == (20_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_batch_gc_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    with batch_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()
    gc.enable()


@pytest.mark.usefixtures("collector")
def test_batch_gc_restores_after_an_exception() -> None:
    gc.set_threshold(500, 7, 9)
    with pytest.raises(RuntimeError, match="boom"), batch_gc(), batch_gc():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (500, 7, 9)
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_batch_gc_leaves_a_freeze_it_did_not_make() -> None:
    """A process pool's forked workers run with their parent's objects frozen: that stays so."""
    gc.freeze()
    assert gc.get_freeze_count() > 0
    with batch_gc():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() > 0  # not unfrozen: the freeze was not batch_gc's
    gc.unfreeze()


@pytest.mark.usefixtures("collector")
def test_batch_gc_never_lowers_a_higher_threshold() -> None:
    gc.set_threshold(BATCH_GC_THRESHOLD * 2, 10, 10)
    with batch_gc():
        assert gc.get_threshold()[0] == BATCH_GC_THRESHOLD * 2
    assert gc.get_threshold() == (BATCH_GC_THRESHOLD * 2, 10, 10)


@pytest.mark.usefixtures("collector")
def test_batch_gc_from_threads_restores_once_the_last_leaves() -> None:
    gc.set_threshold(700, 10, 10)
    inside = threading.Barrier(4)
    leave = threading.Event()
    seen: list[tuple[int, int, int]] = []

    def batch() -> None:
        with batch_gc():
            inside.wait(timeout=10)
            leave.wait(timeout=10)
            seen.append(gc.get_threshold())

    threads = [threading.Thread(target=batch) for _ in range(3)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=10)
    assert gc.get_threshold()[0] == BATCH_GC_THRESHOLD
    leave.set()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == [(BATCH_GC_THRESHOLD, 10, 10)] * 3  # each read while all three were inside
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_a_large_batch_runs_under_batch_gc_and_restores(library_run: EvaluationRun) -> None:
    gc.set_threshold(700, 10, 10)
    policies = list(library_run.policies.values())
    copies = [
        p.model_copy(update={"id": f"{p.id}-{i}"}) for i in range(250 // len(policies) + 1) for p in policies
    ]
    seen: list[tuple[int, int, int, bool]] = []
    real = rete.CompiledRulebook.run_impact

    def run_impact(self: rete.CompiledRulebook, facts: Any, **kwargs: Any) -> Any:
        seen.append((*gc.get_threshold(), gc.isenabled()))
        return real(self, facts, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rete.CompiledRulebook, "run_impact", run_impact)
        run = score_policies(copies, rulebook=library_run.rulebook, settings=library_run.settings)
        score_policies(policies[:3], rulebook=library_run.rulebook, settings=library_run.settings)
    assert len(run.evaluation.policies) == len(copies) >= 200
    assert seen == [(BATCH_GC_THRESHOLD, 10, 10, False), (700, 10, 10, True)]  # a small one runs as it is
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


# --------------------------------------------------------------------------- the durable-rules floor


def test_the_floor_runs_the_engines_own_messages(library_run: EvaluationRun) -> None:
    engine = rete.compiled(library_run.rulebook)
    facts = [f for trace in library_run.traces.values() for f in trace.facts]
    batches = engine.idle_batches(facts * 3)  # repeats count once, as in run_impact
    assert sum(len(b) for b in batches) == len(rete.distinct_facts(facts))
    first = batches[0][0]
    assert first[rete.TYPE_KEY] == rete.RULE_FACT and "id" in first and "sid" not in first
    engine.run_idle(batches)
    engine.run_idle(batches)  # registered once; sessions deleted
    again = rete.run_impact(library_run.rulebook, facts)
    assert [f.code for f in again] == [f.code for f in library_run.firings]


def test_durable_floor_measure_reports_both_figures_and_their_ratio() -> None:
    path = Path(ROOT / "benchmarks" / "durable_floor.py")
    spec = importlib.util.spec_from_file_location("durable_floor", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = module.measure(60, repeats=1)
    assert set(figures) == {"batch_per_second", "durable_floor_per_second", "ratio"}
    assert all(value > 0 for value in figures.values())
    assert figures["ratio"] == pytest.approx(
        figures["batch_per_second"] / figures["durable_floor_per_second"]
    )


@pytest.mark.usefixtures("collector")
def test_every_step_over_a_large_run_pauses_the_collector_and_restores_it() -> None:
    gc.enable()
    with batch_gc_for(BATCH_GC_POLICIES - 1):
        assert gc.isenabled()
    with batch_gc_for(BATCH_GC_POLICIES):
        assert not gc.isenabled()
    assert gc.isenabled()
