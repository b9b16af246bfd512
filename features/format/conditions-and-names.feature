Feature: Bonus lines on several conditions, and metrics of the organisation's own
  HR writes "quarterly bonus only if CSAT >= 90% and attendance >= 98%" as it says it:
  two conditions, each a level with its unit. The engine scores the bonus as one line,
  the share of agents expected to miss the whole of it and the condition that decides who
  is paid, and says how it read each name: csat is customer satisfaction, and attendance
  of at least 98% is absenteeism of at most 2%. A metric the organisation tracks itself,
  idle minutes per shift, is declared in the settings and can be written like any other.

  Scenario: A bonus on CSAT and attendance together is judged as one all-or-nothing line
    Given the policy "pay/quarterly-bonus-csat-and-attendance"
    When it is evaluated
    Then the policy helps customers at staff's cost
    And the evaluation finds "an all-or-nothing bonus on several conditions pays nothing one short on the deciding condition"
    And the evaluation finds "an individual all-or-nothing bonus on several conditions lets chance decide who is paid"
    And the evaluation finds "a bonus with a condition on customer satisfaction or effort pays for what customers feel"
    And the evaluation does not find "an all-or-nothing bonus line pays nothing one case short and invites timing games"
    And the policy's explanation mentions "attendance >= 98 pct (read as absenteeism <= 2 pct)"
    And the policy's explanation mentions "about 75% of agents"

  Scenario: Paid linearly, the same two conditions lose their cliff
    Given the policy "pay/quarterly-bonus-csat-and-attendance"
    When the bonus is paid linearly
    Then the evaluation does not find "an all-or-nothing bonus on several conditions pays nothing one short on the deciding condition"
    And the evaluation does not find "an individual all-or-nothing bonus on several conditions lets chance decide who is paid"
    And the evaluation finds "a bonus with a condition on customer satisfaction or effort pays for what customers feel"
    And staff lose nothing

  Scenario: Dropping the attendance line halves the share of agents who miss the bonus
    Given the policy "pay/quarterly-bonus-csat-and-attendance"
    When the bonus depends on "csat >= 90 pct" alone
    Then the evaluation finds "an individual all-or-nothing bonus on several conditions lets chance decide who is paid"
    And the policy's explanation mentions "about 50% of agents"
    And staff lose less than 36 points

  Scenario: A bonus on one metric and its share of target scores as it always has
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When it is evaluated
    Then the evaluation finds "an all-or-nothing bonus line pays nothing one case short and invites timing games"
    And the evaluation finds "an individual all-or-nothing line lets chance decide who is paid"
    And the evaluation does not find "an all-or-nothing bonus on several conditions pays nothing one short on the deciding condition"
    And the evaluation does not find "an individual all-or-nothing bonus on several conditions lets chance decide who is paid"

  Scenario: Idle minutes per shift, a metric of the organisation's own, tied to discipline
    Given the policy "calls/idle-minutes-per-shift"
    When it is evaluated
    Then the policy is a lose-lose
    And the evaluation finds "a target that decides pay or discipline adds short-term performance pressure"
    And the evaluation finds "discipline for missing a target goes with higher quit and dismissal rates"
    And the policy's explanation mentions "idle_minutes"
    And staff lose
