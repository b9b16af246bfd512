@seed
Feature: Lunch breaks and the pie van
  Service levels drop between 10:00 and 12:00 because agents go out to the pie van
  that parks outside at that time. The article's own advice is to trust staff to find
  a solution rather than ban lunch (Vonage / NewVoiceMedia on Call Centre Helper, 2016).
  A ban may help the phones for two hours, but it takes rest and control from staff.

  Scenario: Banning lunch while the pie van is outside costs staff their rest
    Given the policy "breaks/pie-van-lunch-ban"
    When it is evaluated
    Then the verdict is "customer-at-employee-cost"
    And the employee impact is below -15
    And the direct customer impact is above 0
    And the criterion "employee.autonomy" is below 0
    And the criterion "customer.speed" is above 0
    And rule "BRK001" fired
    And the policy's explanation mentions "between 10:00 and 12:00"

  Scenario: A two-hour ban costs staff, but not enough to fail the harm gate
    # Two hours of an eight-hour shift: the ban is graded by how much of the shift it
    # closes, so it costs far less than a core-hours ban, and the gain at the phones is
    # clear on both ends of its evidence band.
    Given the policy "breaks/pie-van-lunch-ban"
    When it is evaluated
    Then the employee impact is above -40
    And the employee impact is not uncertain
    And no harm conflict is found
    And the customer impact is not uncertain
    And the customer range is within 0 and 15

  Scenario Outline: Planning lunch cover, or trusting staff with it, spares them the ban's cost
    Given the policy "breaks/<policy>"
    When it is evaluated
    Then the verdict is "<verdict>"
    And the employee impact is <employee bound>

    Examples:
      | policy               | verdict                   | employee bound |
      | pie-van-lunch-ban    | customer-at-employee-cost | below 0        |
      | staggered-lunch      | win-win                   | above 0        |
      | self-organised-lunch | win-win                   | above 0        |

  Scenario: Trusting the team with its own lunch cover is better for staff and leaves the phones as they are
    # The inbound team already lunches when it likes, at the pie van: on its own queue, trusting
    # it changes nothing at the phones (the late-morning dip stays), so the direct customer effect
    # is nil and customers gain only, and slowly, from the engagement of a trusted team.
    Given the policy "breaks/self-organised-lunch"
    When it is evaluated
    Then the verdict is "win-win"
    And the employee impact is at least 20
    And the direct customer impact is at least -2
    And the direct customer impact is at most 2
    And the customer impact is at most 15
    And rule "BRK004" fired

  @remedy
  Scenario: Letting the team organise its own lunch cover is the best remedy for the ban
    Given the policy "breaks/pie-van-lunch-ban"
    When it is evaluated
    Then conflict "TRD001" is found
    And the best remedy is "REM002"
    And the best remedy raises the employee impact to at least 20
    And the best remedy raises the customer impact to at least -5
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then the verdict is "win-win"
    And no trade-off conflict is found

  Scenario: Lifting the ban and staggering lunch slots keeps cover without the cost
    Given the policy "breaks/pie-van-lunch-ban"
    When its blocked_windows is changed to []
    And its scheduling is changed to staggered
    Then the verdict is "win-win"
    And rule "BRK001" did not fire
    And rule "BRK003" fired
