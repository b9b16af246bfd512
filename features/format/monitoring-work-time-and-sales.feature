Feature: Monitoring, adherence, working time, commission, scripts and contests
  Format 1.1 lets HR write the common contact-centre policies a domain reviewer found missing:
  monitoring and quality scorecards, real-time adherence, overtime, schedule notice, commission
  and sales quotas, scripts, and contests. Each is scored on what it does to staff and to
  customers, with the strength of its evidence.

  Scenario: Team leaders listen in alongside agents two hours a week
    # Side-by-side listening used for coaching, with results kept between agent and team
    # leader: a chance to learn, and a small, weakly supported gain for customers on the line.
    Given the policy "monitoring/side-by-side-listening"
    When it is evaluated
    Then the policy is a win-win
    And staff's growth improves
    And the resolution of customers' problems improves
    And the evaluation finds "a leader listening beside the agent and coaching on live contacts helps customers a little"
    And the evaluation does not find "monitoring results that decide pay or discipline add stress and take control"
    And no conflict is found

  Scenario: The same listening tied to the bonus costs staff and no longer coaches
    Given the policy "monitoring/side-by-side-listening"
    When the results decide the bonus
    Then the evaluation finds "monitoring results that decide pay or discipline add stress and take control"
    And the evaluation does not find "a leader listening beside the agent and coaching on live contacts helps customers a little"
    And staff lose

  Scenario: Real-time adherence with toilet breaks counted trades staff control for queue cover
    Given the policy "monitoring/real-time-adherence-with-toilet-breaks-counted"
    When it is evaluated
    Then the policy helps customers at staff's cost
    And staff's autonomy suffers
    And customers gain
    And the evaluation finds "counting toilet breaks against adherence makes staff hold on"
    And a trade-off conflict is found
    And one remedy is to "log unplanned breaks, toilet breaks included"

  Scenario: Mandatory overtime at a day's notice costs staff more than the queue gains
    Given the policy "work-time/mandatory-overtime-in-peak-season"
    When it is evaluated
    Then the policy helps customers at staff's cost
    And staff lose more than 25 points
    And the evaluation finds "an overtime cap that allows long weeks risks health"
    And a trade-off conflict is found
    And after the best remedy staff lose less than 25 points

  Scenario: Voluntary overtime with the same cap is far easier on staff
    Given the policy "work-time/mandatory-overtime-in-peak-season"
    When overtime is voluntary
    Then the evaluation does not find "overtime staff cannot decline takes control of their time and turns extra pay into unhappiness"
    And staff lose less than 25 points

  Scenario: Rotas three weeks ahead, with paid and refusable late changes, help staff plan
    Given the policy "work-time/rota-three-weeks-ahead"
    When it is evaluated
    Then the policy is a gain for staff only
    And staff's autonomy improves
    And the evaluation does not find "schedules published less than two weeks ahead make life hard to plan"
    And no conflict is found

  Scenario: A rota published three days ahead, changeable at will, costs staff
    Given the policy "work-time/rota-three-weeks-ahead"
    When rotas are published 3 days ahead
    And staff cannot refuse late changes, and get nothing extra for them
    Then the evaluation finds "schedules published less than two weeks ahead make life hard to plan"
    And the evaluation finds "a published schedule the employer may change with little or no pay and no right to refuse gives notice that does not hold"
    And staff lose

  Scenario: A sales quota on service calls costs customers' trust and staff's wellbeing
    Given the policy "sales/sales-quota-on-service-calls"
    When it is evaluated
    Then the policy is a lose-lose
    And customers' trust suffers
    And customers lose more than 15 points
    And the evaluation finds "a sales quota on service contacts turns customers who came for help into sales targets"
    And the policy's explanation mentions "weakly supported"

  Scenario: A word-for-word script takes staff's control and sounds scripted to customers
    Given the policy "calls/word-for-word-script"
    When it is evaluated
    Then the policy is a lose-lose
    And staff's autonomy suffers
    And customers' experience suffers
    And the evaluation finds "a mandatory word-for-word script for the whole contact takes staff's control and sounds scripted to customers who need a tailored answer"

  Scenario: The same script as a guide staff may leave moves nothing
    Given the policy "calls/word-for-word-script"
    When the script is a guide staff may leave
    Then the evaluation does not find "a mandatory word-for-word script for the whole contact takes staff's control and sounds scripted to customers who need a tailored answer"
    And the evaluation finds "a script staff may use as a guide and leave is a help, not a rule"
    And the policy is neutral

  Scenario: A sales contest everyone is entered into, ranked in public, costs both sides
    Given the policy "sales/sales-contest-with-public-leaderboard"
    When it is evaluated
    Then the policy is a lose-lose
    And the evaluation finds "a contest staff are entered into without choosing lowers their mood at work"
    And the evaluation finds "contest standings shown to everyone single out the people at the bottom in front of colleagues and customers"
    And customers' trust suffers

  Scenario: Letting staff choose to join turns the contest's effect on them around
    Given the policy "sales/sales-contest-with-public-leaderboard"
    When staff choose whether to join, and see only their own place
    Then the evaluation finds "a contest staff choose to join raises their mood at work"
    And the evaluation does not find "a contest staff are entered into without choosing lowers their mood at work"
    And staff gain
