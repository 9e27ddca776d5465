"""The five designations of shared/designations.md, scored in plain Python: the oracle for their rulesets.

Written from the readings (§1 common rules, §2 Security, §3 Business Applications,
§4 the three Azure designations, §7 the defaults), not from the rulesets: it reads
no ruleset file and imports nothing of mwrules. Microsoft's numbers are written out
here as designations.md states them, each certification once with the spellings it
gives, and each designation is one function. A partner is the §6 document as a plain
mapping (what ``json.load`` or ``yaml.safe_load`` gives); it is assumed valid (the
loader's checks are not repeated). Every number is exact: an amount from its decimal
text, points as fractions (§1.6, D11).

>>> document = {
...     "partner_id": "x",
...     "as_of": "2026-08-15",
...     "people": [{"id": "a", "certifications": ["AZ-500", "SC-200", "sc-100"]}],
...     "metrics": {"smb": {"net_customer_adds": {"azure": 2, "m365": 1}, "deployments": {"azure": 1}}},
... }
>>> reading = score("security", document)
>>> reading.path, reading.qualified, reading.points["smb"]["intermediate_certifications"]
('smb', False, Fraction(16, 1))
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


ENTERPRISE, SMB = "enterprise", "smb"


# §1.5 and the tables of §2.1, §3 and §4.1: each certification once --------------------


@dataclass(frozen=True)
class Credential:
    """A certification as designations.md lists it: its full name, other spellings, exam code and retirement."""

    name: str
    exam: str | None = None  # None: no one exam earns it (Windows Server Hybrid Administrator, D14)
    also: tuple[str, ...] = ()
    retired: datetime.date | None = None

    @property
    def eligible_through(self) -> datetime.date | None:
        """§1.5, D12: "it remains valid for one year": the retirement date + 1 year, inclusive."""
        return None if self.retired is None else self.retired.replace(year=self.retired.year + 1)

    @property
    def spellings(self) -> tuple[str, ...]:
        """The full name, without "Microsoft Certified: " or "GitHub Certified: " (§2), the others, the exam code."""
        short = (
            [self.name.split(": ", 1)[1]]
            if self.name.startswith(("Microsoft Certified: ", "GitHub Certified: "))
            else []
        )
        return (self.name, *short, *self.also, *([self.exam] if self.exam else []))


def _retired(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


_CREDENTIALS = [
    # §2.1 Security
    Credential("Microsoft Certified: Azure Security Engineer Associate", "AZ-500", retired=_retired("2026-08-31")),
    Credential("Microsoft Certified: Cloud and AI Security Engineer Associate", "SC-500"),
    Credential(
        "Microsoft Certified: Security Operations Analyst Associate",
        "SC-200",
        ("Microsoft Security Operations Analyst",),
    ),
    Credential(
        "Microsoft Certified: Cybersecurity Architect Expert", "SC-100", ("Microsoft Cybersecurity Architect Expert",)
    ),
    Credential(
        "Microsoft Certified: Identity and Access Administrator Associate",
        "SC-300",
        ("Microsoft Identity and Access Administrator",),
    ),
    Credential(
        "Microsoft Certified: Information Protection Administrator Associate",
        "SC-400",
        ("Microsoft Information Protection Administrator",),
        retired=_retired("2025-05-31"),  # D15: eligible through 2026-05-31, before this version
    ),
    Credential("Microsoft Certified: Information Security Administrator Associate", "SC-401"),
    # §3 Business Applications
    Credential("Microsoft Certified: Dynamics 365 Finance Functional Consultant Associate", "MB-310"),
    Credential("Microsoft Certified: Dynamics 365: Finance and Operations Apps Developer Associate", "MB-500"),
    Credential("Microsoft Certified: Dynamics 365 Supply Chain Management Functional Consultant Associate", "MB-330"),
    Credential("Microsoft Certified: Dynamics 365 Customer Service Functional Consultant Associate", "MB-230"),
    Credential(
        "Microsoft Certified: Dynamics 365 Field Service Functional Consultant Associate",
        "MB-240",
        retired=_retired("2026-06-30"),
    ),
    Credential("Microsoft Certified: Dynamics 365 Business Central Functional Consultant Associate", "MB-800"),
    # also written "Data Analyst Associate" (§4.1); one certification, the same spellings everywhere (§1.5)
    Credential("Microsoft Certified: Power BI Data Analyst Associate", "PL-300", ("Data Analyst Associate",)),
    Credential(
        "Microsoft Certified: Power Platform Functional Consultant Associate", "PL-200", retired=_retired("2026-08-31")
    ),
    Credential("Microsoft Certified: Power Platform Developer Associate", "PL-400"),
    Credential("Microsoft Certified: Power Automate RPA Developer Associate", "PL-500", retired=_retired("2026-06-30")),
    Credential(
        "Microsoft Certified: Dynamics 365 Customer Experience Analyst Associate",
        "MB-280",
        retired=_retired("2026-07-31"),
    ),
    Credential("Microsoft Certified: Dynamics 365 Sales AI Consultant Associate", "AB-210"),
    Credential("Microsoft Certified: Intelligent Applications Builder Associate", "AB-410"),
    Credential("Microsoft Certified: Dynamics 365 Contact Center AI Engineer Associate", "AB-250"),
    Credential(
        "Microsoft Certified: Dynamics 365 Supply Chain Management Functional Consultant Expert",
        "MB-335",
        retired=_retired("2026-06-30"),
    ),
    Credential(
        "Microsoft Certified: Dynamics 365: Finance and Operations Apps Solution Architect Expert",
        "MB-700",
        retired=_retired("2026-06-30"),
    ),
    # D13: retired once, on the BA page's date, in Digital & App Innovation too
    Credential(
        "Microsoft Certified: Power Platform Solution Architect Expert", "PL-600", retired=_retired("2026-06-30")
    ),
    Credential("Microsoft Certified: Dynamics 365 Business Central Developer Associate", "MB-820"),
    Credential("Microsoft Certified: Agentic AI Business Solutions Architect", "AB-100"),
    # §4.1 the Azure three
    Credential("Microsoft Certified: Azure Administrator Associate", "AZ-104"),
    Credential("Microsoft Certified: Azure Solutions Architect Expert", "AZ-305"),
    Credential("Microsoft Certified: Azure Database Administrator Associate", "DP-300"),
    Credential("Microsoft Certified: Azure AI Engineer Associate", "AI-102", retired=_retired("2026-06-30")),
    Credential("Microsoft Certified: Azure Data Scientist Associate", "DP-100", retired=_retired("2026-06-01")),
    Credential("Microsoft Certified: Azure Cosmos DB Developer Specialty", "DP-420"),
    Credential("Microsoft Certified: Fabric Analytics Engineer Associate", "DP-600"),
    Credential("Microsoft Certified: Fabric Data Engineer Associate", "DP-700"),
    Credential("Microsoft Certified: SQL AI Developer Associate", "DP-800"),
    Credential("Microsoft Certified: Azure AI Apps and Agents Developer Associate", "AI-103"),
    Credential("Microsoft Certified: Machine Learning Operations Engineer Associate", "AI-300"),
    Credential("Microsoft Certified: Azure Databricks Data Engineer Associate", "DP-750"),
    Credential("Microsoft Certified: Azure Network Engineer Associate", "AZ-700"),
    Credential("Microsoft Certified: Windows Server Hybrid Administrator Associate"),  # AZ-800 + AZ-801: no code
    Credential("Microsoft Certified: Azure Virtual Desktop Specialty", "AZ-140"),
    Credential("Microsoft Certified: Azure for SAP Workloads Specialty", "AZ-120"),
    Credential("Microsoft Certified: Azure Developer Associate", "AZ-204", retired=_retired("2026-07-31")),
    Credential("Microsoft Certified: Azure AI Cloud Developer Associate", "AI-200"),
    Credential("GitHub Certified: Agentic AI Developer", "GH-600"),
    Credential("Microsoft Certified: DevOps Engineer Expert", "AZ-400", ("Azure DevOps Engineer Expert",)),
    Credential("GitHub Actions", "GH-200"),
    Credential("GitHub Administration", "GH-100"),
    Credential("GitHub Advanced Security", "GH-500"),
    Credential("GitHub Copilot", "GH-300"),
]
WINDOWS_SERVER_HYBRID = "Microsoft Certified: Windows Server Hybrid Administrator Associate"

#: each certification by its exam code (by its full name when no one exam earns it)
CREDENTIALS: dict[str, Credential] = {credential.exam or credential.name: credential for credential in _CREDENTIALS}

#: the steps (or lists) of each designation's skilling metrics, by exam code, as §2.1, §3 and §4.1 list them
SECURITY_STEP_1 = ("AZ-500", "SC-500")
SECURITY_STEP_2 = ("SC-200",)
SECURITY_STEP_3 = ("SC-100", "SC-300", "SC-400", "SC-401")
BA_INTERMEDIATE = (
    *("MB-310", "MB-500", "MB-330", "MB-230", "MB-240", "MB-800", "PL-300"),
    *("PL-200", "PL-400", "PL-500", "MB-280", "AB-210", "AB-410", "AB-250"),
)
BA_ADVANCED = ("MB-335", "MB-700", "PL-600", "MB-820", "AB-100")
AZURE_ADMINISTRATOR = ("AZ-104",)
AZURE_SOLUTIONS_ARCHITECT = ("AZ-305",)
DATA_AI_STEP_3 = (
    *("DP-300", "AI-102", "DP-100", "PL-300", "DP-420", "DP-600"),
    *("DP-700", "DP-800", "AI-103", "AI-300", "DP-750"),
)
INFRASTRUCTURE_INTERMEDIATE_STEP_2 = ("AZ-700", WINDOWS_SERVER_HYBRID)
INFRASTRUCTURE_ADVANCED_STEP_2 = ("AZ-140", "AZ-120")
DAI_INTERMEDIATE_STEP_2 = ("AZ-204", "PL-400", "AI-200", "GH-600")
DAI_ADVANCED_STEP_2 = ("AZ-400", "PL-600", "GH-200", "GH-100", "GH-500", "GH-300")

#: every certification each designation lists
LISTED: dict[str, tuple[str, ...]] = {
    "security": (*SECURITY_STEP_1, *SECURITY_STEP_2, *SECURITY_STEP_3),
    "business-applications": (*BA_INTERMEDIATE, *BA_ADVANCED),
    "data-ai": (*AZURE_ADMINISTRATOR, *AZURE_SOLUTIONS_ARCHITECT, *DATA_AI_STEP_3),
    "infrastructure": (
        *AZURE_ADMINISTRATOR,
        *INFRASTRUCTURE_INTERMEDIATE_STEP_2,
        *AZURE_SOLUTIONS_ARCHITECT,
        *INFRASTRUCTURE_ADVANCED_STEP_2,
    ),
    "digital-app-innovation": (
        *AZURE_ADMINISTRATOR,
        *DAI_INTERMEDIATE_STEP_2,
        *AZURE_SOLUTIONS_ARCHITECT,
        *DAI_ADVANCED_STEP_2,
    ),
}


def compared(name: str) -> str:
    """§1.5: names match ignoring case and extra spaces."""
    return " ".join(name.split()).casefold()


_BY_SPELLING = {compared(spelling): key for key, credential in CREDENTIALS.items() for spelling in credential.spellings}


# Reading the document (§6) ------------------------------------------------------------------


def exact(value: Any) -> Fraction:
    """A number as written: ``6250.5`` is 12501/2, never a binary float."""
    return Fraction(str(value)) if isinstance(value, float | str) else Fraction(value)


def day(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def holding(document: Mapping[str, Any], as_of: datetime.date, step: Iterable[str]) -> int:
    """§1.4, §1.5: the people holding a certification of *step* valid on *as_of*, each once."""
    wanted = set(step)
    return sum(1 for person in document.get("people") or () if wanted & _valid_held(person, as_of))


def _valid_held(person: Mapping[str, Any], as_of: datetime.date) -> set[str]:
    held = set()
    for written in person.get("certifications") or ():
        entry = {"name": written} if isinstance(written, str) else written
        key = _BY_SPELLING.get(compared(entry["name"]))
        if key is None:  # unknown: warned about, never counted
            continue
        earned, expires = entry.get("earned"), entry.get("expires")
        through = CREDENTIALS[key].eligible_through
        if earned is not None and day(earned) > as_of:
            continue
        if expires is not None and as_of > day(expires):
            continue
        if through is not None and as_of > through:
            continue
        held.add(key)
    return held


def given(document: Mapping[str, Any], path: str, metric: str, part: str | None = None) -> Fraction:
    """A metric's number on *path* (or one *part* of it) as written; a missing path, metric or part is 0 (§6)."""
    value = ((document.get("metrics") or {}).get(path) or {}).get(metric)
    if part is not None:
        value = (value or {}).get(part)
    return Fraction(0) if value is None else exact(value)


