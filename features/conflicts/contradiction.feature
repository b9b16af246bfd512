Feature: Contradictions: two rules that cannot both hold
  A contradiction joins two rules, in one policy or in two policies that cover the same
  people, that pull against each other: solving a problem on the first call takes the
  time a handle-time cap forbids (Feinberg et al. 2000); fewer agents kept 92% busy
  cannot answer 80% of calls within 20 seconds (Erlang queueing models).

  @seed
  Scenario: A 5-minute handle-time cap against a first-contact-resolution bonus
    Given the policies "calls/aht-cap-5-minutes-bonus-gate" and "calls/fcr-target-tied-to-bonus"
    When they are evaluated
    Then the evaluation finds "a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts"
    And the conflict fails the gate
    And the conflict involves the policy "calls/fcr-target-tied-to-bonus"
    And a contradiction conflict cites "takes the time the cap forbids"

  @seed @remedy
  Scenario: Taking handle time out of pay resolves the contradiction
    # A handle-time figure discussed in coaching helps staff learn; it does nothing for
    # customers by itself, so what is left is a gain for staff alone.
    Given the policies "calls/aht-cap-5-minutes-bonus-gate" and "calls/fcr-target-tied-to-bonus"
    When they are evaluated
    Then the evaluation finds "a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts"
    And the best remedy is to "keep handle time as a figure discussed in coaching"
    And after the best remedy staff lose nothing
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then the evaluation does not find "a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts"
    And the policy is a gain for staff only
    And customers lose nothing

  Scenario Outline: The pay-linked cap contradicts every team goal that needs time with the customer
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When it is evaluated with the policy library
    Then the evaluation finds "<contradiction>"
    And the conflict involves the policy "<other policy>"
    And the conflict <how serious>

    Examples:
      | contradiction                                                                                        | other policy                       | how serious    |
      | a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts     | fcr-target-tied-to-bonus           | fails the gate |
      | a short handle-time cap that costs pay contradicts variable pay weighted on first-contact resolution | customer-outcomes-in-variable-pay  | fails the gate |
      | a short handle-time cap that costs pay works against a customer-satisfaction target that counts      | aligned-internal-and-external-kpis | is a warning   |
      | a customer reward that needs agents' time contradicts a handle-time cap that costs pay               | ipad-for-a-feedback-call           | is a warning   |

  Scenario: A handle-time guideline discussed in coaching contradicts nothing
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When missing the cap means coaching
    And it is evaluated with the policy library
    Then no contradiction conflict is found

  @seed
  Scenario: A payroll cut at 92% occupancy contradicts its own service-level promise
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then the evaluation finds "a payroll cut planned at high occupancy cannot keep a service-level promise"
    And a contradiction conflict cites "cannot both hold"

  Scenario: The payroll cut breaks the promise adequate staffing makes to the same teams
    Given the policy "staffing/hire-for-culture-adequate-staffing"
    When it is evaluated with the policy library
    Then the evaluation finds "a payroll cut planned at high occupancy cannot keep a service-level promise"
    And the conflict involves the policy "staffing/payroll-cut-at-high-occupancy"

  @seed @remedy
  Scenario: Making staff endure abuse works against an engagement target
    Given the policy "conduct/customer-is-always-right"
    When it is evaluated with the policy library
    Then the evaluation finds "making staff stay with abusive customers works against an engagement or attrition target"
    And the conflict involves the policy "pay/aligned-internal-and-external-kpis"
    And the best remedy is to "let staff hand abusive customers to a manager, and have managers back them"
    And after the best remedy staff lose nothing
    When the best remedy is applied
    Then no contradiction conflict is found
    And the policy is a win-win
