@legal
Feature: Break policies within the law
  A blocked window is lawful only if every shift can still take its break before the
  legal deadline (EU Working Time Directive, UK Working Time Regulations reg. 12,
  Arbeitszeitgesetz section 4, California Labor Code section 512...). The policy's
  jurisdiction chooses the law; without one, no legal verdict is given.

  Scenario: Banning breaks before 15:00 leaves the Berlin early shift working six hours without one
    Given the policy "breaks/core-hours-break-ban-berlin"
    When it is evaluated
    Then the policy is unlawful in Germany
    And the policy breaks the law, citing "Arbeitszeitgesetz (ArbZG), section 4"
    And the conflict fails the gate
    And the policy breaks the law, citing "reaches 6 hours at 14:30"
    And the harm to staff fails the gate
    And staff lose at least 60 points
    And the early shift bears most of the cost

  Scenario Outline: Break policies planned around the peak are lawful
    # Hamburg and Sacramento already stagger their lunches: on their own queues the policies change
    # little for callers, so the gain is the staff's. The inbound team lunches at the pie van today,
    # so staggering there also lifts the late-morning service level.
    Given the policy "breaks/<policy>"
    When it is evaluated
    Then the policy breaks no law
    And the policy <outcome>

    Examples:
      | policy                          | outcome                  |
      | lunch-break-hamburg             | is a gain for staff only |
      | meal-and-rest-breaks-sacramento | is a gain for staff only |
      | staggered-lunch                 | is a win-win             |
      | screen-break-every-two-hours    | is a win-win             |

  Scenario: The pie van ban still leaves every shift a lunch slot in time under UK law
    # The 06:00 shift can lunch between 06:30 and 10:00, or from 12:00, the minute it
    # reaches six hours; reg. 12 names no clock time, so the ban is lawful, if not kind.
    Given the policy "breaks/pie-van-lunch-ban"
    When it is evaluated
    Then the policy breaks no law
    But a trade-off conflict is found

  Scenario: A ten-hour day in Hamburg needs 45 minutes of breaks, not 30
    Given the policy "breaks/lunch-break-hamburg"
    When shifts last 10 hours
    Then the evaluation finds "45 minutes of breaks for over 9 hours"
    And the conflict fails the gate
    And the policy breaks the law, citing "45 minutes"

  @remedy
  Scenario: Opening just one legal break slot fixes the law but not the staff's loss
    # Five and a half hours stay closed to breaks: the ban still harms staff, and on the team's own
    # queue the fixed lunch of the whole shift in the one slot left empties the phones for half an
    # hour, while long stretches without rest bring absence: customers lose too.
    Given the policy "breaks/core-hours-break-ban-berlin"
    When it is evaluated
    Then the evaluation finds "30 minutes of breaks for over 6 up to 9 hours"
    And one remedy is to "shorten the blocked windows just enough that every shift can take its break before the legal deadline"
    When just one legal break slot is opened
    Then the policy breaks no law
    And the policy is a lose-lose
    And the harm to staff fails the gate
    And staff lose at least 60 points
    And customers lose at least 5 points

  Scenario: Three 10-minute screen breaks are no 20-minute UK break without the lunch
    # WTR 1998 reg. 12(3): "an uninterrupted period of not less than 20 minutes"; a break every
    # two hours gives three short ones on an 8-hour day, none of them that break.
    Given the policy "breaks/screen-break-every-two-hours"
    When the lunch break lasts 15 minutes
    Then the evaluation finds "an uninterrupted 20-minute rest break when daily working time is more than six hours"
    And the conflict fails the gate