def fact(document: Mapping[str, Any], name: str) -> Fraction:
    """A classification fact; without it there is no verdict (§6), so here no reading either."""
    return exact(document["facts"][name])


# The formulas of §1.3 and §1.4 ---------------------------------------------------------------


def per_unit(n: Fraction, max_points: Fraction, units_for_max: Fraction) -> Fraction:
    """§1.3: min(max, max(0, n) * max / units_for_max); proportional, not stepwise (D2), never negative (D10)."""
    return min(max_points, max(Fraction(0), n) * max_points / units_for_max)


def baseline_percent(growth_percent: Fraction, baseline: Fraction, minimum: Fraction, max_points: Fraction) -> Fraction:
    """§1.3, D9: 0 unless the baseline reaches its minimum; else one point per percent, capped."""
    return min(max_points, max(Fraction(0), growth_percent)) if baseline >= minimum else Fraction(0)


def steps(gates: Iterable[tuple[int, int, Fraction]], people: int, each: Fraction, max_points: Fraction) -> Fraction:
    """§1.4, D4: each gate (have, need, points) earns its points when met, on its own; the per-person
    step earns *each* per person only when every gate is met; the metric is capped at its max."""
    gates = list(gates)
    earned = sum((points for have, need, points in gates if have >= need), Fraction(0))
    if all(have >= need for have, need, _ in gates):
        earned += people * each
    return min(max_points, earned)


