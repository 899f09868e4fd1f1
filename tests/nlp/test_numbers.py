"""Amounts, percentages, ranges, dates and quantities as they appear in Chinese financial news."""

from __future__ import annotations

import itertools
import json
import random
import re
import sys
from datetime import date
from re import _constants as C
from re import _parser as re_parser

import pytest
from fincorpus.nlp import amounts, dates, numbers, numerals, units
from fincorpus.nlp.numbers import numeric_entities
from fincorpus.nlp.numerals import fold

from tests.nlp.samples import SAMPLE

REF = date(2026, 1, 20)  # the publish date that dates yearless mentions

USD, CNY = "USD", "CNY"


def money(amount, currency=USD, **extra):
    return {"amount": amount, "currency": currency, **extra}


def pct(value, unit="%", **extra):
    return {"value": value, "unit": unit, **extra}


def qty(amount, unit, **extra):
    return {"amount": amount, "unit": unit, **extra}


def day(iso, **extra):
    return {"date": iso, "precision": "day", **extra}


# (sentence, entity type, span text, normalised value)
CASES = [
    # --- money: Arabic numerals with multipliers ---
    ("日本持有的美债约为1.2万亿美元。", "MONEY", "约为1.2万亿美元", money(1_200_000_000_000, qualifier="about")),
    ("该国持仓规模降至6826亿美元。", "MONEY", "6826亿美元", money(682_600_000_000)),
    ("峰值时曾达1.3万亿美元。", "MONEY", "1.3万亿美元", money(1_300_000_000_000)),
    ("高点为1.3167万亿美元。", "MONEY", "1.3167万亿美元", money(1_316_700_000_000)),
    ("外储稳定在3.3万亿美元以上。", "MONEY", "3.3万亿美元以上", money(3_300_000_000_000, qualifier="more than")),
    ("联邦债务总额突破38万亿美元。", "MONEY", "38万亿美元", money(38_000_000_000_000)),
    ("全年累计减持约700亿美元。", "MONEY", "约700亿美元", money(70_000_000_000, qualifier="about")),
    ("折合人民币逾5000亿元。", "MONEY", "逾5000亿元", money(500_000_000_000, CNY, qualifier="more than")),
    ("单月净卖出61亿美元。", "MONEY", "61亿美元", money(6_100_000_000)),
    ("持仓在6830亿美元左右。", "MONEY", "6830亿美元左右", money(683_000_000_000, qualifier="about")),
    ("利息支出首次超过1万亿美元。", "MONEY", "超过1万亿美元", money(1_000_000_000_000, qualifier="more than")),
    ("储备规模为33464亿美元。", "MONEY", "33464亿美元", money(3_346_400_000_000)),
    ("储备规模为33,464亿美元。", "MONEY", "33,464亿美元", money(3_346_400_000_000)),
    ("企业斥资158亿元完成收购。", "MONEY", "158亿元", money(15_800_000_000, CNY)),
    ("进出口总值45.47万亿元。", "MONEY", "45.47万亿元", money(45_470_000_000_000, CNY)),
    ("计划投入5000亿元人民币。", "MONEY", "5000亿元人民币", money(500_000_000_000, CNY)),
    ("发行了300亿日元债券。", "MONEY", "300亿日元", money(30_000_000_000, "JPY")),
    ("欧盟拨款20亿欧元。", "MONEY", "20亿欧元", money(2_000_000_000, "EUR")),
    ("伦敦市场成交50亿英镑。", "MONEY", "50亿英镑", money(5_000_000_000, "GBP")),
    ("香港发行100亿港元绿债。", "MONEY", "100亿港元", money(10_000_000_000, "HKD")),
    ("约3000亿美金的储备被冻结。", "MONEY", "约3000亿美金", money(300_000_000_000, qualifier="about")),
    ("俄方动用了1万亿卢布。", "MONEY", "1万亿卢布", money(1_000_000_000_000, "RUB")),
    ("债务接近40万亿美元大关。", "MONEY", "接近40万亿美元", money(40_000_000_000_000, qualifier="about")),
    ("年增收可达2640亿美元。", "MONEY", "2640亿美元", money(264_000_000_000)),
    ("单月减持高达257亿美元。", "MONEY", "高达257亿美元", money(25_700_000_000, qualifier="up to")),
    ("每年新增赤字不到2000亿美元。", "MONEY", "不到2000亿美元", money(200_000_000_000, qualifier="less than")),
    ("外债至少500亿美元。", "MONEY", "至少500亿美元", money(50_000_000_000, qualifier="at least")),
    ("累计减持700多亿美元。", "MONEY", "700多亿美元", money(70_000_000_000, qualifier="more than")),
    ("投资1000余亿元。", "MONEY", "1000余亿元", money(100_000_000_000, CNY, qualifier="more than")),
    ("估值增量达上千亿美元。", "MONEY", "上千亿美元", money(100_000_000_000, qualifier="more than")),
    ("订单规模为数十亿美元。", "MONEY", "数十亿美元", money(1_000_000_000, qualifier="several")),
    ("额外成本达数亿美元。", "MONEY", "数亿美元", money(100_000_000, qualifier="several")),
    ("英国增加了近百亿美元。", "MONEY", "近百亿美元", money(10_000_000_000, qualifier="about")),
    ("利息首次突破万亿美元大关。", "MONEY", "万亿美元", money(1_000_000_000_000)),
    ("国库拨出两千多亿元。", "MONEY", "两千多亿元", money(200_000_000_000, CNY, qualifier="more than")),
    ("央行投放三千亿元流动性。", "MONEY", "三千亿元", money(300_000_000_000, CNY)),
    ("合同金额为一千二百万美元。", "MONEY", "一千二百万美元", money(12_000_000)),
    ("总额为１２３４亿美元。", "MONEY", "１２３４亿美元", money(123_400_000_000)),
    ("聯邦債務突破38萬億美元。", "MONEY", "38萬億美元", money(38_000_000_000_000)),
    ("首笔投资为US$500。", "MONEY", "US$500", money(500)),
    ("售价¥1999起。", "MONEY", "¥1999", money(1999, CNY)),
    ("规模约 RMB 300亿。", "MONEY", "RMB 300亿", money(30_000_000_000, CNY)),
    ("区间为5000亿至6000亿美元。", "MONEY", "5000亿至6000亿美元", {"low": 500_000_000_000, "high": 600_000_000_000, "currency": USD}),
    ("金价站上每盎司4600美元。", "MONEY", "每盎司4600美元", money(4600, per="ounce")),
    ("现货报4512.6美元/盎司。", "MONEY", "4512.6美元/盎司", money(4512.6, per="ounce")),
    ("氧化镨钕均价每吨58.2万元。", "MONEY", "每吨58.2万元", money(582_000, CNY, per="tonne")),
    ("收于每克1008元。", "MONEY", "每克1008元", money(1008, CNY, per="gram")),
    ("保底价为每公斤110美元。", "MONEY", "每公斤110美元", money(110, per="kilogram")),
    ("GDP为123.58万亿美元。", "MONEY", "123.58万亿美元", money(123_580_000_000_000)),
    # --- percentages ---
    ("加征25%附加税。", "PERCENT", "25%", pct(25)),
    ("收益率跌至3.98%。", "PERCENT", "3.98%", pct(3.98)),
    ("升幅0.09%。", "PERCENT", "0.09%", pct(0.09)),
    ("占比超60%。", "PERCENT", "超60%", pct(60, qualifier="more than")),
    ("占比超过95%。", "PERCENT", "超过95%", pct(95, qualifier="more than")),
    ("份额约为57%。", "PERCENT", "约为57%", pct(57, qualifier="about")),
    ("占比在11%左右。", "PERCENT", "11%左右", pct(11, qualifier="about")),
    ("从不到15%提升到接近40%。", "PERCENT", "不到15%", pct(15, qualifier="less than")),
    ("从不到15%提升到接近40%。", "PERCENT", "接近40%", pct(40, qualifier="about")),
    ("比重不足10%。", "PERCENT", "不足10%", pct(10, qualifier="less than")),
    ("高达92%的关税负担。", "PERCENT", "高达92%", pct(92, qualifier="up to")),
    ("欧美动辄60%以上。", "PERCENT", "60%以上", pct(60, qualifier="more than")),
    ("实际利率降至-1%以下。", "PERCENT", "-1%以下", pct(-1, qualifier="less than")),
    ("通胀率为２.５％。", "PERCENT", "２.５％", pct(2.5)),
    ("占总营收的百分之三十。", "PERCENT", "百分之三十", pct(30)),
    ("增长百分之七点五。", "PERCENT", "百分之七点五", pct(7.5)),
    ("提升约18个百分点。", "PERCENT", "约18个百分点", pct(18, "pp", qualifier="about")),
    ("下降0.5个百分点。", "PERCENT", "0.5个百分点", pct(0.5, "pp")),
    ("下调25个基点。", "PERCENT", "25个基点", pct(25, "bp")),
    ("利差收窄约80个基点。", "PERCENT", "约80个基点", pct(80, "bp", qualifier="about")),
    ("成交量增长逾三成。", "PERCENT", "逾三成", pct(30, qualifier="more than")),
    ("比重控制在一成左右。", "PERCENT", "一成左右", pct(10, qualifier="about")),
    ("国产占六成以上。", "PERCENT", "六成以上", pct(60, qualifier="more than")),
    ("约七成首饰在此加工。", "PERCENT", "约七成", pct(70, qualifier="about")),
    # --- percentage ranges ---
    ("占营收比重达20%—30%。", "PERCENT", "20%—30%", {"low": 20, "high": 30, "unit": "%"}),
    ("占比20%-30%。", "PERCENT", "20%-30%", {"low": 20, "high": 30, "unit": "%"}),
    ("占比20%至30%。", "PERCENT", "20%至30%", {"low": 20, "high": 30, "unit": "%"}),
    ("成本上升8%~12%。", "PERCENT", "8%~12%", {"low": 8, "high": 12, "unit": "%"}),
    ("占比约为60%—70%。", "PERCENT", "约为60%—70%", {"low": 60, "high": 70, "unit": "%", "qualifier": "about"}),
    ("利率区间为3.50%—3.75%。", "PERCENT", "3.50%—3.75%", {"low": 3.5, "high": 3.75, "unit": "%"}),
    ("利率降至0—0.25%。", "PERCENT", "0—0.25%", {"low": 0, "high": 0.25, "unit": "%"}),
    ("回调幅度在20—30%之间。", "PERCENT", "20—30%", {"low": 20, "high": 30, "unit": "%"}),
    ("利润率只有百分之二十到三十。", "PERCENT", "百分之二十到三十", {"low": 20, "high": 30, "unit": "%"}),
    ("增长两到三成。", "PERCENT", "两到三成", {"low": 20, "high": 30, "unit": "%"}),
    # --- quantities ---
    ("黄金储备为7412万盎司。", "QUANTITY", "7412万盎司", qty(74_120_000, "ounce")),
    ("全年新增黄金26.75吨。", "QUANTITY", "26.75吨", qty(26.75, "tonne")),
    ("矿产金产量381.339吨。", "QUANTITY", "381.339吨", qty(381.339, "tonne")),
    ("每架需要约417公斤稀土。", "QUANTITY", "约417公斤", qty(417, "kilogram", qualifier="about")),
    ("年产约4.5万吨精矿。", "QUANTITY", "约4.5万吨", qty(45_000, "tonne", qualifier="about")),
    ("仓储提升至2000噸以上。", "QUANTITY", "2000噸以上", qty(2000, "tonne", qualifier="more than")),
    ("一架战机需要大量稀土。", "QUANTITY", "一架", qty(1, "aircraft")),
    ("两艘驱逐舰抵港。", "QUANTITY", "两艘", qty(2, "vessel")),
    ("日产原油1000万桶。", "QUANTITY", "1000万桶", qty(10_000_000, "barrel")),
    ("交付300辆汽车。", "QUANTITY", "300辆", qty(300, "vehicle")),
    ("每月只增加几万盎司。", "QUANTITY", "几万盎司", qty(10_000, "ounce", qualifier="several")),
    ("单月增持一到两吨。", "QUANTITY", "一到两吨", {"low": 1, "high": 2, "unit": "tonne"}),
    ("就业减少约5.8万人。", "QUANTITY", "约5.8万人", qty(58_000, "person", qualifier="about")),
    ("处理业务约780万笔。", "QUANTITY", "约780万笔", qty(7_800_000, "transaction", qualifier="about")),
    ("性能约为前代的6倍。", "QUANTITY", "6倍", qty(6, "times")),
    ("3万多吨铜。", "QUANTITY", "3万多吨", qty(30_000, "tonne", qualifier="more than")),
    ("央行连续14个月增持黄金。", "QUANTITY", "14个月", qty(14, "month")),
    ("央行连续第13个月增持黄金。", "QUANTITY", "第13个月", qty(13, "month", ordinal=True)),
    ("库存只够两到三个月。", "QUANTITY", "两到三个月", {"low": 2, "high": 3, "unit": "month"}),
    ("设定180天谈判期限。", "QUANTITY", "180天", qty(180, "day")),
    # --- dates ---
    ("截至2025年11月底，持仓下降。", "DATE", "2025年11月底", day("2025-11-30", qualifier="end of month")),
    ("截至2025年12月末。", "DATE", "2025年12月末", day("2025-12-31", qualifier="end of month")),
    ("2025年11月14日公布。", "DATE", "2025年11月14日", day("2025-11-14")),
    ("数据于2025-11-14发布。", "DATE", "2025-11-14", day("2025-11-14")),
    ("数据于2025/11/14发布。", "DATE", "2025/11/14", day("2025-11-14")),
    ("数据于2025.11.14发布。", "DATE", "2025.11.14", day("2025-11-14")),
    ("1月14日，总统签署命令。", "DATE", "1月14日", day("2026-01-14")),
    ("12月26日金价创新高。", "DATE", "12月26日", day("2025-12-26")),
    ("特朗普4月访华。", "DATE", "4月", {"date": "2026-04-01", "precision": "month"}),
    ("去年11月再度减持。", "DATE", "去年11月", {"date": "2025-11-01", "precision": "month"}),
    ("今年以来金价上涨。", "DATE", "今年", {"date": "2026-01-01", "precision": "year"}),
    ("明年经济或放缓。", "DATE", "明年", {"date": "2027-01-01", "precision": "year"}),
    ("2025年第三季度出货量增长。", "DATE", "2025年第三季度", {"date": "2025-07-01", "precision": "quarter"}),
    ("2025年前三季度净购金。", "DATE", "2025年前三季度", {"low": "2025-01-01", "high": "2025-07-01", "precision": "quarter"}),
    ("2025年前10个月出口下降。", "DATE", "2025年前10个月", {"low": "2025-01-01", "high": "2025-10-01", "precision": "month"}),
    ("2025年上半年进口增长。", "DATE", "2025年上半年", {"date": "2025-01-01", "precision": "half"}),
    ("2008年以来的最低水平。", "DATE", "2008年", {"date": "2008-01-01", "precision": "year"}),
    ("2013年前后持仓见顶。", "DATE", "2013年前后", {"date": "2013-01-01", "precision": "year", "qualifier": "about"}),
    ("2025财年净利息支出。", "DATE", "2025财年", {"date": "2025-01-01", "precision": "year", "qualifier": "fiscal year"}),
    ("2026年底目标价。", "DATE", "2026年底", day("2026-12-31", qualifier="end of year")),
    ("2025年初推出开源模型。", "DATE", "2025年初", {"date": "2025-01-01", "precision": "year", "qualifier": "early"}),
    ("1月下旬议息会议。", "DATE", "1月下旬", {"date": "2026-01-01", "precision": "month", "qualifier": "late"}),
    ("较8月中旬上涨。", "DATE", "8月中旬", {"date": "2025-08-01", "precision": "month", "qualifier": "mid"}),
    ("11月初随磋商暂停。", "DATE", "11月初", {"date": "2025-11-01", "precision": "month", "qualifier": "early"}),
    ("2010年至2021年的平均水平。", "DATE", "2010年至2021年", {"low": "2010-01-01", "high": "2021-01-01", "precision": "year"}),
    ("会议于3月5日至11日举行。", "DATE", "3月5日至11日", {"low": "2026-03-05", "high": "2026-03-11", "precision": "day"}),
    ("美东时间5月10日0时01分起生效。", "DATE", "5月10日0时01分", day("2026-05-10", time="00:01")),
    ("二〇二五年十一月公布。", "DATE", "二〇二五年十一月", {"date": "2025-11-01", "precision": "month"}),
    ("7月份累计下跌。", "DATE", "7月份", {"date": "2025-07-01", "precision": "month"}),
    ("上月末外储上升。", "DATE", "上月末", day("2025-12-31", qualifier="end of month")),
    ("四季度订单增长。", "DATE", "四季度", {"date": "2025-10-01", "precision": "quarter"}),
]


