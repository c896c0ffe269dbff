"""What the owner's résumé says, as the tests' own data: every page is checked against it."""

from __future__ import annotations

# Each role page: its organisation, title, period and how many bullets the résumé gives it.
ROLES = {
    "experience/bytedance": ("字节跳动", "AI Infra Tech Leader", "2021 – 至今", 5),
    "experience/tencent": ("腾讯", "Senior Software Engineer", "2019 – 2021", 6),
    "experience/wanhui": ("万汇互联", "Software Developer", "2018 – 2019", 2),
    "experience/juding": ("深圳巨鼎医疗设备有限公司", "Software Developer", "2016 – 2018", 2),
    "experience/abeam": ("AbeamSystem", "Assistant Software Developer", "2014 – 2016", 3),
}

# Each project page: its name, its public home, and the roles where the work happened: only where
# the résumé ties the project to a role. APISIX ("在腾讯服务于…", and the Tencent role's "在公司内推广
# ApacheApisix"), Kubernetes (the Tencent role's "平台使用k8s提供调度能力") and Prometheus (the
# Tencent role's metrics collection, "每秒写入指标超过千万级别") are tied to Tencent; go-restful,
# go-chassis and Hydra are tied to no role, and their pages name none.
PROJECTS = {
    "projects/apisix": ("Apache APISIX", "https://apisix.apache.org/", ["experience/tencent"]),
    "projects/kubernetes": ("Kubernetes", "https://kubernetes.io/", ["experience/tencent"]),
    "projects/prometheus": ("Prometheus", "https://prometheus.io/", ["experience/tencent"]),
    "projects/go-restful": ("go-restful", "https://github.com/emicklei/go-restful", []),
    "projects/go-chassis": ("go-chassis", "https://github.com/go-chassis/go-chassis", []),
    "projects/hydra": ("Ory Hydra", "https://github.com/ory/hydra", []),
}

# What the résumé says the owner did in each project: contributed to it (APISIX as a PMC
# member), or developed on it. No page or summary may call all six "contributions".
CONTRIBUTED = ["projects/apisix", "projects/go-restful", "projects/go-chassis", "projects/hydra"]
DEVELOPED_ON = ["projects/kubernetes", "projects/prometheus"]

# The public pages of each named contribution, as the projects themselves publish them.
CONTRIBUTION_LINKS = {
    "projects/apisix": [
        "https://apisix.apache.org/docs/apisix/plugins/cors/",
        "https://apisix.apache.org/docs/apisix/plugins/batch-requests/",
    ],
    "projects/go-restful": ["https://github.com/emicklei/go-restful"],
}

PAGES = {"index", "experience/index", "projects/index", *ROLES, *PROJECTS}

# Figures, as the résumé writes them, digits and words alike (compared without spaces).
FIGURES = [
    "> 5d", "零工程交付", "2024", "过千", "20%", "50%", "80%", "分钟级别", "10w+", "100GB/s",
    "50% 以上", "70% 以上", "亿级别", "一个 9", "四个 9", "20% -> 50%", "数十种", "数十万",
    "百万级别", "千万级别", "10+", "亿级", "7 款", "3 人", "2010 – 2014", "2020 年底",
    "数个百万 DAU", "从 0 到 1", "两年内", "一年",
]  # fmt: skip

# Names, products, skills and credentials the résumé gives.
NAMES = [
    "徐鑫", "Infrastructure Tech Leader", "字节智能创作", "抖音", "剪映", "火山引擎", "腾讯游戏",
    "AIP", "ComfyUI", "Mesh WASM", "Model Multiplexing", "IAM", "SRE", "GPU", "QPS",
    "k8s", "Go", "Redis", "Pod", "Kong", "AOP", "DSL", "jQuery", "MVC", "ERP", "C#/VB/C++/JS",
    "Apache APISIX", "PMC Member", "OpenResty", "CORS", "BatchRequest", "controller", "webhook",
    "operator", "CNCF", "Google API", "Custom Method", "华为", "Gopher", "OAuth2", "fixes",
    "电子信息工程", "大连大学", "Apache PMC", "系统架构设计师", "软考高级职称", "PMP",
    "项目管理专业人士资格认证", ".NET", "JavaScript", "Lua", "C++", "Python", "HTML", "CSS",
    "MySQL", "SQL Server", "Oracle", "MongoDB", "etcd", "RabbitMQ", "Kafka", "Elasticsearch",
    "中文", "母语", "英文", "日语", "+86 136 **** 3209",
]  # fmt: skip

