"""What a policy does to its teams' queues: the organisation's day without it and with it.

For each team of the organisation file that a policy names in ``scope.teams``,
the team's day today (its shift patterns, its lunch practice) is compared with
the day under the policy (``policyweigh.rota``). Rules that change the day:

- **break-rule**: a lunch rule (``lunch`` or ``any``) replaces today's lunch:
  its length, who decides (fixed / staggered / self-organised), the windows it
  blocks and its bounds on the start; a ``rest`` rule takes its minutes off the
  phones across the shift (``count`` per shift, one every ``every_hours``, or
  one per four hours).
- **staffing**: ``payroll_change_pct`` scales every pattern's people (the
  total rounded half up, spread by largest remainder), and the rule's
  ``service_level_target`` becomes the target both days are measured against;
  a target alone changes no agent and is left to its impact rules.
- **training** (for everyone or the customer-facing): ``hours_per_year`` off the
  phones, spread over the working year, add to shrinkage.
- **leader-floor-time**: the team's leaders' hours a month on the phones, spread
  over the intervals with calls.
- **after-call-work**: a limit below today's typical wrap-up shortens every call.

Overtime (where its hours land is not known) and chat concurrency (a call queue
is modelled, not chats) are left to their impact rules.

The result is a ``QueueImpact`` for reports and JSON, and the ``queue.*`` fact
keys (``queue_facts``) that the rulebook's QUE rules read: the first rule of the
policy that changes the queue carries the whole policy's numbers, and every such
rule carries ``queue.modelled``, which sets aside the rule-of-thumb points that
impact rules declare ``replaced_by_queue``.

The cost of decency (for break and staffing policies): the people a team needs
to meet its target in every interval with the policy as written, against the
people it needs when every shift pattern takes a staggered lunch inside its
well-placed window (``policyweigh.rota.people_needed``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from policyweigh import cache
from policyweigh.formatting import format_minutes, plain
from policyweigh.organisation import Organisation, Team
from policyweigh.policy import (
    AfterCallWork,
    BreakRule,
    LeaderFloorTime,
    Policy,
    Rule,
    Staffing,
    Training,
)
from policyweigh.results import (
    CostOfDecency,
    QueueImpact,
    QueueInterval,
    QueueSegment,
    TeamQueue,
    call_weighted,
)
from policyweigh.rota import Day, Lunch, Plan, Slot, people_needed, run_day, scaled_people, shift_share

MODELLED_KEY = "queue.modelled"
QUEUE_KINDS = ("break-rule", "staffing", "training", "leader-floor-time", "after-call-work")
"""Rule kinds the queue model reads (``changes_queue`` says which of their rules change the day)."""
REST_EVERY_HOURS = 4
"""A rest rule with neither count nor every_hours: one break per four hours (the California rate)."""
TYPICAL_WRAP_SECONDS = 45
"""After-call work today when the rule does not say (the format's own default)."""

QUEUE_KEYS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    MODELLED_KEY: ("bool", ()),
    "queue.teams": ("text", ()),
    "queue.within_seconds": ("number", ()),
    "queue.service_level_before_pct": ("number", ()),
    "queue.service_level_after_pct": ("number", ()),
    "queue.service_level_change_pp": ("number", ()),
    "queue.service_level_drop_pp": ("number", ()),
    "queue.service_level_gain_pp": ("number", ()),
    "queue.asa_before_seconds": ("number", ()),
    "queue.asa_after_seconds": ("number", ()),
    "queue.occupancy_before_pct": ("number", ()),
    "queue.occupancy_after_pct": ("number", ()),
    "queue.occupancy_rise_pp": ("number", ()),
    "queue.occupancy_fall_pp": ("number", ()),
    "queue.missed_before": ("number", ()),
    "queue.missed_after": ("number", ()),
    "queue.worst": ("text", ()),
    "queue.lunch_lost_people": ("number", ()),
    "queue.lunch_misplaced_people": ("number", ()),
    "queue.well_placed_from_hours": ("number", ()),
    "queue.lunch_harm_pct": ("number", ()),
    "queue.well_placed_hours": ("number", ()),
    "queue.bears": ("text", ()),
    "queue.changes": ("text", ()),
    "queue.contacts_share": ("number", ()),
}
"""Keys the queue model adds to a fact (shape and values, for the rulebook's key catalog)."""


