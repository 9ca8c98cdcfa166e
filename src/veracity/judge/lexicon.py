"""Small, general vocabularies the offline judge reads claims and evidence with.

Nothing here names a benchmark's entity: these are the words a fact-checker looks for in any
claim — the relation it asserts (won, studied at, led, proposed, died …), the mutually
exclusive values a relation takes (the field of a prize, a degree level), words that credit a
work to someone, and a bilingual concept table so that a Chinese claim can be matched against
English evidence (最佳论文 ↔ best / outstanding paper).
"""

from __future__ import annotations

import re
from functools import lru_cache

from veracity.text import CJK, CJK_CHARS


@lru_cache(maxsize=4096)
def _word_re(phrase: str) -> re.Pattern[str]:
    """``phrase`` as whole words (compiled once: the vocabulary outgrows :mod:`re`'s cache)."""
    return re.compile(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])")


@lru_cache(maxsize=4096)
def _stem_re(stem: str) -> re.Pattern[str]:
    """``stem`` at the start of a word."""
    return re.compile(r"(?<![a-z])" + re.escape(stem))


# --- relations ---------------------------------------------------------------------------------
# relation → (English stems, Chinese words). A claim's relation is the first group it matches.
RELATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "creation": (
        ("invent", "propos", "introduc", "coin", "originat", "pioneer", "discover", "devis",
         "formulat", "conceiv", "first describ", "design", "develop", "creat", "synthesi", "first isolat"),
        ("提出", "发明", "发现", "首创", "开创", "创造", "创建了理论", "首次提出", "合成", "研制"),
    ),
    "founding": (("found", "establish", "co-found", "cofound", "set up", "start"),
                 ("创立", "创办", "成立", "创建", "创始")),
    "award": (("won", "win", "award", "receiv", "prize", "honor", "honour", "shared", "medal",
               "recogni", "went to", "given to", "presented to", "conferred", "bestow", "laureate"),
              ("获得", "获", "荣获", "得奖", "颁发", "授予", "奖")),
    "education": (("graduat", "stud", "degree", "attend", "educat", "alumn", "earned", "phd",
                   "doctor", "bachelor", "master", "thesis"),
                  ("毕业", "就读", "学位", "求学", "本科", "硕士", "博士", "学士")),
    "birth": (("born", "birth"), ("出生", "生于", "诞生")),
    "death": (("died", "death", "dies", "passed away", "killed"), ("去世", "逝世", "死于", "病逝", "身亡")),
    "leading": (("led", "lead", "head", "direct", "chair", "manag", "supervis", "oversaw", "charge"),
                ("主导", "领导", "负责", "带领", "牵头", "主持", "负责人")),
    "employment": (("join", "work", "employ", "hired", "recruit", "member", "serv", "position",
                    "appoint", "became", "left", "moved"),
                   ("加入", "任职", "工作", "就职", "担任", "曾任", "出任", "现任", "任教", "执教", "成员", "挖角",
                    "加盟", "离开")),
    "authorship": (("wrote", "written", "author", "publish", "co-author", "paper", "book"),
                   ("撰写", "发表", "著有", "作者", "论文")),
    # a place opened once: another year of its opening contradicts
    "opening": (("opened", "inaugurat", "opening"), ("开通", "通车", "落成", "开业", "启用", "竣工")),
    # where a thing is, or where an event was held
    "location": (("located", "based", "situated", "lies", "capital", "headquarter", "held in", "took place in",
                  "takes place in", "hosted in"),
                 ("位于", "坐落", "总部", "举行", "举办")),
    # elected to an academy or a fellowship: once (see frames.one_time)
    "election": (("elected", "inducted"), ("当选", "入选", "增选")),
    # a first flight, performance or screening: once
    "debut": (("maiden flight", "first flight", "maiden voyage", "debut", "premiere"),
              ("首飞", "首航", "首演", "首映", "首秀")),
    # whom someone is married to
    "marriage": (("married", "marry", "marriage", "wife", "husband", "spouse"),
                 ("结婚", "妻子", "丈夫", "配偶", "嫁给", "娶了", "夫人")),
}

# --- uniqueness ---------------------------------------------------------------------------------
# A claim that someone is the youngest, the only or the first to do something says more than
# that they did it: the evidence must say so too.
_UNIQUE_EN = re.compile(
    # not "one of the largest", "not only"; "the first woman to …", not "first established in"
    r"(?<!one of the )(?<!one of )(?<!not )\b(?:youngest|oldest|largest|biggest|smallest|highest|lowest|longest|"
    r"tallest|fastest|earliest|richest|only|sole|first-ever|record-breaking)\b"
    r"|\bfirst\s+(?![a-z]+ed\b)(?:[a-z]+\s+)?[a-z]+\s+to\b",
    re.IGNORECASE,
)
_UNIQUE_ZH = re.compile(r"最年轻|最年长|最大|最高|最早|最长|最多|唯一|首位|首个|第一位|第一个|创纪录|史上首")


def uniqueness_words(text: str) -> list[str]:
    """The words by which a claim says its subject is the first, only or most of something
    ("the youngest director", "the first woman to lead", 唯一, 首位), as written."""
    out = [m.group(0).split()[0] for m in _UNIQUE_EN.finditer(text)]
    return out + [m.group(0) for m in _UNIQUE_ZH.finditer(text)]


