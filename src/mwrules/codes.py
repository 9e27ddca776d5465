"""The stable codes of the problems mwrules reports.

Every problem in a ruleset, a case or a partner document carries one of these
codes, so that scripts can match on it and people can look it up: each code
has a page in ``docs/errors/<CODE>.md``. Codes are never reused or renumbered;
a retired code stays in this table, marked as retired.

* ``MW0xx``: any document (ruleset, case or partner): reading and structure.
* ``MW1xx``: one ruleset file: references, targets, scoring, names, dates.
* ``MW12x``: the versions of a ruleset, taken together.
* ``MW13x``: cases, and choosing a version for a partner.
* ``MW2xx``: partner documents.
* ``MW3xx``: the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


UNREADABLE = "MW001"
SYNTAX = "MW002"
DUPLICATE_KEY = "MW003"
UNKNOWN_KEY = "MW004"
MISSING_KEY = "MW005"
INVALID_VALUE = "MW006"
LIMIT = "MW007"

UNKNOWN_CERTIFICATION = "MW101"
UNKNOWN_METRIC = "MW102"
UNKNOWN_PATH = "MW103"
MISSING_TARGET = "MW104"
INVALID_TARGET = "MW105"
MAXIMA_MISMATCH = "MW106"
THRESHOLD_OUT_OF_RANGE = "MW107"
DUPLICATE_ALIAS = "MW108"
DUPLICATE_ID = "MW109"
ID_FORMAT = "MW110"
METRIC_DEFINITION = "MW111"
CERTIFICATION_DATES = "MW112"
COST_UNIT = "MW113"
POINTS_TOO_FINE = "MW114"
TOO_MANY_TO_JOIN = "MW115"
CUSTOMER_DATA_DEFINITION = "MW116"

OVERLAPPING_VERSIONS = "MW120"
EFFECTIVE_DATE_ORDER = "MW121"
FILE_NAME_MISMATCH = "MW122"

CASE_MISMATCH = "MW130"
NO_VERSION_IN_FORCE = "MW131"
UNKNOWN_RULESET = "MW132"
UNCOVERED = "MW133"

DUPLICATE_PERSON = "MW201"
EMPTY_PERSON_ID = "MW202"
EXPIRES_BEFORE_EARNED = "MW203"
UNKNOWN_PARTNER_METRIC = "MW204"
DUPLICATE_TENANT = "MW205"
DUPLICATE_USAGE = "MW206"
UNKNOWN_ASSOCIATION_TYPE = "MW207"
ASSOCIATION_DATES = "MW208"
DATE_RANGE = "MW209"

USAGE = "MW301"

#: Every code and what it means, in one line.
CODES: Mapping[str, str] = MappingProxyType(
    {
        UNREADABLE: "the file cannot be read (or written)",
        SYNTAX: "the file is not valid YAML or JSON",
        DUPLICATE_KEY: "a key appears twice in one object",
        UNKNOWN_KEY: "a key the format does not have",
        MISSING_KEY: "a required key is missing",
        INVALID_VALUE: "a value of the wrong type, or not a valid value",
        LIMIT: "the document goes past one of the limits mwrules reads within",
        UNKNOWN_CERTIFICATION: "a reference to a certification the ruleset does not define",
        UNKNOWN_METRIC: "a reference to a metric the ruleset does not define",
        UNKNOWN_PATH: "a reference to a path the ruleset does not define",
        MISSING_TARGET: "a path has no target (threshold) for a metric",
        INVALID_TARGET: "a target of the wrong shape, or not more than 0",
        MAXIMA_MISMATCH: "the metrics' max_points do not add up to total_points",
        THRESHOLD_OUT_OF_RANGE: "the pass rule asks for more points than can be earned",
        DUPLICATE_ALIAS: "one spelling names two certifications",
        DUPLICATE_ID: "two entries share an id",
        ID_FORMAT: "an id does not follow the naming convention",
        METRIC_DEFINITION: "a metric's keys do not fit its measure",
        CERTIFICATION_DATES: "a certification's retirement dates are in the wrong order",
        COST_UNIT: "a cost for a unit the ruleset does not have, or of the wrong shape",
        POINTS_TOO_FINE: "targets and points too fine for scores to be compared exactly",
        TOO_MANY_TO_JOIN: "more metrics, paths or options than the rules engine can join in one rule",
        CUSTOMER_DATA_DEFINITION: "the ruleset's customer data settings do not fit together",
        OVERLAPPING_VERSIONS: "two versions of a ruleset are in force on the same day",
        EFFECTIVE_DATE_ORDER: "effective dates are in the wrong order",
        FILE_NAME_MISMATCH: "a ruleset file's name does not match its manifest",
        CASE_MISMATCH: "a case's expected verdict does not match the verdict",
        NO_VERSION_IN_FORCE: "no version of the ruleset is in force on the partner's date",
        UNKNOWN_RULESET: "no ruleset or version has that name",
        UNCOVERED: "a rule branch no case exercises, in a ruleset that requires full coverage",
        DUPLICATE_PERSON: "the same person id appears twice",
        EMPTY_PERSON_ID: "a person id is empty",
        EXPIRES_BEFORE_EARNED: "a certification expires before it was earned",
        UNKNOWN_PARTNER_METRIC: "a path, metric, option, fact or designation section that nothing reads",
        DUPLICATE_TENANT: "the same customer tenant appears twice",
        DUPLICATE_USAGE: "two usage rows of one tenant for the same month and workload",
        UNKNOWN_ASSOCIATION_TYPE: "an association type the ruleset does not know",
        ASSOCIATION_DATES: "an association ends before it starts",
        DATE_RANGE: "a range of dates ends before it starts, or lies beyond the days mwrules covers",
        USAGE: "a command line mwrules does not understand",
    }
)
