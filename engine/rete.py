"""The Rete layer: the only module that imports durable-rules.

It compiles a rulebook's impact rules (one fact each) and conflict rules (joins
of two facts) into a durable-rules ruleset and runs sessions of facts through
it, returning what fired, in firing order. Everything else in the engine is
engine-neutral, so the Rete layer can be swapped or upgraded here alone.

Guarantees, and what in durable-rules 2.0.28 (read in its C source and
measured) they answer:

- **No fact is lost.** durable files every message of a session under a
  32-bit FNV-1a hash of its id (``storeMessage`` in ``state.c``) and drops a
  second message with the same hash as "already observed"; a fact without an
  ``id`` gets one from a 64-bit hash of its properties, so two different facts
  can collide (about once in 10^4 sessions of 1,000 facts), and then none of
  the batch's actions run. Every fact therefore carries an explicit ``id``
  from a pool of ids whose hashes are pairwise distinct and distinct from
  durable's own ids in a session: ``$pulse``, and the state fact
  ``sid-<sid>``, which when shadowed leaves the session without a state, so
  that ``get_state`` and ``start_action_for_state`` read freed memory. After
  each session the facts durable holds are counted against the facts
  asserted; on a refused fact or a shortfall the session runs again with
  salted ids, and if that fails too, ``EvaluationError`` is raised: evaluation
  never continues with fewer facts. durable is given only the keys some rule
  tests (it cannot hold more than 255), never a number JSON cannot hold (it
  stops reading the batch there, and when that is the first fact the assert
  returns an unset state offset that crashes ``start_action_for_state``).
  Identical facts count once (they are asserted once).
- **Thread-safe.** durable's C state is shared by every thread, and sessions
  alive at once in one ruleset break it: a state deleted out of order leaves
  the ruleset's state index pointing at freed memory, and a state in a slot
  never used before has an uninitialised action context that ``delete_state``
  frees (threads aborted the process with "double free" or a segfault). One
  process-wide re-entrant lock is held for a whole session (and for host
  creation and ruleset registration), so one session is alive at a time;
  actions run inside it and may assert derived facts without deadlock. The
  host runs no timer threads: durable's would call into live sessions from
  another thread (every 0.2 s they dispatch pending actions and assert a
  ``$pulse`` event into every session, walking that state index), and the
  engine's rules use no timers.
- **Limits grow with the input.** Each session has a firing bound no valid
  input can reach, and a runaway stops at it with an ``EvaluationError`` that
  names the bound: impact rules fire at most once per rule and fact, and
  derived facts are asserted once per policy and name, so the bound is the
  rule facts times the rules on rule facts plus the policies times the rules
  on derived facts; a join fires at most once per pair of facts meeting its
  two sides, so the bound is the sum over conflict rules of the facts meeting
  side ``a`` times those meeting side ``b``.

What else was measured and is applied here:
- one host per process, created lazily; rulesets named by the rulebook's
  fingerprint (a name cannot be registered twice), definitions passed as
  copies (``Ruleset`` deletes ``run``);
- one fresh ``sid`` per session, ``delete_state`` afterwards (more than 1,024
  live sids raise MemoryError);
- ``sid`` and ``id`` are reserved fact keys and set here only; firings
  return the facts as given, not durable's copies;
- a fact no rule matches raises MessageNotHandledException: every ruleset has
  a sink rule whose second condition never holds, so every fact is handled and
  a batch assert is never aborted;
- ``delete_state`` on a state slot that never ran an action frees garbage
  (``createStateNode`` leaves the action context uninitialised): each ruleset
  runs one warm-up session that fires, and with one live session per ruleset
  every later session reuses that slot;
- durable stops running a session's actions, silently, once one action took
  more than 10 s by the wall clock (``Closure._has_completed``): actions here
  are synchronous, so that check is switched off;
- an exception inside an action is stored in the session state, and stops
  later actions: every action body is wrapped, and the first failure is raised
  as ``EvaluationError`` once the assert returns;
- durable's Python action loop cost as much per firing as its C engine (a
  ``Closure``, two clock readings and the state encoded again for every
  action): the engine's rulesets run theirs through ``_lean_flush``, which
  makes the same C calls in the same order. ``CompiledRulebook.run_idle`` runs
  the same rules with do-nothing actions through durable's own loop: the floor
  ``benchmarks/durable_floor.py`` measures a batch against.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import itertools
import json
import math
import threading
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from durable import engine as durable_engine

from policyweigh.errors import EvaluationError
from policyweigh.facts import DERIVED_KEY, INDEX_KEY, POLICY_KEY, Fact, member_key
from policyweigh.rulebook import Rulebook
from policyweigh.rulebook.models import Check, ConflictRule, ImpactRule, When, when_holds

# Keys durable-rules reserves on facts; the Rete layer sets them.
RESERVED_KEYS = frozenset({"sid", "id"})
# Marks a fact as a policy rule ("r") or a derived fact ("d").
TYPE_KEY = "$type"
RULE_FACT = "r"
DERIVED_FACT = "d"
WARMUP_FACT = "w"
WARMUP_RULE = "$warm-up"
_OWN_KEYS = RESERVED_KEYS | {TYPE_KEY}

# Facts asserted per session (see CompiledRulebook).
SESSION_FACTS = 1_000
# Runs of one session: the first, then one with salted ids.
ATTEMPTS = 2

# The process-wide lock around every durable-rules call (see the module docstring).
_LOCK = threading.RLock()

_FNV32_BASIS = 0x811C9DC5
_FNV32_PRIME = 0x01000193
# Ids durable-rules gives messages of its own in a session, besides ``sid-<sid>``.
_DURABLE_IDS = ("$pulse",)


class Firing(NamedTuple):
    """One rule firing: the rule's code and the facts it matched (one, or two for a join)."""

    code: str
    facts: tuple[Fact, ...]
    chain: tuple[str, ...] = ()
    """Codes of the rules whose derived facts led to this firing, first to last."""


