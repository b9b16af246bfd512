Feature: Trade-offs: one side gains what the other loses
  A trade-off is found inside one policy: its employee and customer impacts move in
  opposite directions (TRD001), or one of its rules raises one side and lowers the other
  (TRD002). A trade-off is not a verdict of bad faith; it is the cost to weigh.

  Scenario Outline: Policies that buy one side's gain with the other's loss
    Given the policy "<policy>"
    When it is evaluated
    Then conflict "<code>" is found
    And the conflict's severity is "<severity>"

    Examples:
      | policy                                | code   | severity |
      | breaks/pie-van-lunch-ban              | TRD001 | warning  |
      | calls/fcr-target-tied-to-bonus        | TRD001 | warning  |
      | flexibility/flexibility-without-cover | TRD001 | warning  |

  Scenario Outline: Policies good for both sides trade nothing
    Given the policy "<policy>"
    When it is evaluated
    Then no trade-off conflict is found

    Examples:
      | policy                                       |
      | breaks/staggered-lunch                       |
      | feedback/private-coaching                    |
      | staffing/hire-for-culture-adequate-staffing  |
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
    Then conflict "TRD001" is found
    And the best remedy is "REM017"
    And the best remedy raises the employee impact to at least 0
    And the best remedy raises the customer impact to at least 15
    When the best remedy is applied
    Then the verdict is "win-win"
    And no trade-off conflict is found