@pytest.mark.parametrize(("text", "type_", "span", "value"), CASES,
                         ids=[f"{i}-{c[2]}" for i, c in enumerate(CASES)])
def test_numbers_form(text: str, type_: str, span: str, value: dict) -> None:
    found = {e.text: e for e in numeric_entities(text, REF)}
    assert span in found, f"{span!r} not among {list(found)}"
    entity = found[span]
    assert (entity.type, dict(entity.value)) == (type_, value)
    assert text[entity.start:entity.end] == span


def test_numbers_at_least_eighty_real_world_forms() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("text", [
    "英伟达H200与AMD MI325X芯片", "F-35战斗机", "G7核心盟友", "5到8年", "1至2周", "第五轮加码", "十多年",
    "一笔简单的账", "三成员国", "中美元首会晤", "印度减持120亿", "离岸人民币升破7.06",
    "美元指数跌破99关口", "三月内完成", "实施后年增收",
])
def test_numbers_not_entities(text: str) -> None:
    assert numeric_entities(text) == []


def test_numbers_amounts_are_exact() -> None:
    value = numeric_entities("1.3万亿美元")[0].value
    assert value["amount"] == 1_300_000_000_000 and isinstance(value["amount"], int)


def test_numbers_yearless_dates_without_reference() -> None:
    values = [e.value for e in numeric_entities("1月14日签署，今年落地，11月底到期")]
    assert values == [
        {"date": None, "precision": "day", "month": 1, "day": 14},
        {"date": None, "precision": "year", "relative_years": 0},
        {"date": None, "precision": "day", "month": 11, "day": 30, "qualifier": "end of month"},
    ]