def message_hash(mid: str) -> int:
    """durable-rules' key for a message id in a session: 32-bit FNV-1a of its bytes.

    Only ASCII ids are hashed here: C ``char`` is signed on some platforms and
    unsigned on others, which changes the hash of other bytes.
    """
    h = _FNV32_BASIS
    for byte in mid.encode("ascii"):
        h = ((h ^ byte) * _FNV32_PRIME) & 0xFFFFFFFF
    return h


class _IdPool:
    """Message ids whose durable-rules hashes are pairwise distinct and not durable's own.

    Sessions take ids from the front of one pool, so the ids of a session never
    share a hash; the one id whose hash equals the session's state id is skipped
    by the session (see ``_Session.new_id``). Ids are short: they travel with
    every fact and firing.
    """

    def __init__(self, salt: str) -> None:
        self.salt = salt
        self.ids: list[str] = []
        self.position: dict[int, int] = {}
        self._taken = {message_hash(mid) for mid in _DURABLE_IDS}
        self._counter = itertools.count()

    def grow(self, size: int) -> None:
        """Make the pool hold at least ``size`` ids."""
        while len(self.ids) < size:
            mid = f"{self.salt}{next(self._counter):x}"
            h = message_hash(mid)
            if h in self._taken:
                continue  # a hash already taken: this id could shadow another message
            self._taken.add(h)
            self.position[h] = len(self.ids)
            self.ids.append(mid)


_POOLS: dict[int, _IdPool] = {}


def _id_pool(attempt: int) -> _IdPool:
    """The id pool of a session's ``attempt``-th run (0: plain ids, then salted ones)."""
    pool = _POOLS.get(attempt)
    if pool is None:
        pool = _POOLS[attempt] = _IdPool("" if attempt == 0 else f"{attempt}~")
    return pool


@dataclass
class _Session:
    pool: _IdPool
    limit: int
    overflow: Callable[[str, str], str]
    """The message when ``limit`` is passed, given the last rule code and policy."""
    skip: int = -1
    """Position in the pool of the id that shares the hash of the state id ``sid-<sid>``."""
    firings: list[Firing] = field(default_factory=list)
    chains: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    originals: dict[str, Fact] = field(default_factory=dict)
    calls: int = 0
    derived: int = 0
    refused: str | None = None
    error: str | None = None
    _next: int = 0

    def new_id(self, fact: Fact) -> str:
        """A fresh message id for ``fact``, unique in the session by hash."""
        index = self._next
        if index == self.skip:
            index += 1
        self._next = index + 1
        self.pool.grow(index + 1)
        mid = self.pool.ids[index]
        self.originals[mid] = fact
        return mid

    def count(self, code: str, policy: str) -> bool:
        """Count one action call; False (and the error set) once past the limit."""
        self.calls += 1
        if self.calls > self.limit:
            self.error = self.overflow(code, policy)
            return False
        return True


def _compile_test(key: str, test: Any) -> list[dict[str, Any]]:
    """Compile one condition on ``key`` to durable-rules JSON expressions (all must hold)."""
    if not isinstance(test, Check):
        return [{key: test}]
    out: list[dict[str, Any]] = []
    fields = test.model_fields_set
    if "exists" in fields:
        out.append({"$ex" if test.exists else "$nex": {key: 1}})
    if "eq" in fields:
        out.append({key: test.eq})
    if "ne" in fields:
        out.append({"$neq": {key: test.ne}})
    for op, durable_op in (("lt", "$lt"), ("le", "$lte"), ("gt", "$gt"), ("ge", "$gte")):
        if op in fields:
            out.append({durable_op: {key: getattr(test, op)}})
    if test.in_ is not None:
        out.append({"$or": [{key: v} for v in test.in_]})
    if test.not_in is not None:
        out.extend({"$neq": {key: v}} for v in test.not_in)
    if test.contains is not None:
        out.append({member_key(key, test.contains): True})
    if test.not_contains is not None:
        out.append({"$nex": {member_key(key, test.not_contains): 1}})
    return out


def compile_when(when: When, fact_type: str) -> dict[str, Any]:
    """Compile a rulebook condition mapping to one durable-rules expression."""
    terms: list[dict[str, Any]] = [{TYPE_KEY: fact_type}]
    for key in sorted(when):
        terms.extend(_compile_test(key, when[key]))
    return {"$and": terms}


