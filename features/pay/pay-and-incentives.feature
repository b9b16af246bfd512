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
    Then the policy <outcome>

    Examples:
      | policy                             | outcome                      |
      | aligned-internal-and-external-kpis | is a win-win                 |
      | customer-outcomes-in-variable-pay  | is a gain for customers only |
      | calls-handled-pay-with-csat-goal   | is a lose-lose               |
      | ipad-for-a-feedback-call           | is a loss for staff only     |

  Scenario: Variable pay on customer outcomes, paid linearly on team results
    # Pay follows what customers value, and linear team pay has no cliff; it lifts no
    # burden from staff by itself, so staff stay where they are.
    Given the policy "pay/customer-outcomes-in-variable-pay"
    When it is evaluated
    Then the policy is a gain for customers only
    And customers gain at least 15 points
    And staff lose nothing
    And the evaluation finds "variable pay weighted on the customer's view pays for what customers feel"
    And the evaluation does not find "an all-or-nothing bonus line pays nothing one case short and invites timing games"
    And no conflict is found

  Scenario: Paired employee and customer KPIs are good for both sides, through what is done with them
    # A KPI measures; it is not an intervention. The gain for staff comes from discussing
    # the engagement results in coaching, not from counting them, so it stays small.
    Given the policy "pay/aligned-internal-and-external-kpis"
    When it is evaluated
    Then the policy is a win-win
    And staff's growth improves
    And customers' experience improves
    And staff gain at most 15 points
    And the policy's explanation mentions "coaching"

  Scenario: A free iPad for a feedback call is paid for by the agents who make the calls
    # The few customers who take the call gain a gift, but a gift buys goodwill rather
    # than trust, and the 20-minute calls come out of the queue: on balance customers are
    # no better off, and the evidence cannot say which way they move.
    Given the policy "pay/ipad-for-a-feedback-call"
    When it is evaluated
    Then the policy is a loss for staff only
    And fairness to staff suffers
    And customers' trust suffers
    And customers gain nothing
    And the evidence cannot tell whether customers gain or lose
    And the evaluation finds "a customer reward that agents must deliver on top of unchanged targets adds unpaid load and takes time from the queue"
    And no trade-off conflict is found

  Scenario: Delivering the reward without extra work for agents removes the cost to them
    Given the policy "pay/ipad-for-a-feedback-call"
    When the reward is delivered without extra work for agents
    Then the evaluation does not find "a customer reward that agents must deliver on top of unchanged targets adds unpaid load and takes time from the queue"
    And staff lose nothing
