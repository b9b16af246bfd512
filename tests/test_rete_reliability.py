"""The Rete layer loses no fact, survives threads, and bounds firings by the input; on the real durable-rules.

durable-rules files every message of a session under a 32-bit FNV-1a hash of
its id and drops a second message with the same hash as "already observed". A
fact without an ``id`` gets one from a 64-bit FNV-1a hash of its properties, so
two different facts could share a key. The helpers below reimplement that
hashing from durable's C source (``calculateId`` and ``storeMessage`` in
``state.c``, ``getStringAndHash`` in ``json.c``) to find such facts.

Tests that must show what a first session in a fresh process does (the sid it
runs under is part of the generated id) run their evaluation in a subprocess,
as the CLI does; a crash there fails the test instead of killing pytest.
"""

from __future__ import annotations

import collections
import itertools
import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from policyweigh import rete
from policyweigh.config import Settings
from policyweigh.errors import EvaluationError
from policyweigh.facts import rule_facts
from policyweigh.loading import load_library
from policyweigh.orchestration import evaluate
from policyweigh.policy import Policy
from policyweigh.project import evaluate_paths
from policyweigh.rulebook import Rulebook
from tests.helpers import AHT_CAP, FCR_BONUS, ROOT, make_policy

AHT = {"kind": "call-time-cap", "max_minutes": 5, "enforcement": "bonus-gate"}
# Three ids durable-rules files under one key: fnv1a_32 gives them the same hash.
SAME_KEY = ("zz", "y0utr3vc", "y46udbrd")
# The pair the robustness probe reported: alone each scores -8/-36; together, in a
# fresh process, both scored 0/0 (their generated ids collide under sid "s1").
REPORTED_PAIR = ("p-50651", "p-58528")
# Generous: a safety net against a hang, never a timing assertion.
SUBPROCESS_TIMEOUT = 300

_FNV32_BASIS, _FNV32_PRIME = 0x811C9DC5, 0x01000193
_FNV64_BASIS, _FNV64_PRIME = 0xCBF29CE484222325, 0x100000001B3
_MASK32, _MASK64 = 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF


# --------------------------------------------------------------------------- durable's keys, reimplemented


def fnv1a_32(data: bytes) -> int:
    """``fnv1Hash32`` of durable's ``state.c`` (ASCII input: C ``char`` signedness does not matter)."""
    h = _FNV32_BASIS
    for byte in data:
        h = ((h ^ byte) * _FNV32_PRIME) & _MASK32
    return h


def _fnv1a_64(h: int, data: Iterable[int]) -> int:
    for byte in data:
        h = ((h ^ byte) * _FNV64_PRIME) & _MASK64
    return h


def _raw_value(value: Any) -> bytes:
    """The bytes durable hashes for a value: a string's text between its quotes, else the JSON text."""
    text = json.dumps(value, ensure_ascii=False)
    return (text[1:-1] if isinstance(value, str) else text).encode()


def _properties(message: dict[str, Any]) -> list[tuple[int, bytes, str]]:
    """A message's properties as ``calculateId`` walks them: sorted by the hash of their name."""
    return sorted((fnv1a_32(k.encode()), _raw_value(v), k) for k, v in message.items() if k != "id")


def _key_of_generated_id(h: int) -> int:
    # calculateId writes "$%020llu" but records a length of 20, so the id durable
    # hashes is the "$" and the first 19 digits.
    return fnv1a_32((b"$%020d" % h)[:20])


def generated_key(message: dict[str, Any]) -> int:
    """The key durable files a message without an ``id`` under in a session."""
    h = _FNV64_BASIS
    for name_hash, value, _ in _properties(message):
        h = _fnv1a_64(h, [name_hash])
        h = _fnv1a_64(h, value)
    return _key_of_generated_id(h)


def old_message(policy: Policy, sid: str) -> dict[str, Any]:
    """A policy's first fact as the Rete layer asserted it before it set ids."""
    return {**rule_facts(policy)[0], "$type": "r", "sid": sid}


