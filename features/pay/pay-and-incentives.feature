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
      | policy                             | verdict                   |
      | aligned-internal-and-external-kpis | win-win                   |
      | customer-outcomes-in-variable-pay  | win-win                   |
      | calls-handled-pay-with-csat-goal   | lose-lose                 |
      | ipad-for-a-feedback-call           | customer-at-employee-cost |

  Scenario: Variable pay on customer outcomes, paid linearly on team results
    Given the policy "pay/customer-outcomes-in-variable-pay"
    When it is evaluated
    Then the customer impact is at least 50
    And the employee impact is above 0
    And rule "CMP001" fired
    And no conflict is found

  Scenario: Paired employee and customer KPIs are good for both sides
    Given the policy "pay/aligned-internal-and-external-kpis"
    When it is evaluated
    Then the verdict is "win-win"
    And the criterion "employee.wellbeing" is above 0
    And the criterion "customer.experience" is above 0
    And the policy's explanation mentions "engagement correlates .33"

  Scenario: A free iPad for a feedback call is paid for by the agents who make the calls
    Given the policy "pay/ipad-for-a-feedback-call"
    When it is evaluated
    Then the verdict is "customer-at-employee-cost"
    And the criterion "employee.fairness" is below 0
    And the criterion "customer.trust" is below 0
    And rule "INC001" fired

  Scenario: Delivering the reward without extra work for agents removes the cost to them
    Given the policy "pay/ipad-for-a-feedback-call"
    When its requires_agent_effort is changed to false
    Then rule "INC001" did not fire
    And the employee impact is at least 0
