Feature: Attendance, after-call work, conduct rules, recovery time, chats at once and span of control
  Policies HR writes every week: how absence is managed, how fast calls must be wrapped up,
  the rules staff follow and what breaking them costs, time to recover after a distressing
  call, how many chats an agent handles at once, and how many agents a team leader leads.
  Where the evidence is weak the rules say so, and their ranges are wide.

  Scenario: A Bradford-factor trigger with unpaid waiting days costs staff, and customers are not scored
    Given the policy "attendance/bradford-factor-triggers"
    When it is evaluated
    Then the verdict is "employee-loss"
    And rule "ATT002" fired
    And rule "ATT004" fired
    And rule "ATT005" fired
    And the criterion "employee.fairness" is below 0
    And the customer impact is exactly 0
    And the policy's explanation mentions "no study was found that validates the score"

  Scenario: Sick pay from the first day takes away most of the cost of the absence regime
    Given the policy "attendance/bradford-factor-triggers"
    When its sick_pay_waiting_days is changed to 0
    Then rule "ATT004" did not fire
    And rule "ATT002" fired
    And the employee impact is above -20

  Scenario: After-call work wrapped up within 30 seconds for the bonus rushes records and brings customers back
    Given the policy "calls/after-call-work-within-30-seconds"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "ACW001" fired
    And rule "DRV002" fired
    And the direct customer impact is below 0
    And the policy's explanation mentions "incomplete records"

  Scenario: The same 30 seconds as a coaching figure still rushes records, but costs staff less
    Given the policy "calls/after-call-work-within-30-seconds"
    When its enforcement is changed to coaching
    Then rule "ACW001" did not fire
    And rule "ACW002" fired
    And the employee impact is above -20

  Scenario: No personal phones on the floor, with a written warning for a first breach
    Given the policy "conduct/no-personal-phones-on-the-floor"
    When it is evaluated
    Then the verdict is "employee-loss"
    And rule "CDT001" fired
    And rule "CDT002" did not fire
    And rule "CDT004" fired
    And the employee impact is above -20
    And the customer impact is exactly 0
    And the policy's explanation mentions "Acas Code of Practice"

  Scenario: A verbal warning for a first breach makes the phone rule neutral
    Given the policy "conduct/no-personal-phones-on-the-floor"
    When its sanction is changed to verbal-warning
    Then the verdict is "neutral"
    And rule "CDT001" did not fire
    And the policy has no unassessed rules

  Scenario: Dismissal on a second breach of the phone rule turns it into a cause of leavers
    Given the policy "conduct/no-personal-phones-on-the-floor"
    When its repeat_sanction is changed to dismissal
    Then rule "CDT002" fired
    And rule "DRV004" fired
    And the indirect customer impact is below 0

  Scenario: Ten paid minutes off the queue after a distressing call, the agent decides
    Given the policy "conduct/recovery-time-after-distressing-calls"
    When it is evaluated
    Then the verdict is "win-win"
    And rule "RCV001" fired
    And rule "RCV003" fired
    And the criterion "employee.wellbeing" is above 0
    And the customer impact is not uncertain

  Scenario: Unpaid recovery time, granted by the team leader, helps staff less
    Given the policy "conduct/recovery-time-after-distressing-calls"
    When its paid is changed to false
    And its decided_by is changed to team-leader
    Then rule "RCV004" fired
    And rule "RCV003" did not fire
    And the criterion "employee.fairness" is below 0

  Scenario: Four live chats at once slow each chat and lower resolution
    Given the policy "staffing/four-live-chats-at-once"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "CCY001" fired
    And rule "CCY002" fired
    And the criterion "customer.resolution" is below 0
    And the policy's explanation mentions "multitasking"

  Scenario: One live chat at a time has no multitasking cost
    Given the policy "staffing/four-live-chats-at-once"
    When its max_chats is changed to 1
    Then the verdict is "neutral"
    And rule "CCY001" did not fire
    And the policy has no unassessed rules

  Scenario: Twenty-five agents per team leader leaves less coaching for each
    Given the policy "staffing/25-agents-per-team-leader"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "SPN001" fired
    And rule "SPN002" fired
    And the criterion "employee.growth" is below 0
    And the policy's explanation mentions "weakly supported"

  Scenario: Fifteen agents per team leader is the usual span
    Given the policy "staffing/25-agents-per-team-leader"
    When its agents_per_team_leader is changed to 15
    Then the verdict is "neutral"
    And rule "SPN001" did not fire
    And the policy has no unassessed rules