def colliding_values(
    message: dict[str, Any], key: str, candidates: Iterable[str], pairs: int
) -> list[tuple[str, str]]:
    """The first ``pairs`` pairs of ``candidates`` that, as the string ``message[key]``, give the
    message the same generated key.

    Only that property changes between candidates, so the hash of the
    properties before it is computed once.
    """
    properties = _properties({**message, key: ""})
    at = [name for _, _, name in properties].index(key)
    head = _FNV64_BASIS
    for name_hash, value, _ in properties[:at]:
        head = _fnv1a_64(_fnv1a_64(head, [name_hash]), value)
    head = _fnv1a_64(head, [properties[at][0]])
    tail = [byte for name_hash, value, _ in properties[at + 1 :] for byte in (name_hash, *value)]
    seen: dict[int, str] = {}
    found: list[tuple[str, str]] = []
    for candidate in candidates:
        generated = _key_of_generated_id(_fnv1a_64(_fnv1a_64(head, _raw_value(candidate)), tail))
        other = seen.setdefault(generated, candidate)
        if other != candidate:
            found.append((other, candidate))
            if len(found) == pairs:
                break
    return found


def one_rule_policy(policy_id: str) -> Policy:
    return Policy.model_validate({"id": policy_id, "title": "P", "rules": [{"kind": "knowledge-base"}]})