def tested_keys(whens: Iterable[When]) -> frozenset[str]:
    """Every fact key the compiled form of these conditions reads."""
    keys: set[str] = set()
    for when in whens:
        for key, test in when.items():
            keys.add(key)
            if isinstance(test, Check):
                for member in (test.contains, test.not_contains):
                    if member is not None:
                        keys.add(member_key(key, member))
    return frozenset(keys)


def _fact_type(when: When) -> str:
    return DERIVED_FACT if DERIVED_KEY in when else RULE_FACT


class _Closure(durable_engine.Closure):  # type: ignore[misc]
    """durable's action context, without its wall-clock cut-off.

    ``Closure._has_completed`` reports an action that started more than 10 s ago
    (by ``datetime.now()``, so a stalled process or a clock change counts) as
    finished elsewhere, and the session's remaining actions are then never run,
    without an error. Actions here run synchronously inside the assert, so no
    other party can finish them.
    """

    _completed: bool

    def _has_completed(self) -> bool:
        value = self._completed
        self._completed = True
        return value


# durable's action loop builds its contexts by this module-level name.
durable_engine.Closure = _Closure


_EPOCH = datetime.datetime(1970, 1, 1)


def _unix_now() -> float:
    """durable's ``_unix_now`` to the same value, without ``datetime.utcfromtimestamp``.

    durable calls it for every action context; on Python 3.12 and later the
    deprecated call warns each time (hundreds of thousands of warnings in a batch,
    each costing time and, under a warnings recorder, memory).
    ``utcfromtimestamp(0)`` is this naive epoch, so the value is unchanged.
    """
    return (datetime.datetime.now() - _EPOCH).total_seconds()


durable_engine._unix_now = _unix_now


class _Action:
    """What an action is given: the session's id, durable's message, and the ruleset to assert into.

    ``message`` maps each condition's name (``m``; ``a`` and ``b`` for a join)
    to the message durable-rules matched there.
    """

    __slots__ = ("message", "ruleset", "sid")

    def __init__(self, sid: str, message: dict[str, Any], ruleset: Any) -> None:
        self.sid = sid
        self.message = message
        self.ruleset = ruleset


def _lean_flush(
    self: Any, state: dict[str, Any], result_container: dict[str, Any], state_offset: Any, complete: Any
) -> None:
    """durable's ``Ruleset._flush_actions`` for synchronous actions that leave the state alone.

    The same calls into durable's C engine in the same order (run the action,
    ``update_state`` with the session state, ``complete_and_start_action``,
    parse the next action), without what only asynchronous, timed or
    state-changing actions need: a ``Closure``, two wall-clock readings and a
    ``Content`` wrapper per action, and the state encoded again for every
    action although no action changes it. An exception escaping an action is
    stored in the state, as durable does, and read back by ``_attempt``.
    """
    engine = durable_engine.durable_rules_engine
    handle = self._handle
    actions = self._actions
    sid: str = state["sid"]
    state_text = json.dumps(state, ensure_ascii=False)
    while "message" in result_container:
        pending: dict[str, Any] = result_container.pop("message")
        action_name, message = next(iter(pending.items()))
        try:
            actions[action_name]._func(_Action(sid, message, self))
        except BaseException as error:  # durable's Promise.run stores even an interrupt
            state["exception"] = f"exception caught {error}"
            state_text = json.dumps(state, ensure_ascii=False)
        try:
            engine.update_state(handle, state_text)
            following = engine.complete_and_start_action(handle, state_offset)
        except BaseException as error:
            engine.abandon_action(handle, state_offset)
            complete(error, None)
            return
        if following:
            result_container["message"] = json.loads(following)
        else:
            complete(None, state)


class _QuietHost(durable_engine.Host):  # type: ignore[misc]
    """A durable-rules host without its two timer threads.

    ``Host._run`` starts threads that every 0.2 s dispatch pending actions of any
    session (``Ruleset.dispatch``) and assert a ``$pulse`` event into every live
    session (``assert_timers``, which also walks a state index that goes stale
    when states are deleted out of order). Both call into durable's C state from
    outside the lock while a session runs; the engine's rules use no timers and
    run their actions synchronously, so the threads are not started.
    """

    def _run(self) -> None:
        return None


