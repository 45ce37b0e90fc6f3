"""NYPD offence classification to CompStat category.

NYPD classifies every complaint with a three-digit offence key code (``KY_CD``), a
finer internal code (``PD_CD``), a description of the key code (``OFNS_DESC``) and a law
category (``LAW_CAT_CD``: FELONY, MISDEMEANOR, VIOLATION).  CompStat counts a complaint
once, in the line of its current classification:

* the seven major felonies are exactly seven key codes (checked on the real records in
  ``nypd_complaints_si.csv.gz`` and the quarterly complaint file):

  ====== ================================== ==============
  KY_CD  OFNS_DESC                          CompStat line
  ====== ================================== ==============
  101    MURDER & NON-NEGL. MANSLAUGHTER    Murder
  104    RAPE                               Rape
  105    ROBBERY                            Robbery
  106    FELONY ASSAULT                     Fel. Assault
  107    BURGLARY                           Burglary
  109    GRAND LARCENY                      Gr. Larceny
  110    GRAND LARCENY OF MOTOR VEHICLE     G.L.A.
  ====== ================================== ==============

  Murder therefore includes non-negligent manslaughter and excludes negligent homicide
  (102, 103).  Rape is key code 104, which holds every degree of rape ("All degrees of
  rape are included in the rape category", footnote of the weekly report).  Attempts
  count like completed crimes, as in NYPD's report.

* the other offences fall in the groups of NYPD's historical offence tables (non-seven
  major felonies, misdemeanours, violations), named as NYPD prints them in CompStat where
  CompStat has a line (``Petit Larceny``, ``Misd. Assault``, ``Misd. Sex Crimes``).

Lines that do not come from complaint classification (shootings, hate crimes, arrests,
transit/housing) are listed in :data:`OTHER_LINE_ORDER` so reports print them in a stable
order; the records carry them as ready-made category names.

This module is imported by the records importer: keep :func:`compstat_category` stable.
"""

from __future__ import annotations

from typing import Final

MURDER: Final = "Murder"
RAPE: Final = "Rape"
ROBBERY: Final = "Robbery"
FEL_ASSAULT: Final = "Fel. Assault"
BURGLARY: Final = "Burglary"
GR_LARCENY: Final = "Gr. Larceny"
GLA: Final = "G.L.A."

#: The seven major felonies in NYPD's printed order.
MAJOR_SEVEN: Final[tuple[str, ...]] = (
    MURDER,
    RAPE,
    ROBBERY,
    FEL_ASSAULT,
    BURGLARY,
    GR_LARCENY,
    GLA,
)

#: The line that sums the seven major felonies (printed "TOTAL" in the 2013 reports).
TOTAL_MAJOR_SEVEN: Final = "Total Seven Major Felonies"

#: Key code -> major felony.
MAJOR_SEVEN_BY_KY_CD: Final[dict[int, str]] = {
    101: MURDER,
    104: RAPE,
    105: ROBBERY,
    106: FEL_ASSAULT,
    107: BURGLARY,
    109: GR_LARCENY,
    110: GLA,
}

# Groups of the other offences (NYPD historical tables, section 20 of SOURCES.md).
PETIT_LARCENY: Final = "Petit Larceny"
MISD_ASSAULT: Final = "Misd. Assault"
MISD_SEX_CRIMES: Final = "Misd. Sex Crimes"
HARASSMENT_2: Final = "Harassment 2"
OTHER_FELONIES: Final = "Other Felonies"
OTHER_MISDEMEANORS: Final = "Other Misdemeanors"
OTHER_VIOLATIONS: Final = "Other Violations"

#: Key code -> group, for the offences outside the seven majors.
OTHER_GROUP_BY_KY_CD: Final[dict[int, str]] = {
    # non-seven-major felonies
    111: "Fel. Stolen Property",
    112: "Forgery/Theft-Fraud",
    113: "Forgery/Theft-Fraud",
    114: "Arson",
    116: "Fel. Sex Crimes",
    117: "Fel. Dangerous Drugs",
    118: "Fel. Dangerous Weapons",
    121: "Fel. Criminal Mischief",
    # misdemeanours
    232: "Misd. Stolen Property",
    233: MISD_SEX_CRIMES,
    235: "Misd. Dangerous Drugs",
    236: "Misd. Dangerous Weapons",
    340: "Frauds",
    341: PETIT_LARCENY,
    344: MISD_ASSAULT,
    347: "Intoxicated Driving",
    348: "Vehicle and Traffic Laws",
    351: "Misd. Criminal Mischief",
    352: "Criminal Trespass",
    353: "Unauthorized Use of a Vehicle",
    355: "Offenses Against the Person",
    359: "Offenses Against Public Admin.",
    # violations
    578: HARASSMENT_2,
}

#: Printed order of the groups for offences outside the seven majors.
#: The felony groups outside the seven majors, in printed order.
FELONY_GROUPS: Final[tuple[str, ...]] = (
    "Fel. Stolen Property",
    "Forgery/Theft-Fraud",
    "Arson",
    "Fel. Sex Crimes",
    "Fel. Dangerous Drugs",
    "Fel. Dangerous Weapons",
    "Fel. Criminal Mischief",
    OTHER_FELONIES,
)

