@seed
Feature: Flexible schedules and empowered staff
  Remote and cloud working give staff balance while the forecast keeps the service level
  (Vonage / NewVoiceMedia on Call Centre Helper, 2016); empower the people who deliver the
  service (Steve DiGioia; Lorne Rubis). Job autonomy lowers the stress of call-centre work
  (Grandey, Dickter and Sin 2004).

  Scenario Outline: Flexibility and discretion inside the forecast
    Given the policy "flexibility/<policy>"
    When it is evaluated
    Then the policy is a win-win
    And staff's autonomy improves

    Examples:
      | policy                         |
      | remote-and-flexible-scheduling |
      | discretion-budget              |

  Scenario: A discretion budget settles small problems in the first contact
    Given the policy "flexibility/discretion-budget"
    When it is evaluated
    Then the resolution of customers' problems improves
    And customers gain at least 50 points

  Scenario: Self-rostering with a relaxed service level makes customers wait
    # The article keeps the service level while giving staff flexibility; this policy
    # relaxes it to 60% of calls in 2 minutes instead, so staff gain and customers pay.
    Given the policy "flexibility/flexibility-without-cover"
    When it is evaluated
    Then the policy helps staff at customers' cost
    And staff's autonomy improves
    And customers directly lose
    And customers lose more than 25 points
    And the evidence is clear for customers
    And the evaluation finds "staffing planned for a low service level accepts long waits and abandoned calls"
    And a trade-off conflict is found
    And the best remedy is to "plan for 80% of contacts answered within 20 seconds"
    And the best remedy resolves the conflict

  Scenario: Keeping the usual service level makes the same flexibility a win for both
    Given the policy "flexibility/flexibility-without-cover"
    When the service-level target is 80% of calls within 20 seconds
    Then the evaluation does not find "staffing planned for a low service level accepts long waits and abandoned calls"
    And the policy is a win-win
