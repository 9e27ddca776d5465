"""The stages of the compiled rules: one priority per stage, lower fires first.

0. ``certified:<level>`` fires once per eligible certification of the
   level that someone holds, valid on the evaluation date; the fact lists its
   holders, and each of them counts once at the level (the trace has a step
   per person).
1. For the metrics measured from customer data: ``eligible:<path>:<group>``
   fires per tenant fact (a tenant, a group of metrics with the same
   workloads, a month compared) with a workload in the path's seat band, and
   ``eligible-carried-over:...`` per tenant eligible through the carry-over;
   each asserts an ``eligible`` fact.
2. On those: ``counted:<path>:<metric>[:<type>]`` (the tenant counts, or
   adds its active users), ``usage-before-association:...`` (takes away the
   usage a new association found), ``deployed:...`` and ``excluded:...``
   (a deployment, or one already there when the association started).
3. ``measure:<path>:<metric>`` adds up what stage 2 counted into the
   metric's measure and asserts it as the input a partner would have given.
4. ``points:<path>:<metric>`` turns a metric's measure (the partner's
   number, its best association option, or the people counted at a level)
   into points, and asserts a ``points`` fact.
5. ``total:<path>`` joins the five ``points`` facts of a path into a total.
6. ``passes:<path>`` or ``falls-short:<path>`` compares the total and the
   weakest metric with the pass rule, and asserts the path's verdict.
7. ``verdict`` joins the path verdicts into the partner's verdict.

Stage 0 is built in :mod:`.rules_people`, stages 1 to 3 in
:mod:`.rules_customers`, stages 4 to 7 in :mod:`.rules_points`.
"""

(
    STAGE_PEOPLE,
    STAGE_ELIGIBLE,
    STAGE_COUNTED,
    STAGE_MEASURE,
    STAGE_POINTS,
    STAGE_TOTAL,
    STAGE_PASS,
    STAGE_VERDICT,
) = range(8)
