Feature: Attendance, after-call work, conduct rules, recovery time, chats at once and span of control
  Policies HR writes every week: how absence is managed, how fast calls must be wrapped up,
  the rules staff follow and what breaking them costs, time to recover after a distressing
  call, how many chats an agent handles at once, and how many agents a team leader leads.
  Where the evidence is weak the rules say so, and their ranges are wide.

  Scenario: A Bradford-factor trigger with unpaid waiting days costs staff, and customers are not scored
    Given the policy "attendance/bradford-factor-triggers"
    When it is evaluated
    Then the policy is a loss for staff only
    And the evaluation finds "a Bradford-factor trigger weighs frequent short absences far above long ones"
    And the evaluation finds "unpaid days at the start of each sickness absence bring people to work ill"
    And the evaluation finds "return-to-work interviews are believed by employers to cut absence"
    And fairness to staff suffers
    And customers are unaffected
    And the policy's explanation mentions "no study was found that validates the score"

  Scenario: Sick pay from the first day takes away most of the cost of the absence regime
    Given the policy "attendance/bradford-factor-triggers"
    When sick pay is paid from the first day
    Then the evaluation does not find "unpaid days at the start of each sickness absence bring people to work ill"
    And the evaluation finds "a Bradford-factor trigger weighs frequent short absences far above long ones"
    And staff lose less than 20 points

  Scenario: After-call work wrapped up within 30 seconds for the bonus rushes records and brings customers back
    Given the policy "calls/after-call-work-within-30-seconds"
    When it is evaluated
    Then the policy is a lose-lose
    And the evaluation finds "a wrap-up limit below the usual after-call work that costs pay or brings discipline rushes records and removes the gap between contacts"
    And the evaluation finds "customers who must call again wait twice and are less satisfied"
    And customers directly lose
    And the policy's explanation mentions "incomplete records"

  Scenario: The same 30 seconds as a coaching figure still rushes records, but costs staff less
    Given the policy "calls/after-call-work-within-30-seconds"
    When missing the cap means coaching
    Then the evaluation does not find "a wrap-up limit below the usual after-call work that costs pay or brings discipline rushes records and removes the gap between contacts"
    And the evaluation finds "a wrap-up limit far below the usual after-call work rushes records even when missing it only means coaching or a reminder"
    And staff lose less than 20 points

  Scenario: No personal phones on the floor, with a written warning for a first breach
    Given the policy "conduct/no-personal-phones-on-the-floor"
    When it is evaluated
    Then the policy is a loss for staff only
    And the evaluation finds "a formal sanction for a first breach of an everyday rule costs fairness"
    And the evaluation does not find "dismissal by the first or second breach of an everyday rule skips the usual warnings and turns a rule into a cause of leavers"
    And the evaluation finds "keeping personal phones off the floor is assessed as neutral in itself"
    And staff lose less than 20 points
    And customers are unaffected
    And the policy's explanation mentions "Acas Code of Practice"

  Scenario: A verbal warning for a first breach makes the phone rule neutral
    Given the policy "conduct/no-personal-phones-on-the-floor"
    When a first breach brings a verbal warning
    Then the policy is neutral
    And the evaluation does not find "a formal sanction for a first breach of an everyday rule costs fairness"
    And the policy has no unassessed rules

  Scenario: Dismissal on a second breach of the phone rule turns it into a cause of leavers
    Given the policy "conduct/no-personal-phones-on-the-floor"
    When a second breach brings dismissal
    Then the evaluation finds "dismissal by the first or second breach of an everyday rule skips the usual warnings and turns a rule into a cause of leavers"
    And the evaluation finds "when experienced staff leave, customers meet newcomers who resolve less"
    And customers through staff lose

  Scenario: Ten paid minutes off the queue after a distressing call, the agent decides
    Given the policy "conduct/recovery-time-after-distressing-calls"
    When it is evaluated
    Then the policy is a win-win
    And the evaluation finds "minutes off the queue after a distressing contact let agents recover from the strain of aggression before the next one"
    And the evaluation finds "letting the agent decide when a contact was distressing enough gives control over the worst moments of the job"
    And staff's wellbeing improves
    And the evidence is clear for customers

  Scenario: Unpaid recovery time, granted by the team leader, helps staff less
    Given the policy "conduct/recovery-time-after-distressing-calls"
    When the recovery time is unpaid
    And the team leader decides when it is taken
    Then the evaluation finds "unpaid recovery time costs pay to take"
    And the evaluation does not find "letting the agent decide when a contact was distressing enough gives control over the worst moments of the job"
    And fairness to staff suffers

  Scenario: Four live chats at once slow each chat and lower resolution
    Given the policy "staffing/four-live-chats-at-once"
    When it is evaluated
    Then the policy is a lose-lose
    And the evaluation finds "several live chats at once slow each chat down and lower resolution"
    And the evaluation finds "switching between several live chats costs attention at every switch"
    And the resolution of customers' problems suffers
    And the policy's explanation mentions "multitasking"

  Scenario: One live chat at a time has no multitasking cost
    Given the policy "staffing/four-live-chats-at-once"
    When agents handle one live chat at a time
    Then the policy is neutral
    And the evaluation does not find "several live chats at once slow each chat down and lower resolution"
    And the policy has no unassessed rules

  Scenario: Twenty-five agents per team leader leaves less coaching for each
    Given the policy "staffing/25-agents-per-team-leader"
    When it is evaluated
    Then the policy is a lose-lose
    And the evaluation finds "a team leader with more than about 15 agents has less time to coach and support each"
    And the evaluation finds "customers of teams with wide spans of control may be served worse"
    And staff's growth suffers
    And the policy's explanation mentions "weakly supported"

  Scenario: Fifteen agents per team leader is the usual span
    Given the policy "staffing/25-agents-per-team-leader"
    When each team leader leads 15 agents
    Then the policy is neutral
    And the evaluation does not find "a team leader with more than about 15 agents has less time to coach and support each"
    And the policy has no unassessed rules
