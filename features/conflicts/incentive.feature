Feature: Incentives: pay that works against a declared goal
  An incentive conflict is pay that rewards a metric working against another goal the
  same people are held to: paid for calls handled, reviewed on customer satisfaction
  (Steve DiGioia with Shep Hyken, "Customer First or Profit First?").

  @seed
  Scenario: Paying on calls handled while customer satisfaction is the declared goal
    Given the policy "pay/calls-handled-pay-with-csat-goal"
    When it is evaluated
    Then conflict "INC101" is found
    And the conflict's severity is "warning"
    And an incentive conflict cites "the quickest way to handle more calls is to resolve fewer"
    And the best remedy is "REM009"
    And the best remedy resolves the conflict
    And the best remedy raises the customer impact to at least 10

  @seed @remedy
  Scenario: Rebalancing pay on customer outcomes, then keeping results private
    # A fifth of the pay still rides on calls handled, so staff end up about where they
    # were (inside the margin) while customers gain.
    Given the policy "pay/calls-handled-pay-with-csat-goal"
    When it is evaluated
    Then conflict "INC101" is found
    When the best remedy is applied
    Then no incentive conflict is found
    And the verdict is "customer-at-employee-cost"
    And conflict "TRD001" is found
    And the best remedy is "REM018"
    When the best remedy is applied
    Then the verdict is "customer-gain"
    And the employee impact is at least -5
    And no conflict is found

  Scenario: An all-or-nothing bonus on call volume works against the team's resolution target
    Given the policies "calls/bonus-at-95-pct-of-call-target" and "calls/fcr-target-tied-to-bonus"
    When they are evaluated
    Then conflict "INC102" is found
    And the conflict involves the policy "calls/fcr-target-tied-to-bonus"
    And an incentive conflict cites "the bonus rewards ending calls"

  Scenario: Pay on customer outcomes rewards what the goals ask for
    Given the policy "pay/customer-outcomes-in-variable-pay"
    When it is evaluated with the policy library
    Then no incentive conflict is found
