@seed
Feature: Handle-time caps and call targets
  Support staff held to a 5-minute average call target tied to their bonus, and an agent
  reprimanded for reaching "only" 95% of his calls (Martin Meller, "The Customer 'does
  not' come first!", 2015). Of 13 call-centre metrics only first-contact resolution and
  abandonment moved caller satisfaction; handle time did not (Feinberg et al. 2000).

  Scenario: A 5-minute handle-time cap that gates the bonus hurts staff and customers
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When it is evaluated
    Then the policy is a lose-lose
    And staff lose at least 40 points
    And customers lose at least 40 points
    And the resolution of customers' problems suffers
    And the evaluation finds "a handle-time cap below the usual handle time that costs pay or brings discipline rushes contacts"
    And the policy's explanation mentions "resolution"
    And the harm to staff fails the gate
    And the harm to customers fails the gate

  Scenario Outline: What the cap does depends on what missing it costs
    # Discussed in coaching, long calls are reviewed for what made them long: staff learn,
    # and customers neither gain nor lose, since handle time did not move their satisfaction.
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When missing the cap means <consequence>
    Then the policy <outcome>

    Examples:
      | consequence      | outcome                  |
      | discipline       | is a lose-lose           |
      | losing the bonus | is a lose-lose           |
      | coaching         | is a gain for staff only |
      | nothing          | is neutral               |

  Scenario: A longer cap that still gates the bonus is less harmful but still pressure
    # The cap is judged against the contact type's usual handle time: at 8 minutes it
    # leaves room for most contacts, so the rush to end calls fades out, but pay still
    # rides on it.
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When the cap is 8 minutes
    Then the evaluation finds "pay or discipline riding on handle time adds pressure even when the cap leaves room"
    And the policy's explanation mentions "8-minute"
    And staff lose more than 15 points
    And staff lose less than 40 points
    And customers lose less than 15 points
    And no harm conflict is found

  Scenario: An all-or-nothing bonus at 95% of the call target, with a public reprimand
    # The reprimand is given at the team's stand-up, out of customers' sight: reprimanded
    # staff pass some of it on and leave, but no phone customer witnesses it.
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When it is evaluated
    Then the policy is a lose-lose
    And the evaluation finds "an all-or-nothing bonus line pays nothing one case short and invites timing games"
    And the evaluation finds "reprimanding people in public cuts their effort and quality and is felt by customers"
    And fairness to staff suffers
    And the evaluation finds "staff treated with incivility take some of it out on the customers they serve"
    And the evaluation does not find "customers who see or hear staff treated with incivility lose trust in the firm"
    And customers through staff lose
    And customers lose more than 50 points
    And the harm to customers fails the gate

  Scenario: Dropping the public reprimand lifts most of the damage to staff
    Given the policy "calls/bonus-at-95-pct-of-call-target"
    When feedback is given as private coaching
    Then the evaluation does not find "reprimanding people in public cuts their effort and quality and is felt by customers"
    And staff lose less than 25 points

  Scenario Outline: Resolution first, with handle time as a coaching topic
    Given the policy "calls/<policy>"
    When it is evaluated
    Then the policy <outcome>

    Examples:
      | policy                         | outcome                         |
      | aht-as-coaching-guideline      | is a win-win                    |
      | fcr-target-tied-to-bonus       | helps customers at staff's cost |
      | abandonment-rate-reporting     | is neutral                      |
      | aht-cap-5-minutes-bonus-gate   | is a lose-lose                  |
      | bonus-at-95-pct-of-call-target | is a lose-lose                  |

  Scenario: Reporting the abandonment rate with no consequence changes nothing
    # Judged, not overlooked: the rule is assessed, and a figure that nobody's pay, review
    # or schedule depends on moves neither side.
    Given the policy "calls/abandonment-rate-reporting"
    When it is evaluated
    Then the policy is neutral
    And staff are unaffected
    And customers are unaffected
    And no conflict is found
    And the policy has no unassessed rules
