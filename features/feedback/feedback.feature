@seed
Feature: How feedback is given
  An agent publicly reprimanded for reaching 95% of his calls (Martin Meller, 2015). Of
  customers who saw an employee reprimanded only 20% would use the firm again, against 80%
  of those who did not; 48% of people targeted by incivility cut their effort (Porath and
  Pearson, "The Price of Incivility", HBR 2013).

  Scenario: Calling out missed targets in front of the team hurts staff and customers
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the criterion "employee.respect" is below 0
    And the criterion "customer.trust" is below 0
    And the direct customer impact is below 0
    And the policy's explanation mentions "only 20% would use the firm again"

  Scenario Outline: Feedback without humiliation
    Given the policy "feedback/<policy>"
    When it is evaluated
    Then the verdict is "<verdict>"

    Examples:
      | policy                              | verdict   |
      | private-coaching                    | win-win   |
      | peer-recognition                    | win-win   |
      | public-reprimand-for-missed-targets | lose-lose |

  Scenario: Turning private coaching into a public reprimand turns it into a lose-lose
    Given the policy "feedback/private-coaching"
    When its style is changed to public-reprimand
    Then the verdict is "lose-lose"
    And rule "FBK001" fired
    And rule "FBK003" did not fire
