"""The stages of the compiled rules: one priority per stage, lower fires first.

0. ``certified:<level>`` fires once per level at which someone holds an
   eligible certification valid on the evaluation date; the level's fact
   lists each such certification with its holders, and each of them counts
   once at the level (the trace has a step per person).
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
4. ``people:<set>`` counts the people of a set that a gate needs, and
   asserts the count as a ``people`` fact.
5. ``gate:<path>:<metric>:<term>`` or ``gate-not-met:...`` compares a
   gate's measure with its need, and asserts a ``term`` fact saying which.
6. ``points:<path>:<metric>`` turns a metric's measure (the partner's
   number, its best association option, or the people counted at a level)
   into points; for a metric scored with rates, gates or sums, it joins its
   measures and gates and adds up its terms. The last metric of a path to
   get its points asserts the path's ``scores`` fact, listing them all.
7. ``total:<path>`` turns the path's ``scores`` fact into a total (the
   trace names the points of each metric it adds).
8. ``passes:<path>`` or ``falls-short:<path>`` compares the total and the
   weakest metric with the pass rule, and asserts the path's verdict.
9. ``verdict`` joins the path verdicts into the partner's verdict.

Stage 0 is built in :mod:`.rules_people`, stages 1 to 3 in
:mod:`.rules_customers`, stages 4 and 5 and the points of terms in
:mod:`.rules_terms`, stages 6 to 9 in :mod:`.rules_points`.
"""

(
    STAGE_PEOPLE,
    STAGE_ELIGIBLE,
    STAGE_COUNTED,
    STAGE_MEASURE,
    STAGE_COUNT,
    STAGE_DECIDE,
    STAGE_POINTS,
    STAGE_TOTAL,
    STAGE_PASS,
    STAGE_VERDICT,
) = range(10)