def write_policies(folder: Path, ids: Iterable[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for policy_id in ids:
        (folder / f"{policy_id}.yaml").write_text(
            f"id: {policy_id}\ntitle: P\nrules: [{{kind: knowledge-base}}]\n", encoding="utf-8"
        )
    return folder


def scores(paths: list[Path]) -> dict[str, tuple[int, int]]:
    run = evaluate_paths(paths)
    return {p.id: (p.scores.employee, p.scores.customer) for p in run.evaluation.policies}


def scores_in_fresh_process(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Scores from the library API in a new process, whose first session runs under sid "s1"."""
    script = textwrap.dedent(
        """
        import json, sys
        from policyweigh.project import evaluate_paths
        run = evaluate_paths(sys.argv[1:])
        print(json.dumps({p.id: [p.scores.employee, p.scores.customer] for p in run.evaluation.policies}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {k: (v[0], v[1]) for k, v in json.loads(done.stdout).items()}


# --------------------------------------------------------------------------- no fact lost


def test_the_reimplemented_hashes_are_durables() -> None:
    """durable-rules itself refuses the second of two messages the helpers say share a key."""
    message = {"$type": "r", "sid": "s1", "name": ""}
    [(one, two)] = colliding_values(message, "name", (f"n{i}" for i in range(400_000)), pairs=1)
    script = textwrap.dedent(
        """
        import json, sys
        from durable import engine

        host = engine.Host()
        host.set_rulesets({"probe": {"r": {"all": [{"m": {"$type": "r"}}], "run": lambda c: None}}})
        for sid, messages in json.loads(sys.argv[1]):
            try:
                host.assert_facts("probe", messages)
                print(sid, "kept")
            except engine.MessageObservedException:
                print(sid, "refused")
        """
    )
    batches = [
        ["s1", [{**message, "name": one}, {**message, "name": two}]],
        ["s2", [{**message, "sid": "s2", "name": one}, {**message, "sid": "s2", "name": two}]],
    ]
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(batches)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The sid is one of the hashed properties: under another sid the two keys differ.
    assert done.stdout.split("\n")[:2] == ["s1 refused", "s2 kept"]
    one_key, two_key = (generated_key({**message, "sid": "s2", "name": n}) for n in (one, two))
    assert one_key != two_key
    assert len({fnv1a_32(mid.encode()) for mid in SAME_KEY}) == 1
    assert len({rete.message_hash(mid) for mid in SAME_KEY}) == 1


def test_reported_colliding_pair_scores_together_as_alone(tmp_path: Path) -> None:
    """Regression: p-50651 and p-58528 together both scored 0/0 (durable dropped one of their facts)."""
    folder = write_policies(tmp_path / "pair", REPORTED_PAIR)
    alone = {pid: scores([folder / f"{pid}.yaml"])[pid] for pid in REPORTED_PAIR}
    assert (0, 0) not in alone.values()
    assert scores_in_fresh_process([folder]) == alone


def test_new_colliding_policy_ids_score_as_alone(tmp_path: Path) -> None:
    """Ids whose generated keys collide, found afresh, score as they do alone."""
    template = one_rule_policy("kb-000000")
    # About one pair in every 93,000 ids; the bound keeps the search to a second or two.
    candidates = (f"kb-{n:06d}" for n in range(400_000))
    pairs = colliding_values(old_message(template, "s1"), "policy", candidates, pairs=2)
    assert len(pairs) == 2, "no two colliding pairs in 400,000 ids: has the fact layout changed?"
    ids = [pid for pair in pairs for pid in pair]
    for a, b in pairs:
        assert generated_key(old_message(one_rule_policy(a), "s1")) == generated_key(
            old_message(one_rule_policy(b), "s1")
        )
    folder = write_policies(tmp_path / "colliding", ids)
    alone = scores([folder / f"{ids[0]}.yaml"])[ids[0]]
    assert alone != (0, 0)
    assert scores_in_fresh_process([folder]) == dict.fromkeys(ids, alone)


def test_library_plus_colliding_pair_keeps_every_score(tmp_path: Path) -> None:
    """Regression: with the pair added, 30 of the 32 bundled policies dropped to 0/0."""
    folder = write_policies(tmp_path / "pair", REPORTED_PAIR)
    expected = {**scores([ROOT / "policies"]), **scores([folder])}
    assert scores_in_fresh_process([ROOT / "policies", folder]) == expected


def test_duplicate_team_keeps_the_contradiction(rulebook: Rulebook) -> None:
    """Regression: a team listed twice put one fact twice in a join session; durable refused the
    repeat as already observed and every conflict of the session was lost."""
    cap = make_policy(AHT_CAP, id="cap", scope={"teams": ["support", "support"]})
    fcr = make_policy(FCR_BONUS, id="fcr", scope={"teams": ["support"]})
    run = evaluate([cap, fcr], rulebook=rulebook, settings=Settings(), remedies=False)
    assert [c.code for c in run.evaluation.conflicts if c.code.startswith("CON")] == ["CON001"]


def test_identical_facts_count_once(mini_rulebook: Rulebook) -> None:
    facts = rule_facts(make_policy(AHT))
    assert rete.run_impact(mini_rulebook, facts + [dict(f) for f in facts]) == rete.run_impact(
        mini_rulebook, facts
    )


def _rigged_pool(salt: str, first: Iterable[str]) -> rete._IdPool:
    """An id pool whose first ids are ``first``, whatever their hashes."""
    pool = rete._IdPool(salt)
    pool.grow(64)
    for i, mid in enumerate(first):
        pool.ids[i] = mid
    pool.position = {rete.message_hash(mid): i for i, mid in enumerate(pool.ids)}
    return pool


def test_a_fact_durable_refuses_is_run_again_with_salted_ids(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two ids with one key: the real engine refuses the second fact, and the session runs again.
    expected = rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT, AHT)))
    rigged = _rigged_pool("t", SAME_KEY[1:])
    attempts: list[int] = []
    real_pool = rete._id_pool

    def pool(attempt: int) -> rete._IdPool:
        attempts.append(attempt)
        return rigged if attempt == 0 else real_pool(attempt)

    monkeypatch.setattr(rete, "_id_pool", pool)
    assert rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT, AHT))) == expected
    assert attempts == [0, 1]


def test_a_session_that_keeps_losing_facts_stops_with_an_error(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools = {attempt: _rigged_pool(f"t{attempt}", SAME_KEY[1:]) for attempt in range(rete.ATTEMPTS)}
    monkeypatch.setattr(rete, "_id_pool", pools.__getitem__)
    with pytest.raises(EvaluationError, match=r"lost facts in a session of 2 facts, 2 times") as err:
        rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT, AHT)))
    assert "smaller groups" in str(err.value)


