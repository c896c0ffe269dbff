"""The figures a text states, as values that compare equal across Chinese, English and Japanese.

``figures(text)`` returns a multiset (a ``Counter``) of normalised values, so that a source
message and its translation can be compared value for value. A value is ``kind:amount``,
optionally prefixed by its bound:

=====================  ==========================================================================
``pct:20``             20% ; ``pct:99.99`` is also "四个 9" / "four nines" / "フォーナイン"
``count:1000``         1,000 ; 10w+ = 100K+ = 10 万+ → ``>count:100000`` ; 零 / zero / ゼロ → 0
``year:2024``          a calendar year (1900–2099) not given as a range
``period:2019-2021``   a range of years; ``period:2021-now`` for 2021 – 至今 / Present / 現在
``dur:5d``             a duration (s, min, h, d, w, mo, y);
                       ``dur:minutes`` for 分钟级别 / within minutes / 分単位
``rate:100GB/s``       an amount with a unit of throughput
``order:1e6``          a scale, which names a floor: 百万级别 / (on the order of) a million /
                       million-scale / 100 万規模; 千万级别 / ten million / 1,000 万規模; 亿级 /
                       a hundred million / 億単位
``order:many-1e6``     a plural range, "millions" (tens of millions …): no source word says it,
                       so a translation that writes it for 百万级别 is refused (``advice``)
``order:several-1e5``  "several N", a different value from the scale N: 数十万 / several hundred
                       thousand / 数十万; 数百万 / several million / 数百万; 数十 / dozens of
``order:several``      a vague quantity, counting nothing else: 数个 / 若干 / 多个 / several /
                       a few / 複数 / いくつか (not 一些, "some", which is an article as often)
``origin:scratch``     从 0 到 1 / from scratch / ゼロから: an idiom, no count
=====================  ==========================================================================

Bounds: ``>`` at least / more than (以上, 超, 超过, 过千, +, over, above, more than, exceeds),
``<`` at most (以内, 以下, 未満, less than, up to), ``~`` about (左右, 程度, about, around).

Deliberate choices, each one a rule below:

* A figure said twice in one place is one value: "four nines (99.99%)" is ``pct:99.99`` once.
* Digits glued to a letter on their left are part of a name, not a figure: k8s, OAuth2, Web3,
  x86, H100. Digits followed by letters that are not a known unit are a name too (3D, 5G).
  Names without digits (C++, C#, AI) never match anything.
* 一 / "one" / "a" before a classifier is the indefinite article (一个事件系统, 一套, 之一,
  の一つ, "one of"): a figure only in a duration (一年, 一年間, "during a year") or in "one nine".
* A small number in words is a figure only before a classifier or counter (五段, 六个, 五つ,
  一年間); 三領域 or 几大方向 restate a list and are left alone.
* "over" before a duration means "during" (Over two years, …), so it bounds no duration.
* Chinese 千万 / 百万 / 亿 count as magnitudes alone or with 级(别); bare 万 only with 级 or
  単位, so that the company name 万汇互联 states no figure.
* A scale and "several" are different values, in all three languages: 百万级别 ("a million",
  「100 万規模」) is not 数百万 ("several million", 「数百万」). A power of ten in English words
  (a million, ten million) is a scale, as 百万 and 千万 are; in digits (10 million) a count, as
  1000 万 is; "a thousand" is a count, as 过千 is. A plural (millions, tens of millions,
  hundreds of thousands) is a range of its own; "several …", "dozens of", and "tens / hundreds
  of" anything else are "several".
* 二次开发 (customisation) and 第一次 (the first time) are words, not counts: 次 / 回 are no
  classifiers here, and an ordinal (第…) is never a figure.
* Markdown link targets and placeholders are not text: ``](…)``, ``%(name)s``, ``${count}``.
"""

from __future__ import annotations

import math
import re
from collections import Counter