def changes_queue(rule: Rule) -> bool:
    """Whether a rule changes the team's day in the queue model."""
    if isinstance(rule, (BreakRule, LeaderFloorTime)):
        return True
    if isinstance(rule, AfterCallWork):
        return rule.max_seconds < (rule.typical_seconds or TYPICAL_WRAP_SECONDS)
    if isinstance(rule, Staffing):
        # A target alone changes no agent: the plan's rule-of-thumb points (a weak target accepts
        # long waits) stay; with a payroll change the day is measured against the policy's target.
        return rule.payroll_change_pct is not None
    if isinstance(rule, Training):
        return rule.hours_per_year > 0 and rule.audience in ("all", "customer-facing")
    return False


def _spans(rule: BreakRule) -> tuple[tuple[int, int], ...]:
    return tuple(part for window in rule.blocked_windows for part in window.parts())


def _mean_hours(team: Team) -> float:
    people = sum(s.people for s in team.shifts)
    if people == 0:
        return sum(s.hours for s in team.shifts) / len(team.shifts)
    return sum(s.hours * s.people for s in team.shifts) / people


def baseline(team: Team) -> Plan:
    """The team's day today: its people, its lunch practice."""
    breaks = team.breaks
    preferred = tuple(breaks.preferred.parts()) if breaks.preferred is not None else ()
    return Plan(
        people=tuple(s.people for s in team.shifts),
        lunch=Lunch(minutes=breaks.lunch_minutes, scheduling=breaks.scheduling, preferred=preferred),
    )


@dataclass(frozen=True)
class _Applied:
    plan: Plan
    changes: list[str]
    breaks: bool
    staffing: bool


def _apply(policy: Policy, team: Team, organisation: Organisation) -> _Applied:
    plan = baseline(team)
    changes: list[str] = []
    breaks = staffing = False
    lunch_set = False
    for rule in policy.rules:
        if not changes_queue(rule):
            continue
        if isinstance(rule, BreakRule):
            breaks = True
            if rule.break_ == "rest":
                per_shift_hours = _mean_hours(team)
                if rule.count is not None:
                    per_hour = rule.count * rule.min_minutes / per_shift_hours
                    how = f"{rule.count} a shift"
                elif rule.every_hours is not None:
                    per_hour = rule.min_minutes / rule.every_hours
                    how = f"one every {plain(rule.every_hours)} hours"
                else:
                    per_hour = rule.min_minutes / REST_EVERY_HOURS
                    how = f"one every {REST_EVERY_HOURS} hours"
                plan = replace(plan, rest_minutes_per_hour=plan.rest_minutes_per_hour + per_hour)
                changes.append(f"{rule.min_minutes}-minute rest breaks, {how}, taken off the phones")
            elif not lunch_set:
                lunch_set = True
                assert plan.lunch is not None
                plan = replace(
                    plan,
                    lunch=Lunch(
                        minutes=rule.min_minutes,
                        scheduling=rule.scheduling,
                        blocked=_spans(rule),
                        preferred=plan.lunch.preferred,
                        earliest_after_hours=rule.earliest_after_hours,
                        latest_after_hours=rule.latest_after_hours,
                    ),
                )
                blocked = ", ".join(f"{w.from_}-{w.to}" for w in rule.blocked_windows)
                changes.append(
                    f"{rule.min_minutes}-minute lunch, {rule.scheduling}"
                    + (f", none in {blocked}" if blocked else "")
                    + f" (today: {team.breaks.lunch_minutes} minutes, {team.breaks.scheduling})"
                )
        elif isinstance(rule, Staffing):
            staffing = True
            if rule.payroll_change_pct is not None:
                people = scaled_people(plan.people, 1 + rule.payroll_change_pct / 100)
                changes.append(
                    f"payroll {plain(rule.payroll_change_pct)}%: {sum(plan.people)} people become {sum(people)}"
                )
                plan = replace(plan, people=people)
            if rule.service_level_target is not None:
                target = rule.service_level_target
                plan = replace(plan, answered_pct=target.answered_pct, within_seconds=target.within_seconds)
                changes.append(
                    f"measured against the policy's target: {plain(target.answered_pct)}% within "
                    f"{target.within_seconds} seconds"
                )
        elif isinstance(rule, Training):
            extra = rule.hours_per_year / (organisation.working_days_per_year * _mean_hours(team)) * 100
            plan = replace(plan, extra_shrinkage_pct=plan.extra_shrinkage_pct + extra)
            changes.append(
                f"{plain(rule.hours_per_year)} training hours a year off the phones: "
                f"{extra:.1f} points more shrinkage"
            )
        elif isinstance(rule, LeaderFloorTime):
            daily = team.leaders * rule.hours_per_month * 12 / organisation.working_days_per_year
            busy_hours = sum(organisation.interval_minutes for d in team.workload if d.calls > 0) / 60
            if busy_hours > 0 and team.leaders:
                extra = daily / busy_hours
                plan = replace(plan, extra_agents=plan.extra_agents + extra)
                changes.append(
                    f"{team.leaders} leaders {plain(rule.hours_per_month)} hours a month on the phones: "
                    f"{extra:.2f} agents more in every interval with calls"
                )
        elif isinstance(rule, AfterCallWork):
            typical = rule.typical_seconds or TYPICAL_WRAP_SECONDS
            cut = typical - rule.max_seconds
            plan = replace(plan, aht_change_seconds=plan.aht_change_seconds - cut)
            changes.append(
                f"after-call work {typical} -> {rule.max_seconds} seconds: every call {cut} seconds shorter"
            )
    return _Applied(plan, changes, breaks, staffing)


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def _span_text(start: int, step: int) -> str:
    return f"{format_minutes(start)}-{format_minutes(start + step)}"