# One function per designation: (path -> metric -> points) for the paths it scores -------------

Points = dict[str, dict[str, Fraction]]


def security(document: Mapping[str, Any], as_of: datetime.date) -> Points:
    """§2: both tracks scored; sources scored apart, added, capped (D3)."""
    step_1 = holding(document, as_of, SECURITY_STEP_1)
    step_2 = holding(document, as_of, SECURITY_STEP_2)
    step_3 = holding(document, as_of, SECURITY_STEP_3)
    per_customer = {ENTERPRISE: Fraction(2), SMB: Fraction(4)}
    usd_per_point = {ENTERPRISE: Fraction(1250), SMB: Fraction(750)}
    users_per_point = {ENTERPRISE: Fraction(125), SMB: Fraction(50)}
    skilling = {
        # Enterprise: gates of 2 and 2 people, 0 points; then 40/6 per person (D1), 40 at most
        ENTERPRISE: steps([(step_1, 2, Fraction(0)), (step_2, 2, Fraction(0))], step_3, Fraction(40, 6), Fraction(40)),
        # SMB: 4 points for at least 1 person in each of steps 1 and 2; then 8 per person
        SMB: steps([(step_1, 1, Fraction(4)), (step_2, 1, Fraction(4))], step_3, Fraction(8), Fraction(40)),
    }
    return {
        path: {
            "net_customer_adds": min(
                Fraction(20),
                per_customer[path]
                * (
                    _source(document, path, "net_customer_adds", "azure")
                    + _source(document, path, "net_customer_adds", "m365")
                ),
            ),
            "intermediate_certifications": skilling[path],
            "usage_growth": min(
                Fraction(20),
                _source(document, path, "usage_growth", "azure") / usd_per_point[path]
                + _source(document, path, "usage_growth", "m365") / users_per_point[path],
            ),
            "deployments": min(
                Fraction(20),
                (_source(document, path, "deployments", "azure") + _source(document, path, "deployments", "m365"))
                * Fraction(20, 6),
            ),
        }
        for path in (ENTERPRISE, SMB)
    }