def test_numbers_year_carries_within_sentence() -> None:
    text = "截至2024年12月末，储备较11月末增加。1月7日公布。"
    values = [e.value["date"] for e in numeric_entities(text, date(2026, 3, 1))]
    assert values == ["2024-12-31", "2024-11-30", "2026-01-07"]


def test_numbers_day_only_takes_month_from_sentence() -> None:
    text = "记者11月20日电 当地时间18日公布的数据显示"
    assert [e.value["date"] for e in numeric_entities(text, date(2026, 1, 2))] == [
        "2025-11-20", "2025-11-18"]


def test_numbers_change_is_not_a_range() -> None:
    texts = [e.text for e in numeric_entities("增持约31亿美元至8780亿美元，税率从20%至10%")]
    assert texts == ["约31亿美元", "8780亿美元", "20%", "10%"]


def test_numbers_bare_amounts_inherit_currency() -> None:
    found = numeric_entities("合计减持288亿美元，其中甲国减持120亿、乙国减持50亿。")
    assert [e.value for e in found[1:]] == [
        {"amount": 12_000_000_000, "currency": USD, "currency_inferred": True},
        {"amount": 5_000_000_000, "currency": USD, "currency_inferred": True},
    ]


@pytest.mark.parametrize(("text", "inferred"), [
    ("减持288亿美元，甲国减持120亿、乙国减持50亿。", ["120亿", "50亿"]),
    ("减持288亿美元。甲国减持120亿、乙国减持50亿。", []),
    ("减持288亿美元；甲国减持120亿。", []),
    ("甲国减持120亿，合计减持288亿美元。", []),
])
def test_numbers_bare_amounts_only_after_money_in_their_sentence(text: str, inferred) -> None:
    found = numeric_entities(text)
    assert [e.text for e in found if e.value.get("currency_inferred")] == inferred


