@legal
Feature: Guardrails: legal floors under break policies
  A guardrail conflict says a policy breaks the law of its jurisdiction, and cites the
  article. The same ban on breaks before 15:00, for a shift starting 08:30, is judged
  under each law the engine knows.

  Scenario Outline: The core-hours break ban under each jurisdiction's law
    Given the policy "breaks/core-hours-break-ban-berlin"
    When its jurisdiction is changed to <jurisdiction>
    Then conflict "<code>" is found
    And a guardrail conflict cites "<article>"
    And the conflict's severity is "<severity>"

    Examples:
      | jurisdiction | code   | article                                | severity |
      | de           | GRD020 | Arbeitszeitgesetz (ArbZG), section 4                | error    |
      | fr           | GRD030 | Code du travail, art. L3121-16                      | error    |
      | us-ca        | GRD050 | California Labor Code section 512                   | error    |
      | ph           | GRD060 | Labor Code of the Philippines, Art. 85              | error    |
      | ie           | GRD300 | Organisation of Working Time Act 1997, section 12   | error    |
      | us-wa        | GRD080 | WAC 296-126-092                                     | error    |
      | us-ny        | GRD090 | New York Labor Law section 162                      | error    |

  Scenario Outline: Where the law sets no time for the break, it only has to fit in the working day
    # Directive 2003/88/EC Art. 4, Arbeidstijdenwet art. 5:4, Working Time Regulations 1998
    # reg. 12 and Estatuto de los Trabajadores art. 34.4 set no clock time by which the break
    # must start: a break after 15:00 is late, and lawful. US federal law requires no break.
    Given the policy "breaks/core-hours-break-ban-berlin"
    When its jurisdiction is changed to <jurisdiction>
    Then no guardrail conflict is found

    Examples:
      | jurisdiction |
      | eu           |
      | nl           |
      | uk           |
      | es           |
      | us-fed       |

  Scenario: Without a jurisdiction no legal verdict is given
    Given the policy "breaks/core-hours-break-ban-berlin"
    When its jurisdiction is changed to null
    Then no guardrail conflict is found
    But conflict "HRM001" is found

  Scenario: A 30-minute lunch is shorter than the Philippines' 60-minute meal break
    Given the policy "breaks/pie-van-lunch-ban"
    When its jurisdiction is changed to ph
    Then a guardrail conflict cites "shorter than the 60 minutes required"
    When its min_minutes is changed to 60
    Then no guardrail conflict is found

  @seed @remedy
  Scenario: Staggering the Berlin team's breaks ends the breach, and beats leaving them to the team
    # On a queue of 18 agents, breaks left to the team can take several off the phones at once
    # (a trade-off for callers); breaks planned in small groups keep the queue covered.
    Given the policy "breaks/core-hours-break-ban-berlin"
    When it is evaluated
    Then conflict "GRD020" is found
    And the best remedy is "REM001"
    And remedy "REM002" is offered
    And the best remedy raises the employee impact to at least 10
    And the best remedy resolves the conflict
    When the best remedy is applied
    Then no conflict is found
    And the verdict is "employee-gain"
    And the customer impact is at least -5
