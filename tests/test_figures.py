"""Figures survive translation exactly: the mapping from text to values, then every catalog."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from hypothesis import given
from hypothesis import strategies as st

from resume.catalogs import Problem, catalog_problems
from resume.figures import advice, differences, figures

from helpers import REPO

# -- The mapping -------------------------------------------------------------------------------

# One figure said the way each edition says it (forms taken from the catalogs), and its values.
EQUIVALENTS = [
    ("从 20% 提升到 50%", "from 20% to 50%", "20% から 50% へ", ["pct:20", "pct:50"]),
    ("20% -> 50%", "20% → 50%", "20% → 50%", ["pct:20", "pct:50"]),
    ("> 5d", "more than 5 days", "5 日超", [">dur:5d"]),
    ("截止 2024 年为止", "as of 2024", "2024 年時点で", ["year:2024"]),
    ("2020 年底", "by the end of 2020", "2020 年末時点", ["year:2020"]),
    ("AI 能力过千", "over 1,000 AI capabilities", "AI 機能は 1,000 件超", [">count:1000"]),
    (
        "部署 Pod 数十万",
        "several hundred thousand Pods",
        "Pod は数十万に上った",
        ["order:several-1e5"],
    ),
    (
        "数十种产品",
        "dozens of the company's products",
        "数十種類のプロダクト",
        ["order:several-1e1"],
    ),
    ("百万级别 Pod", "Pods on the order of a million", "100 万規模の Pod", ["order:1e6"]),
    ("超过百万级别", "over a million", "100 万規模を超える", [">order:1e6"]),
    ("百万级别", "a million-scale", "100 万規模", ["order:1e6"]),
    ("百万级别", "million-scale", "100 万規模", ["order:1e6"]),
    ("数百万", "several million", "数百万", ["order:several-1e6"]),
    ("日请求量千万级别", "ten million requests a day", "1,000 万規模", ["order:1e7"]),
    ("千万级别", "on the order of ten million", "1,000 万規模", ["order:1e7"]),
    ("数千万", "several tens of millions", "数千万", ["order:several-1e7"]),
    (
        "每秒写入指标超过千万级别",
        "metric writes exceeded ten million",
        "毎秒 1,000 万件規模を超える",
        [">order:1e7"],
    ),
    (
        "日访问量亿级",
        "daily visits on the order of a hundred million",
        "日次アクセス数が億単位",
        ["order:1e8"],
    ),
    ("亿级别的成本梳理", "costs on the order of 100 million", "億単位のコスト", ["order:1e8"]),
    ("亿级", "hundred-million-scale", "億単位", ["order:1e8"]),
    ("1000 万次", "10 million times", "1,000 万回", ["count:10000000"]),
    ("过千", "over a thousand", "1,000 件超", [">count:1000"]),
    ("四个 9", "four nines (99.99%)", "フォーナイン（99.99%）", ["pct:99.99"]),
    ("四个9", "four nines", "99.99%", ["pct:99.99"]),
    ("一个 9", "one nine (90%)", "ワンナイン（90%）", ["pct:90"]),
    ("日峰值 QPS 10w+", "a daily peak of 100K+ QPS", "日次ピーク QPS 10 万+", [">count:100000"]),
    (
        "分钟级别的异构容灾",
        "disaster recovery within minutes",
        "分単位のディザスタリカバリ",
        ["dur:minutes"],
    ),
    (
        "数个百万 DAU 的产品",
        "several products, each with DAU on the order of a million",
        "DAU 100 万規模の複数のプロダクト",
        ["order:several", "order:1e6"],
    ),
    (
        "峰值带宽 100GB/s 以上",
        "peak bandwidth above 100GB/s",
        "ピーク帯域幅 100GB/s 以上",
        [">rate:100GB/s"],
    ),
    ("在 80% 以上", "above 80%", "80% 以上を達成", [">pct:80"]),
    ("50% 以上的需求场景", "more than 50% of scenarios", "ニーズの 50% 以上", [">pct:50"]),
    ("3 人左右的小团队", "a small team of about 3 people", "3 名程度の小規模チーム", ["~count:3"]),
    ("10+ 项目", "10+ projects", "10+ のプロジェクト", [">count:10"]),
    ("7 款产品", "7 products", "7 つのプロダクト", ["count:7"]),
    ("2019 – 2021", "2019 – 2021", "2019 – 2021", ["period:2019-2021"]),
    ("2021 – 至今", "2021 – Present", "2021 – 現在", ["period:2021-now"]),
    (
        "数个百万 DAU 的产品",
        "several million-DAU products",
        "複数の DAU 100 万規模のプロダクト",
        ["order:several", "order:1e6"],
    ),
    # A vague quantity is one value, whichever usual word says it.
    ("若干", "several", "いくつか", ["order:several"]),
    ("多个项目", "a few projects", "複数のプロジェクト", ["order:several"]),
    ("数个", "several", "複数", ["order:several"]),
    ("从 0 到 1", "from scratch", "ゼロから", ["origin:scratch"]),
    ("从 0 到 1", "from the ground up", "0 から 1 へ", ["origin:scratch"]),
    ("零工程交付", "zero engineering effort", "エンジニアリング工数ゼロ", ["count:0"]),
    ("五段经历", "five roles", "五つの職歴", ["count:5"]),
    ("六个开源项目", "six open-source projects", "六つのオープンソースプロジェクト", ["count:6"]),
    ("在两年内", "Over two years", "二年間にわたり", ["dur:2y"]),
    ("在日本的一年里", "During a year in Japan", "日本での一年間", ["dur:1y"]),
    ("５ 天", "5 days", "5 日", ["dur:5d"]),
]


@pytest.mark.parametrize(
    ("chinese", "english", "japanese", "values"), EQUIVALENTS, ids=[e[0] for e in EQUIVALENTS]
)
def test_each_edition_states_the_same_values(chinese, english, japanese, values):
    expected = Counter(values)
    assert figures(chinese) == expected
    assert figures(english) == expected
    assert figures(japanese) == expected


# Pairs that state different figures: a changed number, unit, scale, bound or range end.
DIFFERENT = [
    ("20%", "25%"),
    ("过千", "over 100"),
    ("过千", "1,000 件"),  # the bound is lost
    ("> 5d", "5 days"),
    ("> 5d", "more than 5 hours"),
    ("四个 9", "three nines (99.9%)"),
    ("四个 9", "four nines (99.9%)"),  # a bracket that disagrees with the words
    ("数十万", "millions"),
    # A floor is not a plural range: the English inflation of 百万级别 into "millions".
    ("百万级别", "millions"),
    ("百万级别 Pod", "millions of Pods"),
    ("超过千万级别", "more than tens of millions"),
    ("千万级别", "tens of millions"),
    ("亿级", "hundreds of millions"),
    ("亿级别", "at the scale of hundreds of millions"),
    ("数个百万 DAU 的产品", "several products with millions of DAU"),
    ("数个百万 DAU", "several million DAU"),
    ("百万级别", "ten million"),
    ("千万级别", "10 million"),  # a count in digits, not a scale
    ("若干", "three"),
    ("多个", "数十"),
    ("百万级别", "数千万"),
    # A scale is not "several" of it, in any language: the inflation of 百万级别 into 数百万.
    ("百万级别", "数百万"),
    ("百万级别", "数百万規模"),
    ("百万级别", "several million"),
    ("千万级别", "数千万"),
    ("千万级别", "数千万規模"),
    ("千万级别", "several tens of millions"),
    ("超过千万级别", "毎秒数千万件超"),
    ("数十万", "hundreds of thousands"),
    ("数十万", "100,000"),
    ("100 万規模", "数百万規模"),
    ("1,000 万規模", "100 万規模"),
    ("million-scale", "several million"),
    ("从 0 到 1", "from 0"),
    ("千万级别", "a hundred million"),
    ("亿级", "数千万"),
    ("数十种", "hundreds of"),
    ("数个", "millions"),
    ("10w+", "10K+"),
    ("10w+", "10 万"),
    ("100GB/s 以上", "100MB/s 以上"),
    ("2019 – 2021", "2019 – 2022"),
    ("2021 – 至今", "2021 – 2023"),
    ("3 人左右", "3 people"),
    ("50% 以上", "50%"),
    ("50% 以上", "up to 50%"),
    ("两年", "three years"),
    ("五段经历", "six roles"),
    ("分钟级别", "within hours"),
    ("2024 年", "2023"),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT, ids=[f"{a}≠{b}" for a, b in DIFFERENT])
def test_a_different_figure_maps_to_a_different_value(one, other):
    assert figures(one) != figures(other)


# Names with digits or symbols, articles and words that look like numbers: no figure at all.
NOT_FIGURES = [
    "k8s", "Kubernetes (k8s)", "OAuth2", "Web3", "x86", "H100", "3D", "5G", "C++", "C#/VB/C++/JS",
    "AI", "AIP", "B 端与 C 端", "BtoB・BtoC",
    "一个事件系统", "一套完整的分布式指标采集组件", "顶级项目之一", "one of the fastest-graduating",
    "トップレベルプロジェクトの一つ", "コンポーネント一式", "外部依存が一切なく", "一部領域",
    "万汇互联", "二次开发", "第一次带团队", "数据加密", "数多く", "多数", "通过镜像瘦身", "千万不要",
    "%(count)s results", "${resultCount} pages", "[腾讯](experience/2019.md)", "十多个",
    "我一般会编写一些 controller", "some fixes",
]  # fmt: skip


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_names_and_articles_are_not_figures(text):
    assert figures(text) == Counter()


def test_a_figure_said_twice_in_one_place_counts_once():
    assert figures("from one nine (90%) to four nines (99.99%)") == Counter(["pct:90", "pct:99.99"])
    assert figures("ワンナイン（90%）からフォーナイン（99.99%）へ") == Counter(
        ["pct:90", "pct:99.99"]
    )


def test_over_does_not_bound_a_duration():
    assert figures("Over two years") == Counter(["dur:2y"])
    assert figures("over 1,000") == Counter([">count:1000"])


def test_values_are_a_multiset():
    source = "**GPU 利用率 20% → 50%**：推理 GPU 日均利用率从 20% 提升到 50%"
    assert figures(source) == Counter({"pct:20": 2, "pct:50": 2})
    assert differences(source, "GPU utilization from 20% to 50%") == (
        Counter({"pct:20": 1, "pct:50": 1}),
        Counter(),
    )


def test_a_missing_figure_is_detected():
    lost, added = differences("从 20% 提升到 50%，部分在 80% 以上", "from 20% to 50%")
    assert lost == Counter([">pct:80"])
    assert added == Counter()


def test_a_changed_or_added_figure_is_detected():
    lost, added = differences("支持 7 款产品", "helped 8 products, in 2 teams")
    assert lost == Counter(["count:7"])
    assert added == Counter(["count:8", "count:2"])


# -- The catalogs ------------------------------------------------------------------------------

TRANSLATED = ("en", "ja")
CATALOGS = sorted(
    path
    for language in TRANSLATED
    for path in (REPO / "locales" / language / "LC_MESSAGES").rglob("*.po")
)


def figure_mismatches(path: Path) -> list[Problem]:
    """Every message of one catalog whose translation states other figures than its source."""
    return [problem for problem in catalog_problems(path) if problem.kind == "figures"]


def test_there_are_catalogs_to_check():
    assert {path.relative_to(REPO).parts[1] for path in CATALOGS} == set(TRANSLATED)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: str(path.relative_to(REPO / "locales")))
def test_translations_state_the_source_figures(path):
    mismatches = figure_mismatches(path)
    assert not mismatches, "\n".join(map(str, mismatches))


#: One way each for a translator to get a figure wrong: (language, a source sentence, its right
#: translation, what the translator changes in it, into what, the figures the check must then name
#: as lost and as added). Written here rather than read from the catalogs, which the owner
#: rewords: the real catalogs are checked whole by test_translations_state_the_source_figures.
BROKEN = {
    # A number changed.
    "number": ("en", "完成 GPU 资源利用率从 20% -> 50% 的优化。",
               "raised GPU utilization from 20% to 50%.",
               "20% to 50%", "20% to 60%", ["pct:50"], ["pct:60"]),
    # A figure in words changed, and its bracket with it.
    "nines": ("ja", "推动各个方向完成了大量从一个 9 到四个 9 的转变。",
              "各領域でワンナイン（90%）からフォーナイン（99.99%）への引き上げを数多く実現。",
              "フォーナイン（99.99%）", "スリーナイン（99.9%）", ["pct:99.99"], ["pct:99.9"]),
    # A figure dropped.
    "dropped": ("ja", "底层对象存储峰值带宽 100GB/s 以上",
                "基盤オブジェクトストレージのピーク帯域幅は 100GB/s 以上",
                "ピーク帯域幅は 100GB/s 以上", "ピーク帯域幅は大きい", [">rate:100GB/s"], []),
    # A bound dropped: "over 1,000" is not "1,000".
    "bound": ("en", "截止 2024 年为止平台交付的 AI 能力过千。",
              "As of 2024, the platform had delivered over 1,000 AI capabilities.",
              "over 1,000", "1,000", [">count:1000"], ["count:1000"]),
    # A scale changed.
    "scale": ("en", "截止 2020 年底，部署 Pod 数十万。",
              "As of the end of 2020, several hundred thousand Pods were deployed.",
              "several hundred thousand", "millions", ["order:several-1e5"], ["order:many-1e6"]),
    # A scale inflated into "several" of it: 百万级别 is 100 万規模, not 数百万.
    "inflated-ja": ("ja", "负责采集整个平台百万级别 Pod 的性能指标。",
                    "プラットフォーム全体で 100 万規模の Pod のパフォーマンスメトリクスの収集を担当。",
                    "100 万規模", "数百万規模", ["order:1e6"], ["order:several-1e6"]),
    "inflated-ja-1e7": ("ja", "截止 2020 年，日请求量千万级别。",
                        "2020 年時点で日次リクエスト数は 1,000 万規模。",
                        "1,000 万規模", "数千万規模", ["order:1e7"], ["order:several-1e7"]),
    "inflated-en": ("en", "负责采集整个平台百万级别 Pod 的性能指标。",
                    "Collected performance metrics from Pods on the order of a million.",
                    "on the order of a million", "several million", ["order:1e6"], ["order:several-1e6"]),
    # A floor written as a plural range: 超过千万级别 is "over ten million", not "tens of millions".
    "plural-range-en": ("en", "每秒写入指标超过千万级别。",
                        "It wrote over ten million metrics per second.",
                        "over ten million", "more than tens of millions", [">order:1e7"], [">order:many-1e7"]),
}  # fmt: skip


def _catalog(path: Path, language: str, source: str, translation: str) -> Path:
    """A catalog of one message in ``language``."""
    catalog = Catalog(locale=language)
    catalog.add(source, translation)
    with path.open("wb") as file:
        write_po(file, catalog)
    return path


@pytest.mark.parametrize("name", BROKEN)
def test_the_check_reports_a_broken_catalog(tmp_path, name):
    language, source, translation, old, new, lost, added = BROKEN[name]
    right = _catalog(tmp_path / "right.po", language, source, translation)
    assert figure_mismatches(right) == []
    assert old in translation
    broken = _catalog(tmp_path / "broken.po", language, source, translation.replace(old, new))
    (mismatch,) = figure_mismatches(broken)
    assert source[:20] in mismatch.message and mismatch.path == broken
    assert f"missing or changed {', '.join(lost) or '-'};" in mismatch.message
    assert mismatch.message.endswith(f"not in the source {', '.join(added) or '-'}")
    assert ("over ten million" in mismatch.what_to_do) == (added == [">order:many-1e7"])


# -- Floors and plural ranges, for any power and bound -------------------------------------------

_ZH_FLOORS = {6: "百万级别", 7: "千万级别", 8: "亿级"}
_EN_FLOORS = {6: "a million", 7: "ten million", 8: "a hundred million"}
_EN_RANGES = {6: "millions", 7: "tens of millions", 8: "hundreds of millions"}


@given(
    power=st.sampled_from(sorted(_ZH_FLOORS)),
    over=st.booleans(),
    before=st.sampled_from(["", "平台", "每秒写入指标", "日访问量"]),
    noun=st.sampled_from(["", " Pods", " requests", " daily visits"]),
)
def test_a_floor_is_its_english_floor_never_a_plural_range(power, over, before, noun):
    source = before + ("超过" if over else "") + _ZH_FLOORS[power]
    lead = "over " if over else ""
    floor = f"{lead}{_EN_FLOORS[power]}{noun}"
    assert differences(source, floor) == (Counter(), Counter())
    assert differences(source, f"on the order of {_EN_FLOORS[power]}{noun}")[0] == (
        Counter([f">order:1e{power}"]) if over else Counter()
    )
    lost, added = differences(source, f"{lead}{_EN_RANGES[power]}{' of' + noun if noun else ''}")
    assert lost and added
    hint = advice(lost, added)
    assert f"'{lead}{_EN_FLOORS[power]}'" in hint and f"not '{_EN_RANGES[power]}'" in hint


@given(
    source=st.sampled_from(["若干", "多个", "数个", "複数"]),
    translation=st.sampled_from(["several", "a few", "複数", "いくつか", "若干", "数个"]),
    padding=st.text(alphabet="abc xyz", max_size=8),
)
def test_vague_quantities_are_one_value(source, translation, padding):
    assert differences(source, padding + " " + translation + " " + padding) == (
        Counter(),
        Counter(),
    )
    assert differences(source, "3") == (Counter(["order:several"]), Counter(["count:3"]))
