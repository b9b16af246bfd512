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
    Then the verdict is "customer-at-employee-cost"
    And rule "BON009" fired
    And rule "BON010" fired
    And rule "BON013" fired
    And rule "BON001" did not fire
    And the policy's explanation mentions "attendance >= 98 pct (read as absenteeism <= 2 pct)"
    And the policy's explanation mentions "about 75% of agents"

  Scenario: Paid linearly, the same two conditions lose their cliff
    Given the policy "pay/quarterly-bonus-csat-and-attendance"
    When its payout is changed to linear
    Then rule "BON009" did not fire
    And rule "BON010" did not fire
    And rule "BON013" fired
    And the employee impact is at least 0

  Scenario: Dropping the attendance line halves the share of agents who miss the bonus
    Given the policy "pay/quarterly-bonus-csat-and-attendance"
    When its all is changed to ["csat >= 90 pct"]
    Then rule "BON010" fired
    And the policy's explanation mentions "about 50% of agents"
    And the employee impact is above -36

  Scenario: A bonus on one metric and its share of target scores as it always has
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When it is evaluated
    Then rule "BON001" fired
    And rule "BON002" fired
    And rule "BON009" did not fire
    And rule "BON010" did not fire

  Scenario: Idle minutes per shift, a metric of the organisation's own, tied to discipline
    Given the policy "calls/idle-minutes-per-shift"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "MET001" fired
    And rule "MET013" fired
    And the policy's explanation mentions "idle_minutes"
    And the employee impact is below 0