def _worst(before: Day, after: Day, step: int) -> str:
    """The interval the policy moves most, in words."""
    pairs = [(b, a) for b, a in zip(before.slots, after.slots, strict=True) if b.calls > 0]
    if not pairs:
        return "no interval has calls"
    b, a = max(pairs, key=lambda p: (abs(p[1].queue.service_level - p[0].queue.service_level), -p[0].start))
    change = a.queue.service_level - b.queue.service_level
    if abs(change) < 0.005:
        return "no interval's service level moves by a point or more"
    when = _span_text(b.start, step)
    verb = "falls" if change < 0 else "rises"
    agents = (
        f"{a.on_phones} agents on the phones instead of {b.on_phones}"
        if a.on_phones != b.on_phones
        else f"{a.on_phones} agents on the phones, as before"
    )
    away = (
        f"{a.away:.0f} of {a.present:.0f} rostered people on a break"
        if a.away >= 0.5
        else "nobody on a break"
    )
    return f"{when}: service level {verb} from {_pct(b.queue.service_level)} to {_pct(a.queue.service_level)}, with {agents} ({away})"


def _occupancy_of(team: Team, step: int, day: Day, k: int) -> float | None:
    weight = total = 0.0
    for slot in day.slots:
        share = shift_share(team, step, k, slot)
        if share and slot.queue.occupancy is not None and slot.calls > 0:
            weight += share
            total += share * slot.queue.occupancy
    return total / weight if weight else None


def _times(starts: Sequence[int]) -> list[str]:
    return [format_minutes(t) for t in sorted(set(starts))]


