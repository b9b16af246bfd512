@library
Feature: Proposals against what is in force
  A proposal that replaces an adopted policy is scored as a change against it, and the options
  of one decision are compared side by side. Neither pair ever holds at once, so a policy is
  never in conflict with the policy it replaces, nor with another option of its decision.

  Scenario: Coaching on handle time, in place of the bonus-gated cap, is better for staff and customers
    Given the policies "calls/aht-as-coaching-guideline" and "calls/aht-cap-5-minutes-bonus-gate"
    When they are evaluated
    Then the verdict of "aht-cap-5-minutes-bonus-gate" is "lose-lose"
    And the verdict of "aht-as-coaching-guideline" is "win-win"
    And the employee impact of "aht-as-coaching-guideline" is above that of "aht-cap-5-minutes-bonus-gate"
    And the customer impact of "aht-as-coaching-guideline" is above that of "aht-cap-5-minutes-bonus-gate"

  Scenario: A proposal is never in conflict with the policy it replaces
    Given the policies "calls/fcr-target-tied-to-bonus" and "calls/aht-cap-5-minutes-bonus-gate"
    When they are evaluated
    Then conflict "CON001" is found
    When its replaces is changed to aht-cap-5-minutes-bonus-gate
    Then conflict "CON001" is not found
    And the verdict of "aht-cap-5-minutes-bonus-gate" is "lose-lose"

  Scenario: Two options of one decision are never in conflict
    Given the policies "calls/fcr-target-tied-to-bonus" and "calls/aht-cap-5-minutes-bonus-gate"
    And its alternative_to is changed to aht-cap-5-minutes-bonus-gate
    When they are evaluated
    Then conflict "CON001" is not found
    And the verdict of "fcr-target-tied-to-bonus" is "customer-at-employee-cost"

