@seed
Feature: How feedback is given
  An agent publicly reprimanded for reaching 95% of his calls (Martin Meller, 2015). Of
  people targeted by incivility 48% cut their effort and 25% took it out on customers; of
  customers who saw an employee reprimanded only 20% would use the firm again, against 80%
  of those who did not (Porath and Pearson, "The Price of Incivility", HBR 2013). That last
  finding needs customers who can see staff: a shop floor or a counter, never the phone.

  Scenario: Calling out missed targets in front of the team hurts staff and, through them, customers
    # A contact centre's floor: customers on the phone never see the reprimand, so it
    # reaches them only through the staff it hurts (incivility passed on, attrition).
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the criterion "employee.respect" is below 0
    And the employee impact is at most -40
    And the direct customer impact is exactly 0
    And the indirect customer impact is below -15
    And the criterion "customer.trust" is exactly 0
    And rule "DRV005" fired
    And rule "DRV007" did not fire
    And the policy's explanation mentions "took their frustration out on customers"

  Scenario: A reprimand that customers can see costs their trust as well
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When its scope customers_see_staff is changed to true
    Then the verdict is "lose-lose"
    And rule "DRV007" fired
    And the criterion "customer.trust" is below 0
    And the customer impact is below -30
    And the policy's explanation mentions "only 20% would use the firm again"

  Scenario Outline: Feedback without humiliation
    # Peer recognition is judged in judgement.feature (a gain for staff, and on the
    # phone neutral for customers).
    Given the policy "feedback/<policy>"
    When it is evaluated
    Then the verdict is "<verdict>"

    Examples:
      | policy                              | verdict   |
      | private-coaching                    | win-win   |
      | public-reprimand-for-missed-targets | lose-lose |

  Scenario: Turning private coaching into a public reprimand turns it into a lose-lose
    Given the policy "feedback/private-coaching"
    When its style is changed to public-reprimand
    Then the verdict is "lose-lose"
    And rule "FBK001" fired
    And rule "FBK003" did not fire