def _source(document: Mapping[str, Any], path: str, metric: str, part: str) -> Fraction:
    """D3, D10: a Security source (azure, m365) scored alone: a negative one earns 0 and offsets nothing."""
    return max(Fraction(0), given(document, path, metric, part))


def business_applications(document: Mapping[str, Any], as_of: datetime.date) -> Points:
    """§3: enterprise with five or more unique workloads (D8), else smb; only that track is scored."""
    path = ENTERPRISE if fact(document, "enterprise_workloads") >= 5 else SMB
    intermediate = holding(document, as_of, BA_INTERMEDIATE)
    advanced = holding(document, as_of, BA_ADVANCED)
    return {
        path: {
            "net_customer_adds": per_unit(given(document, path, "net_customer_adds"), Fraction(15), Fraction(5)),
            "intermediate_certifications": per_unit(
                Fraction(intermediate), Fraction(20), Fraction(20) if path == ENTERPRISE else Fraction(5)
            ),
            # D1, D16: 15/7 per person ("2.14"), 7 for the max; smb 7.5 per person, 2 for the max
            "advanced_certifications": per_unit(
                Fraction(advanced), Fraction(15), Fraction(7) if path == ENTERPRISE else Fraction(2)
            ),
            "usage_growth": baseline_percent(
                given(document, path, "usage_growth", "growth_percent"),
                given(document, path, "usage_growth", "baseline_mcv"),
                Fraction(50_000) if path == ENTERPRISE else Fraction(25_000),
                Fraction(30),
            ),
            "deployments": per_unit(given(document, path, "deployments"), Fraction(20), Fraction(5)),
        }
    }


