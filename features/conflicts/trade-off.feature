Feature: Trade-offs: one side gains what the other loses
  A trade-off is found inside one policy: its impacts on staff and on customers move in
  opposite directions, or one of its rules raises one side and lowers the other. A trade-off
  is not a verdict of bad faith; it is the cost to weigh.

  Scenario Outline: Policies that buy one side's gain with the other's loss
    Given the policy "<policy>"
    When it is evaluated
    Then a trade-off is found between staff and customers
    And the conflict is a warning

    Examples:
      | policy                                |
      | breaks/pie-van-lunch-ban              |
      | calls/fcr-target-tied-to-bonus        |
      | flexibility/flexibility-without-cover |

  Scenario Outline: Policies good for both sides trade nothing
    Given the policy "<policy>"
    When it is evaluated
    Then no trade-off conflict is found

    Examples:
      | policy                                             |
      | breaks/staggered-lunch                             |
      | feedback/private-coaching                          |
      | staffing/hire-for-culture-adequate-staffing        |
      | training/communication-training-and-knowledge-base |

  @seed
  Scenario: The lunch ban's trade-off is named in plain words
    # On the inbound team's rota every shift still lunches within five hours of its start, so the
    # ban takes staff's say over their lunch, not the lunch itself.
    Given the policy "breaks/pie-van-lunch-ban"
    When it is evaluated
    Then a trade-off conflict cites "trades employee autonomy for customer speed"

  @seed @remedy
  Scenario: Discussing the resolution target in coaching instead of paying on it
    Given the policy "calls/fcr-target-tied-to-bonus"
    When it is evaluated
    Then a trade-off is found between staff and customers
    And the best remedy is to "discuss the target in coaching instead of tying it to pay or discipline"
    And after the best remedy staff lose nothing
    And after the best remedy customers gain at least 15 points
    When the best remedy is applied
    Then the policy is a win-win
    And no trade-off conflict is found