def test_numbers_sorted_and_disjoint() -> None:
    found = numeric_entities("2025年11月底持仓6826亿美元，占比20%—30%，增持26.75吨。")
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


# --- the fast paths find what a plain scan of the whole text finds ---

EVERY_CHAR = "".join(map(chr, range(sys.maxunicode + 1)))


def test_numerals_fold_is_the_translate_table() -> None:
    assert fold(EVERY_CHAR) == EVERY_CHAR.translate(numerals._FOLD)


def _looked_at(pattern: str, flags: int) -> str:
    """The inside of a character class of all that `pattern` consumes or looks ahead at."""
    items = []

    def walk(tree) -> None:
        for op, av in tree:
            if op is C.LITERAL:
                items.append(re.escape(chr(av)))
            elif op is C.IN:
                for kind, value in av:
                    assert kind is not C.NEGATE, "a negated class: the stop set must shrink"
                    if kind is C.LITERAL:
                        items.append(re.escape(chr(value)))
                    elif kind is C.RANGE:
                        items.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
                    else:
                        items.append(_CATEGORIES[value])
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
                walk(av[2])
            elif op is C.SUBPATTERN:
                walk(av[3])
            elif op is C.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                if av[0] > 0:  # lookbehinds see the whole text, whatever the stretch
                    walk(av[1])
            else:
                assert op in (C.AT, C.GROUPREF), f"{op} in the pattern: extend this test"

    walk(re_parser.parse(pattern, flags))
    return "".join(items)