# --- names in two languages ----------------------------------------------------------------------
# Institutions, firms and prizes a Chinese text names in Chinese and English evidence in English
# (谷歌 ↔ Google): the English forms a Chinese name is also found by. Only names long enough not
# to hide inside other words (no bare acronyms: matching ignores spaces).
NAMES_ZH_EN: dict[str, tuple[str, ...]] = {
    "谷歌": ("google",), "微软": ("microsoft",), "亚马逊": ("amazon",), "脸书": ("facebook",),
    "苹果公司": ("apple inc", "apple"), "英伟达": ("nvidia",), "百度": ("baidu",), "阿里巴巴": ("alibaba",),
    "腾讯": ("tencent",), "华为": ("huawei",), "字节跳动": ("bytedance",), "特斯拉": ("tesla",),
    "国际商业机器": ("ibm",), "英特尔": ("intel",), "三星": ("samsung",),
    "麻省理工学院": ("massachusetts institute of technology",), "斯坦福大学": ("stanford",),
    "哈佛大学": ("harvard",), "剑桥大学": ("cambridge",), "牛津大学": ("oxford",),
    "加州大学伯克利分校": ("berkeley",), "卡内基梅隆大学": ("carnegie mellon",), "普林斯顿大学": ("princeton",),
    "耶鲁大学": ("yale",), "哥伦比亚大学": ("columbia university",), "芝加哥大学": ("university of chicago",),
    "多伦多大学": ("university of toronto",), "伦敦大学学院": ("university college london",),
    "帝国理工学院": ("imperial college",), "苏黎世联邦理工学院": ("eth zurich",),
    "清华大学": ("tsinghua",), "北京大学": ("peking university",), "浙江大学": ("zhejiang university",),
    "复旦大学": ("fudan",), "上海交通大学": ("shanghai jiao tong",), "南京大学": ("nanjing university",),
    "中国科学院": ("chinese academy of sciences",), "国际货币基金组织": ("international monetary fund",),
    "世界银行": ("world bank",), "联合国": ("united nations",), "世界卫生组织": ("world health organization",),
    "图灵奖": ("turing award",), "诺贝尔物理学奖": ("nobel prize in physics",),
    "诺贝尔化学奖": ("nobel prize in chemistry",), "诺贝尔经济学奖": ("economic sciences", "nobel memorial prize"),
    "诺贝尔文学奖": ("nobel prize in literature",), "诺贝尔和平奖": ("nobel peace prize",),
    "诺贝尔生理学或医学奖": ("physiology or medicine",), "菲尔兹奖": ("fields medal",),
    "沃尔夫奖": ("wolf prize",), "普利策奖": ("pulitzer prize",),
}


# Chinese universities and academies by their common short names (北大 for 北京大学). Only short
# names no other institution shares (not 人大, 南大, 中大); a short name followed by 学 is part
# of another name (东北大学), see :func:`short_forms`.
ZH_SHORT: dict[str, tuple[str, ...]] = {
    "北京大学": ("北大",), "清华大学": ("清华",), "复旦大学": ("复旦",), "浙江大学": ("浙大",),
    "上海交通大学": ("上海交大", "上交大"), "中国科学院": ("中科院",), "中国科学技术大学": ("中科大",),
    "哈尔滨工业大学": ("哈工大",), "北京航空航天大学": ("北航",), "北京师范大学": ("北师大",),
    "武汉大学": ("武大",), "四川大学": ("川大",), "厦门大学": ("厦大",), "同济大学": ("同济",),
    "南开大学": ("南开",), "香港大学": ("港大",), "香港中文大学": ("港中文",), "香港科技大学": ("港科大",),
    "华中科技大学": ("华中科大",), "西安交通大学": ("西安交大",),
}
ZH_SHORT_NAMES = "|".join(sorted({x for v in ZH_SHORT.values() for x in v}, key=len, reverse=True))


def short_forms(name: str, text: str) -> list[str]:
    """The short names of ``name`` (or of the school it ends with: 现任「上海交通大学」教授)
    that ``text`` uses, each only where it stands alone (not 北大 inside 东北大学)."""
    out = []
    for full, shorts in ZH_SHORT.items():
        if full not in name:
            continue
        for short in shorts:
            hits = [m.end() for m in re.finditer(re.escape(short), text)]
            if hits and all(not text.startswith("学", e) for e in hits):
                out.append(short)
    return out


def full_forms(name: str, text: str) -> list[str]:
    """The full names that ``text`` uses for a short name in ``name`` (北大 → 北京大学), the
    other way of :func:`short_forms`."""
    out = []
    for full, shorts in ZH_SHORT.items():
        if full in text and full not in name and any(
            m and not name.startswith("学", m.end()) for m in (re.search(re.escape(x), name) for x in shorts)
        ):
            out.append(full)
    return out


_ZH_NOT_NAME_END = ("医生", "教授", "老师", "律师", "学家", "工程师", "员", "师", "家", "者", "人", "生")


# whom someone is married to: "married to (the architect) Chidi Okoro", "wife of …", 丈夫是…, 与…结婚
_SPOUSE_EN = re.compile(r"\b(?:married\s+to|wife\s+of|husband\s+of|spouse\s+of|(?:his|her)\s+(?:wife|husband|spouse),?)"
                        r"\s+(?:the\s+)?(?:[a-z]+\s+){0,3}?(?P<name>[A-ZÀ-ÖØ-Þ][\w'’\-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’\-]+)+)")
