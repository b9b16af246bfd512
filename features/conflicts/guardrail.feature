@legal
Feature: Guardrails: legal floors under break policies
  A guardrail conflict says a policy breaks the law of its jurisdiction, and cites the
  article. The same ban on breaks before 15:00, for a shift starting 08:30, is judged
  under each law the engine knows.

  Scenario Outline: The core-hours break ban under each jurisdiction's law
    Given the policy "breaks/core-hours-break-ban-berlin"
    When the policy applies in <country>
    Then the policy is unlawful in <country>
    And the evaluation finds "<requirement>"
    And the policy breaks the law, citing "<article>"

    Examples:
      | country          | requirement                                                                                                     | article                                           |
      | Germany          | 30 minutes of breaks for over 6 up to 9 hours                                                                   | Arbeitszeitgesetz (ArbZG), section 4              |
      | France           | 20 consecutive minutes once daily working time reaches six hours                                                | Code du travail, art. L3121-16                    |
      | California       | a 30-minute off-duty meal period starting before the end of the fifth hour for over 5 hours of work             | California Labor Code section 512                 |
      | the Philippines  | at least 60 minutes off for regular meals                                                                       | Labor Code of the Philippines, Art. 85            |
      | Ireland          | a break of at least 15 minutes before more than 4.5 hours of work                                               | Organisation of Working Time Act 1997, section 12 |
      | Washington State | a 30-minute meal period starting 2 to 5 hours into the shift for over 5 hours of work                           | WAC 296-126-092                                   |
      | New York State   | at least 30 minutes off between 11:00 and 14:00 on a shift of more than six hours that extends over that period | New York Labor Law section 162                    |

  Scenario Outline: Where the law sets no time for the break, it only has to fit in the working day
    # Directive 2003/88/EC Art. 4, Arbeidstijdenwet art. 5:4, Working Time Regulations 1998
    # reg. 12 and Estatuto de los Trabajadores art. 34.4 set no clock time by which the break
    # must start: a break after 15:00 is late, and lawful. US federal law requires no break.
    Given the policy "breaks/core-hours-break-ban-berlin"
    When the policy applies in <country>
    Then the policy breaks no law
    And the policy is lawful in <country>

    Examples:
      | country            |
      | the European Union |
      | the Netherlands    |
      | the United Kingdom |
      | Spain              |
      | the United States  |

  Scenario: Without a jurisdiction no legal verdict is given
    Given the policy "breaks/core-hours-break-ban-berlin"
    When the policy names no country
    Then the policy breaks no law
    But the harm to staff fails the gate

  Scenario: A 30-minute lunch is shorter than the Philippines' 60-minute meal break
    Given the policy "breaks/pie-van-lunch-ban"
    When the policy applies in the Philippines
    Then the policy breaks the law, citing "shorter than the 60 minutes required"
    When the lunch break lasts 60 minutes
    Then the policy breaks no law

  @seed @remedy
  Scenario: Staggering the Berlin team's breaks ends the breach, and beats leaving them to the team
    # On a queue of 18 agents, breaks left to the team can take several off the phones at once
    # (a trade-off for callers); breaks planned in small groups keep the queue covered.
    Given the policy "breaks/core-hours-break-ban-berlin"
    When it is evaluated
    Then the evaluation finds "30 minutes of breaks for over 6 up to 9 hours"
    And the best remedy is to "stagger breaks in small groups instead of banning them in the peak window"
    And one remedy is to "show the team the peak and let them organise their own break cover"
    And after the best remedy staff gain at least 10 points
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then no conflict is found
    And the policy is a gain for staff only
    And customers lose at most 5 points
