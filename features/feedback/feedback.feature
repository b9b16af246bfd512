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
    Then the policy is a lose-lose
    And respect for staff suffers
    And staff lose at least 40 points
    And customers directly are unaffected
    And customers through staff lose more than 15 points
    And customers' trust is unchanged
    And the evaluation finds "staff treated with incivility take some of it out on the customers they serve"
    And the evaluation does not find "customers who see or hear staff treated with incivility lose trust in the firm"
    And the policy's explanation mentions "took their frustration out on customers"

  Scenario: A reprimand that customers can see costs their trust as well
    Given the policy "feedback/public-reprimand-for-missed-targets"
    When customers can see staff at work
    Then the policy is a lose-lose
    And the evaluation finds "customers who see or hear staff treated with incivility lose trust in the firm"
    And customers' trust suffers
    And customers lose more than 30 points
    And the policy's explanation mentions "only 20% would use the firm again"

  Scenario Outline: Feedback without humiliation
    # Peer recognition is judged in judgement.feature (a gain for staff, and on the
    # phone neutral for customers).
    Given the policy "feedback/<policy>"
    When it is evaluated
    Then the policy <outcome>

    Examples:
      | policy                              | outcome        |
      | private-coaching                    | is a win-win   |
      | public-reprimand-for-missed-targets | is a lose-lose |

  Scenario: Turning private coaching into a public reprimand turns it into a lose-lose
    Given the policy "feedback/private-coaching"
    When feedback is given as a public reprimand
    Then the policy is a lose-lose
    And the evaluation finds "reprimanding people in public cuts their effort and quality and is felt by customers"
    And the evaluation does not find "private coaching gives feedback that people can learn from without humiliation"
