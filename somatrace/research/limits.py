"""The one statement of what uncontrolled practice data cannot show. No Django import.

Every research result page, report and export carries exactly this text (tests hold them to
it). It says what the numbers cannot show; it never claims that a method works.
"""

LIMITS = (
    "What these numbers cannot show: there is no comparison group, so we cannot say the "
    "sessions caused any change - people often improve with time or with other help. Scores "
    "that start high tend to fall on a second measurement anyway (regression to the mean). "
    "Only clients who stayed long enough to be measured again are counted, and those who "
    "stay may differ from those who leave (selection by who stays). Only clients who agreed "
    "to research use are included."
)
