@library
Feature: Proposals against what is in force
  A proposal that replaces an adopted policy is scored as a change against it, and the options
  of one decision are compared side by side. Neither pair ever holds at once, so a policy is
  never in conflict with the policy it replaces, nor with another option of its decision.

  Scenario: Coaching on handle time, in place of the bonus-gated cap, is better for staff and customers
    Given the policies "calls/aht-as-coaching-guideline" and "calls/aht-cap-5-minutes-bonus-gate"
    When they are evaluated
    Then the policy "aht-cap-5-minutes-bonus-gate" is a lose-lose
    And the policy "aht-as-coaching-guideline" is a win-win
    And "aht-as-coaching-guideline" is better for staff than "aht-cap-5-minutes-bonus-gate"
    And "aht-as-coaching-guideline" is better for customers than "aht-cap-5-minutes-bonus-gate"

  Scenario: A proposal is never in conflict with the policy it replaces
    Given the policies "calls/fcr-target-tied-to-bonus" and "calls/aht-cap-5-minutes-bonus-gate"
    When they are evaluated
    Then the evaluation finds "a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts"
    When it is proposed in place of "aht-cap-5-minutes-bonus-gate"
    Then the evaluation does not find "a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts"
    And the policy "aht-cap-5-minutes-bonus-gate" is a lose-lose

  Scenario: Two options of one decision are never in conflict
    Given the policies "calls/fcr-target-tied-to-bonus" and "calls/aht-cap-5-minutes-bonus-gate"
    And it is an alternative to "aht-cap-5-minutes-bonus-gate"
    When they are evaluated
    Then the evaluation does not find "a short handle-time cap that costs pay contradicts a first-contact-resolution target that counts"
    And the policy "fcr-target-tied-to-bonus" helps customers at staff's cost
