"""The Rete layer: the only module that imports durable-rules.

It compiles a rulebook's impact rules (one fact each) and conflict rules (joins
of two facts) into a durable-rules ruleset and runs sessions of facts through
it, returning what fired, in firing order. Everything else in the engine is
engine-neutral, so the Rete layer can be swapped or upgraded here alone.

What was measured about durable-rules 2.0.28 and is applied here:
- one ``Host`` per process (each starts two timer threads), created lazily;
- rulesets named by the rulebook's fingerprint (a name cannot be registered
  twice), definitions passed as copies (``Ruleset`` deletes ``run``);
- one fresh ``sid`` per session, ``delete_state`` afterwards (more than 1,024
  live sids raise MemoryError);
- ``sid`` and ``id`` are reserved fact keys: facts never carry rule data there;
- a fact no rule matches raises MessageNotHandledException: every ruleset has
  a sink rule whose second condition never holds, so every fact is handled and
  a batch assert is never aborted;
- an exception inside an action is stored in the session state, and stops
  later actions: every action body is wrapped, and the first failure is raised
  as ``EvaluationError`` once the assert returns;
- derived facts are asserted from actions (forward chaining), once per policy
  and name (an identical fact raises MessageObservedException, caught on
  purpose); a bound on firings stops a runaway rulebook with a clear error.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from durable import engine as durable_engine

from engine.errors import EvaluationError
from engine.facts import DERIVED_KEY, INDEX_KEY, POLICY_KEY, Fact, member_key
from engine.rulebook import Rulebook
from engine.rulebook.models import Check, ConflictRule, ImpactRule, When, when_holds

# Keys durable-rules reserves on facts.
RESERVED_KEYS = frozenset({"sid", "id"})
# Marks a fact as a policy rule ("r") or a derived fact ("d").
TYPE_KEY = "$type"
RULE_FACT = "r"
DERIVED_FACT = "d"
WARMUP_FACT = "w"
WARMUP_RULE = "$warm-up"

DEFAULT_MAX_FIRINGS = 100_000
# Facts asserted per session (see CompiledRulebook).
SESSION_FACTS = 1_000


class Firing(NamedTuple):
    """One rule firing: the rule's code and the facts it matched (one, or two for a join)."""

    code: str
    facts: tuple[Fact, ...]
    chain: tuple[str, ...] = ()
    """Codes of the rules whose derived facts led to this firing, first to last."""


@dataclass
class _Session:
    firings: list[Firing] = field(default_factory=list)
    chains: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    error: str | None = None
    limit: int = DEFAULT_MAX_FIRINGS


def _clean(fact: Mapping[str, Any]) -> Fact:
    """A fact as the engine asserted it, without durable-rules' bookkeeping keys."""
    return {k: v for k, v in fact.items() if k not in RESERVED_KEYS and k != TYPE_KEY}


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


def _fact_type(when: When) -> str:
    return DERIVED_FACT if DERIVED_KEY in when else RULE_FACT


class _Host:
    """The process-wide durable-rules host and the rulesets registered on it."""

    def __init__(self) -> None:
        self._host: Any = None
        self._registered: set[str] = set()
        self._lock = threading.Lock()
        self.sessions: dict[str, _Session] = {}

    def host(self) -> Any:
        if self._host is None:
            self._host = durable_engine.Host()
        return self._host

    def ensure(self, name: str, definition: Callable[[], dict[str, Any]]) -> None:
        with self._lock:
            if name in self._registered:
                return
            rules = dict(definition())
            rules[WARMUP_RULE] = {"all": [{"m": {TYPE_KEY: WARMUP_FACT}}], "run": lambda c: None}
            host = self.host()
            # Ruleset() deletes `run` from the dict it is given: pass a copy.
            host.set_rulesets({name: copy.copy(rules)})
            # Measured: the host's timer thread dispatches pending actions of any session
            # (Ruleset.dispatch) while assert_facts runs them in this thread; on long join
            # sessions the two collide (firings lost, error 307, segfaults). Actions always
            # run synchronously here, so background dispatch is switched off.
            host.get_ruleset(name).dispatch = lambda: None
            # Measured: if the first session of a ruleset fires no rule, delete_state
            # corrupts the heap (segfault or "free(): invalid pointer"). One session
            # that fires a rule first makes later sessions safe, firing or not.
            host.assert_facts(name, [{TYPE_KEY: WARMUP_FACT, "sid": "warm-up"}])
            host.delete_state(name, "warm-up")
            self._registered.add(name)