class _Host:
    """The process-wide durable-rules host and the rulesets registered on it."""

    def __init__(self) -> None:
        self._host: Any = None
        self._registered: set[str] = set()
        self.sessions: dict[str, _Session] = {}

    def host(self) -> Any:
        with _LOCK:
            if self._host is None:
                self._host = _QuietHost()
            return self._host

    def ensure(self, name: str, definition: Callable[[], dict[str, Any]], *, lean: bool = True) -> None:
        """Register ruleset ``name`` once, warmed up; ``lean`` runs its actions by ``_lean_flush``.

        Actions of a lean ruleset take an ``_Action``; the others take durable's own ``Closure``.
        """
        with _LOCK:
            if name in self._registered:
                return
            rules = dict(definition())
            rules[WARMUP_RULE] = {"all": [{"m": {TYPE_KEY: WARMUP_FACT}}], "run": lambda c: None}
            host = self.host()
            # Ruleset() deletes `run` from the dict it is given: pass a copy.
            host.set_rulesets({name: copy.copy(rules)})
            if lean:
                ruleset = host.get_ruleset(name)
                ruleset._flush_actions = types.MethodType(_lean_flush, ruleset)
            # createStateNode leaves a state slot's action context uninitialised, and
            # delete_state frees it: a slot whose first session fired nothing corrupts
            # the heap. One session that fires makes the slot safe; with one live
            # session per ruleset (the lock), every later session reuses it.
            host.assert_facts(name, [{TYPE_KEY: WARMUP_FACT, "sid": "warm-up", "id": "warm-up"}])
            host.delete_state(name, "warm-up")
            self._registered.add(name)


_HOST = _Host()
_SIDS = itertools.count(1)


def distinct_facts(facts: Iterable[Fact]) -> list[Fact]:
    """``facts`` without repeats, first occurrence kept: an identical fact counts once."""
    seen: dict[tuple[Any, Any, Any], list[Fact]] = {}
    out: list[Fact] = []
    for fact in facts:
        same = seen.setdefault((fact.get(POLICY_KEY), fact.get(INDEX_KEY), fact.get(DERIVED_KEY)), [])
        if any(other is fact or other == fact for other in same):
            continue
        same.append(fact)
        out.append(fact)
    return out


