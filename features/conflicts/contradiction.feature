Feature: Contradictions: two rules that cannot both hold
  A contradiction joins two rules, in one policy or in two policies that cover the same
  people, that pull against each other: solving a problem on the first call takes the
  time a handle-time cap forbids (Feinberg et al. 2000); fewer agents kept 92% busy
  cannot answer 80% of calls within 20 seconds (Erlang queueing models).

  @seed
  Scenario: A 5-minute handle-time cap against a first-contact-resolution bonus
    Given the policies "calls/aht-cap-5-minutes-bonus-gate" and "calls/fcr-target-tied-to-bonus"
    When they are evaluated
    Then conflict "CON001" is found
    And the conflict's severity is "error"
    And the conflict involves the policy "calls/fcr-target-tied-to-bonus"
    And a contradiction conflict cites "takes the time the cap forbids"

  @seed @remedy
  Scenario: Taking handle time out of pay resolves the contradiction
    # A handle-time figure discussed in coaching helps staff learn; it does nothing for
    # customers by itself, so what is left is a gain for staff alone.
    Given the policies "calls/aht-cap-5-minutes-bonus-gate" and "calls/fcr-target-tied-to-bonus"
    When they are evaluated
    Then conflict "CON001" is found
    And the best remedy is "REM005"
    And the best remedy raises the employee impact to at least 0
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then conflict "CON001" is not found
    And the verdict is "employee-gain"
    And the customer impact is at least 0

  Scenario Outline: The pay-linked cap contradicts every team goal that needs time with the customer
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When it is evaluated with the policy library
    Then conflict "<code>" is found
    And the conflict involves the policy "<other policy>"
    And the conflict's severity is "<severity>"

    Examples:
      | code   | other policy                       | severity |
      | CON001 | fcr-target-tied-to-bonus           | error    |
      | CON008 | customer-outcomes-in-variable-pay  | error    |
      | CON004 | aligned-internal-and-external-kpis | warning  |
      | CON005 | ipad-for-a-feedback-call           | warning  |

  Scenario: A handle-time guideline discussed in coaching contradicts nothing
    Given the policy "calls/aht-cap-5-minutes-bonus-gate"
    When its enforcement is changed to coaching
    And it is evaluated with the policy library
    Then no contradiction conflict is found

  @seed
  Scenario: A payroll cut at 92% occupancy contradicts its own service-level promise
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then conflict "CON006" is found
    And a contradiction conflict cites "cannot both hold"

  Scenario: The payroll cut breaks the promise adequate staffing makes to the same teams
    Given the policy "staffing/hire-for-culture-adequate-staffing"
    When it is evaluated with the policy library
    Then conflict "CON006" is found
    And the conflict involves the policy "staffing/payroll-cut-at-high-occupancy"

  @seed @remedy
  Scenario: Making staff endure abuse works against an engagement target
    Given the policy "conduct/customer-is-always-right"
    When it is evaluated with the policy library
    Then conflict "CON007" is found
    And the conflict involves the policy "pay/aligned-internal-and-external-kpis"
    And the best remedy is "REM008"
    And the best remedy raises the employee impact to at least 0
    When the best remedy is applied
    Then no contradiction conflict is found
    And the verdict is "win-win"
