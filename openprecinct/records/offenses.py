"""NYPD offence key codes (KY_CD) with their descriptions and law categories.

The catalogue officers pick from when they write a report, and what the report form checks
an offence code against. Descriptions are NYPD's own (truncated as in NYPD Open Data).
"""

from __future__ import annotations

from dataclasses import dataclass

from openprecinct.analytics.categories import compstat_category


@dataclass(frozen=True)
class Offense:
    ky_cd: int
    description: str
    law_category: str  # felony, misdemeanor, violation, infraction

    @property
    def compstat_category(self) -> str | None:
        return compstat_category(
            ky_cd=self.ky_cd, pd_cd=None, ofns_desc=self.description, law_cat=self.law_category
        )

    @property
    def label(self) -> str:
        return f"{self.ky_cd} · {self.description.title()} ({self.law_category})"


_F, _M, _V, _I = "felony", "misdemeanor", "violation", "infraction"
_CATALOGUE = [
    (101, "MURDER & NON-NEGL. MANSLAUGHTER", _F),
    (102, "HOMICIDE-NEGLIGENT-VEHICLE", _F),
    (103, "HOMICIDE-NEGLIGENT,UNCLASSIFIED", _F),
    (104, "RAPE", _F),
    (105, "ROBBERY", _F),
    (106, "FELONY ASSAULT", _F),
    (107, "BURGLARY", _F),
    (109, "GRAND LARCENY", _F),
    (110, "GRAND LARCENY OF MOTOR VEHICLE", _F),
    (111, "POSSESSION OF STOLEN PROPERTY", _F),
    (112, "THEFT-FRAUD", _F),
    (113, "FORGERY", _F),
    (114, "ARSON", _F),
    (115, "PROSTITUTION & RELATED OFFENSES", _F),
    (116, "SEX CRIMES", _F),
    (117, "DANGEROUS DRUGS", _F),
    (118, "DANGEROUS WEAPONS", _F),
    (119, "INTOXICATED/IMPAIRED DRIVING", _F),
    (120, "CHILD ABANDONMENT/NON SUPPORT", _F),
    (121, "CRIMINAL MISCHIEF & RELATED OF", _F),
    (122, "GAMBLING", _F),
    (124, "KIDNAPPING & RELATED OFFENSES", _F),
    (125, "NYS LAWS-UNCLASSIFIED FELONY", _F),
    (126, "MISCELLANEOUS PENAL LAW", _F),
    (230, "JOSTLING", _M),
    (231, "BURGLAR'S TOOLS", _M),
    (232, "POSSESSION OF STOLEN PROPERTY", _M),
    (233, "SEX CRIMES", _M),
    (234, "PROSTITUTION & RELATED OFFENSES", _M),
    (235, "DANGEROUS DRUGS", _M),
    (236, "DANGEROUS WEAPONS", _M),
    (237, "ESCAPE 3", _M),
    (238, "FRAUDULENT ACCOSTING", _M),
    (340, "FRAUDS", _M),
    (341, "PETIT LARCENY", _M),
    (342, "PETIT LARCENY OF MOTOR VEHICLE", _M),
    (343, "OTHER OFFENSES RELATED TO THEFT", _M),
    (344, "ASSAULT 3 & RELATED OFFENSES", _M),
    (345, "OFFENSES RELATED TO CHILDREN", _M),
    (346, "ALCOHOLIC BEVERAGE CONTROL LAW", _M),
    (347, "INTOXICATED & IMPAIRED DRIVING", _M),
    (348, "VEHICLE AND TRAFFIC LAWS", _M),
    (349, "DISRUPTION OF A RELIGIOUS SERV", _M),
    (350, "GAMBLING", _M),
    (351, "CRIMINAL MISCHIEF & RELATED OF", _M),
    (352, "CRIMINAL TRESPASS", _M),
    (353, "UNAUTHORIZED USE OF A VEHICLE", _M),
    (354, "ANTICIPATORY OFFENSES", _M),
    (355, "OFFENSES AGAINST THE PERSON", _M),
    (356, "PROSTITUTION & RELATED OFFENSES", _M),
    (357, "FORTUNE TELLING", _M),
    (358, "OFFENSES INVOLVING FRAUD", _M),
    (359, "OFFENSES AGAINST PUBLIC ADMINI", _M),
    (360, "LOITERING FOR DRUG PURPOSES", _M),
    (361, "OFF. AGNST PUB ORD SENSBLTY &", _M),
    (363, "OFFENSES AGAINST PUBLIC SAFETY", _M),
    (364, "OTHER STATE LAWS (NON PENAL LA", _M),
    (365, "ADMINISTRATIVE CODE", _M),
    (366, "NEW YORK CITY HEALTH CODE", _M),
    (571, "LOITERING/GAMBLING (CARDS, DIC", _V),
    (572, "DISORDERLY CONDUCT", _V),
    (577, "UNDER THE INFLUENCE OF DRUGS", _V),
    (578, "HARRASSMENT 2", _V),
    (672, "LOITERING", _V),
    (675, "ADMINISTRATIVE CODE", _V),
    (676, "NEW YORK CITY HEALTH CODE", _V),
    (677, "OTHER STATE LAWS", _V),
    (678, "ANTICIPATORY OFFENSES", _V),
    (685, "ADMINISTRATIVE CODES", _V),
    (881, "OTHER TRAFFIC INFRACTION", _I),
]

OFFENSES: dict[int, Offense] = {code: Offense(code, desc, cat) for code, desc, cat in _CATALOGUE}

PREMISES = [
    "RESIDENCE-HOUSE",
    "RESIDENCE - APT. HOUSE",
    "RESIDENCE - PUBLIC HOUSING",
    "STREET",
    "HIGHWAY/PARKWAY",
    "PARK/PLAYGROUND",
    "COMMERCIAL BUILDING",
    "DEPARTMENT STORE",
    "CHAIN STORE",
    "GROCERY/BODEGA",
    "DRUG STORE",
    "RESTAURANT/DINER",
    "BAR/NIGHT CLUB",
    "BANK",
    "CHECK CASHING BUSINESS",
    "PARKING LOT/GARAGE (PUBLIC)",
    "PARKING LOT/GARAGE (PRIVATE)",
    "PUBLIC SCHOOL",
    "PRIVATE/PAROCHIAL SCHOOL",
    "HOSPITAL",
    "HOTEL/MOTEL",
    "FERRY/FERRY TERMINAL",
    "TRANSIT FACILITY (OTHER)",
    "BUS (NYC TRANSIT)",
    "TAXI (YELLOW LICENSED)",
    "GAS STATION",
    "CHURCH",
    "OPEN AREAS (OPEN LOTS)",
    "OTHER",
]


def offense_for(ky_cd: int | None) -> Offense | None:
    return OFFENSES.get(ky_cd) if ky_cd is not None else None