def test_a_derived_fact_durable_refuses_reruns_the_session(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One rule fact, then its derived facts: the first derived fact shares the rule fact's key.
    expected = rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)))
    rigged = _rigged_pool("t", SAME_KEY[1:])
    real_pool = rete._id_pool
    attempts: list[int] = []

    def pool(attempt: int) -> rete._IdPool:
        attempts.append(attempt)
        return rigged if attempt == 0 else real_pool(attempt)

    monkeypatch.setattr(rete, "_id_pool", pool)
    assert rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT))) == expected
    assert attempts == [0, 1]


def test_pool_ids_never_share_a_key_nor_take_durables_own() -> None:
    pool = rete._IdPool("")
    pool.grow(20_000)
    keys = [rete.message_hash(mid) for mid in pool.ids]
    assert len(set(keys)) == len(keys) == 20_000
    assert rete.message_hash("$pulse") not in keys


def test_an_id_that_shadows_the_state_fact_is_skipped(mini_rulebook: Rulebook, tmp_path: Path) -> None:
    """Regression: a fact filed under the key of the session's state fact ``sid-<sid>`` left the
    session without a state; durable then read freed memory in get_state and
    start_action_for_state (segfault). Here every run of the session is handed such an id first."""
    script = textwrap.dedent(
        f"""
        import itertools
        from policyweigh import rete
        from policyweigh.facts import rule_facts
        from policyweigh.rulebook import load_rulebook
        from tests.helpers import make_policy
        from tests.test_rete_reliability import _rigged_pool

        book = load_rulebook({str(ROOT / "tests" / "data" / "rulebooks" / "mini")!r})
        rete.compiled(book)
        rete._SIDS = itertools.count(1000)
        pools = {{a: _rigged_pool(f"t{{a}}", [f"sid-s{{1000 + a}}"]) for a in range(rete.ATTEMPTS)}}
        rete._id_pool = pools.__getitem__
        fact = {{"kind": "call-time-cap", "max_minutes": 5, "enforcement": "bonus-gate"}}
        print([f.code for f in rete.run_impact(book, rule_facts(make_policy(fact)))])
        print(next(rete._SIDS))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-3000:]
    codes, next_sid = done.stdout.split("\n")[:2]
    assert codes == "['CTC002', 'DRV001', 'DRV002']"
    assert next_sid == "1001", "the session had to run again: the shadowing id was not skipped"


_UNPARSABLE = {
    "infinite": "{**cap, 'max_minutes': float('inf')}",
    "wide": "{**cap, **{f'topics.has.t{i}': True for i in range(300)}}",
}


@pytest.mark.parametrize("first", sorted(_UNPARSABLE))
def test_a_first_fact_durable_cannot_parse_does_not_crash(first: str) -> None:
    """Regression (the segfault in start_action_for_state): durable cannot parse a number JSON
    cannot hold (Infinity) nor a fact of more than 255 keys; when the first fact of a batch
    was such a fact, the assert returned an unset state offset and the next call crashed."""
    script = textwrap.dedent(
        f"""
        from policyweigh import rete
        from policyweigh.errors import EvaluationError
        from policyweigh.rulebook import load_rulebook

        book = load_rulebook({str(ROOT / "tests" / "data" / "rulebooks" / "mini")!r})
        cap = {{"kind": "call-time-cap", "max_minutes": 5, "enforcement": "bonus-gate",
                "scope.customer_facing": True, "policy": "a", "rule_index": 0}}
        facts = [{_UNPARSABLE[first]}, {{**cap, "policy": "b"}}]
        try:
            print(sorted((f.code, f.facts[0]["policy"]) for f in rete.run_impact(book, facts)))
        except EvaluationError as err:
            print(err)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, cwd=ROOT
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-3000:]}"
    if first == "infinite":
        assert done.stdout.strip() == (
            "policy 'a', rule 0: max_minutes is inf, which the Rete engine cannot take; give it a finite value"
        )
    else:  # durable is given only the keys rules test
        fired = [(code, policy) for policy in "ab" for code in ("CTC002", "DRV001", "DRV002")]
        assert done.stdout.strip() == str(sorted(fired))