class JoinSides:
    """Which sides of the conflict rules each fact meets, tested once per fact.

    Detection joins a fact in every scope group it belongs to (a policy of
    every team is in all of them); the conditions are tested on its first
    join and remembered for the others. Only the rules whose side can match the
    fact's kind are tested. Facts are remembered by identity, and held, so an
    identity is never reused while this record lives: make one per detection.
    """

    def __init__(self, rules: Sequence[ConflictRule]) -> None:
        self.rules = tuple(rules)
        self._seen: dict[int, tuple[Fact, tuple[int, ...], tuple[int, ...]]] = {}
        self._by_kind: dict[tuple[bool, Any], tuple[tuple[int, ...], tuple[int, ...]]] = {}

    def _candidates(self, fact: Fact) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Indexes of the rules whose side ``a`` (and ``b``) can match a fact of the fact's kind."""
        key = ("kind" in fact, fact.get("kind"))
        found = self._by_kind.get(key)
        if found is None:
            probe = {"kind": key[1]} if key[0] else {}
            # A side's own kind condition must hold for the side to hold.
            found = self._by_kind[key] = (
                tuple(i for i, r in enumerate(self.rules) if _kind_may_hold(r.a, probe)),
                tuple(i for i, r in enumerate(self.rules) if _kind_may_hold(r.b, probe)),
            )
        return found

    def of(self, fact: Fact) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Indexes of the conflict rules whose side ``a``, and side ``b``, the fact meets."""
        hit = self._seen.get(id(fact))
        if hit is not None:
            return hit[1], hit[2]
        maybe_a, maybe_b = self._candidates(fact)
        rules = self.rules
        a = tuple(i for i in maybe_a if when_holds(rules[i].a, fact))
        b = tuple(i for i in maybe_b if when_holds(rules[i].b, fact))
        self._seen[id(fact)] = (fact, a, b)
        return a, b

    def meets_any(self, fact: Fact) -> bool:
        """Whether the fact meets a side of some conflict rule (only those can take part in a join)."""
        a, b = self.of(fact)
        return bool(a or b)


def _kind_may_hold(when: When, probe: Fact) -> bool:
    """Whether a side's ``kind`` condition (if it has one) holds for a fact of the probe's kind."""
    return "kind" not in when or when_holds({"kind": when["kind"]}, probe)


class CompiledRulebook:
    """A rulebook compiled to two durable-rules rulesets: impact rules, and conflict joins.

    Sessions are kept small (``SESSION_FACTS`` asserted facts): measured on
    durable-rules 2.0.28, a session of about 10,000 facts silently stops firing
    rules (and past that can crash the process), so facts are run in chunks.
    Impact rules only see one policy's facts, so chunking by policy is exact;
    joins pair chunks (see ``run_joins``).
    """

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        base = f"policyweigh-{rulebook.rules_fingerprint}"
        self.impact_name = f"{base}-impact"
        self.join_name = f"{base}-joins"
        impact = rulebook.impact_rules
        self._on_rules = sum(1 for rule in impact if not rule.on_derived)
        self._on_derived = len(impact) - self._on_rules
        self._impact_keys = tested_keys(rule.when for rule in impact)
        sides = [w for rule in rulebook.conflict_rules for w in (rule.a, rule.b)]
        # Joins also compare the policies of their two facts (``across``).
        self._join_keys = tested_keys(sides) | {POLICY_KEY}
        self._numbers = _numbers([*(rule.when for rule in impact), *sides])
        with _LOCK:
            _HOST.ensure(self.impact_name, self._impact_definition)
            if rulebook.conflict_rules:
                _HOST.ensure(self.join_name, self._join_definition)

    @staticmethod
    def _sink() -> dict[str, Any]:
        # Every fact must be handled by some rule, or a batch assert is aborted;
        # this rule's second condition never holds, so it never fires.
        return {"all": [{"x": {"$ex": {TYPE_KEY: 1}}}, {"y": {"$ex": {"$never": 1}}}], "run": lambda c: None}

    def _impact_definition(self) -> dict[str, Any]:
        rules: dict[str, Any] = {"$sink": self._sink()}
        for rule in self.rulebook.impact_rules:
            expression = compile_when(rule.when, _fact_type(rule.when))
            rules[rule.code] = {"all": [{"m": expression}], "run": self._impact_action(rule)}
        return rules

    def _join_definition(self) -> dict[str, Any]:
        rules: dict[str, Any] = {"$sink": self._sink()}
        for conflict in self.rulebook.conflict_rules:
            b_terms = compile_when(conflict.b, _fact_type(conflict.b))
            if conflict.across == "same-policy":
                b_terms["$and"].append({POLICY_KEY: {"a": POLICY_KEY}})
            elif conflict.across == "other-policies":
                b_terms["$and"].append({"$neq": {POLICY_KEY: {"a": POLICY_KEY}}})
            rules[conflict.code] = {
                "all": [{"a": compile_when(conflict.a, _fact_type(conflict.a))}, {"b": b_terms}],
                "run": self._join_action(conflict),
            }
        return rules

    def _impact_action(self, rule: ImpactRule) -> Callable[[Any], None]:
        code = rule.code
        derives = tuple(rule.derive)
        keys = self._impact_keys

        def action(c: _Action) -> None:
            session = _HOST.sessions.get(c.sid)
            if session is None or session.error is not None:
                return
            try:
                fact = _original(session, c.message["m"])
                policy = fact.get(POLICY_KEY, "")
                if not session.count(code, policy):
                    return
                chain: tuple[str, ...] = ()
                if DERIVED_KEY in fact:
                    chain = session.chains.get((policy, fact[DERIVED_KEY]), ())
                session.firings.append(Firing(code, (fact,), chain))
                for name in derives:
                    key = (policy, name)
                    if key in session.chains:
                        continue  # derived once per policy: the state holds, whoever derives it
                    session.chains[key] = (*chain, code)
                    derived = {k: v for k, v in fact.items() if k.startswith(("scope.", "policy."))}
                    derived.update({DERIVED_KEY: name, POLICY_KEY: policy})
                    message = _message(derived, keys, self._numbers)
                    message.update({TYPE_KEY: DERIVED_FACT, "sid": c.sid, "id": session.new_id(derived)})
                    c.ruleset.assert_fact(message)
                    session.derived += 1
            except durable_engine.MessageObservedException:
                # Refused as a duplicate although its id is unique: the session is rerun.
                session.refused = f"a fact derived by {code} was refused as already observed"
            except Exception as err:  # stored, then raised by run() once the assert returns
                session.error = f"rule {code} failed: {type(err).__name__}: {err}"

        return action

    def _join_action(self, rule: ConflictRule) -> Callable[[Any], None]:
        code = rule.code

        def action(c: _Action) -> None:
            session = _HOST.sessions.get(c.sid)
            if session is None or session.error is not None:
                return
            try:
                message = c.message
                a, b = _original(session, message["a"]), _original(session, message["b"])
                if not session.count(code, a.get(POLICY_KEY, "")):
                    return
                if a is b:
                    return  # one fact cannot clash with itself
                session.firings.append(Firing(code, (a, b)))
            except Exception as err:
                session.error = f"rule {code} failed: {type(err).__name__}: {err}"

        return action

    def _session(
        self, ruleset: str, facts: Sequence[Fact], limit: int, overflow: Callable[[str, str], str]
    ) -> list[Firing]:
        """Assert ``facts`` (distinct) in one fresh session of ``ruleset``; return the firings in order.

        A run in which durable-rules refuses a fact, or ends up holding fewer
        facts than were asserted, is discarded and run again with salted ids.
        """
        if not facts:
            return []
        keys = self._impact_keys if ruleset == self.impact_name else self._join_keys
        messages = [_message(fact, keys, self._numbers) for fact in facts]
        problems: list[str] = []
        with _LOCK:
            for attempt in range(ATTEMPTS):
                firings, problem = self._attempt(ruleset, facts, messages, attempt, limit, overflow)
                if firings is not None:
                    return firings
                problems.append(problem)
        raise EvaluationError(
            f"the Rete engine lost facts in a session of {len(facts)} facts, "
            f"{ATTEMPTS} times with different ids ({'; '.join(problems)}); evaluation stopped "
            "rather than score without them. Evaluate the policies in smaller groups, and report "
            "this with the policies evaluated"
        )

    def _attempt(
        self,
        ruleset: str,
        facts: Sequence[Fact],
        messages: Sequence[dict[str, Any]],
        attempt: int,
        limit: int,
        overflow: Callable[[str, str], str],
    ) -> tuple[list[Firing] | None, str]:
        """One run of a session: its firings, or None and what went wrong."""
        sid = f"s{next(_SIDS)}"
        pool = _id_pool(attempt)
        pool.grow(len(facts) + 1)
        session = _Session(pool=pool, limit=limit, overflow=overflow)
        session.skip = pool.position.get(message_hash(f"sid-{sid}"), -1)
        _HOST.sessions[sid] = session
        host = _HOST.host()
        try:
            batch = [
                {**message, TYPE_KEY: RULE_FACT, "sid": sid, "id": session.new_id(fact)}
                for fact, message in zip(facts, messages, strict=True)
            ]
            try:
                host.assert_facts(ruleset, batch)
            except (
                durable_engine.MessageObservedException,
                durable_engine.MessageNotHandledException,
            ) as err:
                # The batch's actions were never run, and the state may lack its state
                # fact (get_state would read freed memory): discard this run.
                return None, f"a fact was refused ({type(err).__name__})"
            if session.error is not None:
                raise EvaluationError(session.error)
            if session.refused is not None:
                return None, session.refused
            held = _facts_held(host, ruleset, sid)
            expected = len(batch) + session.derived
            if held != expected:
                return None, f"{held} of {expected} facts held"
            stored = host.get_state(ruleset, sid).get("exception")
            if stored:
                raise EvaluationError(f"a rule action failed: {str(stored).splitlines()[0]}")
            return session.firings, ""
        finally:
            del _HOST.sessions[sid]
            with contextlib.suppress(Exception):  # state never created (no fact asserted): nothing to free
                host.delete_state(ruleset, sid)

    def _impact_overflow(
        self, limit: int, facts: int, policies: int, given: bool
    ) -> Callable[[str, str], str]:
        def message(code: str, policy: str) -> str:
            head = f"derivation stopped after {limit:,} rule firings (last: {code} on policy {policy!r})"
            if given:
                return f"{head}: the limit set by the caller (max_firings); raise it, or leave it unset"
            return (
                f"{head}, the most that {_count(facts, 'rule fact')} of {_count(policies, 'policy')} "
                f"can fire ({_count(self._on_rules, 'rule')} on policy rules per fact, "
                f"{_count(self._on_derived, 'rule')} on derived facts per policy): the rulebook derives "
                "without end or the Rete engine repeated firings. Check the rulebook's derive chains "
                "(`policyweigh rules`), and report it with the policies evaluated if the rulebook is the "
                "shipped one"
            )

        return message

    def run_impact(self, facts: Sequence[Fact], *, max_firings: int | None = None) -> list[Firing]:
        """Run policy-rule facts through the impact rules; firings in order, policy by policy chunk.

        Identical facts count once. ``max_firings`` bounds the firings of each
        session; by default the bound is the most that session's facts can fire.
        """
        firings: list[Firing] = []
        for chunk in _chunks_by_policy(distinct_facts(facts), SESSION_FACTS):
            policies = len({f.get(POLICY_KEY) for f in chunk})
            given = max_firings is not None
            limit = max_firings if max_firings is not None else self.impact_bound(len(chunk), policies)
            overflow = self._impact_overflow(limit, len(chunk), policies, given)
            firings.extend(self._session(self.impact_name, chunk, limit, overflow))
        return firings

    def idle_batches(self, facts: Sequence[Fact]) -> list[list[dict[str, Any]]]:
        """The messages ``run_impact`` would assert for ``facts``, session by session, without a ``sid``.

        With ``run_idle`` this measures durable-rules alone on the engine's own
        work: the floor any evaluation through it can approach (``benchmarks/durable_floor.py``).
        """
        pool = _id_pool(0)
        batches: list[list[dict[str, Any]]] = []
        for chunk in _chunks_by_policy(distinct_facts(facts), SESSION_FACTS):
            pool.grow(len(chunk))
            batches.append(
                [
                    {**_message(fact, self._impact_keys, self._numbers), TYPE_KEY: RULE_FACT, "id": mid}
                    for fact, mid in zip(chunk, pool.ids, strict=False)
                ]
            )
        return batches

    def run_idle(self, batches: Sequence[Sequence[dict[str, Any]]]) -> None:
        """Assert ``idle_batches`` into the impact rules compiled with do-nothing actions, one session each.

        The same conditions as ``run_impact``'s, run by durable-rules' own action
        loop; nothing is recorded and nothing derived, so only rules on policy
        rules fire.
        """
        name = f"{self.impact_name}-idle"
        with _LOCK:
            _HOST.ensure(name, self._idle_definition, lean=False)
            host = _HOST.host()
            pool = _id_pool(0)
            for batch in batches:
                sid = f"s{next(_SIDS)}"
                while pool.position.get(message_hash(f"sid-{sid}"), len(batch)) < len(batch):
                    sid = f"s{next(_SIDS)}"  # its state id would share a hash with a fact's id
                host.assert_facts(name, [{**message, "sid": sid} for message in batch])
                host.delete_state(name, sid)

    def _idle_definition(self) -> dict[str, Any]:
        rules: dict[str, Any] = {"$sink": self._sink()}
        for rule in self.rulebook.impact_rules:
            expression = compile_when(rule.when, _fact_type(rule.when))
            rules[rule.code] = {"all": [{"m": expression}], "run": lambda c: None}
        return rules

    def impact_bound(self, facts: int, policies: int) -> int:
        """The most firings ``facts`` rule facts of ``policies`` policies can cause.

        Each impact rule fires at most once per fact, and each policy derives
        each name at most once, so each rule on derived facts fires at most once
        per policy.
        """
        return facts * self._on_rules + policies * self._on_derived

    def run_joins(
        self, facts: Sequence[Fact], *, max_firings: int | None = None, sides: JoinSides | None = None
    ) -> list[Firing]:
        """Run facts through the conflict joins; every matching pair once, in a stable order.

        Only facts that meet one side of some join take part. When they exceed
        one session, every pair of chunks that can form a pair runs in its own
        session and keeps only the pairs that span it, so each pair is found
        exactly once. ``max_firings`` bounds the firings of each session; by
        default the bound is the number of pairs its facts can form. ``sides``
        remembers what each fact meets across calls (a fact joined in several
        scope groups is tested once); by default it is worked out here.
        """
        rules = self.rulebook.conflict_rules
        if not rules:
            return []
        tested = sides if sides is not None else JoinSides(rules)
        met: list[tuple[Fact, tuple[int, ...], tuple[int, ...]]] = []
        for fact in distinct_facts(facts):
            a, b = tested.of(fact)
            if a or b:
                met.append((fact, a, b))
        chunks = list(_chunks_by_policy(met, SESSION_FACTS // 2, key=lambda m: m[0].get(POLICY_KEY)))
        counts: list[tuple[list[int], list[int]]] = []
        for chunk in chunks:
            count_a, count_b = [0] * len(rules), [0] * len(rules)
            for _, a, b in chunk:
                for i in a:
                    count_a[i] += 1
                for i in b:
                    count_b[i] += 1
            counts.append((count_a, count_b))
        if len(chunks) == 1:
            return self._join_session([m[0] for m in chunks[0]], counts[0], None, max_firings)
        owner = {_fact_id(m[0]): i for i, chunk in enumerate(chunks) for m in chunk}
        firings: list[Firing] = []
        for i, first in enumerate(chunks):
            for j in range(i, len(chunks)):
                if j > i and not _can_pair(counts[i], counts[j]):
                    continue  # no pair can span these two chunks
                together = [m[0] for m in first] + ([m[0] for m in chunks[j]] if j > i else [])
                found = self._join_session(together, counts[i], counts[j] if j > i else None, max_firings)
                for firing in found:
                    homes = {owner[_fact_id(f)] for f in firing.facts}
                    if j == i or homes == {i, j}:
                        firings.append(firing)
        return firings

    @staticmethod
    def join_bound(count_a: Sequence[int], count_b: Sequence[int]) -> int:
        """The most firings a join session can cause, given per conflict rule the facts meeting each side.

        A join fires at most once per pair of facts meeting its sides ``a`` and
        ``b`` (a fact meeting both pairs with itself once).
        """
        return sum(x * y for x, y in zip(count_a, count_b, strict=True))

    def _join_session(
        self,
        facts: list[Fact],
        first: tuple[list[int], list[int]],
        second: tuple[list[int], list[int]] | None,
        max_firings: int | None,
    ) -> list[Firing]:
        """One join session over ``facts``, whose side counts are ``first`` plus ``second``."""
        count_a, count_b = first
        if second is not None:
            count_a = [x + y for x, y in zip(count_a, second[0], strict=True)]
            count_b = [x + y for x, y in zip(count_b, second[1], strict=True)]
        pairs = self.join_bound(count_a, count_b)
        if pairs == 0:
            return []  # no fact meets the other side of any rule: nothing can fire
        limit = max_firings if max_firings is not None else pairs
        rules = len(self.rulebook.conflict_rules)

        def overflow(code: str, policy: str) -> str:
            if max_firings is not None:
                return (
                    f"conflict detection stopped after {limit:,} rule firings (last: {code}): "
                    "the limit set by the caller (max_firings); raise it, or leave it unset"
                )
            return (
                f"conflict detection stopped after {limit:,} rule firings (last: {code} on policy "
                f"{policy!r}), the number of pairs {_count(len(facts), 'fact')} can form under "
                f"{_count(rules, 'conflict rule')}: the Rete engine repeated firings. Report it with the "
                "policies evaluated"
            )

        return self._session(self.join_name, facts, limit, overflow)


def _count(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless one: ``3 rule facts``, ``1 policy``."""
    if n == 1:
        return f"1 {noun}"
    plural = f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"
    return f"{n:,} {plural}"