# Full-width forms that CJK text uses for ASCII figures; the Chinese comma stays as it is, so that
# "PMC，2020" is not read as a thousands separator.
_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     "％": "%", "（": "(", "）": ")", "＋": "+", "＞": ">", "＜": "<", "～": "~", "〜": "~", "．": "."}
)  # fmt: skip

_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_MAGNITUDE = {"十": 1, "百": 2, "千": 3, "万": 4, "亿": 8, "億": 8}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip
_JA_NINES = {"ワン": 1, "ツー": 2, "スリー": 3, "フォー": 4, "ファイブ": 5, "シックス": 6}
_EN_ORDERS = {"thousands": 3, "millions": 6, "billions": 9}
_EN_SCALES = {"tens": 1, "dozens": 1, "scores": 1, "hundreds": 2}
_TIME_WORDS = {
    "秒": "seconds", "分钟": "minutes", "分": "minutes", "小时": "hours", "時間": "hours",
    "天": "days", "日": "days", "seconds": "seconds", "minutes": "minutes", "hours": "hours",
    "days": "days",
}  # fmt: skip
# Units glued to digits, and what each is in days or as a name.
_DURATIONS = {"d": "d", "day": "d", "days": "d", "天": "d", "日": "d", "日間": "d",
              "y": "y", "year": "y", "years": "y", "年間": "y",
              "h": "h", "hour": "h", "hours": "h", "小时": "h", "時間": "h",
              "min": "min", "minute": "min", "minutes": "min", "分钟": "min", "分間": "min",
              "s": "s", "second": "s", "seconds": "s", "秒": "s", "ms": "ms"}  # fmt: skip