# Numbers Python writes with an exponent and no decimal point, and a number on the same side
# of every constant of the rulebook that it writes with one.
_EXPONENTS = {
    1e-05: 1.5e-05,
    2e-07: 2.5e-07,
    5e-324: 1.5e-323,
    -5e-324: -1.5e-323,
    1e16: 1.5e16,
    3e20: 3.5e20,
}


def test_numbers_written_with_a_bare_exponent_fire_like_their_neighbours() -> None:
    """Regression (a segfault in start_action_for_state): durable cannot parse ``1e-05`` (an
    exponent without a decimal point); as the first fact of a batch it crashed the process, as a
    later one it silently ended the batch there."""
    script = textwrap.dedent(
        f"""
        from policyweigh import rete
        from policyweigh.rulebook import load_rulebook

        book = load_rulebook()
        for value, twin in {_EXPONENTS!r}.items():
            fired = []
            for number in (value, twin):
                # cap_ratio is the measure the cap rules read: the same number, as rule_facts sets it.
                cap = {{"kind": "call-time-cap", "max_minutes": number, "cap_ratio": number,
                        "enforcement": "bonus-gate", "scope.customer_facing": True, "policy": "a",
                        "rule_index": 0}}
                other = {{**cap, "policy": "b", "max_minutes": 5, "cap_ratio": 0.8333}}
                for facts in ([cap, other], [other, cap]):
                    firings = rete.run_impact(book, facts)
                    fired.append(sorted((f.code, f.facts[0]["policy"]) for f in firings))
                    assert {{f.facts[0]["max_minutes"] for f in firings if f.code.startswith("CTC")
                            and f.facts[0]["policy"] == "a"}} <= {{number}}
            print(value, fired[0] == fired[1] == fired[2] == fired[3], len(fired[0]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, cwd=ROOT
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-3000:]}"
    lines = [line.split() for line in done.stdout.splitlines()]
    assert [(value, same) for value, same, _ in lines] == [(repr(v), "True") for v in _EXPONENTS]
    assert all(int(count) >= 3 for _, _, count in lines)  # policy b's chain at least


def test_a_batch_durable_cuts_short_is_caught_by_the_count(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # durable stops reading a batch at a fact it cannot parse, without an error; the
    # facts after it are lost. Let an infinite number through to see the count catch it.
    monkeypatch.setattr(
        rete, "_message", lambda fact, keys, numbers: {k: v for k, v in fact.items() if k in keys}
    )
    cap = rule_facts(make_policy(AHT, id="a"))[0]
    facts = [cap, {**cap, "policy": "b", "max_minutes": float("inf")}, {**cap, "policy": "c"}]
    with pytest.raises(EvaluationError, match=r"lost facts in a session of 3 facts.*3 of 5 facts held"):
        rete.run_impact(mini_rulebook, facts)


def test_a_stalled_action_does_not_stop_the_session(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """durable gave up on a session's remaining actions, silently, once one action had taken 10 s
    by the wall clock; here every reading of its clock is 11 s after the last."""
    clock = itertools.count(start=0, step=11)
    monkeypatch.setattr(rete.durable_engine, "_unix_now", lambda: float(next(clock)))
    firings = rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)))
    assert [f.code for f in firings] == ["CTC002", "DRV001", "DRV002"]


# --------------------------------------------------------------------------- threads


def test_the_host_starts_no_timer_threads() -> None:
    before = set(threading.enumerate())
    rete._QuietHost()
    assert set(threading.enumerate()) == before


def test_sessions_run_one_at_a_time(mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second thread's session waits until the first thread's session has ended.

    The first session, in its first action, starts the second thread and gives it a
    second to run its whole session; with sessions serialised it cannot, and it runs after.
    """
    order: list[str] = []
    main = threading.current_thread()
    other = threading.Thread(
        target=lambda: (
            rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT, id="b"))),
            order.append("b"),
        )
    )
    real = rete._original

    def original(session: Any, message: Any) -> Any:
        if threading.current_thread() is main and not order:
            order.append("a's action")
            other.start()
            other.join(timeout=1)
        return real(session, message)

    monkeypatch.setattr(rete, "_original", original)
    firings = rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT, id="a")))
    order.append("a")
    other.join(timeout=SUBPROCESS_TIMEOUT)
    assert order == ["a's action", "a", "b"]
    assert [f.code for f in firings] == ["CTC002", "DRV001", "DRV002"]


