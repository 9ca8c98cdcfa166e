"""Deterministic generators of benchmark data: a corpus of documents and one long PDF.

Everything is produced from a seeded ``random.Random``; no network, no model. The same arguments
always give byte-identical files.

* ``corpus``: a folder of md / txt / html files (~``size`` bytes each) in English and Chinese,
  about fictional people, organisations and papers. Each file carries a url, a title and a
  publication date (YAML front matter for md/txt, ``<link rel=canonical>`` and ``og:``/``article:``
  meta tags for html). The facts about an entity are drawn once per corpus, so documents that
  mention the same person agree with each other, except for a few deliberately wrong statements
  on "social" pages (recorded as such in the returned manifest).
* ``pdf``: a long report of varied English prose in which exactly one page states a distinctive
  fact (a measured boiling point in a calibration experiment), with ``url:`` and ``published:``
  lines at the top of page 1 and a /Title entry.

CLI::

    python bench/gen_data.py corpus OUT_DIR --docs 1000 --size 5000 [--seed 7] [--manifest M.jsonl]
    python bench/gen_data.py pdf OUT_FILE --pages 100 [--seed 7]

Python::

    from gen_data import make_corpus, make_pdf
    docs = make_corpus(Path("out"), 1000, 5000, 7)   # list[DocInfo]
    info = make_pdf(Path("doc.pdf"), 100, 7)          # PdfInfo (needle page and sentence)

All names, organisations, papers and web sites are invented; sites use the reserved ``.example``
top-level domain.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


def _words(spec: str) -> list[str]:
    """Space-separated words -> list (keeps the vocabulary compact)."""
    return spec.split()


def _pairs(spec: str) -> list[tuple[str, str]]:
    """``"English:中文|..."`` -> ``[("English", "中文"), ...]``."""
    return [(en, zh) for en, zh in (item.split(":") for item in spec.split("|"))]


_GIVEN = _words(
    "Mira Tobias Anouk Rafael Ines Kwame Lena Oskar Priya Dmitri Sofia Jonah Amara Felix Hana "
    "Matteo Yara Elias Noor Casper Leila Viktor Maren Idris Clara Tomasz Aiko Bastian Zora Emeka"
)
_FAMILY = _words(
    "Okafor Lindqvist Moreau Castellanos Haddad Varga Brennan Takahashi Osei Nakamura Petrov "
    "Albrecht Quintero Sandoval Whitcombe Rasmussen Ferreira Kowalczyk Abernethy Dunmore Halloran "
    "Ivanova Marchetti Sterling"
)
# Chinese surnames and given-name characters with their pinyin (used for Chinese-origin people).
_ZH_SURNAME = _pairs(
    "Lin:林|Chen:陈|Zhou:周|Wu:吴|Zheng:郑|Wang:王|Zhao:赵|Sun:孙|Qian:钱|Li:李|Feng:冯|"
    "Jiang:蒋|Han:韩|Yang:杨|Zhu:朱|Qin:秦|Xu:许|He:何|Shi:施|Zhang:张|Kong:孔|Cao:曹|Yan:严|"
    "Jin:金|Wei:魏|Tao:陶|Xie:谢|Zou:邹"
)
_ZH_GIVEN = _pairs(
    "ming:明|hua:华|ning:宁|yuan:远|si:思|yu:雨|ze:泽|chen:晨|an:安|ruo:若|lan:澜|zhou:舟|"
    "shu:书|hang:航|jia:嘉|yi:怡|zi:子|mo:墨|ke:可|xin:欣|wen:文|bo:博|han:涵|fan:凡|qing:清|"
    "yue:越"
)
_ORG_HEAD = _words(
    "Halvern Corvid Northgate Bluefen Aldermoor Quillon Saltmarsh Verrow Kestrel Ashby Tamsin "
    "Lumen Orrin Brightwater Marlow Stonecrest"
)
_ORG_TAIL = _words("Labs Institute Research AI Systems Foundation Group Works")
_ZH_ORG_TAIL = dict(
    zip(_ORG_TAIL, _words("实验室 研究院 研究中心 智能公司 系统公司 基金会 集团 工坊"), strict=True)
)
_CITIES = _pairs(
    "Lisbon:里斯本|Toronto:多伦多|Zurich:苏黎世|Seoul:首尔|Edinburgh:爱丁堡|Nairobi:内罗毕|"
    "Melbourne:墨尔本|Austin:奥斯汀|Hangzhou:杭州|Leipzig:莱比锡|Montreal:蒙特利尔|Osaka:大阪"
)
_UNIS = _pairs(
    "University of Aldermoor:奥尔德穆尔大学|Kestrel Polytechnic:凯斯特尔理工学院|"
    "Northgate University:诺斯盖特大学|Saltmarsh College:索尔特马什学院|"
    "Verrow Institute of Technology:维罗理工学院|Brightwater University:布莱特沃特大学"
)
_FIELDS = _pairs(
    "computer science:计算机科学|statistics:统计学|physics:物理学|"
    "computational linguistics:计算语言学|neuroscience:神经科学|applied mathematics:应用数学"
)
_ROLES = _pairs(
    "research engineer:研究工程师|research scientist:研究科学家|team lead:团队负责人|"
    "principal scientist:首席科学家|head of evaluation:评测负责人|pre-training lead:预训练负责人"
)
_TOPICS = _pairs(
    "sparse attention:稀疏注意力|retrieval augmentation:检索增强|data curation:数据清洗|"
    "long-context memory:长上下文记忆|reward modelling:奖励建模|speech recognition:语音识别|"
    "protein folding:蛋白质结构预测|weather forecasting:天气预报|code generation:代码生成|"
    "model compression:模型压缩|robot navigation:机器人导航|machine translation:机器翻译"
)
_VENUES = _words("NeurIPS ICML ICLR ACL EMNLP CVPR")
_AWARDS = _pairs(
    "Outstanding Paper Award:杰出论文奖|Best Paper Award:最佳论文奖|"
    "Best Student Paper Award:最佳学生论文奖"
)
_TITLE_VERB = _words("Scaling Revisiting Understanding Learning Rethinking Measuring")
_TITLE_TAIL = [
    "in Large Language Models",
    "at Low Cost",
    "Without Labels",
    "for Small Devices",
    "Across Languages",
    "with Noisy Data",
    "from First Principles",
]
_SITES = _words("techdaily labnotes sciencewire aiweekly kejiribao zhiku forum wiki scholar press")

# Filler sentences: {org}, {org2}, {topic}, {topic2}, {city}, {n}, {pct}, {year} are filled per use.
_EN_FILLER = [
    "Researchers at {org} have argued for years that progress in {topic} depends more on careful "
    "measurement than on raw scale.",
    "Critics point out that results in {topic} are still hard to compare, because every group "
    "reports numbers on a slightly different benchmark.",
    "A workshop held in {city} in {year} brought together about {n} participants to discuss "
    "{topic} and {topic2}.",
    "The team published its evaluation code so that others could reproduce the figures, a "
    "practice that is becoming more common in the field.",
    "Funding for work on {topic} grew steadily after {year}, as companies such as {org2} began to "
    "hire specialists.",
    "Several former members of the group later moved to {org2}, where they continued to work on "
    "{topic2}.",
    "Not every experiment succeeded; an early attempt to combine {topic} with {topic2} was "
    "abandoned after the models became unstable during training.",
    "Observers note that the most cited papers in {topic} are often the ones that release data, "
    "not the ones with the largest models.",
    "In interviews, engineers describe long weeks spent cleaning data before any model was trained.",
    "The lab's annual report for {year} listed {n} publications and two open-source releases.",
    "Teaching remained part of the job: the group ran a summer school on {topic} in {city}.",
    "Industry analysts expect the market for tools built on {topic2} to keep growing, although "
    "estimates differ widely.",
    "Some of the ideas date back decades, and older work on {topic} is being rediscovered by a "
    "new generation of students.",
    "Questions about energy use have followed the field since {year}, when training runs began "
    "to take weeks on thousands of chips.",
    "A later review found that roughly {pct} percent of the published claims could be reproduced "
    "without help from the original authors.",
]
_ZH_FILLER = [
    "{org}的研究人员多年来一直认为,{topic}的进步更多依赖于严谨的测量,而不是单纯扩大规模。",
    "批评者指出,{topic}领域的结果仍然难以相互比较,因为各个团队使用的评测基准并不完全相同。",
    "{year}年在{city}举行的一次研讨会上,约有{n}名参会者讨论了{topic}和{topic2}。",
    "团队公开了评测代码,方便其他人复现论文中的数字,这种做法在业内越来越普遍。",
    "{year}年以后,{topic}方向的投入稳步增加,{org2}等公司也开始招聘相关专家。",
    "该团队的几名前成员后来加入了{org2},继续从事{topic2}方面的工作。",
    "并非每个实验都取得了成功:早期把{topic}与{topic2}结合的尝试,因为训练不稳定而被放弃。",
    "观察人士注意到,{topic}领域被引用最多的论文往往是公开了数据的论文,而不是模型最大的论文。",
    "工程师在采访中说,在训练任何模型之前,他们要花好几周时间清洗数据。",
    "实验室{year}年的年度报告列出了{n}篇论文和两个开源项目。",
    "教学也是工作的一部分:团队曾在{city}举办过一期关于{topic}的暑期学校。",
    "行业分析师预计,基于{topic2}的工具市场还会继续扩大,但各方的估计差别很大。",
    "其中一些想法可以追溯到几十年前,关于{topic}的早期研究正在被新一代学生重新发现。",
    "自{year}年训练一次模型需要数千块芯片运行数周起,能耗问题就一直伴随着这个领域。",
    "后来的一项复查发现,大约百分之{pct}的论文结论可以在没有原作者帮助的情况下复现。",
]


# --------------------------------------------------------------------------------------------
# The fictional world
# --------------------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    zh_name: str
    org: int
    join_year: int
    role: int
    uni: int
    field_: int
    phd_year: int
    paper: int


@dataclass
class Org:
    name: str
    zh_name: str
    founded: int
    city: int
    founder: int
    staff: int


@dataclass
class Paper:
    title: str
    year: int
    venue: str
    award: int | None
    params_b: int
    topic: int


@dataclass
class World:
    people: list[Person]
    orgs: list[Org]
    papers: list[Paper]


@dataclass
class DocInfo:
    """One generated document and the facts it states (``correct`` False for planted errors)."""

    path: str
    url: str
    title: str
    published: str
    language: str
    fmt: str
    kind: str
    facts: list[dict[str, object]] = field(default_factory=list)


@dataclass
class PdfInfo:
    """The generated PDF: where the distinctive fact is and what it says."""

    path: str
    pages: int
    needle_page: int  # 1-based
    needle_text: str
    url: str
    title: str
    published: str


def _org_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """A fresh (English, Chinese) organisation name; the Chinese tail follows the English one."""
    for attempt in range(200):
        head, tail = rng.choice(_ORG_HEAD), rng.choice(_ORG_TAIL)
        city_en, city_zh = rng.choice(_CITIES) if attempt >= 50 else ("", "")
        name = f"{head} {tail} {city_en}".strip()
        if name not in taken:
            return name, f"{city_zh}{head}{_ZH_ORG_TAIL[tail]}"
    n = len(taken) + 1
    return f"{head} {tail} {n}", f"{head}{_ZH_ORG_TAIL[tail]}{n}"


def _person_name(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """(English, Chinese) name. Chinese-origin people get pinyin; others keep the Latin name."""
    for _ in range(100):
        if rng.random() < 0.4:
            sur_en, sur_zh = rng.choice(_ZH_SURNAME)
            given = rng.sample(_ZH_GIVEN, rng.choice((1, 2)))
            en = "".join(g[0] for g in given).capitalize() + " " + sur_en
            zh = sur_zh + "".join(g[1] for g in given)
        else:
            en = zh = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}"
        if en not in taken:
            return en, zh
    en = f"{rng.choice(_GIVEN)} {len(taken)} {rng.choice(_FAMILY)}"
    return en, en


def _make_world(rng: random.Random, n_people: int, n_orgs: int) -> World:
    taken: set[str] = set()
    orgs: list[Org] = []
    for _ in range(n_orgs):
        name, zh = _org_name(rng, taken)
        taken.add(name)
        city, staff = rng.randrange(len(_CITIES)), rng.randint(40, 4000)
        orgs.append(Org(name, zh, rng.randint(1990, 2020), city, 0, staff))
    papers: list[Paper] = []
    people: list[Person] = []
    seen: set[str] = set()
    for i in range(n_people):
        name, zh_name = _person_name(rng, seen)
        seen.add(name)
        phd = rng.randint(1995, 2019)
        joined = phd + rng.randint(0, 4)
        topic = rng.randrange(len(_TOPICS))
        title = f"{rng.choice(_TITLE_VERB)} {_TOPICS[topic][0].title()} {rng.choice(_TITLE_TAIL)}"
        award = rng.randrange(len(_AWARDS)) if rng.random() < 0.25 else None
        params = rng.choice((1, 7, 13, 34, 70, 175, 280, 540))
        year = min(2025, joined + rng.randint(0, 5))
        papers.append(Paper(title, year, rng.choice(_VENUES), award, params, topic))
        org, role = rng.randrange(n_orgs), rng.randrange(len(_ROLES))
        uni, fld = rng.randrange(len(_UNIS)), rng.randrange(len(_FIELDS))
        people.append(Person(name, zh_name, org, joined, role, uni, fld, phd, i))
    for o in orgs:
        o.founder = rng.randrange(n_people)
    return World(people, orgs, papers)


def _zh_alias(p: Person) -> str:
    """The pinyin name in brackets after a Chinese name, nothing for a Latin one."""
    return f"({p.name})" if p.zh_name != p.name else ""


def _person_facts(w: World, p: Person, zh: bool) -> list[str]:
    org = w.orgs[p.org]
    paper = w.papers[p.paper]
    role = _ROLES[p.role][1 if zh else 0]
    uni = _UNIS[p.uni][1 if zh else 0]
    fld = _FIELDS[p.field_][1 if zh else 0]
    if zh:
        out = [
            f"{p.zh_name}{_zh_alias(p)}于{p.join_year}年加入{org.zh_name},担任{role}。",
            f"{p.zh_name}在{p.phd_year}年获得{uni}{fld}博士学位。",
            f"{p.zh_name}是论文《{paper.title}》的第一作者,该论文发表于{paper.year}年的{paper.venue}。",
            f"{paper.year}年,{p.zh_name}在{org.zh_name}主导训练了一个{paper.params_b}B参数的模型。",
        ]
        if paper.award is not None:
            out.append(
                f"论文《{paper.title}》获得了{paper.venue} {paper.year}的"
                f"{_AWARDS[paper.award][1]}。"
            )
        return out
    out = [
        f"{p.name} joined {org.name} in {p.join_year} as a {role}.",
        f"{p.name} received a doctorate in {fld} from {uni} in {p.phd_year}.",
        f'{p.name} was the first author of "{paper.title}", published at {paper.venue} {paper.year}.',
        f"In {paper.year}, {p.name} led the training of a {paper.params_b} billion parameter model "
        f"at {org.name}.",
    ]
    if paper.award is not None:
        out.append(
            f'"{paper.title}" received the {_AWARDS[paper.award][0]} at {paper.venue} {paper.year}.'
        )
    return out


def _org_facts(w: World, o: Org, zh: bool) -> list[str]:
    founder = w.people[o.founder]
    city = _CITIES[o.city][1 if zh else 0]
    if zh:
        return [
            f"{o.zh_name}({o.name})于{o.founded}年在{city}成立,创始人是{founder.zh_name}。",
            f"{o.zh_name}目前约有{o.staff}名员工。",
        ]
    return [
        f"{o.name} was founded in {o.founded} in {city} by {founder.name}.",
        f"{o.name} employs about {o.staff} people.",
    ]


def _wrong(fact: str, rng: random.Random) -> str:
    """Alter the first four-digit year in ``fact`` (a planted error for 'social' pages)."""
    for i in range(len(fact) - 3):
        chunk = fact[i : i + 4]
        if chunk.isdigit() and chunk[:2] in ("19", "20"):
            new = str(int(chunk) + rng.choice((-3, -2, -1, 1, 2, 3)))
            return fact[:i] + new + fact[i + 4 :]
    return fact


def _filler(rng: random.Random, w: World, zh: bool, bag: list[str]) -> str:
    """One filler sentence; ``bag`` holds the templates not yet used in this document."""
    if not bag:
        bag.extend(_ZH_FILLER if zh else _EN_FILLER)
        rng.shuffle(bag)
    tpl = bag.pop()
    i = 1 if zh else 0
    o1, o2 = rng.sample(w.orgs, 2) if len(w.orgs) > 1 else (w.orgs[0], w.orgs[0])
    t1, t2 = rng.sample(_TOPICS, 2)
    return tpl.format(
        org=o1.zh_name if zh else o1.name,
        org2=o2.zh_name if zh else o2.name,
        topic=t1[i],
        topic2=t2[i],
        city=rng.choice(_CITIES)[i],
        n=rng.randint(12, 480),
        pct=rng.randint(20, 90),
        year=rng.randint(2005, 2024),
    )


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _render(
    fmt: str, title: str, url: str, published: str, kind: str, paragraphs: list[str], zh: bool
) -> str:
    if fmt == "html":
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        t = html.escape(title)
        return (
            f'<!DOCTYPE html>\n<html lang="{"zh-CN" if zh else "en"}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{t}</title>\n'
            f'<link rel="canonical" href="{url}">\n'
            f'<meta property="og:url" content="{url}">\n'
            f'<meta property="og:title" content="{t}">\n'
            f'<meta property="article:published_time" content="{published}T08:00:00Z">\n'
            f'</head>\n<body>\n<nav><a href="/">Home</a> | <a href="/archive">Archive</a></nav>\n'
            f"<main>\n<article>\n<h1>{t}</h1>\n{body}\n</article>\n</main>\n"
            f"<footer>Copyright {published[:4]}</footer>\n</body>\n</html>\n"
        )
    front = f'---\ntitle: "{title}"\nurl: {url}\npublished: {published}\nkind: {kind}\n---\n\n'
    if fmt == "md":
        return front + f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    return front + title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def _document(index: int, w: World, size: int, seed: int) -> tuple[str, DocInfo]:
    rng = random.Random(f"{seed}:doc:{index}")
    zh = rng.random() < 0.3
    fmt = rng.choices(("md", "txt", "html"), weights=(4, 3, 3))[0]
    kind = rng.choices(
        ("news", "scholarly", "encyclopedia", "social", "primary"), weights=(4, 2, 2, 2, 1)
    )[0]
    site = rng.choice(_SITES)
    published = (date(2005, 1, 1) + timedelta(days=rng.randrange(7300))).isoformat()

    about_person = rng.random() < 0.7
    facts: list[str]
    if about_person:
        p = rng.choice(w.people)
        subject = p.zh_name if zh else p.name
        facts = _person_facts(w, p, zh)
        extra = _org_facts(w, w.orgs[p.org], zh)
        title = (
            f"{subject}:{rng.choice(['从实验室到产业', '一位研究者的十年', '人物简介'])}"
            if zh
            else f"{subject}: {rng.choice(['a profile', 'ten years in research', 'career notes', 'an interview'])}"
        )
    else:
        o = rng.choice(w.orgs)
        subject = o.zh_name if zh else o.name
        facts = _org_facts(w, o, zh)
        extra = _person_facts(w, w.people[o.founder], zh)[:2]
        title = (
            f"{subject}{rng.choice(['的发展历程', '年度观察', '背后的人'])}"
            if zh
            else f"{subject}: {rng.choice(['a short history', 'the year in review', 'the people behind it'])}"
        )
    stated = rng.sample(facts, k=min(len(facts), rng.randint(2, len(facts)))) + extra[:1]
    recorded: list[dict[str, object]] = []
    rendered_facts: list[str] = []
    for f in stated:
        if kind == "social" and rng.random() < 0.3:
            bad = _wrong(f, rng)
            recorded.append({"text": bad, "correct": bad == f, "true_text": f})
            rendered_facts.append(bad)
        else:
            recorded.append({"text": f, "correct": True})
            rendered_facts.append(f)

    paragraphs: list[str] = []
    pending = list(rendered_facts)
    bag: list[str] = []
    overhead = 420 if fmt == "html" else 160
    while True:
        para_len = rng.randint(3, 6)
        current = [
            pending.pop(0) if pending and rng.random() < 0.5 else _filler(rng, w, zh, bag)
            for _ in range(para_len)
        ]
        paragraphs.append(("" if zh else " ").join(current))
        used = sum(len(x.encode()) + 2 for x in paragraphs) + overhead
        if used >= size and not pending:
            break
        if used >= size * 3:  # never loop long on a tiny size; put the rest in one paragraph
            paragraphs.append(("" if zh else " ").join(pending))
            break
    slug = f"{site}-{index:06d}"
    url = f"https://{site}.example/{published[:4]}/{slug}"
    text = _render(fmt, title, url, published, kind, paragraphs, zh)
    info = DocInfo(
        f"{slug}.{fmt}", url, title, published, "zh" if zh else "en", fmt, kind, recorded
    )
    return text, info


def make_corpus(out: Path, docs: int, size: int, seed: int = 7) -> list[DocInfo]:
    """Write ``docs`` documents of about ``size`` bytes each into ``out``; return their manifest."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    world_rng = random.Random(f"{seed}:world")
    world = _make_world(world_rng, max(20, docs // 4), max(6, docs // 25))
    infos: list[DocInfo] = []
    for i in range(docs):
        text, info = _document(i, world, size, seed)
        (out / info.path).write_text(text, encoding="utf-8")
        infos.append(info)
    return infos


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------

_PDF_SECTIONS = [
    "Site survey",
    "Instrument maintenance",
    "Staffing",
    "Budget review",
    "Data handling",
    "Field observations",
    "Safety procedures",
    "Procurement",
    "Outreach",
    "Sensor network",
]
_PDF_EXTRA = [
    "The sensors on the north ridge were checked and re-aligned after the storm in week {n}.",
    "Calibration of the wind gauges was repeated twice because the first readings drifted.",
    "The station logged {n} hours of downtime, most of it during planned maintenance.",
    "Temperature readings from the outdoor array were archived every ten minutes.",
    "The procurement office approved {n} purchase orders for spare parts.",
]
_NEEDLE = (
    "In the calibration experiment, the measured boiling point of the reference solvent "
    "Tovarine was 131.6 degrees Celsius at standard pressure."
)


_PDF_TEMPLATES = _EN_FILLER + _PDF_EXTRA


def _pdf_paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(4, 7)):
        t1, t2 = rng.sample(_TOPICS, 2)
        tpl = rng.choice(_PDF_TEMPLATES)
        sentences.append(
            tpl.format(
                org=rng.choice(_ORG_HEAD) + " Station",
                org2=rng.choice(_ORG_HEAD) + " Survey",
                topic=t1[0],
                topic2=t2[0],
                city=rng.choice(_CITIES)[0],
                n=rng.randint(3, 90),
                pct=rng.randint(20, 90),
                year=rng.randint(1995, 2020),
            )
        )
    return " ".join(sentences)


def make_pdf(out: Path, pages: int, seed: int = 7) -> PdfInfo:
    """Write a ``pages``-page PDF of varied prose; one page states the distinctive fact."""
    from fpdf import FPDF  # imported here so that corpus generation does not need fpdf2

    rng = random.Random(f"{seed}:pdf:{pages}")
    needle_page = rng.randint(max(2, pages // 3), max(2, pages - 1)) if pages > 1 else 1
    title = "Varrow Field Station: Annual Operations Report"
    url = "https://reports.varrow.example/annual-operations-report.pdf"
    published = "2019-04-30"
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author("Varrow Field Station")
    pdf.set_creation_date(datetime(2019, 4, 30, tzinfo=UTC))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(18, 18, 18)
    for number in range(1, pages + 1):
        pdf.add_page()
        if number == 1:
            pdf.set_font("Helvetica", size=8)
            pdf.multi_cell(0, 4, f"url: {url}", new_x="LMARGIN", new_y="NEXT")
            pdf.multi_cell(0, 4, f"published: {published}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", style="B", size=15)
            pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(
            0, 6, f"{number}. {rng.choice(_PDF_SECTIONS)}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font("Helvetica", size=10)
        paras = [_pdf_paragraph(rng) for _ in range(4 if number == 1 else 5)]
        if number == needle_page:
            # Second paragraph: always early enough on the page to be written.
            paras.insert(1, _NEEDLE)
        for para in paras:
            if pdf.get_y() > 215:  # leave room for a full paragraph above the footer
                break
            pdf.multi_cell(0, 5, para, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.set_y(-14)
        pdf.set_font("Helvetica", style="I", size=8)
        pdf.cell(0, 5, f"{title} - page {number} of {pages}", align="C")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return PdfInfo(str(out), pages, needle_page, _NEEDLE, url, title, published)


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Generate deterministic benchmark data.")
    sub = ap.add_subparsers(dest="what", required=True)
    c = sub.add_parser("corpus", help="a folder of md/txt/html documents")
    c.add_argument("out", type=Path)
    c.add_argument("--docs", type=int, default=1000)
    c.add_argument("--size", type=int, default=5000, help="approximate bytes per document")
    c.add_argument("--seed", type=int, default=7)
    c.add_argument("--manifest", type=Path, help="write one JSON line per document here")
    p = sub.add_parser("pdf", help="one long PDF with a single distinctive fact")
    p.add_argument("out", type=Path)
    p.add_argument("--pages", type=int, default=100)
    p.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    t = time.perf_counter()
    if args.what == "corpus":
        infos = make_corpus(args.out, args.docs, args.size, args.seed)
        if args.manifest:
            args.manifest.parent.mkdir(parents=True, exist_ok=True)
            with args.manifest.open("w", encoding="utf-8") as fh:
                for info in infos:
                    fh.write(json.dumps(asdict(info), ensure_ascii=False) + "\n")
        total = sum((args.out / i.path).stat().st_size for i in infos)
        print(
            f"wrote {len(infos)} documents ({total / 1e6:.1f} MB) to {args.out} "
            f"in {time.perf_counter() - t:.2f} s"
        )
    else:
        pdf_info = make_pdf(args.out, args.pages, args.seed)
        print(
            f"wrote {pdf_info.pages}-page PDF to {pdf_info.path} in "
            f"{time.perf_counter() - t:.2f} s; distinctive fact on page {pdf_info.needle_page}"
        )


if __name__ == "__main__":
    main()