_EN_MULTIPLIERS = {"thousand": 3, "million": 6, "billion": 9}
_MULTIPLIERS = {"k": 3, "K": 3, "w": 4, "W": 4, "万": 4, "M": 6, "亿": 8, "億": 8, "B": 9}

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
_PCT_AFTER = r"(?:\s*\(\s*(?P<{}>\d+(?:\.\d+)?)\s*%\s*\))?"
_NOT_AFTER_A_NUMERAL = r"(?<![\d一二两三四五六七八九十百千数几])"
_FIGURE = re.compile(
    "|".join(
        [
            # Nines of availability, and the percentage a translation may add in brackets.
            r"(?i:\b(?P<nines_en>one|two|three|four|five|six|\d)\s+nines?\b)"
            + _PCT_AFTER.format("pct_en"),
            r"(?P<nines_ja>ワン|ツー|スリー|フォー|ファイブ|シックス)ナイン"
            + _PCT_AFTER.format("pct_ja"),
            r"(?P<nines_zh>[一二两三四五六]|\d)\s*个\s*9(?![\d.%])" + _PCT_AFTER.format("pct_zh"),
            # A range of years, open-ended or not.
            r"(?<![\d.,])(?P<from>(?:19|20)\d\d)\s*(?:[–—~]|-(?!>))\s*"
            r"(?P<to>(?:19|20)\d\d(?!\d)|至今|现在|現在|(?i:present|now|today))",
            # "From 0 to 1": building something new, an idiom rather than two counts.
            r"(?P<scratch>从\s*(?:0|零)\s*到\s*(?:1|一)|从零开始|从无到有"
            r"|(?i:\bfrom\s+(?:0\s+to\s+1|scratch|the\s+ground\s+up)\b)"
            r"|ゼロから|0\s*から\s*1\s*へ?|一から)",
            # "Several N" in English: several million, several hundred thousand, several dozen;
            # not "several million-DAU products", where the million belongs to what follows.
            r"(?i:\bseveral\s+(?:(?:(?P<sev_scale>ten|hundred)s?\s+(?:of\s+)?)?"
            r"(?P<sev_order>thousand|million|billion)s?|(?P<sev_small>dozen|hundred)s?)\b(?!-))",
            # A scale in English: million-scale, ten-million-scale, 100-million-scale, and "on
            # the order of a million"; a power of ten in words (a million, ten million, a
            # hundred million) is a scale too, as 百万 / 千万 / 亿 are.
            r"(?i:\b(?:(?P<en_scale_word>ten|hundred)[\s-]|(?P<en_scale_num>1|10|100|1,?000)[\s-]?)?"
            r"(?P<en_scale_order>thousand|million|billion)[\s-]scale\b)",
            r"(?i:\bon\s+the\s+order\s+of\s+(?:(?:a|one)\s+)?(?:(?P<en_about_num>1|10|100)\s+"
            r"|(?P<en_about_word>ten|hundred)[\s-])?(?P<en_about>thousand|million|billion)\b)",
            r"(?i:(?<![\d,.]\s)(?<![\d,.])\b(?:(?:a|one)\s+)?(?:(?P<en_power_word>ten|hundred)[\s-])?"
            r"(?P<en_power>thousand|million|billion)\b(?!\s*-?\s*scale))",
            # Plural ranges in English: millions, tens of millions, hundreds of thousands. They
            # say "many times N", a different value from the floor 百万级别 is (see advice()).
            r"(?i:\b(?:(?P<en_scale>tens|hundreds)\s+of\s+)?"
            r"(?P<en_order>thousands|millions|billions)\b)",
            r"(?i:\b(?P<en_order_small>dozens|hundreds|tens|scores)\s+of\b)",
            # A vague quantity, the same in every language: 数个, 若干, 多个, several, 複数, いくつか.
            r"(?P<several>(?i:\bseveral\b|\ba\s+few\b)|複数|いくつか|若干"
            r"|(?<![\d一二两三四五六七八九十百千])多\s*[个個](?!月)|[数几幾]\s*[个個](?!月))",
            r"数\s*(?P<zh_some>[十百千]?[万亿億]|[十百千])",
            # A scale in digits: 100 万規模, 1,000 万级别, 1 億単位.
            r"(?<![A-Za-z\d.,_])(?P<scale_num>" + _NUM + r")\s*(?P<scale_unit>[万亿億])\s*"
            r"(?:件|个|個|人)?\s*(?:级别|级|級|単位|規模|レベル)",
            _NOT_AFTER_A_NUMERAL
            + r"(?P<zh_order>[十百千]?[万亿億])\s*(?:级别|级|単位|規模|レベル)",
            _NOT_AFTER_A_NUMERAL + r"(?P<zh_order_bare>[十百千]万(?![不别要])|[十百千]?[亿億])",
            r"(?<![超通经])过\s*(?P<zh_over>[十百千万亿])(?![十百千万亿億级])",
            # Time granularity in words: 分钟级别, within minutes, 分単位.
            r"(?P<zh_time>秒|分钟|小时|天)\s*级别?|(?P<ja_time>秒|分|時間|日)単位",
            r"(?i:\b(?:within|in)\s+(?P<en_time>seconds|minutes|hours|days)\b)",
            # Zero in words.
            r"(?P<zero>零(?![件售食散星部钱碎头花])|(?i:\bzero\b)|ゼロ(?!トラスト|から))",
            # Small numbers in words, with what they count.
            r"(?i:\b(?P<en_word>one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"
            r"(?:[\s-]+(?P<en_word_unit>years?|days?|months?)\b)?)",
            r"(?i:\b(?:during|for|in|within|over|after)\s+(?:a|one)\s+(?P<en_a_unit>year|day)\b)",
            r"(?<![第之数几])(?P<zh_word>[一二两三四五六七八九十]+)\s*"
            r"(?P<zh_word_unit>年|天|周|个月|段|个|款|人|名|种|项|位|家|套)",
            r"(?<![第数])(?P<ja_word>[一二三四五六七八九十]+)\s*"
            r"(?P<ja_word_unit>年間|年|日間|か月|ヶ月|つ|名|人|件|社|種類|段|個)",
            # Digits, with a unit, a multiplier or a percent sign.
            r"(?<![A-Za-z\d.,_])(?P<num>" + _NUM + r")"
            r"(?P<tail>\s*%"
            r"|\s*[KMGT]?i?B/s|\s*[KMGT]bps"
            r"|(?:[kKwWMB]|\s*[万亿億])(?![A-Za-z级単規])"
            r"|(?:d|y|h|min|ms|s)(?![A-Za-z])"
            r"|\s*(?:days?|years?|hours?|minutes?|seconds?)\b"
            r"|\s+(?i:thousand|million|billion)\b(?![\s-]*scale)"
            r"|\s*(?:日間|年間|天|日|小时|時間|分钟|分間|秒)"
            r")?",
        ]
    )
)

