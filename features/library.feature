@library
Feature: The policy library as a whole
  The seed articles' thesis: customer outcomes are produced by employees, so be "people
  first AND customer obsessed". Every proposal in the library that squeezes staff has an
  alternative that is better for staff and at least as good for customers; all but one of
  them are good for both sides.

  Scenario: Every policy in the library gets a verdict
    Given the policy library
    When it is evaluated
    Then every policy in the library has a verdict

  Scenario Outline: Each squeezing proposal has an alternative better for staff and no worse for customers
    Given the policies "<proposal>" and "<alternative>"
    When they are evaluated
    Then the policy "<proposal>" <outcome of the proposal>
    And the policy "<alternative>" <outcome of the alternative>
    And "<alternative>" is better for staff than "<proposal>"
    And "<alternative>" is at least as good for customers as "<proposal>"

    Examples:
      | proposal                                     | outcome of the proposal         | alternative                                        | outcome of the alternative   |
      | breaks/pie-van-lunch-ban                     | helps customers at staff's cost | breaks/staggered-lunch                             | is a win-win                 |
      | calls/aht-cap-5-minutes-bonus-gate           | is a lose-lose                  | calls/aht-as-coaching-guideline                    | is a win-win                 |
      | feedback/public-reprimand-for-missed-targets | is a lose-lose                  | feedback/private-coaching                          | is a win-win                 |
      | tools/low-budget-headsets                    | is a lose-lose                  | tools/premium-headsets                             | is a win-win                 |
      | training/product-training-and-faq-notebook   | is a lose-lose                  | training/communication-training-and-knowledge-base | is a win-win                 |
      | staffing/payroll-cut-at-high-occupancy       | is a lose-lose                  | staffing/hire-for-culture-adequate-staffing        | is a win-win                 |
      | conduct/customer-is-always-right             | is a lose-lose                  | conduct/backing-staff-with-abusive-customers       | is a win-win                 |
      | pay/calls-handled-pay-with-csat-goal         | is a lose-lose                  | pay/customer-outcomes-in-variable-pay              | is a gain for customers only |

  Scenario Outline: Topics with no lose-lose policy
    Given the policies in "<folder>"
    When they are evaluated
    Then no policy is a lose-lose

    Examples:
      | folder      |
      | breaks      |
      | leadership  |
      | flexibility |
