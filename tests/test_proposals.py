"""Proposals against what is in force: ``replaces`` and ``alternative_to``, through the real engine.

A proposal that replaces an adopted policy is scored as a change against it (scores, criteria,
contributions, conflicts gone and new); the two never hold at once, so they are never in
conflict, and neither are two options of one decision. References are checked against the
library, located, with a suggestion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policyweigh.config import Settings
from policyweigh.errors import InputError
from policyweigh.loading import load_library
from policyweigh.orchestration import check, evaluate
from policyweigh.policy import Policy
from policyweigh.project import evaluate_paths
from policyweigh.proposals import (
    alternative_groups,
    check_references,
    exclusive,
    reference_problems,
)
from policyweigh.render.html import render_html
from policyweigh.render.markdown import render_markdown
from policyweigh.render.text import render_evaluation
from policyweigh.results import PolicyResult
from policyweigh.rulebook import Rulebook
from tests.helpers import AHT_CAP, FCR_BONUS, ROOT, SETTINGS, make_policy, to_string

COACHING = {"kind": "call-time-cap", "max_minutes": 7, "enforcement": "coaching"}
TRAINING = {"kind": "training", "topics": ["communication"], "hours_per_year": 24}
TEAM = {"teams": ["support"]}


def cap(**fields: Any) -> Policy:
    """The adopted five-minute handle-time cap tied to the bonus."""
    return make_policy(AHT_CAP, id="cap", scope=TEAM, **{"status": "adopted", **fields})


def fcr(**fields: Any) -> Policy:
    """A first-contact-resolution target tied to the bonus: with the cap, contradiction CON001."""
    return make_policy(FCR_BONUS, id="fcr", scope=TEAM, **{"status": "adopted", **fields})


def run_of(*policies: Policy, book: Rulebook) -> dict[str, Any]:
    """Results by id and conflicts as (code, sorted policies), from the real engine."""
    run = evaluate(list(policies), rulebook=book, settings=SETTINGS, remedies=False)
    return {
        "results": {r.id: r for r in run.evaluation.policies},
        "conflicts": {(c.code, tuple(sorted(c.policies))) for c in run.evaluation.conflicts},
        "run": run,
    }


def result(found: dict[str, Any], pid: str) -> PolicyResult:
    return found["results"][pid]  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- a change against what it replaces


def test_a_proposal_is_scored_as_a_change_against_the_policy_it_replaces(rulebook: Rulebook) -> None:
    proposal = make_policy(COACHING, id="coaching", status="proposed", scope=TEAM, replaces="cap")
    found = run_of(cap(), fcr(), proposal, book=rulebook)
    old, new = result(found, "cap"), result(found, "coaching")
    change = new.replaces
    assert change is not None
    assert (change.id, change.title, change.verdict) == ("cap", old.title, old.verdict)
    assert (change.employee, change.customer) == (old.scores.employee, old.scores.customer)
    assert change.employee_change == new.scores.employee - old.scores.employee > 0
    assert change.customer_change == new.scores.customer - old.scores.customer > 0
    expected = {
        k: round(new.scores.criteria.get(k, 0) - old.scores.criteria.get(k, 0), 4)
        for k in set(old.scores.criteria) | set(new.scores.criteria)
    }
    assert change.criteria == {k: v for k, v in expected.items() if v}
    assert change.criteria["employee.wellbeing"] > 0
    # The pay-linked cap's rules no longer fire; the coaching guideline's does.
    vanished = {c.rule for c in change.contributions if c.change == "vanished"}
    appeared = {c.rule for c in change.contributions if c.change == "appeared"}
    assert "CTC002" in vanished and "CTC001" in appeared
    # The cap's contradiction with the resolution bonus and its harm go with it; nothing comes in.
    gone = {(c.code, tuple(c.policies)) for c in change.conflicts_gone}
    assert ("CON001", ("cap", "fcr")) in gone
    assert {"HRM001", "HRM002"} <= {c.code for c in change.conflicts_gone}
    assert change.conflicts_new == []
    # The replaced policy says who would replace it; it replaces nothing itself.
    assert old.replaced_by == ["coaching"] and old.replaces is None
    # While it is in force, the cap's conflict is still found.
    assert ("CON001", ("cap", "fcr")) in found["conflicts"]


def test_a_conflict_the_proposal_brings_is_new(rulebook: Rulebook) -> None:
    adopted = make_policy(COACHING, id="coaching", status="adopted", scope=TEAM)
    proposal = make_policy(AHT_CAP, id="cap", status="proposed", scope=TEAM, replaces="coaching")
    change = result(run_of(adopted, proposal, fcr(), book=rulebook), "cap").replaces
    assert change is not None
    assert [(c.code, c.policies) for c in change.conflicts_new if c.code == "CON001"] == [
        ("CON001", ["cap", "fcr"])
    ]
    assert change.conflicts_gone == []
    assert change.employee_change < 0


def test_a_conflict_both_have_with_a_third_policy_is_neither_gone_nor_new(rulebook: Rulebook) -> None:
    # The proposal keeps the cap as its second rule: the conflict with the resolution bonus is the
    # same one, though it is rules[1] of the proposal and rules[0] of the policy replaced.
    proposal = make_policy(TRAINING, AHT_CAP, id="cap-and-training", scope=TEAM, replaces="cap")
    found = run_of(cap(), fcr(), proposal, book=rulebook)
    change = result(found, "cap-and-training").replaces
    assert change is not None
    assert "CON001" not in {c.code for c in change.conflicts_gone}
    assert "CON001" not in {c.code for c in change.conflicts_new}
    assert ("CON001", ("cap-and-training", "fcr")) in found["conflicts"]


def test_a_policy_and_the_one_it_replaces_are_never_in_conflict(rulebook: Rulebook) -> None:
    # The resolution bonus would contradict the cap, but it replaces it: they never hold at once.
    before = run_of(cap(), fcr(status="proposed"), book=rulebook)["conflicts"]
    assert ("CON001", ("cap", "fcr")) in before
    after = run_of(cap(), fcr(status="proposed", replaces="cap"), book=rulebook)["conflicts"]
    assert not any(set(policies) == {"cap", "fcr"} for _, policies in after)


def test_the_gate_does_not_fail_on_a_conflict_between_a_policy_and_its_replacement(
    rulebook: Rulebook,
) -> None:
    policies = [cap(), fcr(status="proposed", replaces="cap")]
    gate = check(policies, rulebook=rulebook, settings=Settings(fail_on="warning"))
    assert not any(f.code == "CON001" for f in gate.findings)
    plain = check([cap(), fcr(status="proposed")], rulebook=rulebook, settings=Settings(fail_on="warning"))
    assert any(f.code == "CON001" for f in plain.findings)


def test_a_proposal_evaluated_without_what_it_replaces_is_compared_with_nothing(rulebook: Rulebook) -> None:
    alone = make_policy(COACHING, id="coaching", scope=TEAM, replaces="cap")
    found = run_of(alone, book=rulebook)
    assert result(found, "coaching").replaces is None


# --------------------------------------------------------------------------- alternatives


def test_alternatives_are_compared_side_by_side_and_never_in_conflict(rulebook: Rulebook) -> None:
    found = run_of(cap(status="proposed"), fcr(status="proposed", alternative_to="cap"), book=rulebook)
    assert not any(set(policies) == {"cap", "fcr"} for _, policies in found["conflicts"])
    first, second = result(found, "cap"), result(found, "fcr")
    assert [(a.id, a.verdict, a.employee, a.customer) for a in first.alternatives] == [
        ("fcr", second.verdict, second.scores.employee, second.scores.customer)
    ]
    assert [a.id for a in second.alternatives] == ["cap"]
    # Each still has its own findings: only the conflict between the two options goes.
    assert ("HRM001", ("cap",)) in found["conflicts"]


def test_options_naming_one_option_form_one_group(rulebook: Rulebook) -> None:
    # b and c both name a, so all three are options of one decision: b and c are not in conflict.
    a = make_policy(COACHING, id="a", status="proposed", scope=TEAM)
    b = make_policy(AHT_CAP, id="b", status="proposed", scope=TEAM, alternative_to="a")
    c = make_policy(FCR_BONUS, id="c", status="proposed", scope=TEAM, alternative_to="a")
    policies = {p.id: p for p in (a, b, c)}
    assert alternative_groups(policies) == [("a", "b", "c")]
    found = run_of(a, b, c, book=rulebook)
    assert not any(len(set(policies_)) > 1 for _, policies_ in found["conflicts"])
    assert [x.id for x in result(found, "b").alternatives] == ["a", "c"]
    unrelated = make_policy(FCR_BONUS, id="d", status="proposed", scope=TEAM)
    assert ("CON001", ("b", "d")) in run_of(a, b, c, unrelated, book=rulebook)["conflicts"]


def test_exclusive_pairs() -> None:
    a = make_policy(AHT_CAP, id="a", status="adopted")
    b = make_policy(FCR_BONUS, id="b", replaces="a")
    c = make_policy(FCR_BONUS, id="c", alternative_to="b")
    d = make_policy(FCR_BONUS, id="d", replaces="missing")
    pairs = exclusive({p.id: p for p in (a, b, c, d)}).pairs
    assert pairs == {frozenset(("a", "b")), frozenset(("b", "c"))}


# --------------------------------------------------------------------------- references


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


POLICY = """\
id: {id}
title: Policy {id}
status: {status}
{extra}rules:
  - kind: call-time-cap
    max_minutes: 7