def _can_pair(one: tuple[list[int], list[int]], other: tuple[list[int], list[int]]) -> bool:
    """Whether a fact of one chunk and a fact of the other meet the two sides of some rule."""
    return any(a1 * b2 + a2 * b1 for a1, b1, a2, b2 in zip(one[0], one[1], other[0], other[1], strict=True))


def _message(fact: Fact, keys: frozenset[str], numbers: frozenset[float]) -> dict[str, Any]:
    """What durable-rules is given of a fact: the keys some rule tests, in numbers it can read.

    Refuses the keys the Rete layer sets, and numbers JSON cannot hold. durable
    cannot parse ``Infinity`` nor an exponent without a decimal point (Python
    writes ``1e-05``, ``2e-07``, ``1e+16`` so): it stops reading the batch
    there, and when that is the first fact the assert returns an unset state
    offset that crashes the next call, ``start_action_for_state``. Such a
    number is given as its neighbouring float (``1.0000000000000001e-05``),
    which every condition of the rulebook (``numbers`` are its constants)
    compares alike; the firing still holds the fact as given.
    """
    if "id" in fact or "sid" in fact or TYPE_KEY in fact:
        clash = sorted(_OWN_KEYS.intersection(fact))
        raise EvaluationError(f"fact uses reserved key(s) {clash}: {fact}")
    message = {k: v for k, v in fact.items() if k in keys}
    for key, value in message.items():
        if type(value) is float:
            text = repr(value)
            if "e" in text and "." not in text or not math.isfinite(value):
                message[key] = _readable(value, numbers, fact, key)
    return message