_SPOUSE_ZH = re.compile(rf"(?:(?:丈夫|妻子|配偶|夫人)(?:是|为)?|嫁给了?|娶了)(?P<name>[{CJK_CHARS}·]{{2,3}}?)(?=是|为|[，。；、,;]|$)"
                        rf"|与(?P<name2>[{CJK_CHARS}·]{{2,4}}?)结婚"
                        # 丈夫是南京大学物理学教授「周建国」: the name ends the clause
                        rf"|(?:丈夫|妻子|配偶|夫人)(?:是|为)[^，。；,;]*?(?P<name3>[{CJK_CHARS}·]{{2,3}})(?=[，。；,;]|$)")


def spouses_of(text: str) -> list[str]:
    """The people ``text`` says someone is married to."""
    out = [m.group("name") for m in _SPOUSE_EN.finditer(text)]
    zh = [m.group("name") or m.group("name2") or m.group("name3") for m in _SPOUSE_ZH.finditer(text)]
    # 妻子是一「名医生」: a description, not a name
    return out + [n for n in zh if not n.startswith(("名", "位", "个")) and not n.endswith(_ZH_NOT_NAME_END)]


# English given names and the formal names they stand for ("Bill Gates" is William Gates)
GIVEN_NAMES: dict[str, str] = {
    "bill": "william", "will": "william", "bob": "robert", "rob": "robert", "bobby": "robert",
    "jim": "james", "jimmy": "james", "mike": "michael", "tom": "thomas", "dick": "richard",
    "rick": "richard", "chuck": "charles", "charlie": "charles", "ted": "edward", "ed": "edward",
    "ned": "edward", "joe": "joseph", "tony": "anthony", "andy": "andrew", "dan": "daniel",
    "danny": "daniel", "dave": "david", "steve": "stephen", "matt": "matthew", "chris": "christopher",
    "nick": "nicholas", "alex": "alexander", "ben": "benjamin", "sam": "samuel", "pete": "peter",
    "fred": "frederick", "harry": "henry", "hank": "henry", "jack": "john", "johnny": "john",
    "larry": "lawrence", "greg": "gregory", "jeff": "jeffrey", "tim": "timothy", "ken": "kenneth",
    "ron": "ronald", "don": "donald", "ray": "raymond", "walt": "walter", "liz": "elizabeth",
    "beth": "elizabeth", "betty": "elizabeth", "kate": "katherine", "katie": "katherine",
    "kathy": "kathleen", "sue": "susan", "jenny": "jennifer", "jen": "jennifer", "meg": "margaret",
    "maggie": "margaret", "peggy": "margaret", "patty": "patricia", "pat": "patricia",
    "becky": "rebecca", "vicky": "victoria", "abby": "abigail", "annie": "anne", "nancy": "ann",
}


def formal_name(name: str) -> str | None:
    """``name`` with its first word's formal form ("Bill Gates" → "William Gates"), or None."""
    first, _, rest = name.strip().partition(" ")
    formal = GIVEN_NAMES.get(first.lower())
    return f"{formal.capitalize()} {rest}" if formal and rest else None


def english_forms(name: str) -> list[str]:
    """The English forms of a Chinese name in :data:`NAMES_ZH_EN` (the name itself, or one it
    ends with: 美国斯坦福大学 → stanford), without spaces, as matching compares them."""
    for zh in sorted(NAMES_ZH_EN, key=len, reverse=True):
        if name == zh or (name.endswith(zh) and len(name) - len(zh) <= 4):
            return [en.replace(" ", "") for en in NAMES_ZH_EN[zh]]
    return []


# --- units of measure --------------------------------------------------------------------------
# A small number before one of these is a measurement ("a 4-metre mirror"), not a small count.
_MEASURE = re.compile(
    r"\s*-?\s*(?:(?:kilo|centi|milli)?met(?:re|er)s?|km|cm|mm|miles?|feet|foot|inch(?:es)?|"
    r"(?:kilo)?grams?|kg|tonnes?|tons?|pounds?|lbs?|lit(?:re|er)s?|(?:giga|mega|kilo)?watts?|gw|mw|kw|"
    r"hectares?|acres?|light[- ]years?|degrees?)\b"
    r"|\s*(?:米|公里|千米|厘米|毫米|吨|公斤|千克|升|瓦|千瓦|兆瓦|吉瓦|公顷|光年)",
    re.IGNORECASE,
)


def measure_follows(text: str, end: int) -> bool:
    """A unit of measure right after the number that ends at ``end``."""
    return bool(_MEASURE.match(text, end))


# --- months -----------------------------------------------------------------------------------
MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september",
                    "october", "november", "december"])
WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
MONTH_WORDS = MONTHS | WEEKDAYS | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
"""Month and weekday names, and the months' abbreviations: words of a date, never a name
("Norvale Energy said on Tuesday that its revenue rose 12 percent": the 12 percent is not Tuesday's)."""


# a post held at a school, in Chinese: 教授, 副教授, 助理研究员, 讲师
ZH_POST = r"(?:副|助理)?(?:教授|讲师|研究员)"


