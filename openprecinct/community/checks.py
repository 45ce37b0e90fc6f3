"""Text checks: descriptions that rest on race, ethnicity, religion or national origin alone;
victim details in public posts; identifying details a tipster typed into a tip.

These are guard rails for a human reviewer, not a classifier: each finding names the words
that triggered it so the reviewer can judge.
"""

from __future__ import annotations

import re

PROTECTED = (
    # race and ethnicity
    r"black|white|hispanic|latino|latina|latinx|asian|arab|african|caucasian|"
    r"middle[- ]eastern|indian|native american|pacific islander|"
    # religion
    r"muslim|islamic|jewish|christian|sikh|hindu|buddhist|"
    r"hijab|turban|yarmulke|kippah|burqa|niqab|"
    # national origin
    r"mexican|chinese|russian|pakistani|somali|nigerian|dominican|haitian|"
    r"immigrant|foreigner|foreign-looking|illegal alien"
)
PROTECTED_RE = re.compile(rf"\b({PROTECTED})s?\b", re.IGNORECASE)

# Words that describe what someone did or specific, individual features.
BEHAVIOUR_RE = re.compile(
    r"\b(photograph\w*|film\w*|record\w*|watch\w*|measur\w*|sketch\w*|tried|trying|"
    r"attempt\w*|broke|break\w*|enter\w*|climb\w*|tamper\w*|carry\w*|carried|"
    r"left|leaving|ask\w*|threat\w*|said|shout\w*|tested|testing|loiter\w* near|"
    r"pull\w*|open\w*|cut\w*|spray\w*|drop\w*|hand\w*|sold|selling|buy\w*|"
    r"ran|running|drove|driving|park\w*|follow\w*|grab\w*|push\w*|hit|struck|"
    r"wearing|jacket|hoodie|hat|cap|shirt|pants|jeans|shoes|backpack|bag|tattoo\w*|"
    r"scar|beard|height|tall|short|plate|licen[cs]e|vehicle|car|van|truck)\b",
    re.IGNORECASE,
)

VICTIM_RE = re.compile(
    r"\b(victim|survivor|complainant)\b[^.]{0,60}\b("
    r"named|name is|aged?|years? old|\d{1,2}[- ]year|lives at|resides|address|"
    r"apartment|apt\.?|daughter|son|wife|husband|mother|father)\b",
    re.IGNORECASE,
)
SEX_OFFENSE_RE = re.compile(
    r"\b(rape\w*|sexual(ly)? (assault|abuse)\w*|sex offen[cs]e|sodomy|molest\w*|"
    r"sexual misconduct|forcible touching)\b",
    re.IGNORECASE,
)
HOUSE_NUMBER_RE = re.compile(
    r"\b\d{1,5}\s+[A-Z][a-z]+\s+(street|st|avenue|ave|place|pl|road|rd)\b", re.I
)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE_RE = re.compile(r"(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
SELF_RE = re.compile(
    r"\b(my name is|i am the|i'm the|my (neighbou?r|landlord|boss|ex|husband|wife|"
    r"boyfriend|girlfriend|brother|sister|son|daughter|co-?worker)|i live (at|on|next))\b",
    re.IGNORECASE,
)


def bias_warnings(text: str) -> list[str]:
    """Warn when a description names a protected trait but no behaviour or specific feature."""
    found = sorted({m.group(1).lower() for m in PROTECTED_RE.finditer(text or "")})
    if not found:
        return []
    if BEHAVIOUR_RE.search(text or ""):
        return []
    return [
        "The description mentions "
        + ", ".join(found)
        + " but no behaviour or specific feature. Race, ethnicity, religion or national origin "
        "alone is not suspicious: describe what the person did (and clothing, height, vehicle)."
    ]


def post_findings(text: str) -> list[str]:
    """Findings that stop a safety post from being published until it is edited."""
    findings = bias_warnings(text)
    if VICTIM_RE.search(text or ""):
        findings.append(
            "The post seems to describe a victim (name, age, address or relationship). "
            "Remove anything that could identify a victim."
        )
    if SEX_OFFENSE_RE.search(text or ""):
        findings.append(
            "The post mentions a sex offence: Civil Rights Law §50-b forbids anything that "
            "could identify its victim. Give only the offence type, general area and advice."
        )
    if HOUSE_NUMBER_RE.search(text or ""):
        findings.append("The post gives a house number. Use the block or cross streets instead.")
    return findings


def identifying_hints(text: str) -> list[str]:
    """What the coordinator should look at before screening a tip: contact details and
    phrases that point at the tipster."""
    hints: list[str] = []
    if EMAIL_RE.search(text or ""):
        hints.append("an email address")
    if PHONE_RE.search(text or ""):
        hints.append("a phone number")
    if SELF_RE.search(text or ""):
        hints.append("words that describe the tipster or their relationships")
    if HOUSE_NUMBER_RE.search(text or ""):
        hints.append("a house number (could be the tipster's own)")
    return hints