_CATEGORIES = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s"}


@pytest.mark.parametrize(("pattern", "stop"), [
    (dates.DATE_RE, dates._STOP), (amounts.AMOUNT_RE, amounts._STOP),
], ids=["date", "amount"])
def test_numbers_stop_characters_are_never_part_of_a_mention(pattern, stop) -> None:
    used = "".join(re.findall(f"[{_looked_at(pattern.pattern, pattern.flags)}]", EVERY_CHAR))
    assert stop.search(used) is None


def _sample_texts() -> list[str]:
    texts = []
    for path in sorted(SAMPLE.iterdir()):
        if path.name.endswith(".expected.json"):
            paragraphs = json.loads(path.read_text(encoding="utf-8")).get("paragraphs") or []
            texts.append("\n".join(paragraphs))
    return texts


_PIECES = [*units.CURRENCY_WORDS, *units.QUANTITY_UNITS, *units.PERCENT_UNITS,
           *units.PREFIX_QUALIFIERS, *units.SUFFIX_QUALIFIERS, *units.CURRENCY_PREFIXES,
           *units.RANGE_SEPARATORS, *units.GUARD_CHARS, "百分之", "年", "月", "日", "号", "季度",
           "上旬", "底", "初", "财年", "时间", "前后", "第", "每", "今年", "上个月", "2025",
           "11", "１２", "萬", "億", "％", "一", "二", "十", "两", "点", "多", "余", "数", "几",
           "亿", "万", "千", "/", ".", ",", ":", "-", "\n", " ", "　", "。", "，", "、", "；", "？",
           "！", "(", "）", "和", "的", "在", "美国", "USD", "Fed", "a"]


