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
    Then the verdict is "win-win"
    And the criterion "employee.growth" is above 0
    And the criterion "customer.resolution" is above 0
    And rule "MON005" fired
    And rule "MON001" did not fire
    And no conflict is found

  Scenario: The same listening tied to the bonus costs staff and no longer coaches
    Given the policy "monitoring/side-by-side-listening"
    When its tied_to is changed to bonus
    Then rule "MON001" fired
    And rule "MON005" did not fire
    And the employee impact is below 0

  Scenario: Real-time adherence with toilet breaks counted trades staff control for queue cover
    Given the policy "monitoring/real-time-adherence-with-toilet-breaks-counted"
    When it is evaluated
    Then the verdict is "customer-at-employee-cost"
    And the criterion "employee.autonomy" is below 0
    And the customer impact is above 0
    And rule "ADH002" fired
    And a trade-off conflict is found
    And remedy "REM057" is offered

  Scenario: Mandatory overtime at a day's notice costs staff more than the queue gains
    Given the policy "work-time/mandatory-overtime-in-peak-season"
    When it is evaluated
    Then the verdict is "customer-at-employee-cost"
    And the employee impact is below -25
    And rule "OVT002" fired
    And a trade-off conflict is found
    And the best remedy raises the employee impact to above -25

  Scenario: Voluntary overtime with the same cap is far easier on staff
    Given the policy "work-time/mandatory-overtime-in-peak-season"
    When its participation is changed to voluntary
    Then rule "OVT001" did not fire
    And the employee impact is above -25

  Scenario: Rotas three weeks ahead, with paid and refusable late changes, help staff plan
    Given the policy "work-time/rota-three-weeks-ahead"
    When it is evaluated
    Then the verdict is "employee-gain"
    And the criterion "employee.autonomy" is above 0
    And rule "SCN001" did not fire
    And no conflict is found

  Scenario: A rota published three days ahead, changeable at will, costs staff
    Given the policy "work-time/rota-three-weeks-ahead"
    When its notice_days is changed to 3
    And its right_to_refuse is changed to false
    And its change_premium_pct is changed to 0
    Then rule "SCN001" fired
    And rule "SCN003" fired
    And the employee impact is below 0

  Scenario: A sales quota on service calls costs customers' trust and staff's wellbeing
    Given the policy "sales/sales-quota-on-service-calls"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the criterion "customer.trust" is below 0
    And the customer impact is below -15
    And rule "SAL001" fired
    And the policy's explanation mentions "weakly supported"

  Scenario: A word-for-word script takes staff's control and sounds scripted to customers
    Given the policy "calls/word-for-word-script"
    When it is evaluated
    Then the verdict is "lose-lose"
    And the criterion "employee.autonomy" is below 0
    And the criterion "customer.experience" is below 0
    And rule "SCR001" fired

  Scenario: The same script as a guide staff may leave moves nothing
    Given the policy "calls/word-for-word-script"
    When its deviation_allowed is changed to true
    And its use is changed to guideline
    Then rule "SCR001" did not fire
    And rule "SCR005" fired
    And the verdict is "neutral"

  Scenario: A sales contest everyone is entered into, ranked in public, costs both sides
    Given the policy "sales/sales-contest-with-public-leaderboard"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "GAM001" fired
    And rule "GAM003" fired
    And the criterion "customer.trust" is below 0

  Scenario: Letting staff choose to join turns the contest's effect on them around
    Given the policy "sales/sales-contest-with-public-leaderboard"
    When its opt_in is changed to true
    And its leaderboard is changed to private
    Then rule "GAM002" fired
    And rule "GAM001" did not fire
    And the employee impact is above 0