OFFENCE_GROUP_ORDER: Final[tuple[str, ...]] = (
    PETIT_LARCENY,
    MISD_ASSAULT,
    MISD_SEX_CRIMES,
    *FELONY_GROUPS,
    "Misd. Stolen Property",
    "Misd. Dangerous Drugs",
    "Misd. Dangerous Weapons",
    "Frauds",
    "Intoxicated Driving",
    "Vehicle and Traffic Laws",
    "Misd. Criminal Mischief",
    "Criminal Trespass",
    "Unauthorized Use of a Vehicle",
    "Offenses Against the Person",
    "Offenses Against Public Admin.",
    OTHER_MISDEMEANORS,
    HARASSMENT_2,
    OTHER_VIOLATIONS,
)

SHOOTING_VICTIMS: Final = "Shooting Vic."
SHOOTING_INCIDENTS: Final = "Shooting Inc."
HATE_CRIMES: Final = "Hate Crimes"

#: Lines that come from other sources than complaint classification, as NYPD prints them.
OTHER_LINE_ORDER: Final[tuple[str, ...]] = (
    "Transit",
    "Housing",
    "PSB",
    "Rape 1",
    "Other Sex Crimes",
    SHOOTING_VICTIMS,
    SHOOTING_INCIDENTS,
    HATE_CRIMES,
    "Total Fatalities",
    "Drug Arrests",
    "Other Arrests",
)

#: Every known line, in the order a report prints them.
CATEGORY_ORDER: Final[tuple[str, ...]] = (
    *MAJOR_SEVEN,
    TOTAL_MAJOR_SEVEN,
    *OFFENCE_GROUP_ORDER[:3],
    *OTHER_LINE_ORDER,
    *OFFENCE_GROUP_ORDER[3:],
)

# OFNS_DESC spellings seen in the real files (they vary across years), for records
# that carry a description but no key code.
_MAJOR_SEVEN_BY_DESC: Final[dict[str, str]] = {
    "MURDER & NON-NEGL. MANSLAUGHTER": MURDER,
    "MURDER & NON-NEGL. MANSLAUGHTE": MURDER,
    "MURDER": MURDER,
    "RAPE": RAPE,
    "ROBBERY": ROBBERY,
    "FELONY ASSAULT": FEL_ASSAULT,
    "BURGLARY": BURGLARY,
    "GRAND LARCENY": GR_LARCENY,
    "GRAND LARCENY OF MOTOR VEHICLE": GLA,
    # FBI UCR Part I names of their counterparts, as other cities' files spell them (UCR's
    # larceny-theft has none: NYPD splits it into grand and petit larceny)
    "HOMICIDE": MURDER,
    "CRIMINAL HOMICIDE": MURDER,
    "MURDER AND NONNEGLIGENT MANSLAUGHTER": MURDER,
    "MURDER AND NON-NEGLIGENT MANSLAUGHTER": MURDER,
    "AGGRAVATED ASSAULT": FEL_ASSAULT,
    "MOTOR VEHICLE THEFT": GLA,
    "VEHICLE THEFT": GLA,
    "AUTO THEFT": GLA,
}

_OTHER_BY_DESC: Final[dict[tuple[str, str], str]] = {
    ("PETIT LARCENY", "MISDEMEANOR"): PETIT_LARCENY,
    ("ASSAULT 3 & RELATED OFFENSES", "MISDEMEANOR"): MISD_ASSAULT,
    ("SEX CRIMES", "MISDEMEANOR"): MISD_SEX_CRIMES,
    ("SEX CRIMES", "FELONY"): "Fel. Sex Crimes",
    ("FELONY SEX CRIMES", "FELONY"): "Fel. Sex Crimes",
    ("DANGEROUS DRUGS", "FELONY"): "Fel. Dangerous Drugs",
    ("DANGEROUS DRUGS", "MISDEMEANOR"): "Misd. Dangerous Drugs",
    ("DANGEROUS WEAPONS", "FELONY"): "Fel. Dangerous Weapons",
    ("DANGEROUS WEAPONS", "MISDEMEANOR"): "Misd. Dangerous Weapons",
    ("CRIMINAL MISCHIEF & RELATED OF", "FELONY"): "Fel. Criminal Mischief",
    ("CRIMINAL MISCHIEF & RELATED OF", "MISDEMEANOR"): "Misd. Criminal Mischief",
    ("POSSESSION OF STOLEN PROPERTY", "FELONY"): "Fel. Stolen Property",
    ("POSSESSION OF STOLEN PROPERTY", "MISDEMEANOR"): "Misd. Stolen Property",
    ("THEFT-FRAUD", "FELONY"): "Forgery/Theft-Fraud",
    ("FORGERY", "FELONY"): "Forgery/Theft-Fraud",
    ("ARSON", "FELONY"): "Arson",
    ("FRAUDS", "MISDEMEANOR"): "Frauds",
    ("INTOXICATED & IMPAIRED DRIVING", "MISDEMEANOR"): "Intoxicated Driving",
    ("VEHICLE AND TRAFFIC LAWS", "MISDEMEANOR"): "Vehicle and Traffic Laws",
    ("CRIMINAL TRESPASS", "MISDEMEANOR"): "Criminal Trespass",
    ("UNAUTHORIZED USE OF A VEHICLE", "MISDEMEANOR"): "Unauthorized Use of a Vehicle",
    ("OFFENSES AGAINST THE PERSON", "MISDEMEANOR"): "Offenses Against the Person",
    ("OFFENSES AGAINST PUBLIC ADMINI", "MISDEMEANOR"): "Offenses Against Public Admin.",
    ("HARRASSMENT 2", "VIOLATION"): HARASSMENT_2,
    ("HARASSMENT 2", "VIOLATION"): HARASSMENT_2,
}

