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
    Then the policy <outcome>
    And staff's equipment <equipment>

    Examples:
      | policy                | outcome        | equipment    |
      | low-budget-headsets   | is a lose-lose | suffers      |
      | premium-headsets      | is a win-win   | improves     |
      | standard-workstations | is neutral     | is unchanged |

  Scenario: Cheap headsets worn for three years cost agents comfort and callers a clear line
    Given the policy "tools/low-budget-headsets"
    When it is evaluated
    Then the evaluation finds "low-budget headsets make a tiring job harder, risk acoustic shock"
    And the evaluation finds "headsets kept for years wear out on the job"
    And the policy's explanation mentions "acoustic limiter"
    And the policy's explanation mentions "vendor surveys only"
    And staff lose less than 40 points
    And the evidence puts staff between -50 and 0 points
    And the evidence is clear for staff

  Scenario: Buying premium headsets instead turns the policy around
    Given the policy "tools/low-budget-headsets"
    When premium equipment is bought
    Then the policy is a win-win