def _segments(
    team: Team, step: int, before: Day, after: Day, plan_before: Plan, plan_after: Plan
) -> list[QueueSegment]:
    out: list[QueueSegment] = []
    latest_ok = team.breaks.well_placed.latest_hours
    for k, shift in enumerate(team.shifts):
        lunch_before, lunch_after = before.lunches[k], after.lunches[k]
        lost = bool(lunch_before) and not lunch_after and plan_after.people[k] > 0
        latest = (max(lunch_after) - shift.start_minute) / 60 if lunch_after else None
        latest_before = (max(lunch_before) - shift.start_minute) / 60 if lunch_before else 0.0
        window = (
            shift.start_minute + team.breaks.well_placed.earliest_hours * 60,
            shift.start_minute + latest_ok * 60,
        )

        def misplaced(starts: Sequence[int], window: tuple[float, float] = window) -> int:
            return sum(1 for t in starts if not window[0] <= t <= window[1])

        late = max(0, misplaced(lunch_after) - misplaced(lunch_before))
        occ_b = _occupancy_of(team, step, before, k)
        occ_a = _occupancy_of(team, step, after, k)
        harm = 0.0
        if lost:
            harm += 100
        if latest is not None and latest > max(latest_ok, latest_before):
            harm += 10 * (latest - max(latest_ok, latest_before))
        if occ_b is not None and occ_a is not None and occ_a > occ_b:
            harm += (occ_a - occ_b) * 100
        if late:
            harm += 20 * late / max(1, len(lunch_after))
        people_b, people_a = plan_before.people[k], plan_after.people[k]
        harm = round(harm * max(people_a, people_b) / max(1, team.headcount), 4)
        who = f"{shift.name} ({shift.start}, {plain(shift.hours)} h, {shift.contract}, {people_a} people"
        who += f", was {people_b})" if people_a != people_b else ")"
        parts: list[str] = []
        if lost:
            parts.append("loses its lunch: no allowed start is left in the shift")
        elif lunch_after and _times(lunch_after) != _times(lunch_before):
            times = _times(lunch_after)
            shown = times[0] if len(times) == 1 else f"{times[0]} to {times[-1]}"
            parts.append(
                f"lunch at {shown}"
                + (f", up to {plain(round(latest, 2))} hours into the shift" if latest is not None else "")
                + f" (today {', '.join(_times(lunch_before)) or 'none'})"
            )
            if late:
                placed = team.breaks.well_placed
                parts.append(
                    f"{late} of them outside the well-placed {plain(placed.earliest_hours)} to "
                    f"{plain(placed.latest_hours)} hours"
                )
        if occ_b is not None and occ_a is not None and round(occ_a * 100) != round(occ_b * 100):
            parts.append(f"occupancy {_pct(occ_b)} -> {_pct(occ_a)}")
        out.append(
            QueueSegment(
                team=team.id,
                shift=shift.name,
                start=shift.start,
                hours=shift.hours,
                contract=shift.contract,
                night=shift.is_night,
                people_before=people_b,
                people_after=people_a,
                lunch_before=_times(lunch_before),
                lunch_after=_times(lunch_after),
                lunch_lost=lost,
                misplaced_lunches=late,
                latest_lunch_hours_after=None if latest is None else round(latest, 2),
                occupancy_before=None if occ_b is None else round(occ_b, 4),
                occupancy_after=None if occ_a is None else round(occ_a, 4),
                harm=harm,
                summary=f"{who}: {'; '.join(parts) if parts else 'no change'}",
            )
        )
    # Most harmed first; patterns that carry the same stay in the file's order (the sort is stable).
    return sorted(out, key=lambda segment: -segment.harm)


def decent(team: Team, plan: Plan) -> Plan:
    """``plan`` with every pattern taking a staggered lunch in its well-placed window, nothing blocked."""
    minutes = max(team.breaks.lunch_minutes, plan.lunch.minutes if plan.lunch else 0)
    return replace(plan, lunch=Lunch(minutes=minutes, scheduling="staggered", well_placed_only=True))


def _cost(team: Team, step: int, plan: Plan) -> CostOfDecency:
    written = people_needed(team, step, plan)
    kind = people_needed(team, step, decent(team, plan))
    headcount = sum(plan.people)
    as_written = None if written is None else sum(written)
    decent_total = None if kind is None else sum(kind)
    difference = None if as_written is None or decent_total is None else decent_total - as_written
    payroll = None if difference is None or headcount == 0 else round(difference / headcount * 100, 1)
    money = None
    if difference is not None and team.agent_cost_per_year is not None:
        money = round(difference * team.agent_cost_per_year, 2)
    if decent_total is None:
        summary = "no rota within the search bound meets the target with decent lunches"
    else:
        summary = (
            f"meeting {plain(team.target.answered_pct)}% within {team.target.within_seconds} seconds in every "
            f"interval with every shift taking a staggered, well-placed lunch needs {decent_total} people"
        )
        if as_written is None:
            summary += "; under the policy as written no headcount within the search bound meets it"
            if plan.lunch is not None and plan.lunch.scheduling == "fixed":
                summary += " (a fixed lunch takes a whole shift off the phones at once, however many work it)"
        else:
            summary += f"; the policy as written needs {as_written} for the same target"
            if not difference:
                summary += ", the same"
            else:
                more = difference > 0
                summary += (
                    f", so decent lunches cost {difference} people more"
                    if more
                    else f", so decent lunches need {-difference} people fewer"
                )
                if payroll is not None:
                    summary += f" ({payroll:+g}% of payroll)"
                if money is not None:
                    summary += f", {abs(money):,.0f} {team.currency} a year {'more' if more else 'saved'}"
        summary += f"; the team has {headcount}"
    return CostOfDecency(
        agents_as_written=as_written,
        agents_decent=decent_total,
        headcount=headcount,
        difference=difference,
        payroll_pct=payroll,
        cost_per_year=money,
        currency=team.currency if money is not None else None,
        summary=summary,
    )