def test_eight_threads_get_the_single_thread_result() -> None:
    """Regression: the library API from 2 or 8 threads aborted the process ("double free",
    "free(): invalid pointer", segfaults in delete_state). The failure depended on how the
    threads' sessions interleaved: about one run in three of this test crashed."""
    script = textwrap.dedent(
        """
        import sys, threading
        from policyweigh.project import open_project

        project = open_project(["policies"])
        # Switch threads as often as possible, so their durable-rules calls interleave,
        # from the first session on (a ruleset's first sessions are the fragile ones).
        sys.setswitchinterval(1e-6)
        results = []

        def work():
            for _ in range(2):
                results.append(project.evaluate().evaluation.model_dump_json())

        for count in (2, 8):
            threads = [threading.Thread(target=work) for _ in range(count)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        sys.setswitchinterval(0.005)
        expected = project.evaluate().evaluation.model_dump_json()
        print(len(results), sum(r == expected for r in results))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, cwd=ROOT
    )
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-3000:]}"
    assert done.stdout.split() == ["20", "20"]


# --------------------------------------------------------------------------- limits


def test_5000_policies_sharing_a_team_find_every_conflict(rulebook: Rulebook) -> None:
    """Regression: a fixed bound of 100,000 firings per session stopped conflict detection
    (exit 2, no findings) once one team's policies formed more pairs than that.

    5,000 policies of one team: 500 pay-linked handle-time caps for team leads, 201
    first-contact-resolution bonuses and 10 handle-time caps for agents, and 4,289
    handle-time guidelines that meet no conflict rule. One join session pairs
    511 caps with 201 targets (102,711 firings); only the agents' pairs clash.
    """
    calls = {p.id: p for p in load_library([ROOT / "policies" / "calls"]).models}
    cap, fcr = calls["aht-cap-5-minutes-bonus-gate"], calls["fcr-target-tied-to-bonus"]
    leads = cap.scope.model_copy(update={"roles": ["team-lead"]})
    guideline = [cap.rules[0].model_copy(update={"enforcement": "guideline"})]
    policies = [
        *(cap.model_copy(update={"id": f"a-lead-cap-{i:04d}", "scope": leads}) for i in range(500)),
        *(fcr.model_copy(update={"id": f"b-fcr-{i:04d}"}) for i in range(201)),
        *(cap.model_copy(update={"id": f"c-agent-cap-{i:04d}"}) for i in range(10)),
        *(cap.model_copy(update={"id": f"d-guideline-{i:04d}", "rules": guideline}) for i in range(4_289)),
    ]
    assert len(policies) == 5_000
    assert {team for p in policies for team in p.scope.teams} == {"customer-service"}
    run = evaluate(policies, rulebook=rulebook, settings=Settings(), remedies=False)
    joins = [c for c in run.evaluation.conflicts if c.kind in ("contradiction", "incentive")]
    assert collections.Counter(c.code for c in joins) == {"CON001": 10 * 201}
    assert {frozenset(c.policies) for c in joins} == {
        frozenset((f"c-agent-cap-{i:04d}", f"b-fcr-{j:04d}")) for i in range(10) for j in range(201)
    }


def test_the_impact_bound_is_the_most_the_facts_can_fire(
    mini_rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = rete.compiled(mini_rulebook)
    on_rules = sum(1 for r in mini_rulebook.impact_rules if not r.on_derived)
    on_derived = len(mini_rulebook.impact_rules) - on_rules
    assert book.impact_bound(7, 3) == 7 * on_rules + 3 * on_derived
    limits: list[int] = []
    real_session = book._session

    def session(ruleset: str, facts: Any, limit: int, overflow: Any) -> Any:
        limits.append(limit)
        return real_session(ruleset, facts, limit, overflow)

    monkeypatch.setattr(book, "_session", session)
    policies = [make_policy(AHT, AHT, id="a"), make_policy(AHT, id="b")]
    rete.run_impact(mini_rulebook, [f for p in policies for f in rule_facts(p)])
    assert limits == [3 * on_rules + 2 * on_derived]
    # A runaway, the engine firing more than the facts can: shrink the bound to see it stop.
    monkeypatch.setattr(book, "_on_rules", 0)
    with pytest.raises(EvaluationError) as err:
        rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)))
    message = str(err.value)
    assert "derivation stopped after 2 rule firings (last: DRV002 on policy 'p')" in message
    assert (
        f"the most that 1 rule fact of 1 policy can fire (0 rules on policy rules per fact, {on_derived} rules"
        in message
    )
    assert "policyweigh rules" in message


def test_the_join_bound_is_the_pairs_the_facts_can_form(
    rulebook: Rulebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = rete.compiled(rulebook)
    assert book.join_bound([2, 0, 1], [3, 5, 1]) == 2 * 3 + 1 * 1
    caps = [f for i in range(3) for f in rule_facts(make_policy(AHT_CAP, id=f"cap{i}"))]
    targets = [f for i in range(4) for f in rule_facts(make_policy(FCR_BONUS, id=f"fcr{i}"))]
    limits: list[int] = []
    real_session = book._session

    def session(ruleset: str, facts: Any, limit: int, overflow: Any) -> Any:
        limits.append(limit)
        return real_session(ruleset, facts, limit, overflow)

    monkeypatch.setattr(book, "_session", session)
    assert len(rete.run_joins(rulebook, caps + targets)) == 3 * 4
    pairs = sum(
        sum(rete.when_holds(r.a, f) for f in caps + targets)
        * sum(rete.when_holds(r.b, f) for f in caps + targets)
        for r in rulebook.conflict_rules
    )
    assert limits == [pairs]
    # A runaway, the engine firing more pairs than the facts form: shrink the bound to see it stop.
    monkeypatch.setattr(book, "join_bound", lambda count_a, count_b: 5)
    with pytest.raises(EvaluationError) as err:
        rete.run_joins(rulebook, caps + targets)
    message = str(err.value)
    assert "conflict detection stopped after 5 rule firings (last: CON001 on policy 'cap" in message
    assert (
        f"the number of pairs 7 facts can form under {len(rulebook.conflict_rules)} conflict rules" in message
    )


def test_a_given_firing_limit_says_it_was_given(mini_rulebook: Rulebook, rulebook: Rulebook) -> None:
    with pytest.raises(EvaluationError, match=r"stopped after 2 rule firings .*limit set by the caller"):
        rete.run_impact(mini_rulebook, rule_facts(make_policy(AHT)), max_firings=2)
    facts = [f for i in range(2) for f in rule_facts(make_policy(AHT_CAP, FCR_BONUS, id=f"p{i}"))]
    with pytest.raises(EvaluationError, match=r"conflict detection stopped after 1 rule firings .*limit set"):
        rete.run_joins(rulebook, facts, max_firings=1)


def test_durable_sessions_raise_no_deprecation_warning(mini_rulebook: Rulebook) -> None:
    """Regression: on Python 3.12+ every durable action context warned (utcfromtimestamp)."""
    import datetime
    import warnings

    from durable import engine as durable_engine

    assert durable_engine._unix_now is rete._unix_now
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert datetime.datetime.utcfromtimestamp(0) == rete._EPOCH
    policy = make_policy(AHT_CAP)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert rete.run_impact(mini_rulebook, rule_facts(policy))
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