def _readable(value: float, numbers: frozenset[float], fact: Fact, key: str) -> float:
    """A float next to ``value`` that durable-rules can parse and no condition tells from it."""
    if math.isfinite(value):
        for direction in (math.inf, -math.inf):
            near = value
            while "." not in repr(near):  # more than one step only among the smallest subnormals
                near = math.nextafter(near, direction)
            if not any(min(value, near) <= c <= max(value, near) for c in numbers):
                return near
    raise EvaluationError(
        f"policy {fact.get(POLICY_KEY)!r}, rule {fact.get(INDEX_KEY)}: {key} is {value}, which the "
        "Rete engine cannot take; give it a finite value"
    )


def _numbers(whens: Iterable[When]) -> frozenset[float]:
    """Every number the conditions compare a fact value with."""
    found: set[float] = set()

    def add(value: Any) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.add(float(value))

    for when in whens:
        for test in when.values():
            if not isinstance(test, Check):
                add(test)
                continue
            for name in ("eq", "ne", "lt", "le", "gt", "ge"):
                add(getattr(test, name))
            for value in (*(test.in_ or ()), *(test.not_in or ())):
                add(value)
    return frozenset(found)


def _facts_held(host: Any, ruleset: str, sid: str) -> int:
    """How many facts durable-rules holds in a session.

    Counted in durable's JSON of the session's facts rather than parsed (a
    tenth of the cost): every fact has one ``id`` key, and ``"id": `` cannot
    occur inside a JSON string, where every quote is escaped.
    """
    handle = host.get_ruleset(ruleset)._handle
    text: str = durable_engine.durable_rules_engine.get_facts(handle, sid)
    return text.count('"id": ')


