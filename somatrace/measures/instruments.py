"""Outcome instruments as data: declarative, versioned definitions. No Django import.

Every figure used for scoring, bands, risk items or change lives here, next to its source and
what it is (internal consistency alpha, test-retest r or ICC, SD of which sample, ...).
Figures marked *(unverified)* - those /shared/reference/instruments.md marks so or asks to
confirm, and those read only in an abstract - are labelled so in the user interface as well
(``ChangeData.verified``, ``MeaningfulChange.verified``, ``Band.note``).

Reliable change (Jacobson & Truax) and clinically meaningful change (anchor- or
guideline-based figures) are different things and are kept in different fields
(``ChangeData.published_threshold``/``sd``+``reliability`` versus ``ChangeData.meaningful``).

Item numbers are 1-based everywhere (as printed on the forms); ``answers`` passed to the
scoring functions are sequences indexed from 0 (answer to item 1 at index 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Combine = Literal["sum", "mean"]
Direction = Literal["lower-is-better", "higher-is-better"]


@dataclass(frozen=True)
class Option:
    """One response option: the value stored and scored, and its printed label."""

    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int  # 1-based, as printed
    text: str


@dataclass(frozen=True)
class ExtraQuestion:
    """A question printed on the form but not scored (e.g. the PHQ-9 difficulty question)."""

    key: str
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Subscale:
    """A group of items combined by ``combine`` (after reverse scoring)."""

    key: str
    title: str
    items: tuple[int, ...]  # 1-based item numbers
    combine: Combine = "sum"


@dataclass(frozen=True)
class Band:
    """A severity band on the total; both edges inclusive (``low <= total <= high``)."""

    low: float
    high: float
    label: str
    note: str = ""  # e.g. "informal bands" or "(unverified)"


@dataclass(frozen=True)
class RiskItem:
    """An answer that must reach the practitioner: item ``number`` at or above ``at_least``."""

    number: int
    at_least: int
    kind: str  # alert kind, one open alert per client and kind
    priority: Literal["high", "lower"]
    title: str
    source: str


@dataclass(frozen=True)
class MeaningfulChange:
    """A *clinically meaningful* (or clinically relevant, minimal important) change.

    Such figures come from anchor-based studies or guidelines (what patients or clinicians
    judge to matter). They are NOT Jacobson-Truax reliable change indices, which say only that
    a difference is larger than measurement error. Both are shown, each under its own name.
    ``points`` is in raw score points; ``label`` is how the figure is written where it was
    published (e.g. WHO-5's "10 percentage points").
    """

    points: float
    name: str  # e.g. "clinically meaningful change", "minimal clinically important difference"
    label: str
    source: str
    verified: bool = True


@dataclass(frozen=True)
class MissingRule:
    """A published rule for scoring with some answers missing (the total only).

    With at most ``max_missing`` items unanswered, each missing item takes the mean of the
    answered ones, so total = mean of the answered items x number of items. The result is
    rounded to a whole number, halves up (see ``rounding``), and marked as prorated. With more
    items missing the questionnaire is not scored.
    """

    max_missing: int
    source: str  # who publishes the rule
    rule: str  # the rule in a sentence
    rounding: str


@dataclass(frozen=True)
class ChangeData:
    """What Jacobson & Truax (1991) need to tell real change from measurement noise.

    The smallest reliable raw change comes from one of two places, and its inputs are named:

    * ``sd`` (SD of a reference, pre-treatment sample; where from: ``sd_source``) together with
      ``reliability`` (what it is and where from: ``reliability_kind`` - test-retest r, ICC or
      Cronbach's alpha) give S_diff = sqrt(2) * sd * sqrt(1 - r); the threshold is
      1.96 * S_diff.
    * ``published_threshold``: a smallest reliable change computed and published by others
      (``threshold_source`` says who, from what sample, and from which inputs where known);
      S_diff = threshold / 1.96 and a change of at least the threshold counts as reliable.
      ``reliability`` may then name the reliability those authors used (for information).

    ``reported_reliability``: other reliability figures published for the instrument, each
    labelled with what it is (internal consistency alpha, test-retest r or ICC) - shown for
    information, not used.

    ``meaningful``: a clinically meaningful change where the literature defines one, kept apart
    from the reliable change.

    ``cutoff``: the score that separates the clinical from the non-clinical range. With
    ``lower-is-better`` a score >= cutoff is in the clinical range; with ``higher-is-better``
    a score < cutoff is. ``cutoff_kind`` says where it comes from: "c" (criterion c from
    functional and dysfunctional norms), "published" (the instrument's screening cut-off,
    used where no norms exist, as J&T allow) or "" (no cut-off: nobody can be "recovered").
    """

    direction: Direction
    reliability: float | None
    reliability_kind: str
    sd: float | None = None
    sd_source: str = ""
    published_threshold: float | None = None
    threshold_source: str = ""
    reported_reliability: tuple[str, ...] = ()
    meaningful: MeaningfulChange | None = None
    cutoff: float | None = None
    cutoff_kind: Literal["c", "published", ""] = ""
    # Optional norms for criteria a, b and c (J&T 1991).
    functional_mean: float | None = None
    functional_sd: float | None = None
    dysfunctional_mean: float | None = None
    dysfunctional_sd: float | None = None
    source: str = ""
    verified: bool = True  # False when a reliable-change figure above is marked (unverified)

    @property
    def computed(self) -> bool:
        """True when the threshold is computed here from ``sd`` and ``reliability``."""
        return self.sd is not None and self.reliability is not None

    @property
    def basis(self) -> str:
        """Where the reliable-change threshold comes from, in one sentence."""
        if self.computed:
            return (
                f"Computed here: 1.96 × √2 × SD {self.sd:g} × √(1 − {self.reliability:g}); "
                f"SD of {self.sd_source}; reliability: {self.reliability_kind}."
            )
        return f"Published: {self.threshold_source}"


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    title: str
    short_title: str
    instructions: str
    recall_period: str
    items: tuple[Item, ...]
    options: tuple[Option, ...]
    source: str
    licence: str
    enabled_by_default: bool = True
    reverse_items: tuple[int, ...] = ()
    # Reverse scoring: x -> reverse_from - x (4 for 0-4 scales, 5 for 0-5 scales).
    reverse_from: int = 0
    has_total: bool = True
    total_range: tuple[int, int] = (0, 0)
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    band_source: str = ""
    risk_items: tuple[RiskItem, ...] = ()
    # None: the instrument has no published rule for missing answers, so it is not scored
    # when any answer is missing (the reason is shown).
    missing_rule: MissingRule | None = None
    change: ChangeData | None = None
    trend_only: bool = False
    percentage_factor: int | None = None  # WHO-5: percentage = raw x 4
    higher_is_better: bool = False
    option_anchors_only: bool = False  # MAIA-2 prints labels at the ends only
    extra_questions: tuple[ExtraQuestion, ...] = ()  # asked, stored, never scored

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def min_value(self) -> int:
        return min(o.value for o in self.options)

    @property
    def max_value(self) -> int:
        return max(o.value for o in self.options)

    @property
    def has_change_data(self) -> bool:
        return self.change is not None

    def band_for(self, total: float) -> Band | None:
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        return None


# --- Response option sets -------------------------------------------------------------------

_FREQUENCY_2_WEEKS = (
    Option(0, "Not at all"),
    Option(1, "Several days"),
    Option(2, "More than half the days"),
    Option(3, "Nearly every day"),
)
_PSS_OPTIONS = (
    Option(0, "Never"),
    Option(1, "Almost never"),
    Option(2, "Sometimes"),
    Option(3, "Fairly often"),
    Option(4, "Very often"),
)
_PCL_OPTIONS = (
    Option(0, "Not at all"),
    Option(1, "A little bit"),
    Option(2, "Moderately"),
    Option(3, "Quite a bit"),
    Option(4, "Extremely"),
)
_WHO5_OPTIONS = (
    Option(5, "All of the time"),
    Option(4, "Most of the time"),
    Option(3, "More than half of the time"),
    Option(2, "Less than half of the time"),
    Option(1, "Some of the time"),
    Option(0, "At no time"),
)
_MAIA_OPTIONS = (
    Option(0, "0 (Never)"),
    Option(1, "1"),
    Option(2, "2"),
    Option(3, "3"),
    Option(4, "4"),
    Option(5, "5 (Always)"),
)
_SUDS_OPTIONS = tuple(Option(v, str(v)) for v in range(11))


def _items(*texts: str) -> tuple[Item, ...]:
    return tuple(Item(number, text) for number, text in enumerate(texts, start=1))


# --- PHQ-9 ----------------------------------------------------------------------------------
# Kroenke K, Spitzer RL, Williams JBW. The PHQ-9. J Gen Intern Med 2001;16:606-613.

PHQ9 = Instrument(
    code="PHQ9",
    version="1",
    title="Patient Health Questionnaire (PHQ-9)",
    short_title="PHQ-9",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    recall_period="the last 2 weeks",
    items=_items(
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ),
    options=_FREQUENCY_2_WEEKS,
    # The 10th question is asked but not scored (Kroenke 2001).
    extra_questions=(
        ExtraQuestion(
            "difficulty",
            "If you checked off any problems, how difficult have these problems made it for "
            "you to do your work, take care of things at home, or get along with other people?",
            (
                Option(0, "Not difficult at all"),
                Option(1, "Somewhat difficult"),
                Option(2, "Very difficult"),
                Option(3, "Extremely difficult"),
            ),
        ),
    ),
    source="Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606-613.",
    licence="Free to use; no permission required (Pfizer). "
    "Developed by Drs Spitzer, Williams, Kroenke and colleagues with an educational grant "
    "from Pfizer Inc.",
    total_range=(0, 27),
    # Bands: Kroenke 2001, table 3 (0-4 minimal, 5-9 mild, 10-14 moderate,
    # 15-19 moderately severe, 20-27 severe).
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 19, "Moderately severe"),
        Band(20, 27, "Severe"),
    ),
    band_source="Kroenke et al. (2001); >= 10: sensitivity 88 %, specificity 88 % for major "
    "depression.",
    risk_items=(
        RiskItem(
            number=9,
            at_least=1,
            kind="phq9.item9",
            priority="high",
            title="PHQ-9 item 9: thoughts of being better off dead or of self-harm",
            source="Kroenke et al. (2001): any answer above 0 on item 9 needs follow-up.",
        ),
    ),
    # Missing answers: NHS Data Dictionary, "Patient Health Questionnaire-9": "If one or two
    # values are missing from the score, then they can be substituted with the average score
    # of the non-missing items. Questionnaires with more than two missing values should be
    # disregarded." The Dictionary states no rounding (see `rounding` below).
    missing_rule=MissingRule(
        max_missing=2,
        source="NHS Data Dictionary, Patient Health Questionnaire-9",
        rule="with one or two items missing, each is replaced by the mean of the answered "
        "items (total = mean × 9); with more than two the questionnaire is disregarded",
        rounding="The NHS Data Dictionary gives no rounding. Somatrace rounds the prorated "
        "total (mean × 9) to the nearest whole number, halves up, so that it falls in "
        "Kroenke's whole-number bands; this rounding is Somatrace's convention, and the "
        "unrounded value is kept with the score.",
    ),
    change=ChangeData(
        direction="lower-is-better",
        # Not an input of the 6-point figure; shown for information.
        reliability=None,
        reliability_kind="",
        # The IAPT convention: a change of 6 points or more is reliable. (unverified)
        published_threshold=6.0,
        threshold_source="6 points, the IAPT (NHS Talking Therapies) convention for reliable "
        "change on the PHQ-9 (unverified).",
        reported_reliability=("Cronbach's α .89: internal consistency (Kroenke 2001)",),
        # Löwe B et al. (2004), Med Care 42:1194-1201: minimal clinically important difference
        # of 5 points (anchor-based; not a reliable change index).
        meaningful=MeaningfulChange(
            points=5,
            name="minimal clinically important difference",
            label="5 points",
            source="Löwe et al. 2004",
        ),
        cutoff=10,
        cutoff_kind="published",
        source="Reliable change: 6 points, IAPT convention (unverified). Cut-off: >= 10 "
        "(Kroenke 2001), used because no functional norms are stored. Minimal clinically "
        "important difference 5 points (Löwe 2004), shown separately.",
        verified=False,
    ),
)

# --- GAD-7 ----------------------------------------------------------------------------------
# Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized
# anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-1097.

GAD7 = Instrument(
    code="GAD7",
    version="1",
    title="Generalized Anxiety Disorder scale (GAD-7)",
    short_title="GAD-7",
    instructions=(
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    recall_period="the last 2 weeks",
    items=_items(
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it is hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid, as if something awful might happen",
    ),
    options=_FREQUENCY_2_WEEKS,
    source="Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092-1097.",
    licence="Free to use; no permission required (Pfizer).",
    total_range=(0, 21),
    # Bands at 5 / 10 / 15 (Spitzer 2006).
    bands=(
        Band(0, 4, "Minimal"),
        Band(5, 9, "Mild"),
        Band(10, 14, "Moderate"),
        Band(15, 21, "Severe"),
    ),
    band_source="Spitzer et al. (2006); >= 10: sensitivity 89 %, specificity 82 %.",
    change=ChangeData(
        direction="lower-is-better",
        # Bischoff T et al. (2020), Psychology, Community & Health 8:176-187: the .87 is THEIR
        # test-retest Pearson r (14-28 days, online community sample), not Spitzer's.
        reliability=0.87,
        reliability_kind="test-retest Pearson r .87 over 14-28 days in an online community "
        "sample (Bischoff et al. 2020)",
        # Jacobson-Truax reliable change 5.59 points, i.e. 6 on integer scores (Bischoff 2020).
        published_threshold=5.59,
        threshold_source="Jacobson-Truax reliable change index of 5.59 points (6 on whole "
        "scores), Bischoff et al. (2020), from a test-retest r of .87.",
        # Spitzer 2006 reports two different reliability figures; each is labelled as what it
        # is. Neither is an input of the 5.59-point figure.
        reported_reliability=(
            "Cronbach's α .92: internal consistency (Spitzer et al. 2006)",
            "test-retest ICC .83: intraclass correlation, retest within a week (Spitzer et "
            "al. 2006)",
        ),
        cutoff=10,
        cutoff_kind="published",
        source="Reliable change 5.59 points (Bischoff et al. 2020, Jacobson-Truax with their "
        "test-retest r = .87). Spitzer 2006 reports α .92 and test-retest ICC .83. Cut-off: "
        ">= 10 (Spitzer 2006), used because no functional norms are stored.",
    ),
)

# --- PSS-10 ---------------------------------------------------------------------------------
# Cohen S, Kamarck T, Mermelstein R. A global measure of perceived stress. J Health Soc Behav
# 1983;24:385-396. Cohen S, Williamson G (1988) in Spacapan & Oskamp (eds.), The social
# psychology of health.

PSS10 = Instrument(
    code="PSS10",
    version="1",
    title="Perceived Stress Scale (PSS-10)",
    short_title="PSS-10",
    instructions=(
        "The questions in this scale ask you about your feelings and thoughts during the last "
        "month. In each case, you will be asked to indicate how often you felt or thought a "
        "certain way."
    ),
    recall_period="the last month",
    items=_items(
        "In the last month, how often have you been upset because of something that happened "
        "unexpectedly?",
        "In the last month, how often have you felt that you were unable to control the "
        "important things in your life?",
        "In the last month, how often have you felt nervous and “stressed”?",
        "In the last month, how often have you felt confident about your ability to handle "
        "your personal problems?",
        "In the last month, how often have you felt that things were going your way?",
        "In the last month, how often have you found that you could not cope with all the "
        "things that you had to do?",
        "In the last month, how often have you been able to control irritations in your life?",
        "In the last month, how often have you felt that you were on top of things?",
        "In the last month, how often have you been angered because of things that were "
        "outside of your control?",
        "In the last month, how often have you felt difficulties were piling up so high that "
        "you could not overcome them?",
    ),
    options=_PSS_OPTIONS,
    source="Cohen, Kamarck & Mermelstein (1983); Cohen & Williamson (1988).",
    licence="Free for research and non-profit (e.g. clinical) use; terms for commercial use "
    "are unclear — check with the author (Sheldon Cohen, Carnegie Mellon) before such use.",
    # Reverse-score items 4, 5, 7 and 8 (x -> 4 - x), then sum (Cohen 1983).
    reverse_items=(4, 5, 7, 8),
    reverse_from=4,
    total_range=(0, 40),
    bands=(
        Band(0, 13, "Low", "informal band"),
        Band(14, 26, "Moderate", "informal band"),
        Band(27, 40, "High", "informal band"),
    ),
    band_source="The PSS-10 has no official cut-offs; 0-13 / 14-26 / 27-40 are informal "
    "bands in common use.",
    change=ChangeData(
        direction="lower-is-better",
        # alpha .78 (Cohen & Williamson 1988); reference M 13.0, SD 6.35, N = 2,387
        # (unverified).
        reliability=0.78,
        reliability_kind="Cronbach's α .78, internal consistency (Cohen & Williamson 1988); "
        "used because no test-retest figure is stored, as Jacobson & Truax allow",
        sd=6.35,
        sd_source="the US reference sample, N = 2,387 (Cohen & Williamson 1988; unverified)",
        functional_mean=13.0,
        functional_sd=6.35,
        cutoff=None,
        cutoff_kind="",
        source="SD 6.35 of the US reference sample (N = 2,387, Cohen & Williamson 1988; "
        "unverified) and alpha .78. No clinical cut-off exists, so nobody is classed as "
        "recovered: only improved / unchanged / deteriorated.",
        verified=False,
    ),
)

# --- PCL-5 ----------------------------------------------------------------------------------
# Weathers FW, Litz BT, Keane TM, Palmieri PA, Marx BP, Schnurr PP (2013). The PTSD Checklist
# for DSM-5 (PCL-5). National Center for PTSD. Blevins CA et al. J Trauma Stress
# 2015;28:489-498.

PCL5_CUTOFF = 33  # provisional PTSD at total >= 31-33; 33 unless configured (NCPTSD)
# DSM-5 cluster rule: an item counts as endorsed when rated >= 2 ("moderately"); need
# >= 1 B (items 1-5), >= 1 C (6-7), >= 2 D (8-14), >= 2 E (15-20) (Weathers 2013, NCPTSD).
PCL5_ENDORSED_AT = 2
PCL5_CLUSTER_RULE = {"B": 1, "C": 1, "D": 2, "E": 2}

PCL5 = Instrument(
    code="PCL5",
    version="1",
    title="PTSD Checklist for DSM-5 (PCL-5)",
    short_title="PCL-5",
    instructions=(
        "Below is a list of problems that people sometimes have in response to a very "
        "stressful experience. Please read each problem carefully and then indicate how much "
        "you have been bothered by that problem in the past month. In the past month, how "
        "much were you bothered by:"
    ),
    recall_period="the past month",
    items=_items(
        "Repeated, disturbing, and unwanted memories of the stressful experience?",
        "Repeated, disturbing dreams of the stressful experience?",
        "Suddenly feeling or acting as if the stressful experience were actually happening "
        "again (as if you were actually back there reliving it)?",
        "Feeling very upset when something reminded you of the stressful experience?",
        "Having strong physical reactions when something reminded you of the stressful "
        "experience (for example, heart pounding, trouble breathing, sweating)?",
        "Avoiding memories, thoughts, or feelings related to the stressful experience?",
        "Avoiding external reminders of the stressful experience (for example, people, "
        "places, conversations, activities, objects, or situations)?",
        "Trouble remembering important parts of the stressful experience?",
        "Having strong negative beliefs about yourself, other people, or the world (for "
        "example, having thoughts such as: I am bad, there is something seriously wrong with "
        "me, no one can be trusted, the world is completely dangerous)?",
        "Blaming yourself or someone else for the stressful experience or what happened after it?",
        "Having strong negative feelings such as fear, horror, anger, guilt, or shame?",
        "Loss of interest in activities that you used to enjoy?",
        "Feeling distant or cut off from other people?",
        "Trouble experiencing positive feelings (for example, being unable to feel happiness "
        "or have loving feelings for people close to you)?",
        "Irritable behavior, angry outbursts, or acting aggressively?",
        "Taking too many risks or doing things that could cause you harm?",
        "Being “superalert” or watchful or on guard?",
        "Feeling jumpy or easily startled?",
        "Having difficulty concentrating?",
        "Trouble falling or staying asleep?",
    ),
    options=_PCL_OPTIONS,
    source="Weathers et al. (2013), National Center for PTSD; Blevins et al. (2015), "
    "J Trauma Stress 28:489-498.",
    licence="Public domain (US Department of Veterans Affairs, National Center for PTSD).",
    total_range=(0, 80),
    subscales=(
        Subscale("B", "Intrusions (B, items 1-5)", (1, 2, 3, 4, 5)),
        Subscale("C", "Avoidance (C, items 6-7)", (6, 7)),
        Subscale("D", "Negative cognitions and mood (D, items 8-14)", tuple(range(8, 15))),
        Subscale("E", "Arousal and reactivity (E, items 15-20)", tuple(range(15, 21))),
    ),
    bands=(
        Band(0, PCL5_CUTOFF - 1, "Below the provisional PTSD cut-off"),
        Band(PCL5_CUTOFF, 80, "Provisional PTSD (total ≥ 33)"),
    ),
    band_source="Provisional PTSD at a total of 31-33 (Blevins 2015, NCPTSD); 33 is used.",
    risk_items=(
        RiskItem(
            number=16,
            at_least=2,
            kind="pcl5.item16",
            priority="lower",
            title="PCL-5 item 16: taking too many risks or doing things that could cause harm",
            source="Item 16 rated 2 (moderately) or more is worth surfacing (reference notes).",
        ),
    ),
    change=ChangeData(
        direction="lower-is-better",
        # Marx BP et al. (2022), Psychol Assess 34:197-203: Jacobson-Truax reliable change
        # computed in two clinical samples of male veterans from each sample's own SD and
        # reliability: >= 15 points (Sample 1, N = 198) and >= 18 (Sample 2, N = 102). The
        # smaller, 15, is used. The reference marks these figures "confirm the exact figures"
        # and the SD and reliability behind them are not stored here: (unverified).
        reliability=None,
        reliability_kind="",
        published_threshold=15.0,
        threshold_source="Jacobson-Truax reliable change of 15 points or more in a clinical "
        "sample of male veterans (Marx et al. 2022, Sample 1, N = 198; Sample 2 gave 18), "
        "computed there from that sample's SD and reliability (unverified).",
        # Not the inputs of the 15-point figure; shown for information.
        reported_reliability=(
            "Cronbach's α .94: internal consistency (Blevins et al. 2015, trauma-exposed students)",
            "test-retest r .82 over one week (Blevins et al. 2015, trauma-exposed students)",
        ),
        # National Center for PTSD: 5 points = minimum response, 10 points = clinically
        # meaningful change. A guideline figure, NOT a reliable change index.
        meaningful=MeaningfulChange(
            points=10,
            name="clinically meaningful change",
            label="10 points",
            source="National Center for PTSD guidance; 5 points is its minimum response",
        ),
        cutoff=PCL5_CUTOFF,
        cutoff_kind="published",
        source="Reliable change: 15 points (Jacobson-Truax, Marx et al. 2022; unverified). "
        "Clinically meaningful change: 10 points (National Center for PTSD), shown separately. "
        "Cut-off >= 33 for provisional PTSD (Blevins 2015), used because no functional norms "
        "are stored.",
        verified=False,
    ),
)

# --- WHO-5 ----------------------------------------------------------------------------------
# Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic
# review of the literature. Psychother Psychosom 2015;84:167-176.

WHO5_CUTOFF_RAW = 13  # raw < 13 (< 52 %): poor well-being, screen for depression (Topp 2015)
WHO5_PERCENT = 4  # percentage = raw x 4

WHO5 = Instrument(
    code="WHO5",
    version="1",
    title="WHO-5 Well-Being Index",
    short_title="WHO-5",
    instructions=(
        "Please indicate for each of the five statements which is closest to how you have "
        "been feeling over the last two weeks."
    ),
    recall_period="the last two weeks",
    items=_items(
        "I have felt cheerful and in good spirits",
        "I have felt calm and relaxed",
        "I have felt active and vigorous",
        "I woke up feeling fresh and rested",
        "My daily life has been filled with things that interest me",
    ),
    options=_WHO5_OPTIONS,
    source="World Health Organization; Topp et al. (2015), Psychother Psychosom 84:167-176.",
    licence="© World Health Organization 2024. Licensed under CC BY-NC-SA 3.0 IGO: "
    "non-commercial use only, with attribution, and adaptations shared alike. Disabled by "
    "default; a practice owner enables it after reading this licence.",
    enabled_by_default=False,
    total_range=(0, 25),
    percentage_factor=WHO5_PERCENT,
    higher_is_better=True,
    bands=(
        Band(0, 7, "Likely depression (≤ 28 %)", "(unverified)"),
        Band(8, WHO5_CUTOFF_RAW - 1, "Poor well-being (< 52 %) — screen for depression"),
        Band(WHO5_CUTOFF_RAW, 25, "At or above the screening cut-off (≥ 52 %)"),
    ),
    band_source="Raw < 13 (< 52 %) indicates poor well-being (Topp 2015); <= 28 % likely "
    "depression (unverified). Any item answered 0 or 1 is worth following up.",
    change=ChangeData(
        direction="higher-is-better",
        # Schougaard LMV, de Thurah A, Bech P, Hjollund NH, Christiansen DH (2018), Health Qual
        # Life Outcomes 16:175: test-retest ICC .81 (95 % CI .78-.84), median 22 days, 554
        # Danish epilepsy outpatients; minimal detectable change 23.60 percentage points,
        # from the standard error of measurement (MDC95 = 1.96 x sqrt(2) x SEM, the same form
        # as Jacobson-Truax's 1.96 x S_diff). 23.60 / 4 = 5.9 raw points. Taken from the
        # abstract, in a clinical but not a psychotherapy sample: (unverified).
        reliability=0.81,
        reliability_kind="test-retest ICC .81, median 22 days, Danish epilepsy outpatients "
        "(Schougaard et al. 2018)",
        published_threshold=23.60 / WHO5_PERCENT,
        threshold_source="smallest detectable change of 23.60 percentage points (5.9 raw "
        "points) from the standard error of measurement, with test-retest ICC .81, in 554 "
        "epilepsy outpatients (Schougaard et al. 2018; unverified).",
        # Topp 2015: a 10-point change in the percentage score is clinically relevant:
        # 10 / 4 = 2.5 raw points. Not a reliable change index.
        meaningful=MeaningfulChange(
            points=10 / WHO5_PERCENT,
            name="clinically relevant change",
            label="10 percentage points = 2.5 raw points",
            source="Topp et al. 2015",
        ),
        cutoff=WHO5_CUTOFF_RAW,
        cutoff_kind="published",
        source="Reliable change: 23.60 percentage points = 5.9 raw points (smallest detectable "
        "change, Schougaard et al. 2018; unverified). Clinically relevant change: 10 "
        "percentage points = 2.5 raw points (Topp 2015), shown separately. Cut-off: raw 13 "
        "(52 %).",
        verified=False,
    ),
)

# --- MAIA-2 ---------------------------------------------------------------------------------
# Mehling WE, Acree M, Stewart A, Silas J, Jones A. The Multidimensional Assessment of
# Interoceptive Awareness, Version 2 (MAIA-2). PLoS One 2018;13:e0208034.

MAIA2 = Instrument(
    code="MAIA2",
    version="1",
    title="Multidimensional Assessment of Interoceptive Awareness, Version 2 (MAIA-2)",
    short_title="MAIA-2",
    instructions=(
        "Below you will find a list of statements. Please indicate how often each statement "
        "applies to you generally in daily life."
    ),
    recall_period="generally in daily life",
    items=_items(
        "When I am tense I notice where the tension is located in my body.",
        "I notice when I am uncomfortable in my body.",
        "I notice where in my body I am comfortable.",
        "I notice changes in my breathing, such as whether it slows down or speeds up.",
        "I ignore physical tension or discomfort until they become more severe.",
        "I distract myself from sensations of discomfort.",
        "When I feel pain or discomfort, I try to power through it.",
        "I try to ignore pain.",
        "I push feelings of discomfort away by focusing on something.",
        "When I feel unpleasant body sensations, I occupy myself with something else so I "
        "don’t have to feel them.",
        "When I feel physical pain, I become upset.",
        "I start to worry that something is wrong if I feel any discomfort.",
        "I can notice an unpleasant body sensation without worrying about it.",
        "I can stay calm and not worry when I have feelings of discomfort or pain.",
        "When I am in discomfort or pain I can’t get it out of my mind.",
        "I can pay attention to my breath without being distracted by things happening around me.",
        "I can maintain awareness of my inner bodily sensations even when there is a lot "
        "going on around me.",
        "When I am in conversation with someone, I can pay attention to my posture.",
        "I can return awareness to my body if I am distracted.",
        "I can refocus my attention from thinking to sensing my body.",
        "I can maintain awareness of my whole body even when a part of me is in pain or "
        "discomfort.",
        "I am able to consciously focus on my body as a whole.",
        "I notice how my body changes when I am angry.",
        "When something is wrong in my life I can feel it in my body.",
        "I notice that my body feels different after a peaceful experience.",
        "I notice that my breathing becomes free and easy when I feel comfortable.",
        "I notice how my body changes when I feel happy / joyful.",
        "When I feel overwhelmed I can find a calm place inside.",
        "When I bring awareness to my body I feel a sense of calm.",
        "I can use my breath to reduce tension.",
        "When I am caught up in thoughts, I can calm my mind by focusing on my body/breathing.",
        "I listen for information from my body about my emotional state.",
        "When I am upset, I take time to explore how my body feels.",
        "I listen to my body to inform me about what to do.",
        "I am at home in my body.",
        "I feel my body is a safe place.",
        "I trust my body sensations.",
    ),
    options=_MAIA_OPTIONS,
    option_anchors_only=True,
    source="Mehling et al. (2018), PLoS One 13:e0208034; scoring key from osher.ucsf.edu/maia.",
    licence="© Regents of the University of California (UCSF). Free to use without written "
    "permission; modifications must be marked as such; use whole subscales.",
    # Reverse-score items 5-12 and 15 (x -> 5 - x) (Mehling 2018 scoring key).
    reverse_items=(5, 6, 7, 8, 9, 10, 11, 12, 15),
    reverse_from=5,
    has_total=False,
    total_range=(0, 5),
    higher_is_better=True,
    # Eight subscales, each the MEAN of its items (0-5); no total, no cut-offs.
    subscales=(
        Subscale("noticing", "Noticing", (1, 2, 3, 4), "mean"),
        Subscale("not_distracting", "Not-Distracting", (5, 6, 7, 8, 9, 10), "mean"),
        Subscale("not_worrying", "Not-Worrying", (11, 12, 13, 14, 15), "mean"),
        Subscale(
            "attention_regulation", "Attention Regulation", (16, 17, 18, 19, 20, 21, 22), "mean"
        ),
        Subscale("emotional_awareness", "Emotional Awareness", (23, 24, 25, 26, 27), "mean"),
        Subscale("self_regulation", "Self-Regulation", (28, 29, 30, 31), "mean"),
        Subscale("body_listening", "Body Listening", (32, 33, 34), "mean"),
        Subscale("trusting", "Trusting", (35, 36, 37), "mean"),
    ),
    band_source="No total score and no cut-offs. Test-retest ICC .67-.79 by subscale (Dutch "
    "MAIA-2, 2024) but no reference SDs are stored, so change is shown as a trend.",
    trend_only=True,
)

# --- SUDS -----------------------------------------------------------------------------------
# Wolpe J (1969). The practice of behavior therapy. One rating "right now", 0-10.

SUDS = Instrument(
    code="SUDS",
    version="1",
    title="Subjective Units of Distress (SUDS)",
    short_title="SUDS",
    instructions="Rate how distressed you feel right now, from 0 (no distress, completely "
    "calm) to 10 (the worst distress you can imagine).",
    recall_period="right now",
    items=_items("How distressed do you feel right now?"),
    options=_SUDS_OPTIONS,
    source="Wolpe (1969).",
    licence="Public domain rating scale.",
    total_range=(0, 10),
    band_source="No norms and no reliable change index: shown as a trend only.",
    trend_only=True,
)


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i for i in (PHQ9, GAD7, PSS10, PCL5, MAIA2, WHO5, SUDS)
}
# Instruments a client completes (SUDS is recorded within sessions by the therapy app but can
# also be given on its own).
ORDER = ("PHQ9", "GAD7", "PSS10", "PCL5", "MAIA2", "WHO5", "SUDS")


def normalise_code(name: str) -> str:
    """'phq-9', 'PHQ 9', 'Phq9' -> 'PHQ9'. Raises KeyError for an unknown instrument."""
    code = re.sub(r"[^A-Za-z0-9]", "", name).upper()
    if code not in INSTRUMENTS:
        known = ", ".join(INSTRUMENTS[c].short_title for c in ORDER)
        raise KeyError(f"unknown instrument {name!r}; known: {known}")
    return code


def get(name: str) -> Instrument:
    return INSTRUMENTS[normalise_code(name)]


def default_enabled() -> frozenset[str]:
    return frozenset(code for code, i in INSTRUMENTS.items() if i.enabled_by_default)