_LAW_CAT_REST: Final[dict[str, str]] = {
    "FELONY": OTHER_FELONIES,
    "MISDEMEANOR": OTHER_MISDEMEANORS,
    "VIOLATION": OTHER_VIOLATIONS,
}

_MISSING: Final = frozenset({"", "(NULL)", "NA", "NAN", "NONE", "NULL"})


def _clean(text: str | None) -> str:
    if text is None:
        return ""
    value = " ".join(text.split()).upper()
    return "" if value in _MISSING else value


def compstat_category(
    *,
    ky_cd: int | None,
    pd_cd: int | None,
    ofns_desc: str | None,
    law_cat: str | None,
) -> str | None:
    """Return the CompStat line a complaint counts in, or None when it cannot be placed.

    Parameters
    ----------
    ky_cd : int or None
        NYPD offence key code (``KY_CD``), the deciding field when present.
    pd_cd : int or None
        NYPD internal classification code (``PD_CD``).  Accepted for a stable signature;
        no CompStat line printed here needs it (the key code alone decides the seven
        majors, including every degree of rape).
    ofns_desc : str or None
        Description of the key code (``OFNS_DESC``); used only when ``ky_cd`` is missing.
        Spelling variants across years are accepted, case and spacing are ignored, and so
        are the FBI UCR Part I names of the majors (``MOTOR VEHICLE THEFT``, ``AGGRAVATED
        ASSAULT``, ``HOMICIDE``) that other cities' files use. A description that fits
        several lines by law category (``DANGEROUS DRUGS``) is placed only with one.
    law_cat : str or None
        Law category (``LAW_CAT_CD``: FELONY, MISDEMEANOR or VIOLATION); places offences
        outside the named groups in "Other Felonies", "Other Misdemeanors" or
        "Other Violations", and tells felony from misdemeanour when only a description is
        given.

    Returns
    -------
    str or None
        One of :data:`MAJOR_SEVEN` or :data:`OFFENCE_GROUP_ORDER`, or None when the record
        carries neither a known key code, a known description nor a law category.

    Examples
    --------
    >>> compstat_category(ky_cd=110, pd_cd=None, ofns_desc=None, law_cat="FELONY")
    'G.L.A.'
    >>> compstat_category(ky_cd=None, pd_cd=None, ofns_desc="harrassment 2", law_cat="VIOLATION")
    'Harassment 2'
    """
    del pd_cd  # see the docstring: not needed by any line
    law = _clean(law_cat)
    if ky_cd is not None:
        major = MAJOR_SEVEN_BY_KY_CD.get(ky_cd)
        if major is not None:
            return major
        group = OTHER_GROUP_BY_KY_CD.get(ky_cd)
        if group is not None:
            return group
        if law in _LAW_CAT_REST:
            return _LAW_CAT_REST[law]
        # Key code ranges: 1xx felonies, 2xx-3xx misdemeanours, 4xx-8xx violations and
        # infractions (e.g. 578 HARRASSMENT 2, 881 OTHER TRAFFIC INFRACTION).
        if 100 <= ky_cd < 200:
            return OTHER_FELONIES
        if 200 <= ky_cd < 400:
            return OTHER_MISDEMEANORS
        if 400 <= ky_cd < 1000:
            return OTHER_VIOLATIONS
        return None
    desc = _clean(ofns_desc)
    if desc in _MAJOR_SEVEN_BY_DESC:
        return _MAJOR_SEVEN_BY_DESC[desc]
    groups = {
        group
        for (known_desc, known_law), group in _OTHER_BY_DESC.items()
        if desc == known_desc and (law == known_law or law == "")
    }
    if len(groups) == 1:  # without a law category, DANGEROUS DRUGS may be either: no guess
        return groups.pop()
    return _LAW_CAT_REST.get(law)


def is_major_seven(category: str | None) -> bool:
    """Return True when ``category`` is one of the seven major felonies."""
    return category in MAJOR_SEVEN


def category_sort_key(category: str) -> tuple[int, str]:
    """Sort key putting known lines in printed order and unknown ones after, by name."""
    try:
        return (CATEGORY_ORDER.index(category), "")
    except ValueError:
        return (len(CATEGORY_ORDER), category)