# --- exclusive value groups --------------------------------------------------------------------
# Two different members of one group in the same frame contradict each other.
CATEGORY_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "field": {
        "physics": ("physics", "物理"),
        "chemistry": ("chemistry", "化学"),
        "medicine": ("physiology or medicine", "medicine", "physiology", "医学", "生理学"),
        "literature": ("literature", "文学"),
        "peace": ("peace", "和平"),
        "economics": ("economic sciences", "economics", "经济学"),
        "mathematics": ("mathematics", "数学"),
        "biology": ("biology", "生物学"),
        "statistics": ("statistics", "统计学"),
        "computer science": ("computer science", "计算机科学"),
        "philosophy": ("philosophy", "哲学"),
        "psychology": ("psychology", "心理学"),
        "linguistics": ("linguistics", "语言学"),
        "astronomy": ("astronomy", "天文学"),
        "law": ("law degree", "studied law", "degree in law", "professor of law", "faculty of law", "法学"),
        "history": ("history degree", "studied history", "degree in history", "历史学"),
        "engineering": ("engineering", "工程学"),
        "sociology": ("sociology", "社会学"),
        "political science": ("political science", "政治学"),
        "geology": ("geology", "地质学"),
        "architecture": ("architecture", "建筑学"),
        "anthropology": ("anthropology", "人类学"),
        "oceanography": ("oceanography", "海洋学"),
        "ecology": ("ecology", "生态学"),
        "neuroscience": ("neuroscience", "神经科学"),
        "genetics": ("genetics", "遗传学"),
        "biochemistry": ("biochemistry", "生物化学"),
        "microbiology": ("microbiology", "微生物学"),
        "immunology": ("immunology", "免疫学"),
        "epidemiology": ("epidemiology", "流行病学"),
        "zoology": ("zoology", "动物学"),
        "botany": ("botany", "植物学"),
        "geography": ("geography", "地理学"),
        "meteorology": ("meteorology", "气象学"),
        "materials science": ("materials science", "材料科学"),
        "pharmacology": ("pharmacology", "药理学"),
        "archaeology": ("archaeology", "archeology", "考古学"),
    },
    "degree": {
        "bachelor": ("bachelor", "bsc", "b.sc", "ba", "undergraduate", "本科", "学士"),
        "master": ("master", "msc", "m.sc", "mphil", "硕士"),
        "doctorate": ("phd", "ph.d", "doctorate", "doctoral", "dphil", "博士"),
    },
    # the class of a prize: 国家科技进步奖「一等奖」, "first prize"
    "grade": {
        "special": ("特等奖", "grand prize"),
        "first": ("一等奖", "first prize"),
        "second": ("二等奖", "second prize"),
        "third": ("三等奖", "third prize"),
    },
    # the kind of a national science fund grant: 国家自然科学基金「重点项目」/「面上项目」
    "grant": {
        "key": ("重点项目",), "general": ("面上项目",), "youth": ("青年科学基金项目", "青年项目"),
        "major": ("重大项目",),
    },
    "medal": {
        "gold": ("gold medal", "金牌"),
        "silver": ("silver medal", "银牌"),
        "bronze": ("bronze medal", "铜牌"),
    },
    # a nationality said of a person or a firm ("a Chilean astronomer", 美国经济学家); a claim's
    # slot only where it qualifies a noun (see slots._category_slots)
    "nationality": {
        "american": ("american", "美国"), "british": ("british", "英国"), "french": ("french", "法国"),
        "german": ("german", "德国"), "italian": ("italian", "意大利"), "spanish": ("spanish", "西班牙"),
        "portuguese": ("portuguese", "葡萄牙"), "dutch": ("dutch", "荷兰"), "swiss": ("swiss", "瑞士"),
        "swedish": ("swedish", "瑞典"), "norwegian": ("norwegian", "挪威"), "danish": ("danish", "丹麦"),
        "finnish": ("finnish", "芬兰"), "polish": ("polish", "波兰"), "czech": ("czech", "捷克"),
        "russian": ("russian", "俄罗斯"), "greek": ("greek", "希腊"), "israeli": ("israeli", "以色列"),
        "indian": ("indian", "印度"), "chinese": ("chinese", "中国"), "japanese": ("japanese", "日本"),
        "korean": ("korean", "韩国"), "australian": ("australian", "澳大利亚"), "canadian": ("canadian", "加拿大"),
        "mexican": ("mexican", "墨西哥"), "brazilian": ("brazilian", "巴西"), "argentine": ("argentine", "argentinian", "阿根廷"),
        "chilean": ("chilean", "智利"), "nigerian": ("nigerian", "尼日利亚"), "ghanaian": ("ghanaian", "加纳"),
        "egyptian": ("egyptian", "埃及"), "irish": ("irish", "爱尔兰"), "austrian": ("austrian", "奥地利"),
        "belgian": ("belgian", "比利时"), "hungarian": ("hungarian", "匈牙利"), "ukrainian": ("ukrainian", "乌克兰"),
        "turkish": ("turkish", "土耳其"), "iranian": ("iranian", "伊朗"), "singaporean": ("singaporean", "新加坡"),
    },
}

