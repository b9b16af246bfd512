@seed
Feature: The tools staff work with
  A call agent with a cheap headset, then reprimanded for his call numbers (Martin Meller,
  2015). A headset with an acoustic limiter keeps acoustic shock away, and the regulator's
  guidance is a headset for each person, kept clean and maintained; that comfort and the
  caller's line quality depend on the headset rests on vendor surveys only, so the effects
  are small and their range wide.

  Scenario Outline: Equipment quality, with small effects either way
    Given the policy "tools/<policy>"
    When it is evaluated
    Then the verdict is "<verdict>"
    And the criterion "employee.tools" is <tools>

    Examples:
      | policy                | verdict   | tools      |
      | low-budget-headsets   | lose-lose | below 0    |
      | premium-headsets      | win-win   | above 0    |
      | standard-workstations | neutral   | exactly 0  |

  Scenario: Cheap headsets worn for three years cost agents comfort and callers a clear line
    Given the policy "tools/low-budget-headsets"
    When it is evaluated
    Then rule "EQP001" fired
    And rule "EQP005" fired
    And the policy's explanation mentions "acoustic limiter"
    And the policy's explanation mentions "vendor surveys only"
    And the employee impact is above -40
    And the employee range is within -50 and 0
    And the employee impact is not uncertain

  Scenario: Buying premium headsets instead turns the policy around
    Given the policy "tools/low-budget-headsets"
    When its quality is changed to premium
    Then the verdict is "win-win"