def _interval(b: Slot, a: Slot) -> QueueInterval:
    return QueueInterval(
        start=format_minutes(b.start),
        calls=b.calls,
        aht_seconds_before=round(b.aht_seconds, 2),
        aht_seconds_after=round(a.aht_seconds, 2),
        agents_before=b.on_phones,
        agents_after=a.on_phones,
        away_before=b.away,
        away_after=a.away,
        present_before=b.present,
        present_after=a.present,
        service_level_before=round(b.queue.service_level, 4),
        service_level_after=round(a.queue.service_level, 4),
        asa_seconds_before=_round(b.queue.asa_seconds, 2),
        asa_seconds_after=_round(a.queue.asa_seconds, 2),
        occupancy_before=_round(b.queue.occupancy, 4),
        occupancy_after=_round(a.queue.occupancy, 4),
        abandon_before=_round(b.queue.abandon_probability, 4),
        abandon_after=_round(a.queue.abandon_probability, 4),
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def team_queue(policy: Policy, team: Team, organisation: Organisation, *, cost: bool = True) -> TeamQueue:
    """The policy's effect on one team's day; ``cost=False`` leaves out the cost of decency (its searches
    are most of the work, and only reports read it)."""
    step = organisation.interval_minutes
    applied = _apply(policy, team, organisation)
    plan_before = baseline(team)
    if applied.plan.answered_pct is not None:  # measured against the same target on both sides
        plan_before = replace(
            plan_before, answered_pct=applied.plan.answered_pct, within_seconds=applied.plan.within_seconds
        )
    before = run_day(team, step, plan_before)
    after = run_day(team, step, applied.plan)
    decency = _cost(team, step, applied.plan) if cost and (applied.breaks or applied.staffing) else None
    answered, within = after.target
    return TeamQueue(
        team=team.id,
        name=team.name,
        answered_pct=answered,
        within_seconds=within,
        model="erlang-a" if team.patience_seconds is not None else "erlang-c",
        lunch_from_hours=team.breaks.well_placed.earliest_hours,
        lunch_by_hours=team.breaks.well_placed.latest_hours,
        changes=applied.changes,
        intervals=[_interval(b, a) for b, a in zip(before.slots, after.slots, strict=True)],
        service_level_before=round(before.service_level, 4),
        service_level_after=round(after.service_level, 4),
        asa_seconds_before=_round(before.asa_seconds, 2),
        asa_seconds_after=_round(after.asa_seconds, 2),
        occupancy_before=_round(before.occupancy, 4),
        occupancy_after=_round(after.occupancy, 4),
        missed_before=before.missed,
        missed_after=after.missed,
        worst=_worst(before, after, step),
        segments=_segments(team, step, before, after, plan_before, applied.plan),
        cost_of_decency=decency,
    )


def policy_teams(policy: Policy, organisation: Organisation) -> list[Team]:
    """The organisation's teams a policy names, in the policy's order."""
    found = [organisation.team(name) for name in policy.scope.teams]
    return [t for t in found if t is not None]


_MEMO: OrderedDict[tuple[int, str, bool], tuple[Organisation, QueueImpact]] = OrderedDict()
_MEMO_SIZE = 1024
"""Queue impacts already computed in this process, by organisation and policy content: a library is
evaluated again and again (remedies, diffs, reports) while its policies rarely change."""
KEPT = 512
"""Queue impacts kept between runs per organisation (``assess_all``), the newest first."""


def _content(policy: Policy) -> str:
    """What of a policy its queue impact depends on: its scope and rules."""
    return policy.model_dump_json(include={"scope", "rules"})


def _remembered(organisation: Organisation, content: str, cost: bool) -> QueueImpact | None:
    # A result with the cost of decency serves a request without it too.
    for key in ((id(organisation), content, True), (id(organisation), content, cost)):
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is organisation:  # the organisation is held: its id is not reused
            _MEMO.move_to_end(key)
            return hit[1]
    return None


def _remember(organisation: Organisation, content: str, cost: bool, impact: QueueImpact) -> None:
    _MEMO[(id(organisation), content, cost)] = (organisation, impact)
    if len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)


