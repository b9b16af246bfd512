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
    Then the policy is a lose-lose
    And staff's wellbeing suffers
    And staff lose at least 60 points
    And the evaluation finds "making agents stay on the line with abusive customers exhausts them"
    And customers through staff lose
    And customers directly are unaffected
    And the policy's explanation mentions "duty of care"

  @remedy
  Scenario: Leaving staff alone with abusive customers fails the gate, and backing them is offered
    Given the policy "conduct/customer-is-always-right"
    When it is evaluated
    Then the harm to staff fails the gate
    And the conflict fails the gate
    And the best remedy is to "let staff hand abusive customers to a manager, and have managers back them"
    And after the best remedy staff gain at least 20 points
    And the best remedy resolves the conflict

  Scenario: Staff may end abusive contacts, and managers back them
    Given the policy "conduct/backing-staff-with-abusive-customers"
    When it is evaluated
    Then the policy is a win-win
    And respect for staff improves
    And customers gain
    And the policy's explanation mentions "back employees when customers turn abusive"

  Scenario: Letting staff hand abusive customers to a manager who backs them
    Given the policy "conduct/customer-is-always-right"
    When staff may hand abusive customers to a manager who backs them
    Then the policy is a win-win
    And the evaluation does not find "making agents stay on the line with abusive customers exhausts them"
