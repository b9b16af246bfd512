Feature: A judgement leadership can act on
  A score is the effect of a policy on each person in scope, graded by how much the policy
  asks: how long a break ban lasts, how short a handle-time cap is. The reach says how many
  people and customer contacts it touches; the range says how far the evidence behind the
  score can be trusted. A side that moves less than the margin of 5 points is neutral, never
  a gain or a cost, and a policy that breaks the law is unlawful whatever its scores. A rule
  that no impact rule recognises is listed as not assessed, never passed off as neutral.

  @legal
  Scenario: A break ban that breaks the Working Hours Act is unlawful, whatever it does for the phones
    Given the policy "breaks/core-hours-break-ban-berlin"
    When it is evaluated
    Then the verdict is "unlawful"
    And a guardrail conflict cites "Arbeitszeitgesetz (ArbZG), section 4"
    And the conflict's severity is "error"

  @legal
  Scenario: A 9.5-hour day in Germany with a 15-minute lunch is unlawful, however good the staggering
    Given the policy "breaks/lunch-break-hamburg"
    When its scope shift_hours is changed to 9.5
    And its min_minutes is changed to 15
    Then the verdict is "unlawful"
    And conflict "GRD021" is found

  Scenario: A six-and-a-half-hour break ban costs staff far more than a two-hour one
    Given the policies "breaks/core-hours-break-ban-berlin" and "breaks/pie-van-lunch-ban"
    When they are evaluated
    Then the verdict of "breaks/core-hours-break-ban-berlin" is "unlawful"
    And the verdict of "breaks/pie-van-lunch-ban" is "customer-at-employee-cost"
    And the employee impact of "breaks/core-hours-break-ban-berlin" is below that of "breaks/pie-van-lunch-ban"
    And the employee impact is at most -60
    And the employee range is within -100 and -40

  Scenario: A break ban touches the customer contacts of its window, not all of them
    # On the team's own queue the ban moves lunch out of 10:00-12:00 to its edges: the contacts
    # of the window and of the hours lunch moves to change, the rest of the day does not.
    Given the policy "breaks/pie-van-lunch-ban"
    When it is evaluated
    Then it touches at most 60% of customer contacts
    And it touches at least 10% of customer contacts
    And the reach is 40 people

  Scenario: Headcount says how many people a policy reaches, not how hard it hits each of them
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When its scope headcount is changed to 850
    Then the reach is 850 people
    And the employee impact is at most -40

  Scenario: Recognition among peers reaches phone customers only through engagement, weakly supported
    # Recognition is an item of the engagement survey itself; engagement went with customer
    # satisfaction between units (correlational), so the customer gain is indirect and its
    # range wide. Nothing in the policy touches a customer contact directly.
    Given the policy "feedback/peer-recognition"
    When it is evaluated
    Then the verdict is "win-win"
    And the direct customer impact is at most 0
    And the indirect customer impact is at least 6
    And the customer range is within 0 and 25

  Scenario: The evidence leaves no doubt that a public reprimand harms staff
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When it is evaluated
    Then the employee range is within -100 and -6
    And the employee impact is not uncertain

  @remedy
  Scenario: A public reprimand harms staff enough to fail the gate, and private coaching is offered for it
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When it is evaluated
    Then conflict "HRM001" is found
    And the conflict's severity is "error"
    And remedy "REM007" is offered
    When remedy "REM007" is applied
    Then conflict "HRM001" is not found
    And the employee impact is above 0

  Scenario: A thirty-second handle-time cap is no win for anyone, even when missing it only means coaching
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When its enforcement is changed to coaching
    And its max_minutes is changed to 0.5
    Then no policy is "win-win"
    And the employee impact is at most 5

  Scenario: The explanation of a bonus line quotes the policy's own line
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When its threshold_pct is changed to 92
    Then the policy's explanation mentions "92%"

  Scenario: A rule no impact rule recognises is listed as not assessed
    Given the policy "tools/standard-workstations"
    When its item is changed to other
    Then rule 1 is not assessed

  Scenario Outline: The seed articles' proposals are judged on every rule they make
    Given the policy "<policy>"
    When it is evaluated
    Then the policy has no unassessed rules

    Examples:
      | policy                                       |
      | breaks/pie-van-lunch-ban                     |
      | calls/aht-cap-5-minutes-bonus-gate           |
      | calls/bonus-at-95-pct-of-call-target         |
      | feedback/public-reprimand-for-missed-targets |
      | staffing/payroll-cut-at-high-occupancy       |
      | conduct/customer-is-always-right             |
      | tools/low-budget-headsets                    |