def _random_texts(count: int) -> list[str]:
    """Short and long jumbles of units, hedges, numerals and punctuation (the same each run)."""
    rnd = random.Random(20260120)
    return ["".join(rnd.choice(_PIECES) if rnd.random() < 0.7 else str(rnd.randrange(10_000))
                    for _ in range(rnd.choice((2, 3, 4, 30)))) for _ in range(count)]


def _whole(folded: str, anchor: re.Pattern[str], stop: re.Pattern[str]) -> list[tuple[int, int]]:
    return [(0, len(folded))]


def _plain(text: str, when: date | None) -> list:
    """numeric_entities without its fast paths: each pattern over the whole text, AMOUNT_RE
    without its first-character test, the bare 亿 pattern as first written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dates, "stretches", _whole)
        patch.setattr(amounts, "stretches", _whole)
        patch.setattr(amounts, "AMOUNT_RE", re.compile(amounts._AMOUNT, re.VERBOSE))
        patch.setattr(numbers, "_BARE_YI", _PLAIN_BARE_YI)
        return numeric_entities(text, when)


_PLAIN_BARE_YI = re.compile(r"(?<![0-9.A-Za-z])(?P<num>\d+(?:\.\d+)?)(?P<mult>[十百千]?万?亿)"
                            r"(?=[、，,。；;）)和与及或]|$)")


# Mentions whose only clue to the fast path is easy to miss.
EDGES = ["5000 美元", "5000\n美元", "US$ 500", "约 3 成", "2025 年", "二〇二五年", "2025财年",
         "二〇二五财年", "去年底", "本月", "上个月", "下月初", "前十一个月", "第三季度", "第4季度",
         "前三季度", "时间18日", "当地时间8日", "2025/11/14", "2025.11.14",
         "2025-11-14 09:30", "11月14日至20日", "1,234.5吨", "120亿？", "其中120亿。", "5000亿美元，120亿",
         "数百亿美元", "负3%", "-3%", "百分之二十到三十", "每吨4600美元", "4512.6美元/盎司"]


def test_numbers_same_as_plain_scan() -> None:
    texts = _sample_texts() + [case[0] for case in CASES] + EDGES + _random_texts(600)
    for text in texts:
        for when in (None, REF):
            assert numeric_entities(text, when) == _plain(text, when), text