# --- concept table -----------------------------------------------------------------------------
# Chinese word → English phrases with the same meaning (matched case-insensitively as words).
CONCEPTS: dict[str, tuple[str, ...]] = {
    "最佳论文": ("best paper", "outstanding paper"),
    "杰出论文": ("outstanding paper",),
    "论文": ("paper",),
    "语言模型": ("language model",),
    "大型语言模型": ("large language model", "llm"),
    "大模型": ("large model", "language model", "llm"),
    "参数": ("parameter",),
    "预训练": ("pre-training", "pretraining", "pre-train"),
    "推理": ("reasoning", "inference"),
    "负责人": ("lead", "leader", "head"),
    "核心成员": ("core member", "core contributor"),
    "核心": ("core",),
    "成员": ("member",),
    "开发者": ("developer", "contributor"),
    "研究者": ("researcher",),
    "研究员": ("researcher", "research scientist"),
    "科学家": ("scientist",),
    "诺贝尔": ("nobel",),
    "诺贝尔奖": ("nobel prize",),
    "奖": ("prize", "award"),
    "物理": ("physics",),
    "化学": ("chemistry",),
    "医学": ("medicine",),
    "文学": ("literature",),
    "和平": ("peace",),
    "本科": ("bachelor", "bsc", "undergraduate"),
    "硕士": ("master", "msc"),
    "博士": ("phd", "doctorate", "doctoral"),
    "计算机科学": ("computer science",),
    "计算机": ("computer", "computing"),
    "人工智能": ("artificial intelligence", "ai"),
    "机器学习": ("machine learning",),
    "大学": ("university",),
    "学院": ("college",),
    "实验室": ("lab", "laboratory"),
    "超级智能": ("superintelligence",),
    "智能": ("intelligence",),
    "压缩": ("compression", "compress"),
    "无损压缩": ("lossless compression",),
    "理论": ("theory",),
    "出生": ("born",),
    "去世": ("died", "death"),
    "逝世": ("died", "death"),
    "发现": ("discovered", "discovery"),
    "发明": ("invented", "invention"),
    "提出": ("proposed", "introduced"),
    "创立": ("founded",),
    "创始人": ("founder", "co-founder"),
    "首席执行官": ("chief executive", "ceo"),
    "教授": ("professor",),
    "团队": ("team",),
    "项目": ("project",),
    "公司": ("company",),
    "首都": ("capital",),
    "人口": ("population",),
    "总统": ("president",),
    "冠军": ("champion",),
    "金牌": ("gold medal",),
    "电影": ("film", "movie"),
    "专辑": ("album",),
    "小说": ("novel",),
    # profiles, firms and news (Chinese claims are often checked against English pages)
    "员工": ("employees", "staff", "employs"), "营业收入": ("revenue",), "营收": ("revenue",),
    "收入": ("revenue", "income"), "净利润": ("net profit", "net income"), "利润": ("profit",),
    "收购": ("acquired", "acquisition", "bought"), "融资": ("raised", "funding"), "估值": ("valued", "valuation"),
    "市值": ("market value", "market capitalisation", "market capitalization"), "总部": ("headquarters", "headquartered"),
    "成立": ("founded", "established"), "加入": ("joined",), "担任": ("served", "serves"), "任职": ("worked", "served"),
    "主任": ("director", "head"), "院长": ("dean", "director"), "校长": ("president", "principal", "vice-chancellor"),
    "董事长": ("chairman", "chair"), "主席": ("chair", "chairman", "president"), "委员": ("member",),
    "副教授": ("associate professor",), "讲师": ("lecturer",), "博士后": ("postdoctoral", "postdoc"),
    "访问学者": ("visiting scholar", "visiting researcher"), "院士": ("academician", "fellow"), "会士": ("fellow",),
    "期刊": ("journal",), "会议": ("conference",), "发表": ("published",), "引用": ("cited", "citations"),
    "专利": ("patent",), "学生": ("student",), "博士生": ("doctoral student", "phd student"),
    "指导": ("supervised", "advised"), "探测器": ("detector",), "传感器": ("sensor",), "望远镜": ("telescope",),
    "卫星": ("satellite",), "火箭": ("rocket",), "芯片": ("chip",), "药物": ("drug",), "疫苗": ("vaccine",),
    "临床试验": ("clinical trial",), "批准": ("approved", "approval"), "当选": ("elected",), "举行": ("held",),
    "峰会": ("summit",), "奖章": ("medal",), "建造": ("built", "constructed"), "开发": ("developed",),
    "领导": ("led", "leads"), "获得": ("received", "won", "earned"),
}

