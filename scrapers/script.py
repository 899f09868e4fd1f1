"""Is a text written in traditional characters? (Flagged, never converted: offsets are sacred.)"""

from __future__ import annotations

import re

# Frequent characters that exist only in the traditional script; their simplified
# forms are different code points, so their share tells the script apart.
_TRADITIONAL_ONLY = re.compile("[%s]" % (
    "們這個國會說對時來為發經過還點開關體當與實從應學區專產電東長門問間陽際麼後裡讓顯"
    "將資銀貨價幣額濟債務貿業總統習濤黨軍戰歐爭選權勢場資聯準壓幾萬億區處"))
_SIMPLIFIED_ONLY = re.compile("[%s]" % (
    "们这个国会说对时来为发经过还点开关体当与实从应学区专产电东长门问间阳际么后里让显"
    "将资银货价币额济债务贸业总统习涛党军战欧争选权势场联准压几万亿处"))


def looks_traditional(text: str) -> bool:
    """True when traditional-only characters clearly outnumber simplified-only ones."""
    trad = len(_TRADITIONAL_ONLY.findall(text))
    simp = len(_SIMPLIFIED_ONLY.findall(text))
    return trad >= 5 and trad > 3 * simp
