@seed
Feature: Staffing as the business grows
  Growth shifts the focus to "higher profits and lower payroll"; hire for culture, train,
  and keep enough people on the phones (Steve DiGioia with Shep Hyken, Bob Thompson and
  Joseph Michelli, "Customer First or Profit First?"). In the Erlang C model a few agents
  fewer at the peak drop the service level far more than in proportion.

  Scenario: A payroll cut with agents planned at 92% occupancy cannot keep its service level
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then the policy is a lose-lose
    And staff's wellbeing suffers by at least 5 points
    And customers lose at least 40 points
    And the evaluation finds "cutting payroll when agents are already nearly fully occupied overloads the staff who remain"
    And a contradiction conflict is found
    And the conflict fails the gate
    And the harm to customers fails the gate

  @remedy
  Scenario: Keeping payroll is the best remedy for the cut; a lower occupancy target without the people is not
    # On the teams' own queues the 15% cut is what costs callers their service level: a target of
    # 80% occupancy with 15% fewer people still leaves nine intervals below target.
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then the evaluation finds "a payroll cut planned at high occupancy cannot keep a service-level promise"
    And the best remedy is to "keep payroll where it is instead of cutting it"
    And one remedy is to "plan staffing for 80% occupancy, which leaves room to answer the peaks"
    And after the best remedy staff lose at most 25 points
    And after the best remedy customers lose at most 10 points
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then no contradiction conflict is found
    And no harm conflict is found
    And the policy is a lose-lose

  Scenario: Hiring for culture and staffing for 80% occupancy
    Given the policy "staffing/hire-for-culture-adequate-staffing"
    When it is evaluated
    Then the policy is a win-win
    And staff gain at least 25 points
    And customers gain at least 40 points
    And no conflict is found

  Scenario: On the teams' own queues the payroll cut makes callers wait, and an early shift carries most of it
    Given the policy "staffing/payroll-cut-at-high-occupancy"
    When it is evaluated
    Then customers wait longer than 20 seconds more often
    And the early shift bears most of the cost