def _azure_track(document: Mapping[str, Any]) -> str:
    """§4: SMB when 80 % or more of the customers are SMB ("80% or more", D8), else enterprise."""
    return SMB if fact(document, "smb_customer_share") >= 80 else ENTERPRISE


def _azure_customer_metrics(document: Mapping[str, Any], path: str) -> dict[str, Fraction]:
    """§4: the same on the three designations and on both tracks (the tracks differ only in what a customer is)."""
    return {
        "net_customer_adds": per_unit(given(document, path, "net_customer_adds"), Fraction(30), Fraction(3)),
        "usage_growth": baseline_percent(
            given(document, path, "usage_growth", "growth_percent"),
            given(document, path, "usage_growth", "qualifying_acr"),
            Fraction(1000),
            Fraction(20),
        ),
        "deployments": per_unit(given(document, path, "deployments"), Fraction(10), Fraction(5)),
    }


def _two_steps(path: str, gate: int, per_person: int) -> Fraction:
    """§4.1's two-step metrics (max 20): a gate of 2 people, 0 points (smb: 1, 4 points); then 4 per person."""
    if path == ENTERPRISE:
        return steps([(gate, 2, Fraction(0))], per_person, Fraction(4), Fraction(20))
    return steps([(gate, 1, Fraction(4))], per_person, Fraction(4), Fraction(20))


