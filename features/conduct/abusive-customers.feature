@seed
Feature: Staff facing abusive customers
  Be "people first AND customer obsessed": back employees when customers turn abusive
  (Lorne Rubis, "The 'Customer First' Sucker Punch"). Call-centre agents face about 10
  verbal aggressions a day, and their frequency leads to exhaustion and absence (Grandey,
  Dickter and Sin 2004); mistreatment raises turnover intention (Wu et al. 2023).

  Scenario: Making staff keep serving abusive customers hurts customers too
    # The customer is never turned away, but exhausted staff leave, and the customers
    # they would have served pay for it: the service-profit chain, not a customer win.
    Given the policy "conduct/customer-is-always-right"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the criterion "employee.wellbeing" is below 0
    And the employee impact is at most -60
    And rule "CND001" fired
    And the indirect customer impact is below 0
    And the direct customer impact is exactly 0
    And the policy's explanation mentions "duty of care"

  @remedy
  Scenario: Leaving staff alone with abusive customers fails the gate, and backing them is offered
    Given the policy "conduct/customer-is-always-right"
    When it is evaluated
    Then conflict "HRM001" is found
    And the conflict's severity is "error"
    And the best remedy is "REM008"
    And the best remedy raises the employee impact to at least 20
    And the best remedy resolves the conflict

  Scenario: Staff may end abusive contacts, and managers back them
    Given the policy "conduct/backing-staff-with-abusive-customers"
    When it is evaluated
    Then the verdict is "win-win"
    And the criterion "employee.respect" is above 0
    And the customer impact is above 0
    And the policy's explanation mentions "back employees when customers turn abusive"

  Scenario: Letting staff hand abusive customers to a manager who backs them
    Given the policy "conduct/customer-is-always-right"
    When its abusive_customers is changed to escalate
    And its manager_backing is changed to true
    Then the verdict is "win-win"
    And rule "CND001" did not fire