_HOST = _Host()
_SIDS = itertools.count(1)


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
        base = f"policyeval-{rulebook.rules_fingerprint}"
        self.impact_name = f"{base}-impact"
        self.join_name = f"{base}-joins"
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

        def action(c: Any) -> None:
            session = _HOST.sessions.get(c.s.sid)
            if session is None or session.error is not None:
                return
            try:
                fact = _clean(c.m._d)
                policy = fact.get(POLICY_KEY, "")
                chain: tuple[str, ...] = ()
                if DERIVED_KEY in fact:
                    chain = session.chains.get((policy, fact[DERIVED_KEY]), ())
                session.firings.append(Firing(code, (fact,), chain))
                if len(session.firings) > session.limit:
                    session.error = (
                        f"derivation stopped after {session.limit} rule firings "
                        f"(last: {code} on policy {policy!r}); the rulebook may derive without end"
                    )
                    return
                for name in derives:
                    key = (policy, name)
                    if key in session.chains:
                        continue  # derived once per policy: the state holds, whoever derives it
                    session.chains[key] = (*chain, code)
                    derived = {k: v for k, v in fact.items() if k.startswith(("scope.", "policy."))}
                    derived.update({TYPE_KEY: DERIVED_FACT, DERIVED_KEY: name, POLICY_KEY: policy})
                    c.assert_fact(derived)
            except Exception as err:  # stored, then raised by run() once the assert returns
                session.error = f"rule {code} failed: {type(err).__name__}: {err}"

        return action

    def _join_action(self, rule: ConflictRule) -> Callable[[Any], None]:
        code = rule.code

        def action(c: Any) -> None:
            session = _HOST.sessions.get(c.s.sid)
            if session is None or session.error is not None:
                return
            try:
                a, b = _clean(c.a._d), _clean(c.b._d)
                if a == b:
                    return  # one fact cannot clash with itself
                session.firings.append(Firing(code, (a, b)))
                if len(session.firings) > session.limit:
                    session.error = f"conflict detection stopped after {session.limit} rule firings"
            except Exception as err:
                session.error = f"rule {code} failed: {type(err).__name__}: {err}"

        return action

    def _session(self, ruleset: str, facts: Sequence[Fact], max_firings: int) -> list[Firing]:
        """Assert ``facts`` in one fresh session of ``ruleset``; return the firings in order."""
        if not facts:
            return []
        sid = f"s{next(_SIDS)}"
        session = _Session(limit=max_firings)
        _HOST.sessions[sid] = session
        host = _HOST.host()
        try:
            batch = []
            for fact in facts:
                clash = RESERVED_KEYS.intersection(fact)
                if clash:
                    raise EvaluationError(f"fact uses reserved key(s) {sorted(clash)}: {fact}")
                batch.append({**fact, TYPE_KEY: RULE_FACT, "sid": sid})
            try:
                host.assert_facts(ruleset, batch)
            except durable_engine.MessageObservedException:
                # Two identical rule facts: assert one by one so the rest still count.
                for one in batch:
                    try:
                        host.assert_fact(ruleset, one)
                    except durable_engine.MessageObservedException:
                        continue
            if session.error is not None:
                raise EvaluationError(session.error)
            stored = host.get_state(ruleset, sid).get("exception")
            if stored:
                raise EvaluationError(f"a rule action failed: {str(stored).splitlines()[0]}")
            return session.firings
        finally:
            del _HOST.sessions[sid]
            with contextlib.suppress(Exception):  # state never created (no fact asserted): nothing to free
                host.delete_state(ruleset, sid)

    def run_impact(self, facts: Sequence[Fact], *, max_firings: int = DEFAULT_MAX_FIRINGS) -> list[Firing]:
        """Run policy-rule facts through the impact rules; firings in order, policy by policy chunk."""
        firings: list[Firing] = []
        for chunk in _chunks_by_policy(facts, SESSION_FACTS):
            firings.extend(self._session(self.impact_name, chunk, max_firings))
        return firings

    def run_joins(self, facts: Sequence[Fact], *, max_firings: int = DEFAULT_MAX_FIRINGS) -> list[Firing]:
        """Run facts through the conflict joins; every matching pair once, in a stable order.

        Only facts that can match one side of some join take part. When they
        exceed one session, every pair of chunks runs in its own session and
        keeps only the pairs that span it, so each pair is found exactly once.
        """
        if not self.rulebook.conflict_rules:
            return []
        sides = [w for rule in self.rulebook.conflict_rules for w in (rule.a, rule.b)]
        relevant = [f for f in facts if any(when_holds(w, f) for w in sides)]
        chunks = list(_chunks_by_policy(relevant, SESSION_FACTS // 2))
        if len(chunks) <= 1:
            return self._session(self.join_name, relevant, max_firings)
        owner = {_fact_id(f): i for i, chunk in enumerate(chunks) for f in chunk}
        firings: list[Firing] = []
        for i, first in enumerate(chunks):
            for j in range(i, len(chunks)):
                found = self._session(self.join_name, [*first, *chunks[j]] if j > i else first, max_firings)
                for firing in found:
                    homes = {owner[_fact_id(f)] for f in firing.facts}
                    if j == i or homes == {i, j}:
                        firings.append(firing)
        return firings


def _fact_id(fact: Fact) -> tuple[Any, Any]:
    return fact.get(POLICY_KEY), fact.get(INDEX_KEY)


def _chunks_by_policy(facts: Sequence[Fact], size: int) -> Iterable[list[Fact]]:
    """Split facts into chunks of at most ``size``, never splitting one policy's facts."""
    chunk: list[Fact] = []
    current = None
    for fact in facts:
        policy = fact.get(POLICY_KEY)
        if len(chunk) >= size and policy != current:
            yield chunk
            chunk = []
        chunk.append(fact)
        current = policy
    if chunk:
        yield chunk


_COMPILED: dict[str, CompiledRulebook] = {}


def compiled(rulebook: Rulebook) -> CompiledRulebook:
    """The compiled form of ``rulebook``, compiled once per process and fingerprint."""
    key = rulebook.rules_fingerprint
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = CompiledRulebook(rulebook)
    return found


def run_impact(
    rulebook: Rulebook, facts: Sequence[Fact], *, max_firings: int = DEFAULT_MAX_FIRINGS
) -> list[Firing]:
    """Run facts through the rulebook's impact rules; return the firings in order."""
    return compiled(rulebook).run_impact(facts, max_firings=max_firings)


def run_joins(
    rulebook: Rulebook, facts: Sequence[Fact], *, max_firings: int = DEFAULT_MAX_FIRINGS
) -> list[Firing]:
    """Run facts through the rulebook's conflict joins; return every matching pair once."""
    return compiled(rulebook).run_joins(facts, max_firings=max_firings)