def data_ai(document: Mapping[str, Any], as_of: datetime.date) -> Points:
    """§4: no advanced metric; intermediate has two gates (Azure Administrator, Azure Solutions Architect), max 40."""
    path = _azure_track(document)
    administrators = holding(document, as_of, AZURE_ADMINISTRATOR)
    architects = holding(document, as_of, AZURE_SOLUTIONS_ARCHITECT)
    specialists = holding(document, as_of, DATA_AI_STEP_3)
    if path == ENTERPRISE:
        gates = [(administrators, 2, Fraction(0)), (architects, 2, Fraction(0))]
    else:
        gates = [(administrators, 1, Fraction(4)), (architects, 1, Fraction(4))]
    points = _azure_customer_metrics(document, path)
    points["intermediate_certifications"] = steps(gates, specialists, Fraction(4), Fraction(40))
    return {path: points}


def infrastructure(document: Mapping[str, Any], as_of: datetime.date) -> Points:
    """§4.1: two two-step metrics, gated by Azure Administrator and by Azure Solutions Architect."""
    path = _azure_track(document)
    points = _azure_customer_metrics(document, path)
    points["intermediate_certifications"] = _two_steps(
        path,
        holding(document, as_of, AZURE_ADMINISTRATOR),
        holding(document, as_of, INFRASTRUCTURE_INTERMEDIATE_STEP_2),
    )
    points["advanced_certifications"] = _two_steps(
        path,
        holding(document, as_of, AZURE_SOLUTIONS_ARCHITECT),
        holding(document, as_of, INFRASTRUCTURE_ADVANCED_STEP_2),
    )
    return {path: points}


def digital_app_innovation(document: Mapping[str, Any], as_of: datetime.date) -> Points:
    """§4.1: as infrastructure, each metric's step 2 with its own list."""
    path = _azure_track(document)
    points = _azure_customer_metrics(document, path)
    points["intermediate_certifications"] = _two_steps(
        path, holding(document, as_of, AZURE_ADMINISTRATOR), holding(document, as_of, DAI_INTERMEDIATE_STEP_2)
    )
    points["advanced_certifications"] = _two_steps(
        path, holding(document, as_of, AZURE_SOLUTIONS_ARCHITECT), holding(document, as_of, DAI_ADVANCED_STEP_2)
    )
    return {path: points}


DESIGNATIONS: dict[str, Callable[[Mapping[str, Any], datetime.date], Points]] = {
    "security": security,
    "business-applications": business_applications,
    "data-ai": data_ai,
    "infrastructure": infrastructure,
    "digital-app-innovation": digital_app_innovation,
}


# The verdict (§1.1, §1.2) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The tracks scored (both for Security, the classified one otherwise), each metric's points, the verdict."""

    points: Points
    path: str
    qualified: bool
    score: Fraction


def passes(points: Mapping[str, Fraction]) -> bool:
    """§1.1, D7: at least 70 in total and at least 1 in every metric."""
    return sum(points.values(), Fraction(0)) >= 70 and all(value >= 1 for value in points.values())


def score(designation_id: str, document: Mapping[str, Any], as_of: datetime.date | str | None = None) -> Reading:
    """The verdict designations.md reads for *document* under *designation_id* on *as_of* (default: the document's)."""
    on = day(as_of if as_of is not None else document["as_of"])
    points = DESIGNATIONS[designation_id](document, on)
    totals = {path: sum(metrics.values(), Fraction(0)) for path, metrics in points.items()}
    # §1.2: the best qualifying track, else the higher total; ties to enterprise (listed first)
    order = [path for path in (ENTERPRISE, SMB) if path in points]
    qualifying = [path for path in order if passes(points[path])]
    best = max(qualifying or order, key=totals.__getitem__)
    return Reading(points=points, path=best, qualified=bool(qualifying), score=totals[best])
