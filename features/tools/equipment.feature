@seed
Feature: The tools staff work with
  A call agent with a cheap headset, then reprimanded for his call numbers (Martin Meller,
  2015). "I have the materials and equipment I need to do my work right" is item 2 of
  Gallup's Q12; evidence on headset quality itself is weak (vendor surveys only), so the
  effects are small.

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

  Scenario: Cheap headsets leave agents without the equipment to do the work right
    Given the policy "tools/low-budget-headsets"
    When it is evaluated
    Then rule "EQP001" fired
    And the policy's explanation mentions "Gallup Q12 item 2"
    And the employee impact is above -50

  Scenario: Buying premium headsets instead turns the policy around
    Given the policy "tools/low-budget-headsets"
    When its quality is changed to premium
    Then the verdict is "win-win"