# honorifics that may precede a surname without naming another person
HONORIFICS = frozenset(
    ["mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "madame", "mme", "monsieur", "president", "king", "queen", "prince", "princess", "saint", "st", "general", "captain", "judge", "justice"]
)

PRONOUNS_EN = frozenset(["he", "she", "they", "it", "his", "her", "their", "its", "him", "them", "this"])
PRONOUNS_ZH = ("他", "她", "它", "其", "该", "他们", "她们")

NEGATION_EN = re.compile(
    r"\b(?:not|never|no longer|neither|nor|denied|denies|deny|false(?:ly)?|incorrect(?:ly)?|"
    r"did not|does not|was not|were not|is not|isn't|wasn't|weren't|didn't|doesn't|hasn't|"
    r"haven't|cannot|can't|no evidence|myth|misconception|wrongly|erroneously)\b",
    re.I,
)
NEGATION_ZH = re.compile(r"(?:并非|不是|并不|没有|未曾|从未|否认|不属实|不包括|不在|未能|并未|未获|未被|谣言|误传|并无)")

# "X proposed / introduced / … it", "introduced by X", "X's theory", "由X提出", "X的…理论"
_NAME = r"(?:[A-Z][\w'’.\-]*(?:\s+(?:von|van|de|da|di|del|le|la|der|[A-Z][\w'’.\-]*))*)"
CREDIT_PATTERNS_EN: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?:introduced|proposed|invented|coined|originated|founded|discovered|devised|formulated|designed|"
        r"developed|pioneered|conceived|first described|created|established|synthesi[sz]ed|isolated)"
        # "by her doctoral advisor, Kwame Mensah": the name after a role in apposition
        r"\b[^.;:!?]{0,60}?\bby\s+(?:(?:her|his|their|its|the|a|an)\s+(?:[a-z][\w\-]*\s+){0,3}[a-z][\w\-]*,\s+)?"
        r"(?:the\s+)?(?P<name>[^,.;:()]{1,80})"
    ),
    re.compile(
        r"(?P<name>" + _NAME + r")\s+(?:\w+ly\s+)?(?:introduced|proposed|invented|coined|originated|"
        r"discovered|devised|formulated|pioneered|conceived|first described|founded|(?:first\s+)?synthesi[sz]ed)\b"
    ),
    re.compile(r"(?P<name>" + _NAME + r")\s+(?:is|was)\s+(?:\w+\s+){0,3}credited\s+(?:as|with)"),
    re.compile(r"credited\s+to\s+(?P<name>" + _NAME + r")"),
    re.compile(r"(?P<name>" + _NAME + r")['’]s?\s+(?:\w+\s+){0,3}(?:theory|idea|principle|law|conjecture|"
               r"hypothesis|theorem|method|concept)"),
)
CREDIT_PATTERNS_ZH: tuple[re.Pattern[str], ...] = (
    re.compile(r"由(?P<name>[^，。,;；\s]{2,20}?)(?:等人|等)?(?:最早|首先|首次|率先|独立)?(?:提出|发明|发现|首创|创立|开创|合成|研制)"),
    # 由「雷·所罗门诺夫(Ray Solomonoff)」、柯尔莫哥洛夫和蔡廷在20世纪60年代提出: the first name listed
    re.compile(rf"由(?P<name>[{CJK_CHARS}·]{{2,12}}?(?:[(（][A-Za-z .\-]+[)）])?)(?=[、和与及])"
               r"[^。；;!?！？]{0,80}?(?:提出|发明|发现|首创|创立|开创|合成|研制)"),
    re.compile(rf"(?P<name>[{CJK_CHARS}·]{{2,10}}?(?:[(（][A-Za-z .\-]+[)）])?)(?:最早|首先|首次|率先)?(?:提出|发明|发现|首创|合成|研制)了"),
    re.compile(rf"(?P<name>[{CJK_CHARS}·]{{2,10}}(?:[(（][A-Za-z .\-]+[)）])?)的[^，。,;；]{{0,12}}(?:理论|思想|原理|定律|学说|猜想)"),
    # 创始人为「李娜」, 创办人是「李娜」: the founder named
    re.compile(rf"(?:联合)?(?:创始人|创办人|创立者|创建者)(?:为|是|：|:)\s*(?P<name>[{CJK_CHARS}·]{{2,4}}?)(?=[、和与及，。,;；（(]|$|\s)"),
)


def words_in(text_lower: str, phrase: str) -> bool:
    """``phrase`` as whole words in ``text_lower`` (CJK phrases as substrings)."""
    if not phrase:
        return False
    if CJK.search(phrase):
        return phrase in text_lower
    return _word_re(phrase).search(text_lower) is not None


def relation_of(text: str) -> str | None:
    """The relation a claim asserts: the vocabulary word that comes first in it (of two at one
    place, the longer: "headquartered" is where a firm sits, not "head" of leading)."""
    low = text.lower()
    best: tuple[int, int, str] | None = None
    for rel, (en, zh) in RELATIONS.items():
        for stem in en:
            m = _stem_re(stem).search(low)
            if m and (best is None or (m.start(), -len(stem)) < best[:2]):
                best = (m.start(), -len(stem), rel)
        for w in zh:
            i = text.find(w)
            if i >= 0 and (best is None or (i, -len(w)) < best[:2]):
                best = (i, -len(w), rel)
    return best[2] if best else None


def relation_position(text: str, relation: str) -> int:
    """Where the relation's first word stands in ``text`` (-1 when absent)."""
    en, zh = RELATIONS[relation]
    low = text.lower()
    found = [m.start() for s in en if (m := _stem_re(s).search(low))]
    found += [i for w in zh if (i := text.find(w)) >= 0]
    return min(found) if found else -1


def relation_outside(text_lower: str, relation: str, names: list[str]) -> bool:
    """The relation is stated in ``text_lower`` by words that are not part of a name
    ("won" or "awarded", not the "Award" of "Turing Award")."""
    for n in sorted(names, key=len, reverse=True):
        if n:
            text_lower = text_lower.replace(n.lower(), " ")
    return has_relation(text_lower, relation)


def has_relation(text_lower: str, relation: str) -> bool:
    en, zh = RELATIONS[relation]
    return any(_stem_re(s).search(text_lower) for s in en) or any(
        w in text_lower for w in zh
    )


def same_relation_word(claim: str, clause: str, relation: str) -> bool:
    """``clause`` says the claim's relation with one of the claim's own words for it
    ("joined" and "joins", not "joined" and "was appointed"); true when the claim has no word
    of the relation's vocabulary (nothing to compare)."""
    en, zh = RELATIONS[relation]
    c, t = claim.lower(), clause.lower()
    said = [w for w in (*en, *zh) if _has_stem(c, w)]
    return not said or any(_has_stem(t, w) for w in said)