# Bounds around a figure: words before it, or after it and its counter word.
_LOWER_BEFORE = re.compile(
    r"(?i:(?<![A-Za-z])(?:more\s+than|over|above|exceed(?:s|ed|ing)?|at\s+least|upwards\s+of))\s*$"
    r"|(?:超过|超出|大于|多于|高于|(?<![-=])>|≥)\s*$"
)
_UPPER_BEFORE = re.compile(
    r"(?i:(?<![A-Za-z])(?:less\s+than|fewer\s+than|under|below|up\s+to|at\s+most))\s*$"
    r"|(?:不到|少于|低于|(?<!<)<(?![-=])|≤)\s*$"
)
_ABOUT_BEFORE = re.compile(
    r"(?i:(?<![A-Za-z])(?:about|around|approximately|roughly|nearly|almost))\s*$"
    r"|(?:约|大约|近|約|およそ|~)\s*$"
)
_COUNTER = r"(?:件|名|人|个|個|つ|款|种|種類|项|位|家|社|次|回)?"
_LOWER_AFTER = re.compile(
    r"^\s*"
    + _COUNTER
    + r"\s*(?:以上|を?超え|を?上回|超|多(?=\s*[个人种款项位家年天])|\+(?!\d)|(?i:or\s+more\b|plus\b))"
)
_UPPER_AFTER = re.compile(
    r"^\s*" + _COUNTER + r"\s*(?:以内|以下|未満|不到|(?i:or\s+(?:less|fewer)\b))"
)
_ABOUT_AFTER = re.compile(r"^\s*" + _COUNTER + r"\s*(?:左右|程度|前後|上下|ほど|くらい|ぐらい)")

# Text that is not prose: Markdown link targets and printf-style placeholders.
_NOT_TEXT = re.compile(r"\]\([^)]*\)|%\([A-Za-z_]+\)[sdr]|%[sd]|\$?\{[A-Za-z_0-9]*\}")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _zh_number(text: str) -> int:
    """A Chinese numeral up to 99: 五, 十, 十二, 二十, 两."""
    if "十" not in text:
        return _ZH_DIGITS[text[-1]]
    tens, _, ones = text.partition("十")
    return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[ones] if ones else 0)


def _magnitude(text: str) -> int:
    """The power of ten of 十, 百万, 千万, 亿, 十亿 …"""
    return sum(_MAGNITUDE[char] for char in text)


