@seed
Feature: Staffing as the business grows
  Growth shifts the focus to "higher profits and lower payroll"; hire for culture, train,
  and keep enough people on the phones (Steve DiGioia with Shep Hyken, Bob Thompson and
  Joseph Michelli, "Customer First or Profit First?"). In the Erlang C model a few agents
  fewer at the peak drop the service level far more than in proportion.

  Scenario: A payroll cut with agents planned at 92% occupancy cannot keep its service level
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the criterion "employee.wellbeing" is at most -5
    And the customer impact is at most -40
    And rule "STF003" fired
    And a contradiction conflict is found
    And the conflict's severity is "error"
    And conflict "HRM002" is found

  @remedy
  Scenario: Keeping payroll is the best remedy for the cut; a lower occupancy target without the people is not
    # On the teams' own queues the 15% cut is what costs callers their service level: a target of
    # 80% occupancy with 15% fewer people still leaves nine intervals below target.
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then conflict "CON006" is found
    And the best remedy is "REM012"
    And remedy "REM011" is offered
    And the best remedy raises the employee impact to at least -25
    And the best remedy raises the customer impact to at least -10
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then no contradiction conflict is found
    And no harm conflict is found
    And the verdict is "lose-lose"

  Scenario: Hiring for culture and staffing for 80% occupancy
    Given the policy "staffing/hire-for-culture-adequate-staffing"
    When it is evaluated
    Then the verdict is "win-win"
    And the employee impact is at least 25
    And the customer impact is at least 40
    And no conflict is found