def categories_in(text_lower: str) -> dict[str, set[str]]:
    """Group → the members of that group named in ``text_lower``."""
    out: dict[str, set[str]] = {}
    for group, members in CATEGORY_GROUPS.items():
        for member, phrases in members.items():
            if any(words_in(text_lower, p) for p in phrases):
                out.setdefault(group, set()).add(member)
    return out


def concept_phrases(term: str) -> tuple[str, ...]:
    """English phrases for a Chinese term (longest known concept inside it)."""
    if term in CONCEPTS:
        return CONCEPTS[term]
    return ()


def negated(text: str) -> bool:
    return bool(NEGATION_EN.search(text) or NEGATION_ZH.search(text))


_NEGATOR_EN = r"\b(?:never|did\s+not|didn't|has\s+not|hasn't|have\s+not|haven't|had\s+not|hadn't|was\s+not|wasn't|" \
              r"were\s+not|weren't|is\s+not|isn't|no\s+longer)\s+(?:\w+\s+){0,2}?"
_NEGATOR_ZH = r"(?:从未|并未|未曾|从来没有|没有|并没有|未)[^，。；,;]{0,3}?"


def negates_relation(text: str, relation: str) -> bool:
    """A negator right before a word of ``relation`` ("never won", "did not receive", 从未获得过,
    并未加入): the sentence denies the claim's relation itself, not something beside it."""
    en, zh = RELATIONS[relation]
    low = text.lower()
    if any(re.search(_NEGATOR_EN + r"(?<![a-z])" + re.escape(stem), low) for stem in en):
        return True
    return any(re.search(_NEGATOR_ZH + re.escape(w), text) for w in zh)


# verbs whose opposite says the claim's event did not happen: a claim that the FDA approved a
# drug against "the FDA rejected it" (as written: stems, matched at the start of a word)
OPPOSITES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("approv",), ("reject", "denied", "deny", "refus", "turned down")),
    (("won", "win"), ("lost", "lose", "losing")),
    (("accept",), ("declin", "reject")),
    (("passed",), ("failed",)),
    (("granted",), ("denied", "refused", "withheld")),
    (("acquit",), ("convict",)),
    (("elected",), ("defeated", "lost")),
    (("increas", "rose", "grew"), ("decreas", "fell", "shrank", "dropped", "declined")),
    (("批准",), ("拒绝", "驳回", "否决")),
    (("赢得", "获胜"), ("输掉", "落败", "败给")),
    (("当选",), ("落选",)),
    (("增长", "上升", "提高"), ("下降", "减少", "下滑")),
    (("盈利",), ("亏损",)),
)


def _has_stem(text: str, stem: str) -> bool:
    if CJK.match(stem):
        return stem in text
    return bool(_stem_re(stem).search(text))


def opposite_of(claim: str, clause: str) -> str | None:
    """The word of ``clause`` that says the opposite of a verb of ``claim`` ("rejected" for
    "approved"), when the clause does not say the claim's verb too; else None."""
    c, t = claim.lower(), clause.lower()
    for said, opposite in OPPOSITES:
        for a, b in ((said, opposite), (opposite, said)):
            if any(_has_stem(c, w) for w in a) and not any(_has_stem(t, w) for w in a):
                hit = next((w for w in b if _has_stem(t, w) and not _has_stem(c, w)), None)
                if hit is not None:
                    return hit
    return None


def _person_in(words: str) -> str:
    """The name in "the Scottish bacteriologist Alexander Fleming" (a multi-word capitalised
    run wins over a lone adjective), or the Latin name in "所罗门诺夫(Solomonoff)"."""
    latin = re.search(r"[(（]([A-Z][A-Za-z .\-]+)[)）]", words)
    if latin:
        return latin.group(1).strip()
    runs = re.findall(r"[A-Z][\w'’.\-]*(?:\s+(?:von|van|de|da|di|del|le|la|der)?\s*[A-Z][\w'’.\-]*)*", words)
    if not runs:
        return words
    multi = [r for r in runs if len(r.split()) >= 2]
    return multi[0] if multi else runs[0]