def _fmt(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else f"{amount:g}"


def _nines(count: int) -> str:
    """N nines of availability as a percentage: 1 → 90, 4 → 99.99."""
    return _fmt(round(100 - 100 * 10.0**-count, count))


def _values(match: re.Match[str]) -> list[str]:
    """The values one match states, before bounds."""
    group = match.groupdict()
    for key, lang_pct in (("nines_en", "pct_en"), ("nines_ja", "pct_ja"), ("nines_zh", "pct_zh")):
        if group[key]:
            word = group[key].lower()
            count = (
                int(word) if word.isdigit()
                else _EN_NUMBERS.get(word) or _JA_NINES.get(word) or _ZH_DIGITS[word]
            )  # fmt: skip
            values = [f"pct:{_nines(count)}"]
            said = group[lang_pct]
            if said and _fmt(_number(said)) != _nines(count):
                values.append(f"pct:{_fmt(_number(said))}")  # a bracket that disagrees: keep both
            return values
    if group["from"]:
        end = group["to"]
        end = end if end[0].isdigit() else "now"
        return [f"period:{group['from']}-{end}"]
    if group["scratch"]:
        return ["origin:scratch"]
    if group["sev_order"] or group["sev_small"]:
        if group["sev_small"]:
            power = 1 if group["sev_small"].lower() == "dozen" else 2
        else:
            scale = _EN_SCALES[group["sev_scale"].lower() + "s"] if group["sev_scale"] else 0
            power = _EN_ORDERS[group["sev_order"].lower() + "s"] + scale
        return [f"order:several-1e{power}"]
    if group["en_scale_order"]:
        scale = _EN_SCALES[group["en_scale_word"].lower() + "s"] if group["en_scale_word"] else 0
        if group["en_scale_num"]:
            scale = len(group["en_scale_num"].replace(",", "")) - 1
        return [f"order:1e{_EN_ORDERS[group['en_scale_order'].lower() + 's'] + scale}"]
    for key in ("en_about", "en_power"):
        if group[key]:
            word = group[f"{key}_word"]
            scale = _EN_SCALES[word.lower() + "s"] if word else 0
            if group.get(f"{key}_num"):
                scale = len(group[f"{key}_num"]) - 1
            power = _EN_ORDERS[group[key].lower() + "s"] + scale
            # "a thousand" is a count, as 千 is: 过千 = over 1,000 = over a thousand.
            return [f"order:1e{power}" if power > 3 else f"count:{10**power}"]
    if group["scale_num"]:
        amount = float(_number(group["scale_num"]) * 10 ** _MAGNITUDE[group["scale_unit"]])
        exponent = math.log10(amount)
        if exponent.is_integer():
            return [f"order:1e{round(exponent)}"]
        return [f"~count:{_fmt(amount)}"]
    if group["en_order"]:
        scale = _EN_SCALES[group["en_scale"].lower()] if group["en_scale"] else 0
        return [f"order:many-1e{_EN_ORDERS[group['en_order'].lower()] + scale}"]
    if group["en_order_small"]:
        return [f"order:several-1e{_EN_SCALES[group['en_order_small'].lower()]}"]
    if group["several"]:
        return ["order:several"]
    if group["zh_some"]:
        return [f"order:several-1e{_magnitude(group['zh_some'])}"]
    for key in ("zh_order", "zh_order_bare"):
        if group[key]:
            return [f"order:1e{_magnitude(group[key])}"]
    if group["zh_over"]:
        return [f"count:{_fmt(10 ** _magnitude(group['zh_over']))}"]
    for key in ("zh_time", "ja_time", "en_time"):
        if group[key]:
            return [f"dur:{_TIME_WORDS[group[key].lower()]}"]
    if group["zero"]:
        return ["count:0"]
    if group["en_word"]:
        amount = _EN_NUMBERS[group["en_word"].lower()]
        unit = (group["en_word_unit"] or "").lower().rstrip("s")
        if unit:
            return [f"dur:{amount}{unit[0]}"] if unit != "month" else [f"dur:{amount}mo"]
        return [] if amount == 1 else [f"count:{amount}"]  # "one of", "one" as a pronoun
    if group["en_a_unit"]:
        return [f"dur:1{group['en_a_unit'][0].lower()}"]
    for key in ("zh_word", "ja_word"):
        if group[key]:
            amount = _zh_number(group[key])
            unit = group[f"{key}_unit"]
            duration = {"年": "y", "年間": "y", "天": "d", "日間": "d", "周": "w", "个月": "mo",
                        "か月": "mo", "ヶ月": "mo"}.get(unit)  # fmt: skip
            if duration:
                return [f"dur:{amount}{duration}"]
            return [] if amount == 1 else [f"count:{amount}"]  # 一个, 一套, 一つ: the article
    return _digits(group["num"], group["tail"] or "")


def _digits(number: str, tail: str) -> list[str]:
    amount = _number(number)
    unit = tail.strip()
    if unit == "%":
        return [f"pct:{_fmt(amount)}"]
    if unit.endswith("/s") or unit.endswith("bps"):
        return [f"rate:{_fmt(amount)}{unit}"]
    if unit in _MULTIPLIERS or unit.lower() in _EN_MULTIPLIERS:
        power = _MULTIPLIERS.get(unit) or _EN_MULTIPLIERS[unit.lower()]
        return [f"count:{_fmt(amount * 10**power)}"]
    if unit in _DURATIONS:
        return [f"dur:{_fmt(amount)}{_DURATIONS[unit]}"]
    if "," not in number and amount.is_integer() and 1900 <= amount < 2100:
        return [f"year:{int(amount)}"]
    return [f"count:{_fmt(amount)}"]


def _bound(text: str, match: re.Match[str], value: str) -> str:
    if match.group("zh_over"):
        return ">"
    before, after = text[max(0, match.start() - 24) : match.start()], text[match.end() :]
    if value.startswith(("year:", "period:")):
        return ""
    if _LOWER_AFTER.match(after):
        return ">"
    if _UPPER_AFTER.match(after):
        return "<"
    if _ABOUT_AFTER.match(after):
        return "~"
    lower = _LOWER_BEFORE.search(before)
    if lower and not (value.startswith("dur:") and lower.group().strip().lower() == "over"):
        return ">"
    if _UPPER_BEFORE.search(before):
        return "<"
    if _ABOUT_BEFORE.search(before):
        return "~"
    return ""


def _is_name(text: str, match: re.Match[str]) -> bool:
    """Digits followed by letters that are no unit: a name such as 3D or 5G."""
    return (
        bool(match.group("num"))
        and not match.group("tail")
        and bool(re.match(r"[A-Za-z]", text[match.end() : match.end() + 1]))
    )


def figures(text: str) -> Counter[str]:
    """The multiset of figure values that ``text`` states, in any of the three languages."""
    text = _NOT_TEXT.sub(" ", text.translate(_WIDTH))
    found: Counter[str] = Counter()
    for match in _FIGURE.finditer(text):
        if _is_name(text, match):
            continue
        for value in _values(match):
            found[_bound(text, match, value) + value] += 1
    return found


#: How a floor of 10^N (百万级别, 千万级别, 亿级) is written in English and Japanese, and the
#: plural range that overstates it, for advice().
_FLOOR_FORMS = {
    3: ("a thousand", "1,000 件規模", "thousands"),
    4: ("ten thousand", "1 万規模", "tens of thousands"),
    5: ("a hundred thousand", "10 万規模", "hundreds of thousands"),
    6: ("a million", "100 万規模", "millions"),
    7: ("ten million", "1,000 万規模", "tens of millions"),
    8: ("a hundred million", "億単位", "hundreds of millions"),
    9: ("a billion", "10 億規模", "billions"),
}
_PLURAL_RANGE = re.compile(r"^([<>~]?)order:many-1e(\d+)$")


def advice(lost: Counter[str], added: Counter[str]) -> str:
    """What to write instead of a plural range ("millions", "tens of millions") that stands for
    a floor of the source (百万级别, 千万级别), or "" when the differences are something else.

    A scale word names a floor, "on the order of": 百万级别 Pod are about a million Pods, while
    "millions of Pods" reads as two to nine million."""
    forms = []
    for value in sorted(added):
        match = _PLURAL_RANGE.match(value)
        floors = (
            {f"{bound}order:1e{match.group(2)}" for bound in "><~"} | {f"order:1e{match.group(2)}"}
            if match
            else set()
        )
        if not match or int(match.group(2)) not in _FLOOR_FORMS or not floors & set(lost):
            continue
        english, japanese, plural = _FLOOR_FORMS[int(match.group(2))]
        over = "over " if match.group(1) == ">" else ""
        forms.append(
            f"the source's scale word is a floor, not a plural range: write "
            f"'{over}{english}' or 'on the order of {english}' (Japanese {japanese}), "
            f"not '{plural}'"
        )
    return "; ".join(forms)


def differences(source: str, translation: str) -> tuple[Counter[str], Counter[str]]:
    """(values the translation lost or changed, values it added), each as a multiset."""
    said, translated = figures(source), figures(translation)
    return said - translated, translated - said
