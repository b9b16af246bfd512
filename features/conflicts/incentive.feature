Feature: Incentives: pay that works against a declared goal
  An incentive conflict is pay that rewards a metric working against another goal the
  same people are held to: paid for calls handled, reviewed on customer satisfaction
  (Steve DiGioia with Shep Hyken, "Customer First or Profit First?").

  @seed
  Scenario: Paying on calls handled while customer satisfaction is the declared goal
    Given the policy "pay/calls-handled-pay-with-csat-goal"
    When it is evaluated
    Then the evaluation finds "variable pay mostly on calls handled works against a declared customer-outcome target"
    And the conflict is a warning
    And an incentive conflict cites "the quickest way to handle more calls is to resolve fewer"
    And the best remedy is to "rebalance variable pay to customer satisfaction 40%, first-contact resolution 40%, calls handled 20%"
    And the best remedy resolves the conflict
    And after the best remedy customers gain at least 10 points

  @seed @remedy
  Scenario: Rebalancing pay on customer outcomes, then keeping results private
    # A fifth of the pay still rides on calls handled, so staff end up about where they
    # were (inside the margin) while customers gain.
    Given the policy "pay/calls-handled-pay-with-csat-goal"
    When it is evaluated
    Then the evaluation finds "variable pay mostly on calls handled works against a declared customer-outcome target"
    When the best remedy is applied
    Then no incentive conflict is found
    And the policy helps customers at staff's cost
    And a trade-off is found between staff and customers
    And the best remedy is to "keep each person's results private instead of on a public leaderboard"
    When the best remedy is applied
    Then the policy is a gain for customers only
    And staff lose at most 5 points
    And no conflict is found

  Scenario: An all-or-nothing bonus on call volume works against the team's resolution target
    Given the policies "calls/bonus-at-95-pct-of-call-target" and "calls/fcr-target-tied-to-bonus"
    When they are evaluated
    Then the evaluation finds "a bonus on calls handled works against a declared customer-outcome target"
    And the conflict involves the policy "calls/fcr-target-tied-to-bonus"
    And an incentive conflict cites "the bonus rewards ending calls"

  Scenario: Pay on customer outcomes rewards what the goals ask for
    Given the policy "pay/customer-outcomes-in-variable-pay"
    When it is evaluated with the policy library
    Then no incentive conflict is found