_RECIPIENTS_EN = (
    re.compile(r"\b(?:awarded|given|presented|went|granted|conferred)\s+(?:jointly\s+)?(?:up)?on\s+|"
               r"\b(?:awarded|given|presented|went|granted|conferred)\s+(?:jointly\s+)?to\s+"),
)
_RECIPIENTS_ZH = re.compile(r"(?:授予|颁给|颁发给|授给)(?:了)?")
# the winners named right before the verb: "Her colleague Peter Hahn won …", "A and B shared …"
_WINNERS_EN = re.compile(
    rf"(?P<names>{_NAME}(?:(?:,\s*(?:and\s+)?|\s+and\s+){_NAME})*)\s+"
    r"(?:jointly\s+)?(?:won|received|shared|earned|collected|(?:was|were)\s+awarded)\b"
)
# 她的同事「刘强」于2021年获得…奖: a name after a person word or at a clause's start, then the
# (optional) year, then the verb of winning
_WINNERS_ZH = re.compile(
    rf"(?:^|[，。；;,\s]|(?:同事|学生|导师|丈夫|妻子|合作者|同学|搭档|队友|弟子|老师|朋友|同行|师兄|师姐|师弟|师妹))"
    rf"(?P<name>[{CJK_CHARS}·]{{2,4}}?)(?:于|在)?(?:\d{{4}}年)?(?:获得了?|荣获|获颁|摘得|斩获)"
)
# a Chinese sentence about the subject's kin or colleague: 她的丈夫「周明」是…, 同事「刘强」于…
KIN_LEAD_ZH = re.compile(
    rf"^\s*(?:(?:她|他|其)的)?(?:丈夫|妻子|同事|学生|导师|合作者|同学|搭档|弟子|老师|朋友|父亲|母亲|儿子|女儿|哥哥|"
    rf"姐姐|弟弟|妹妹)(?P<name>[{CJK_CHARS}·]{{2,4}}?)(?=[是于在曾，,也和与获担任])"
)
# a firm's rival, parent or partner by name: 竞争对手华泰电力员工约8000人
KIN_LEAD_ZH_FIRM = re.compile(
    rf"^\s*(?:(?:其|该公司|公司)的)?(?:主要)?(?:竞争对手|对手|母公司|子公司|合作伙伴|同行)(?P<name>[{CJK_CHARS}·]{{2,8}}?)"
    rf"(?=[是于在曾，,也和与获有的]|员工|职工|营收|收入|市值|拥有|共有)"
)
# the same in English: "Her colleague Omar Haddad received …", "His wife, Ruth Adler, wrote …"
KIN_LEAD_EN = re.compile(
    r"^\s*(?:Her|His|Their)\s+(?:(?:long-?time|former|close|fellow|doctoral|PhD)\s+)?(?:colleague|husband|wife|"
    r"student|advisor|adviser|supervisor|collaborator|co-founder|cofounder|brother|sister|father|mother|son|"
    r"daughter|partner|successor|predecessor|rival|mentor)\s*,?\s+(?P<name>[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)"
)


def kin_named(sentence: str) -> str | None:
    """The person a sentence about the subject's kin or colleague is about, by name
    ("Her colleague Omar Haddad received …" → Omar Haddad; 她的丈夫周明是… → 周明)."""
    m = KIN_LEAD_ZH.match(sentence) or KIN_LEAD_ZH_FIRM.match(sentence) or KIN_LEAD_EN.match(sentence)
    return m.group("name") if m else None


# a capitalised word that starts no person's name ("The committee", "In 2021 …", "Her colleague")
_NOT_A_NAME = frozenset({"she", "he", "they", "it", "we", "her", "his", "their", "its", "the", "a", "an", "this",
                         "that", "who", "which", "in", "on", "at", "by", "for", "later", "then", "also"})
_LIST_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|[、和与及]")


def award_recipients(sentence: str) -> list[str]:
    """The people a sentence says an award went to ("was given to Edwin Catmull and Pat
    Hanrahan", "授予张三和李四"), as written; empty when it names none."""
    out: list[str] = []
    for pat in _RECIPIENTS_EN:
        for m in pat.finditer(sentence):
            tail = sentence[m.end():]
            names = re.match(_NAME + r"(?:(?:,\s*(?:and\s+)?|\s+and\s+)" + _NAME + r")*", tail)
            if names:
                out += [n.strip() for n in _LIST_SPLIT.split(names.group(0)) if n.strip()[:1].isupper()]
    for m in _WINNERS_EN.finditer(sentence):
        out += [n.strip() for n in _LIST_SPLIT.split(m.group("names"))
                if n.strip()[:1].isupper()]
    out += [m.group("name") for m in _WINNERS_ZH.finditer(sentence)
            if not m.group("name").startswith(PRONOUNS_ZH)]
    kin = KIN_LEAD_ZH.match(sentence)
    if kin and re.search(r"获得|荣获|获颁|摘得|斩获", sentence):  # 她的丈夫周明…，于2020年获得…
        out.append(kin.group("name"))
    zh = _RECIPIENTS_ZH.search(sentence)
    if zh:
        listed = re.match(rf"[{CJK_CHARS}·]{{2,10}}(?:[、和与及][{CJK_CHARS}·]{{2,10}})*", sentence[zh.end():])
        if listed:
            out += [n for n in _LIST_SPLIT.split(listed.group(0)) if len(n) >= 2]
    out = [n.strip(" .") for n in out]
    return [n for n in out if n and n.split()[0].lower() not in _NOT_A_NAME]


# a role named before a person in Chinese ("博士导师门萨", "同事刘强")
_ZH_ROLE_LEAD = re.compile(r"^(?:博士生导师|博士导师|导师|老师|同事|学生|助手|合作者|丈夫|妻子|父亲|母亲|哥哥|姐姐|弟弟|妹妹)")


def credited_names(sentence: str) -> list[str]:
    """Names a sentence credits a work or idea to ("introduced by Ray Solomonoff")."""
    out: list[str] = []
    for pat in (*CREDIT_PATTERNS_EN, *CREDIT_PATTERNS_ZH):
        for m in pat.finditer(sentence):
            name = _person_in(m.group("name").strip(" .,'’"))
            if CJK.match(name):
                # "陈静和刘洋于2016年3月在杭州" → "陈静": the first person, before the when and where
                name = re.split(r"[于在从自\d和与、及]", name, maxsplit=1)[0]
                # "她的博士导师门萨" → "门萨": the person after whose role he or she is
                name = _ZH_ROLE_LEAD.sub("", name.rsplit("的", 1)[-1])
                if len(name) < 2:
                    continue
            if name and name.split()[0].lower() not in _NOT_A_NAME:
                out.append(name)
    return out