# The source's typos and OCR slips: (a pattern of the wrong form, the corrected form).
CORRECTIONS = [
    (r"\bAl(?= ?(?:Infra|能力))", "AI Infra"),  # a lowercase L for the I of "AI"
    (r"ComfyUl", "ComfyUI"),
    (r"Infrastruct\b", "Infrastructure"),
    (r"Javescript", "JavaScript"),
    (r"HTLM", "HTML"),
    (r"Kafak", "Kafka"),
    (r"\bfixs\b", "fixes"),
    (r"ApacheA(?:PISIX|pisix)|Apache Apisix", "Apache APISIX"),
    (r"ApachePMC", "Apache PMC"),
    (r"Openresty", "OpenResty"),
    (r"\b[Oo]auth2", "OAuth2"),
    (r"Mysql", "MySQL"),
    (r"SqlServer", "SQL Server"),
    (r"\bMongo(?!DB)", "MongoDB"),
    (r"\bEtcd\b", "etcd"),
    (r"\bKafak\b", "Kafka"),
    (r"\bCss\b", "CSS"),
    (r"DotNet", ".NET"),
    (r"GoogleAPI", "Google API"),
    (r"CustomMethod", "Custom Method"),
    (r"ModelMultiplexing", "Model Multiplexing"),
    (r"\bGO\b", "Go"),
    (r"\bPOD\b", "Pod"),
    (r"\bc#|\bc\+\+", "C#/VB/C++/JS"),
]

# The résumé's "详情请移步Github个人页" is a pointer to the GitHub profile: the contact section shows
# the profile when it is configured (resume_contact["github"]), and no prose points at it.
GITHUB_POINTER = "GitHub 个人页"

# Orders of magnitude as the résumé states them: a scale (级别) is not "several" of it (数…).
SCALES = {
    "百万级别": "order:1e6",
    "千万级别": "order:1e7",
    "亿级别": "order:1e8",
    "数十万": "order:several-1e5",
}

# The two smaller employers, by their meaning in English and in Japanese kanji.
EMPLOYER_NAMES = {
    "experience/wanhui": ("万汇互联", "Wanhui Interconnect", "万匯互聯"),
    "experience/juding": (
        "深圳巨鼎医疗设备有限公司",
        "Shenzhen Juding Medical Equipment Co., Ltd.",
        "深圳巨鼎医療設備有限公司",
    ),
}

# Lines of the source that are not about the owner and must not appear.
LEFT_OUT = ["Xiaoying Riley", "CowboySmall", "Hugo", "Designed with"]

# -- The English and Japanese editions ---------------------------------------------------------

# The only Chinese an English page may show: the two smaller companies' Chinese names, after
# their English ones, and the language switcher's labels, each written in its own language (the
# Japanese edition writes the companies in Japanese kanji, which test_fidelity checks). The owner's
# name is not here: the English edition writes it Xu Xin everywhere, the copyright line included.
# The Japanese forms of the two companies' names are proper names in kanji, checked by hand: a
# title of kanji alone, and 圳, which is in JIS X 0213 only (as 鑫 of the owner's name).
ALLOWED_CJK = [
    "万汇互联", "深圳巨鼎医疗设备有限公司", "中文", "日本語", "万匯互聯", "深圳巨鼎医療設備有限公司",
]  # fmt: skip
