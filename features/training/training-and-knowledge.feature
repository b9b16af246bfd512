@seed
Feature: Training and the knowledge staff work with
  Support staff with no communication training and only a basic FAQ notebook instead of
  a knowledge centre (Martin Meller, 2015); train, and equip people to help (Steve DiGioia,
  "Customer First or Profit First?"). Training effects are about d = 0.6 on behaviour and
  results (Arthur et al. 2003); after high-effort service 81% spread negative word of
  mouth (Dixon, Freeman and Toman, HBR 2010).

  Scenario: Product training only, with an FAQ notebook nobody maintains
    Given the policy "training/product-training-and-faq-notebook"
    When it is evaluated
    Then the verdict is "lose-lose"
    And rule "TRN002" fired
    And rule "KNB002" fired
    And the criterion "customer.experience" is below 0

  Scenario: Communication and de-escalation training with a maintained knowledge base
    Given the policy "training/communication-training-and-knowledge-base"
    When it is evaluated
    Then the verdict is "win-win"
    And the employee impact is at least 50
    And the customer impact is at least 50
    And rule "TRN005" fired

  Scenario: Giving the FAQ notebook an owner helps staff, but product-only training still costs customers
    # Staff now have the materials to do the work right; without communication training
    # they still know the answer but not how to get it across, and customers meet the gap
    # as extra effort.
    Given the policy "training/product-training-and-faq-notebook"
    When rule 2's maintained is changed to true
    Then rule "KNB002" did not fire
    And rule "KNB001" fired
    And rule "TRN002" fired
    And the verdict is "employee-at-customer-cost"
    And the employee impact is above 5
    And the customer impact is below -5

  @remedy
  Scenario: The remedy for product-only training is a communication programme, and the notebook needs an owner too
    # Communication training ends the trade-off and lifts staff; customers stop losing
    # only once the notebook is maintained as well.
    Given the policy "training/product-training-and-faq-notebook"
    When it is evaluated
    Then a trade-off conflict is found
    And the best remedy is "REM021"
    And the best remedy resolves the conflict
    And the best remedy raises the employee impact to at least 20
    And the best remedy raises the customer impact to at least -5
    When the best remedy is applied
    And rule 2's maintained is changed to true
    Then the verdict is "win-win"
    And the customer impact is at least 40
