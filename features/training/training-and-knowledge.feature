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
    Then the policy is a lose-lose
    And the evaluation finds "training customer-facing staff on the product but not in communication leaves contacts harder than they need be"
    And the evaluation finds "a knowledge base nobody maintains, like the seed's FAQ notebook"
    And customers' experience suffers

  Scenario: Communication and de-escalation training with a maintained knowledge base
    Given the policy "training/communication-training-and-knowledge-base"
    When it is evaluated
    Then the policy is a win-win
    And staff gain at least 50 points
    And customers gain at least 50 points
    And the evaluation finds "de-escalation training helps staff who face verbal aggression every day"

  Scenario: Giving the FAQ notebook an owner helps staff, but product-only training still costs customers
    # Staff now have the materials to do the work right; without communication training
    # they still know the answer but not how to get it across, and customers meet the gap
    # as extra effort.
    Given the policy "training/product-training-and-faq-notebook"
    When the knowledge base is maintained
    Then the evaluation does not find "a knowledge base nobody maintains, like the seed's FAQ notebook"
    And the evaluation finds "a maintained knowledge base gives staff the materials to answer right"
    And the evaluation finds "training customer-facing staff on the product but not in communication leaves contacts harder than they need be"
    And the policy helps staff at customers' cost
    And staff gain more than 5 points
    And customers lose more than 5 points

  @remedy
  Scenario: The remedy for product-only training is a communication programme, and the notebook needs an owner too
    # Communication training ends the trade-off and lifts staff; customers stop losing
    # only once the notebook is maintained as well.
    Given the policy "training/product-training-and-faq-notebook"
    When it is evaluated
    Then a trade-off conflict is found
    And the best remedy is to "train communication and de-escalation alongside product and systems"
    And the best remedy resolves the conflict
    And after the best remedy staff gain at least 20 points
    And after the best remedy customers lose at most 5 points
    When the best remedy is applied
    And the knowledge base is maintained
    Then the policy is a win-win
    And customers gain at least 40 points
