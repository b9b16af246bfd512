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
    Then the policy is unlawful
    And the policy breaks the law, citing "Arbeitszeitgesetz (ArbZG), section 4"
    And the conflict fails the gate

  @legal
  Scenario: A 9.5-hour day in Germany with a 15-minute lunch is unlawful, however good the staggering
    Given the policy "breaks/lunch-break-hamburg"
    When shifts last 9.5 hours
    And the lunch break lasts 15 minutes
    Then the policy is unlawful
    And the evaluation finds "45 minutes of breaks for over 9 hours"

  Scenario: A six-and-a-half-hour break ban costs staff far more than a two-hour one
    Given the policies "breaks/core-hours-break-ban-berlin" and "breaks/pie-van-lunch-ban"
    When they are evaluated
    Then the policy "breaks/core-hours-break-ban-berlin" is unlawful
    And the policy "breaks/pie-van-lunch-ban" helps customers at staff's cost
    And "breaks/core-hours-break-ban-berlin" is worse for staff than "breaks/pie-van-lunch-ban"
    And staff lose at least 60 points
    And the evidence puts staff between -100 and -40 points

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
    When the policy covers 850 people
    Then the reach is 850 people
    And staff lose at least 40 points

  Scenario: Recognition among peers reaches phone customers only through engagement, weakly supported
    # Recognition is an item of the engagement survey itself; engagement went with customer
    # satisfaction between units (correlational), so the customer gain is indirect and its
    # range wide. Nothing in the policy touches a customer contact directly.
    Given the policy "feedback/peer-recognition"
    When it is evaluated
    Then the policy is a win-win
    And customers directly gain nothing
    And customers through staff gain at least 6 points
    And the evidence puts customers between 0 and 25 points

  Scenario: The evidence leaves no doubt that a public reprimand harms staff
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When it is evaluated
    Then the evidence puts staff between -100 and -6 points
    And the evidence is clear for staff

  @remedy
  Scenario: A public reprimand harms staff enough to fail the gate, and private coaching is offered for it
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When it is evaluated
    Then the harm to staff fails the gate
    And the conflict fails the gate
    And one remedy is to "replace public reprimands with private one-to-one coaching"
    When the public reprimand is replaced by private coaching
    Then the harm to staff does not fail the gate
    And staff gain

  Scenario: A thirty-second handle-time cap is no win for anyone, even when missing it only means coaching
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When missing the cap means coaching
    And the cap is 0.5 minutes
    Then no policy is a win-win
    And staff gain at most 5 points

  Scenario: The explanation of a bonus line quotes the policy's own line
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When the bonus line is at 92% of target
    Then the policy's explanation mentions "92%"

  Scenario: A rule no impact rule recognises is listed as not assessed
    Given the policy "tools/standard-workstations"
    When the equipment is of a kind no rule knows
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
