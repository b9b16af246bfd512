@seed
Feature: Leaders close to customers and staff
  Leaders answering calls, and the voice of the customer on leaders' dashboards (Steve
  DiGioia with Shep Hyken and Joseph Michelli, "Customer First or Profit First?"). When
  cooks and customers could see each other, perceived quality rose 22.2% (Buell, Kim and
  Tsay 2017, an analogy).

  Scenario Outline: Leaders who hear customers themselves
    Given the policy "leadership/<policy>"
    When it is evaluated
    Then the policy is a win-win
    And no conflict is found

    Examples:
      | policy                      |
      | leaders-answer-calls        |
      | voice-of-customer-dashboard |

  Scenario: Leaders on the phones learn what blocks their staff
    Given the policy "leadership/leaders-answer-calls"
    When it is evaluated
    Then the evaluation finds "leaders who spend real time on the phones feel broken tools and processes first-hand"
    And staff's equipment improves
    And the policy's explanation mentions "22.2%"

  Scenario: A satisfaction target that decides directors' bonus becomes a stick
    Given the policy "leadership/voice-of-customer-dashboard"
    When the results decide the bonus
    Then the policy helps customers at staff's cost
    And a trade-off conflict is found
    And the best remedy is to "discuss the target in coaching instead of tying it to pay or discipline"
