"""The legal checks: policies held to the law of their jurisdiction.

- ``policyweigh.law.placement``: where breaks fit on a shift's time line, a pure function of
  plain minutes with structured results (no text, no policy models).
- ``policyweigh.law.wording``: every sentence of a legal finding, as named templates filled
  from structured results.
- ``policyweigh.law.check``: the guardrail checker, a policy and its jurisdiction's pack
  (``policyweigh.rulebook.guardrails``) to ``guardrail`` conflicts, composed of the two above.
"""