def assess(policy: Policy, organisation: Organisation | None, *, cost: bool = True) -> QueueImpact | None:
    """The policy's effect on its teams' queues; None without an organisation, a team or a rule that
    changes the queue. ``cost=False`` leaves out the cost of decency (the scores never read it)."""
    teams = _teams(policy, organisation)
    if organisation is None or not teams:
        return None
    content = _content(policy)
    return _remembered(organisation, content, cost) or _work_out(policy, teams, organisation, content, cost)


def _teams(policy: Policy, organisation: Organisation | None) -> list[Team]:
    """The organisation's teams whose queue the policy changes (none without a rule that changes one)."""
    if organisation is None or not any(changes_queue(r) for r in policy.rules):
        return []
    return policy_teams(policy, organisation)


def _work_out(
    policy: Policy, teams: Sequence[Team], organisation: Organisation, content: str, cost: bool
) -> QueueImpact:
    queues = [team_queue(policy, team, organisation, cost=cost) for team in teams]
    impact = QueueImpact(
        organisation=organisation.title or "organisation", teams=queues, summary=_summary(queues)
    )
    _remember(organisation, content, cost, impact)
    return impact


def assess_all(
    policies: Sequence[Policy], organisation: Organisation | None, *, cost: bool = True
) -> list[QueueImpact | None]:
    """``assess`` for each policy, with the impacts kept between runs in the user's cache folder.

    A team's day under a policy takes tens of milliseconds to work out and depends only on the
    organisation, the policy's scope and rules, and the code (``policyweigh.cache``): a library
    checked again with few changes reads most of its impacts back. The table of one organisation
    is read once per process and written once per call that worked out anything new.
    """
    if organisation is None:
        return [None] * len(policies)
    table = _table(organisation)
    fresh: dict[tuple[str, bool], QueueImpact] = {}
    out: list[QueueImpact | None] = []
    for policy in policies:
        teams = _teams(policy, organisation)
        if not teams:
            out.append(None)
            continue
        content = _content(policy)
        found = _remembered(organisation, content, cost)
        if found is None:
            found = table.get((content, True)) or table.get((content, cost))
            if found is not None:
                _remember(organisation, content, cost, found)
            else:
                found = fresh[(content, cost)] = _work_out(policy, teams, organisation, content, cost)
        out.append(found)
    if fresh:
        # The newest first, so the oldest are the ones left out past KEPT.
        kept = {**fresh, **{k: v for k, v in table.items() if k not in fresh}}
        table.clear()
        table.update(islice(kept.items(), KEPT))
        cache.store("queues", _table_key(organisation), dict(table))
    return out


_TABLES: dict[int, tuple[Organisation, dict[tuple[str, bool], QueueImpact]]] = {}


def _table_key(organisation: Organisation) -> str:
    return cache.key("queues", [organisation.model_dump_json().encode()])


def _table(organisation: Organisation) -> dict[tuple[str, bool], QueueImpact]:
    """The impacts kept for ``organisation`` between runs (read once per process)."""
    held = _TABLES.get(id(organisation))
    if held is not None and held[0] is organisation:
        return held[1]
    found = cache.load("queues", _table_key(organisation))
    table = found if isinstance(found, dict) else {}
    if len(_TABLES) >= 8:
        _TABLES.clear()  # organisations loaded one after another (tests, a studio): keep few
    _TABLES[id(organisation)] = (organisation, table)
    return table


