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
    Then the verdict of "<proposal>" is "<verdict of the proposal>"
    And the verdict of "<alternative>" is "<verdict of the alternative>"
    And the employee impact of "<alternative>" is above that of "<proposal>"
    And the customer impact of "<alternative>" is at least that of "<proposal>"

    Examples:
      | proposal                                     | verdict of the proposal   | alternative                                        | verdict of the alternative |
      | breaks/pie-van-lunch-ban                     | customer-at-employee-cost | breaks/staggered-lunch                             | win-win                    |
      | calls/aht-cap-5-minutes-bonus-gate           | lose-lose                 | calls/aht-as-coaching-guideline                    | win-win                    |
      | feedback/public-reprimand-for-missed-targets | lose-lose                 | feedback/private-coaching                          | win-win                    |
      | tools/low-budget-headsets                    | lose-lose                 | tools/premium-headsets                             | win-win                    |
      | training/product-training-and-faq-notebook   | lose-lose                 | training/communication-training-and-knowledge-base | win-win                    |
      | staffing/payroll-cut-at-high-occupancy       | lose-lose                 | staffing/hire-for-culture-adequate-staffing        | win-win                    |
      | conduct/customer-is-always-right             | lose-lose                 | conduct/backing-staff-with-abusive-customers       | win-win                    |
      | pay/calls-handled-pay-with-csat-goal         | lose-lose                 | pay/customer-outcomes-in-variable-pay              | customer-gain              |

  Scenario Outline: Topics with no lose-lose policy
    Given the policies in "<folder>"
    When they are evaluated
    Then no policy is "lose-lose"

    Examples:
      | folder      |
      | breaks      |
      | leadership  |
      | flexibility |
