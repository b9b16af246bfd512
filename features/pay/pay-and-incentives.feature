@seed
Feature: Pay, targets and customer rewards
  Growth shifts the focus to volume, profit and lower payroll while customer
  satisfaction stays the slogan; tie customer metrics to compensation instead (Steve
  DiGioia with Shep Hyken, "Customer First or Profit First?"). Align internal and
  external satisfaction KPIs (Frank Geers, "The customer first? I don't know"). A free
  iPad for a feedback call rewards customers while agents carry the load (Martin Meller).

  Scenario Outline: Pay that follows the customer's view, or works against it
    Given the policy "pay/<policy>"
    When it is evaluated
    Then the verdict is "<verdict>"

    Examples:
      | policy                             | verdict       |
      | aligned-internal-and-external-kpis | win-win       |
      | customer-outcomes-in-variable-pay  | customer-gain |
      | calls-handled-pay-with-csat-goal   | lose-lose     |
      | ipad-for-a-feedback-call           | employee-loss |

  Scenario: Variable pay on customer outcomes, paid linearly on team results
    # Pay follows what customers value, and linear team pay has no cliff; it lifts no
    # burden from staff by itself, so staff stay where they are.
    Given the policy "pay/customer-outcomes-in-variable-pay"
    When it is evaluated
    Then the verdict is "customer-gain"
    And the customer impact is at least 15
    And the employee impact is at least 0
    And rule "CMP001" fired
    And rule "BON001" did not fire
    And no conflict is found

  Scenario: Paired employee and customer KPIs are good for both sides, through what is done with them
    # A KPI measures; it is not an intervention. The gain for staff comes from discussing
    # the engagement results in coaching, not from counting them, so it stays small.
    Given the policy "pay/aligned-internal-and-external-kpis"
    When it is evaluated
    Then the verdict is "win-win"
    And the criterion "employee.growth" is above 0
    And the criterion "customer.experience" is above 0
    And the employee impact is at most 15
    And the policy's explanation mentions "coaching"

  Scenario: A free iPad for a feedback call is paid for by the agents who make the calls
    # The few customers who take the call gain a gift, but a gift buys goodwill rather
    # than trust, and the 20-minute calls come out of the queue: on balance customers are
    # no better off, and the evidence cannot say which way they move.
    Given the policy "pay/ipad-for-a-feedback-call"
    When it is evaluated
    Then the verdict is "employee-loss"
    And the criterion "employee.fairness" is below 0
    And the criterion "customer.trust" is below 0
    And the customer impact is at most 0
    And the customer impact is uncertain
    And rule "INC001" fired
    And no trade-off conflict is found

  Scenario: Delivering the reward without extra work for agents removes the cost to them
    Given the policy "pay/ipad-for-a-feedback-call"
    When its requires_agent_effort is changed to false
    Then rule "INC001" did not fire
    And the employee impact is at least 0