def _summary(queues: Sequence[TeamQueue]) -> str:
    before = call_weighted(queues, "service_level_before")
    after = call_weighted(queues, "service_level_after")
    names = ", ".join(q.name for q in queues)
    text = f"{names}: the day's service level goes from {_pct(before)} to {_pct(after)}"
    lost = [s for q in queues for s in q.segments if s.lunch_lost]
    if lost:
        text += (
            f"; {sum(s.people_after for s in lost)} people on {len(lost)} shift pattern(s) lose their lunch"
        )
    return text + "."


def queue_facts(impact: QueueImpact) -> dict[str, Any]:
    """The ``queue.*`` keys of a policy's queue impact, for the first rule that changes the queue."""
    queues = impact.teams
    lost = sum(s.people_after for q in queues for s in q.segments if s.lunch_lost)
    late = sum(s.misplaced_lunches for q in queues for s in q.segments)
    people = sum(s.people_after for q in queues for s in q.segments)
    before = call_weighted(queues, "service_level_before") or 0.0
    after = call_weighted(queues, "service_level_after") or 0.0
    change = round((after - before) * 100, 1)
    facts: dict[str, Any] = {
        MODELLED_KEY: True,
        "queue.teams": ", ".join(q.name for q in queues),
        "queue.within_seconds": queues[0].within_seconds,
        "queue.service_level_before_pct": round(before * 100, 1),
        "queue.service_level_after_pct": round(after * 100, 1),
        "queue.service_level_change_pp": change,
        "queue.service_level_drop_pp": max(0.0, -change),
        "queue.service_level_gain_pp": max(0.0, change),
        "queue.missed_before": sum(q.missed_before for q in queues),
        "queue.missed_after": sum(q.missed_after for q in queues),
        "queue.worst": "; ".join(q.worst for q in queues),
        "queue.lunch_lost_people": lost,
        "queue.lunch_misplaced_people": late,
        "queue.lunch_harm_pct": round((lost + late) / people * 100, 1) if people else 0.0,
        "queue.well_placed_hours": min(q.lunch_by_hours for q in queues),
        "queue.well_placed_from_hours": max(q.lunch_from_hours for q in queues),
        "queue.changes": "; ".join(c for q in queues for c in q.changes),
    }
    asa_b, asa_a = call_weighted(queues, "asa_seconds_before"), call_weighted(queues, "asa_seconds_after")
    if asa_b is not None and asa_a is not None:
        facts["queue.asa_before_seconds"] = round(asa_b, 1)
        facts["queue.asa_after_seconds"] = round(asa_a, 1)
    occ_b, occ_a = call_weighted(queues, "occupancy_before"), call_weighted(queues, "occupancy_after")
    if occ_b is not None and occ_a is not None:
        rise = round((occ_a - occ_b) * 100, 1)
        facts["queue.occupancy_before_pct"] = round(occ_b * 100, 1)
        facts["queue.occupancy_after_pct"] = round(occ_a * 100, 1)
        facts["queue.occupancy_rise_pp"] = max(0.0, rise)
        facts["queue.occupancy_fall_pp"] = max(0.0, -rise)
    calls = sum(q.calls for q in queues)
    touched = sum(
        i.calls
        for q in queues
        for i in q.intervals
        if i.agents_before != i.agents_after or abs(i.service_level_after - i.service_level_before) >= 0.005
    )
    facts["queue.contacts_share"] = round(touched / calls, 4) if calls else 0.0
    bearing = sorted((s for q in queues for s in q.segments if s.harm > 0), key=lambda s: -s.harm)[:2]
    facts["queue.bears"] = (
        "; ".join(s.summary for s in bearing) if bearing else "no shift pattern carries a cost"
    )
    return facts


def add_queue_facts(policy: Policy, facts: list[dict[str, Any]], impact: QueueImpact) -> None:
    """Mark every fact of a rule that changes the queue; the first carries the policy's numbers."""
    numbers = queue_facts(impact)
    first = True
    for fact, rule in zip(facts, policy.rules, strict=True):
        if not changes_queue(rule):
            continue
        if first:
            fact.update(numbers)
            first = False
        else:
            fact[MODELLED_KEY] = True
