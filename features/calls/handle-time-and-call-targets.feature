@seed
Feature: Handle-time caps and call targets
  Support staff held to a 5-minute average call target tied to their bonus, and an agent
  reprimanded for reaching "only" 95% of his calls (Martin Meller, "The Customer 'does
  not' come first!", 2015). Of 13 call-centre metrics only first-contact resolution and
  abandonment moved caller satisfaction; handle time did not (Feinberg et al. 2000).

  Scenario: A 5-minute handle-time cap that gates the bonus hurts staff and customers
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the employee impact is at most -40
    And the customer impact is at most -40
    And the criterion "customer.resolution" is below 0
    And rule "CTC002" fired
    And the policy's explanation mentions "resolution"
    And conflict "HRM001" is found
    And conflict "HRM002" is found

  Scenario Outline: What the cap does depends on what missing it costs
    # Discussed in coaching, long calls are reviewed for what made them long: staff learn,
    # and customers neither gain nor lose, since handle time did not move their satisfaction.
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When its enforcement is changed to <enforcement>
    Then the verdict is "<verdict>"

    Examples:
      | enforcement  | verdict       |
      | disciplinary | lose-lose     |
      | bonus-gate   | lose-lose     |
      | coaching     | employee-gain |
      | guideline    | neutral       |

  Scenario: A longer cap that still gates the bonus is less harmful but still pressure
    # The cap is judged against the contact type's usual handle time: at 8 minutes it
    # leaves room for most contacts, so the rush to end calls fades out, but pay still
    # rides on it.
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When its max_minutes is changed to 8
    Then rule "CTC003" fired
    And the policy's explanation mentions "8-minute"
    And the employee impact is below -15
    And the employee impact is above -40
    And the customer impact is above -15
    And no harm conflict is found

  Scenario: An all-or-nothing bonus at 95% of the call target, with a public reprimand
    # The reprimand is given at the team's stand-up, out of customers' sight: reprimanded
    # staff pass some of it on and leave, but no phone customer witnesses it.
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "BON001" fired
    And rule "FBK001" fired
    And the criterion "employee.fairness" is below 0
    And rule "DRV005" fired
    And rule "DRV007" did not fire
    And the indirect customer impact is below 0
    And the customer impact is below -50
    And conflict "HRM002" is found

  Scenario: Dropping the public reprimand lifts most of the damage to staff
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When rule 2's style is changed to private-coaching
    Then rule "FBK001" did not fire
    And the employee impact is above -25

  Scenario Outline: Resolution first, with handle time as a coaching topic
    Given the policy "calls/<policy>"
    When it is evaluated
    Then the verdict is "<verdict>"

    Examples:
      | policy                         | verdict                   |
      | aht-as-coaching-guideline      | win-win                   |
      | fcr-target-tied-to-bonus       | customer-at-employee-cost |
      | abandonment-rate-reporting     | neutral                   |
      | aht-cap-5-minutes-bonus-gate   | lose-lose                 |
      | bonus-at-95-pct-of-call-target | lose-lose                 |

  Scenario: Reporting the abandonment rate with no consequence changes nothing
    # Judged, not overlooked: the rule is assessed, and a figure that nobody's pay, review
    # or schedule depends on moves neither side.
    Given the policy "calls/abandonment-rate-reporting"
    When it is evaluated
    Then the verdict is "neutral"
    And the employee impact is exactly 0
    And the customer impact is exactly 0
    And no conflict is found
    And the policy has no unassessed rules