"""


def library(tmp_path: Path, *entries: tuple[str, str, str]) -> list[str]:
    """Problems of a library of (id, status, extra top-level lines), as printed."""
    for pid, status, extra in entries:
        write(tmp_path, f"{pid}.yaml", POLICY.format(id=pid, status=status, extra=extra))
    return [str(p) for p in reference_problems(load_library([tmp_path]))]


def test_an_unknown_id_is_a_located_error_with_a_suggestion(tmp_path: Path) -> None:
    problems = library(
        tmp_path,
        ("aht-cap", "adopted", ""),
        ("coaching", "proposed", "replaces: aht-capp\n"),
        ("other", "proposed", "alternative_to: cocahing\n"),
    )
    assert problems == [
        f"{tmp_path / 'coaching.yaml'}:4:11: replaces: no policy with id 'aht-capp' in the library "
        "(did you mean 'aht-cap'?)",
        f"{tmp_path / 'other.yaml'}:4:17: alternative_to: no policy with id 'cocahing' in the library "
        "(did you mean 'coaching'?)",
    ]


def test_an_id_not_close_to_any_says_what_to_load(tmp_path: Path) -> None:
    problems = library(tmp_path, ("coaching", "proposed", "replaces: zzz\n"))
    assert problems == [
        f"{tmp_path / 'coaching.yaml'}:4:11: replaces: no policy with id 'zzz' in the library "
        "(the policies loaded together: name its folder or file as well)"
    ]


@pytest.mark.parametrize(
    ("status", "tail"),
    [
        ("proposed", "; for options of which at most one is adopted, write alternative_to: old"),
        ("draft", "; for options of which at most one is adopted, write alternative_to: old"),
        ("retired", " (once the replacement is adopted and the old one retired, drop replaces)"),
    ],
)
def test_a_policy_replaces_only_one_in_force(tmp_path: Path, status: str, tail: str) -> None:
    problems = library(tmp_path, ("old", status, ""), ("new", "proposed", "replaces: old\n"))
    assert problems == [
        f"{tmp_path / 'new.yaml'}:4:11: replaces: 'old' is {status}, not in force: "
        f"a policy replaces an adopted one{tail}"
    ]


def test_check_references_raises_every_problem_and_passes_a_sound_library(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", POLICY.format(id="a", status="adopted", extra=""))
    write(tmp_path, "b.yaml", POLICY.format(id="b", status="proposed", extra="replaces: a\n"))
    sound = load_library([tmp_path])
    assert check_references(sound) is sound
    write(
        tmp_path, "c.yaml", POLICY.format(id="c", status="proposed", extra="replaces: x\nalternative_to: y\n")
    )
    with pytest.raises(InputError) as caught:
        check_references(load_library([tmp_path]))
    assert [(p.path, p.line) for p in caught.value.problems] == [("replaces", 4), ("alternative_to", 5)]


def test_a_policy_cannot_name_itself(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", POLICY.format(id="a", status="proposed", extra="alternative_to: a\n"))
    with pytest.raises(InputError) as caught:
        load_library([tmp_path])
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'a.yaml'}:4:17: alternative_to: alternative_to names this policy itself (a): "
        "name another policy"
    ]


# --------------------------------------------------------------------------- the bundled library


@pytest.fixture(scope="module")
def bundled() -> dict[str, PolicyResult]:
    run = evaluate_paths([ROOT / "policies"])
    return {r.id: r for r in run.evaluation.policies}


def test_the_bundled_library_references_hold() -> None:
    assert reference_problems(load_library([ROOT / "policies"])) == []


def test_the_bundled_proposal_replaces_the_adopted_handle_time_cap(bundled: dict[str, PolicyResult]) -> None:
    change = bundled["aht-as-coaching-guideline"].replaces
    assert change is not None and change.id == "aht-cap-5-minutes-bonus-gate"
    assert bundled["aht-cap-5-minutes-bonus-gate"].replaced_by == ["aht-as-coaching-guideline"]
    assert change.employee_change > 0 and change.customer_change > 0
    assert {"CON001", "HRM001", "HRM002"} <= {c.code for c in change.conflicts_gone}


def test_the_bundled_lunch_options_are_alternatives(bundled: dict[str, PolicyResult]) -> None:
    assert [a.id for a in bundled["pie-van-lunch-ban"].alternatives] == [
        "self-organised-lunch",
        "staggered-lunch",
    ]
    assert [a.id for a in bundled["staggered-lunch"].alternatives] == [
        "pie-van-lunch-ban",
        "self-organised-lunch",
    ]


# --------------------------------------------------------------------------- every format shows it


@pytest.fixture(scope="module")
def shown(rulebook: Rulebook) -> Any:
    proposal = make_policy(COACHING, id="coaching", status="proposed", scope=TEAM, replaces="cap")
    option = make_policy(TRAINING, id="training-option", status="proposed", alternative_to="coaching")
    return evaluate([cap(), fcr(), proposal, option], rulebook=rulebook, settings=SETTINGS)


def test_json_has_the_new_keys(shown: Any) -> None:
    data = json.loads(shown.evaluation.model_dump_json())
    by_id = {p["id"]: p for p in data["policies"]}
    replaces = by_id["coaching"]["replaces"]
    assert {"id", "employee_change", "customer_change", "criteria", "conflicts_gone", "conflicts_new"} <= set(
        replaces
    )
    assert replaces["id"] == "cap"
    assert {"code", "kind", "severity", "policies", "rules", "explanation"} == set(
        replaces["conflicts_gone"][0]
    )
    assert by_id["cap"]["replaced_by"] == ["coaching"]
    assert [a["id"] for a in by_id["coaching"]["alternatives"]] == ["training-option"]
    assert by_id["fcr"]["replaces"] is None and by_id["fcr"]["alternatives"] == []


def test_text_shows_the_change_and_the_options(shown: Any) -> None:
    text = " ".join(to_string(render_evaluation, shown).split())  # as read, whatever the wrapping
    assert "Replaces cap (lose-lose: employee" in text
    assert "Conflicts gone: " in text and "CON001 contradiction with fcr" in text
    assert "Would be replaced by coaching" in text
    assert "Alternatives, of which at most one is adopted" in text and "training-option (" in text


def test_markdown_shows_the_change_and_the_options(shown: Any) -> None:
    text = render_markdown(shown, max_chars=None)
    assert "**Against the policy it replaces.** Replaces cap" in text
    assert "| `employee.wellbeing` | +" in text
    assert "**Alternatives.**" in text and "| `coaching` (this policy)" in text


def test_html_shows_the_change_and_the_options(shown: Any) -> None:
    page = render_html(shown)
    assert '<div class="replaces" data-replaces="cap">' in page
    assert '<tr data-option="training-option">' in page and '<tr data-option="coaching" class="this">' in page
    assert '<dt>Replaced by</dt><dd><a href="#policy-coaching">' in page
