"""The words around a number that say what it counts: currencies, units and hedges.

Tables only, so that a reader can see at a glance which forms are understood; the
patterns in `amounts.py` and `dates.py` are built from them.
"""

from __future__ import annotations

import re

#: Currency words written after the number (6826亿美元, 5000亿元人民币) -> ISO 4217.
CURRENCY_WORDS = {
    "美元": "USD", "美金": "USD", "元人民币": "CNY", "人民币": "CNY", "元": "CNY",
    "日元": "JPY", "日圆": "JPY", "欧元": "EUR", "英镑": "GBP", "港元": "HKD", "港币": "HKD",
    "澳元": "AUD", "加元": "CAD", "卢布": "RUB", "韩元": "KRW", "新台币": "TWD", "台币": "TWD",
    "瑞郎": "CHF", "瑞士法郎": "CHF", "卢比": "INR", "雷亚尔": "BRL", "兰特": "ZAR",
    "新加坡元": "SGD", "新元": "SGD", "里拉": "TRY", "澳门元": "MOP", "迪拉姆": "AED",
    "USD": "USD", "CNY": "CNY", "RMB": "CNY", "EUR": "EUR", "JPY": "JPY", "GBP": "GBP",
    "HKD": "HKD",
}

#: Currency signs and codes written before the number (US$100, ¥500, 人民币5000亿元).
CURRENCY_PREFIXES = {
    "US$": "USD", "HK$": "HKD", "$": "USD", "¥": "CNY", "€": "EUR", "£": "GBP",
    "RMB": "CNY", "CNY": "CNY", "USD": "USD", "EUR": "EUR", "JPY": "JPY", "GBP": "GBP",
    "人民币": "CNY", "美元": "USD",
}

#: Measure and count words -> the unit name in QUANTITY values. 成 and the percent forms
#: are not here: they make PERCENT entities.
QUANTITY_UNITS = {
    "盎司": "ounce", "金衡盎司": "ounce", "吨": "tonne", "公吨": "tonne", "千克": "kilogram",
    "公斤": "kilogram", "克": "gram", "桶": "barrel", "架": "aircraft", "艘": "vessel",
    "辆": "vehicle", "台": "unit", "枚": "piece", "颗": "piece", "人": "person", "笔": "transaction",
    "倍": "times", "纳米": "nanometre", "平方公里": "square kilometre", "公里": "kilometre",
    "立方米": "cubic metre", "千瓦时": "kilowatt hour", "吉瓦": "gigawatt", "兆瓦": "megawatt",
    "个月": "month", "天": "day", "个交易日": "trading day",
}

#: Units an ordinal (第13个月: the 13th month running) may take.
ORDINAL_UNITS = {"个月", "个交易日", "天"}

#: Percent forms -> the unit in PERCENT values ("pp": percentage points, "bp": basis points).
PERCENT_UNITS = {"%": "%", "个百分点": "pp", "百分点": "pp", "个基点": "bp", "基点": "bp", "成": "%"}

#: Hedges written before a number (逾5000亿元, 约700亿美元, 不到15%).
PREFIX_QUALIFIERS = {
    "逾": "more than", "超过": "more than", "超": "more than", "多于": "more than",
    "高于": "more than", "约为": "about", "约合": "about", "约": "about", "大约": "about",
    "大概": "about", "近": "about", "接近": "about", "将近": "about", "逼近": "about",
    "近乎": "about", "不到": "less than", "不足": "less than", "少于": "less than",
    "低于": "less than", "至少": "at least", "最少": "at least", "不少于": "at least",
    "不低于": "at least", "高达": "up to", "多达": "up to", "最高": "up to", "最多": "up to",
}

#: Hedges written after the unit (6830亿美元左右, 1250吨以上).
SUFFIX_QUALIFIERS = {
    "左右": "about", "上下": "about", "前后": "about", "以上": "more than", "开外": "more than",
    "以下": "less than", "以内": "up to",
}

#: Vague multiples before a bare multiplier (数百亿, 几万, 上千亿): the amount is the
#: magnitude itself and the qualifier says how vague it is.
VAGUE_PREFIXES = {"数": "several", "几": "several", "上": "more than"}

#: Between two numbers of a range (20%—30%, 5000亿至6000亿美元, 两到三成).
RANGE_SEPARATORS = ("—", "–", "-", "~", "〜", "至", "到")

# Words that begin with a unit character but are no unit: 元首, 元年, 成为, 人民, 台湾 …
_NOT_AFTER = {
    "元": "首旦年素器件帅老气宵",
    "成": "为员本功立交果绩长就熟型",
    "人": "民员口士工才类次物们均",
    "台": "湾风阶上",
    "克": "里林服",
    "架": "构子势",
    "笔": "记者",
    "倍": "增",
    "天": "然津下空价文际",
}


#: Every character `alternation` may look at after a word (the guards above).
GUARD_CHARS = "".join(sorted(set("".join(_NOT_AFTER.values()))))


def alternation(words) -> str:
    """A regex alternation of the words, longest first, so 美元 wins over 元."""
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        guard = _NOT_AFTER.get(word)
        parts.append(re.escape(word) + (f"(?![{guard}])" if guard else ""))
    return "|".join(parts)
