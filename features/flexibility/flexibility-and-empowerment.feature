@seed
Feature: Flexible schedules and empowered staff
  Remote and cloud working give staff balance while the forecast keeps the service level
  (Vonage / NewVoiceMedia on Call Centre Helper, 2016); empower the people who deliver the
  service (Steve DiGioia; Lorne Rubis). Job autonomy lowers the stress of call-centre work
  (Grandey, Dickter and Sin 2004).

  Scenario Outline: Flexibility and discretion inside the forecast
    Given the policy "flexibility/<policy>"
    When it is evaluated
    Then the verdict is "win-win"
    And the criterion "employee.autonomy" is above 0

    Examples:
      | policy                         |
      | remote-and-flexible-scheduling |
      | discretion-budget              |

  Scenario: A discretion budget settles small problems in the first contact
    Given the policy "flexibility/discretion-budget"
    When it is evaluated
    Then the criterion "customer.resolution" is above 0
    And the customer impact is at least 50

  Scenario: Self-rostering with a relaxed service level makes customers wait
    # The article keeps the service level while giving staff flexibility; this policy
    # relaxes it to 60% of calls in 2 minutes instead, so staff gain and customers pay.
    Given the policy "flexibility/flexibility-without-cover"
    When it is evaluated
    Then the verdict is "employee-at-customer-cost"
    And the criterion "employee.autonomy" is above 0
    And the direct customer impact is below 0
    And the customer impact is below -25
    And the customer impact is not uncertain
    And rule "STF007" fired
    And a trade-off conflict is found
    And the best remedy is "REM020"
    And the best remedy resolves the conflict

  Scenario: Keeping the usual service level makes the same flexibility a win for both
    Given the policy "flexibility/flexibility-without-cover"
    When its service_level_target.answered_pct is changed to 80
    And its service_level_target.within_seconds is changed to 20
    Then rule "STF007" did not fire
    And the verdict is "win-win"