def _original(session: _Session, message: Mapping[str, Any]) -> Fact:
    """The fact as given to the engine, for the message durable-rules matched."""
    return session.originals[message["id"]]


def _fact_id(fact: Fact) -> tuple[Any, Any]:
    return fact.get(POLICY_KEY), fact.get(INDEX_KEY)


def _chunks_by_policy(
    items: Sequence[Any], size: int, key: Callable[[Any], Any] | None = None
) -> Iterable[list[Any]]:
    """Split items into chunks of at most ``size``, never splitting one policy's items.

    ``key`` gives an item's policy (default: the fact's own ``policy`` key).
    """
    policy_of = key if key is not None else (lambda fact: fact.get(POLICY_KEY))
    chunk: list[Any] = []
    current = None
    for item in items:
        policy = policy_of(item)
        if len(chunk) >= size and policy != current:
            yield chunk
            chunk = []
        chunk.append(item)
        current = policy
    if chunk:
        yield chunk


_COMPILED: dict[str, CompiledRulebook] = {}


def compiled(rulebook: Rulebook) -> CompiledRulebook:
    """The compiled form of ``rulebook``, compiled once per process and fingerprint."""
    key = rulebook.rules_fingerprint
    found = _COMPILED.get(key)
    if found is None:
        with _LOCK:
            found = _COMPILED.get(key)
            if found is None:
                found = _COMPILED[key] = CompiledRulebook(rulebook)
    return found


def run_impact(rulebook: Rulebook, facts: Sequence[Fact], *, max_firings: int | None = None) -> list[Firing]:
    """Run facts through the rulebook's impact rules; return the firings in order."""
    return compiled(rulebook).run_impact(facts, max_firings=max_firings)


def run_joins(
    rulebook: Rulebook,
    facts: Sequence[Fact],
    *,
    max_firings: int | None = None,
    sides: JoinSides | None = None,
) -> list[Firing]:
    """Run facts through the rulebook's conflict joins; return every matching pair once.

    ``sides`` (from ``join_sides``) remembers what each fact meets, for several calls of one detection.
    """
    return compiled(rulebook).run_joins(facts, max_firings=max_firings, sides=sides)


def join_sides(rulebook: Rulebook) -> JoinSides:
    """A record of the join sides facts meet, to pass to every ``run_joins`` of one detection."""
    return JoinSides(rulebook.conflict_rules)
