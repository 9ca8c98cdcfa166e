"""Rule-based checklist: split a document into atomic, self-contained claims without a model.

The steps, each a small rule that can be explained in one line:

1. **Structure.** Lines are read as Markdown-ish blocks: headings (``#``, setext underlines,
   and, outside Markdown, short unpunctuated lines that stand alone), list items, table rows and
   paragraphs. Headings are never claims; the nearest one is the ``context`` of what follows.
2. **Units.** Paragraphs and list items are cut into sentences
   (:func:`veracity.text.sentence_spans`). A sentence is cut again at ``;``/``；`` when every
   part is long and has its own verb, and at a Chinese comma that opens a new fact about
   something already named (``，该研究…``, ``，此…``, ``，现为…``, ``，现任…``, ``，目前…``).
   English ``, which …`` is left whole.
3. **Subject.** The document's main subject is the name its body sentences are about
   (``Jack Rae is …``, ``In 1903 Marie Curie …``; a sentence opening with a pronoun counts for
   it), or the leading name of its title or first heading when the body names it too
   (``# Jack Rae 人物简介`` → ``Jack Rae``); a heading that is no name (``# Note``) is ignored.
   A unit that starts with a verb or role word (``本科…``, ``主导…``, ``Led …``), that is only a
   list of items (``DeepMind(约2015–2023),OpenAI(…)``), or that opens with a short label
   (``教育背景:…``) gets the subject (and the heading's place, ``在 DeepMind``) put in front.
   A leading pronoun (他/她/它/其/He/She/It/His/Her/Its/They), also after a leading adverbial
   (``In 1903 she …``, ``1911年她…``), becomes the subject when it can stand for it (gender,
   person or thing: :mod:`veracity.checklist.pronouns`); ``该研究`` becomes the quoted or named
   thing of the clause before it.
4. **Filter.** Q&A labels (``A:``, ``答：``) are cut off answers. Questions (and ``Q:`` lines),
   greetings and thanks, first-person opinions, link-only lines and fragments too short to
   check are dropped; duplicates (same normalised text) are merged.
5. **Label.** Each claim gets a ``type`` from keywords and ``c1``…``cN`` ids in document order.

``Claim.original`` is always the exact substring ``doc.text[span.start:span.end]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from veracity.checklist.pronouns import (
    GENERIC_TITLES,
    HONORIFICS,
    LATIN_NAME,
    NAME_CHARS,
    UPPER,
    join_words,
    leading_adverbial,
    opens_with_pronoun,
    resolve_backref,
    resolve_pronoun,
    subject_pronouns,
    title_name,
)
from veracity.errors import InputError
from veracity.text import CJK, CJK_CHARS, detect_language, normalize_for_match, sentence_spans
from veracity.types import Claim, InputDocument, Language, Span

__all__ = ["classify_claim", "main_subject", "split_claims"]

# --- vocabulary ------------------------------------------------------------------------------


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


def _word_set(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# a Latin/Greek/Cyrillic word, accented letters included: "Irène" is one word, not "Ir" + "ne"
_LETTER = rf"[^\W_{CJK_CHARS}][\u0300-\u036f]*"
_WORD_RE = re.compile(rf"(?:{_LETTER})+(?:[.'’-](?:{_LETTER})+)*")

# Chinese clause openings that mean "the subject is left out": degrees, verbs, role words.
_ZH_SUBJECTLESS = _words(
    """
    本科 硕士 博士 学士 毕业 就读 师从 主导 主持 提出 担任 参与 被 现为 现任 目前
    现在 如今 成为 曾 历任 先后 加入 就职 任职 任 负责 领导 带领 获得 获 荣获
    赢得 发表 撰写 合著 创立 创办 联合创立 共同 开发 研发 设计 推动 参加 入选 当选
    专注 致力 长期 拥有 出生 生于 也是 还 并 同时 随后 之后 此后 此前 后来 后 于 离开
    转投 回归 重返 作为 身为
    """
)
# Words that make a Chinese clause a predicate rather than a list of names.
_ZH_PREDICATES = _words(
    """
    是 为 于 在 有 获 任 被 将 曾 成 由 让 使 把 主导 提出 参与 加入 担任
    毕业 发表 负责 领导 创 开发 研究 发布 入选 当选 认为 缩小 扩大 增加 减少 达到
    超过 推出 训练 包括 属于 位于 组建 挖角 招募 离开 工作 赢得 专注 致力 横跨
    拥有 设计 发明 撰写 合著 创立 领衔 带领 推动 证明 表明 显示
    """
)
# A Chinese noun phrase ending in one of these is a role: "GPT-4 核心开发者之一".
_ZH_ROLE_ENDINGS = _words(
    """
    之一 负责人 成员 开发者 作者 创始人 联合创始人 研究员 科学家 工程师 教授 主任
    总监 经理 主管 顾问 院士 会士 带头人 领导者 领袖
    """
)
_EN_SUBJECTLESS_WORDS = _word_set(
    """
    led leads proposed proposes joined joins served serves received receives won wins
    worked works graduated studied earned holds held co-authored authored wrote writes
    developed develops built builds created creates founded co-founded introduced invented
    became becomes left moved heads headed managed manages directed directs contributed
    contributes was is has had currently previously formerly later also now then
    subsequently completed obtained pioneered coined designed trained launched recruited
    awarded elected named appointed promoted hired selected invited chaired organized
    organised supervised taught published released helped spent returned
    """
)
_EN_ADVERBS = _word_set("currently previously formerly later also now then subsequently")
_EN_ROLE_STARTS = _word_set(
    """
    core lead head member co-founder cofounder founder senior principal chief author
    co-author one director professor researcher scientist engineer contributor fellow
    former vice
    """
)
_EN_PREDICATES = _word_set(
    """
    is was are were be been has have had does did led leads won wins wrote holds held
    became becomes left joined joins works worked made makes took built founded received
    earned studied graduated served serves proposed introduced heads remains includes
    included shows showed found finds got gave runs ran won wrote began grew went took saw lost
    taught fought
    """
)
_ZH_TIME_LEAD = re.compile(r"^(?:约|大约)?\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:起|底|初|末)?[,，]?\s*")
_ZH_SPLIT = re.compile(r"[,，]\s*(?=该|此(?!外)|现为|现任|目前|如今)")
_SEMI = re.compile(r"[;；]")

_QUESTION_END = re.compile(r"(?:[?？]|吗[。.]?|呢[。.]?)[\"”’)）]*$")
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|thanks(?! to)|thank you|many thanks|best regards|kind regards|regards|"
    r"cheers|sincerely|welcome|good (?:morning|afternoon|evening))(?:[\s,!.~]|$)"
    r"|^(?:你好|您好|大家好|各位好|谢谢|多谢|感谢(?:您|你|大家|阅读|关注|支持)|欢迎|此致|敬礼)",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:I (?:think|believe|feel|guess|suppose|reckon)|in my (?:opinion|view)|personally,? I|"
    r"I'd say|it seems to me)\b|\bIMHO\b"
    r"|我(?:个人)?(?:认为|觉得|相信|猜|感觉|看来)|个人认为|笔者认为|依我看|在我看来",
    re.IGNORECASE,
)
_SUMMARY_HEADING = re.compile(
    r"总结|小结|结语|结论|总而言之|综述|概述|summary|conclusion|overview|in short|tl;?dr",
    re.IGNORECASE,
)
_SUMMARY_TEXT = re.compile(
    r"极少数|为数不多|少数几|one of the few|one of only|one of a handful|among the (?:few|handful)|"
    r"^(?:in summary|overall|in short|to sum up|总之|总的来说|综上)",
    re.IGNORECASE,
)
# Claim types in priority order: the first whose keywords match the claim wins.
_TYPE_WORDS = {
    "award": r"奖|最佳论文|荣誉|勋章|院士|会士|award|prize|best paper|outstanding paper|medal|"
    r"honou?r|\bfellow\b",
    "education": r"本科|硕士|博士(?!后)|学士|毕业|就读|学位|PhD|Ph\.D|doctorate|bachelor|"
    r"master'?s|\bB\.?Sc?\b|\bM\.?Sc\b|degree|graduated|studied|alma mater",
    "attribution": r"提出|首创|发明|创造了|命名|proposed|coined|introduced|invented|originated|"
    r"pioneered",
    "authorship": r"论文|作者|发表|著有|合著|撰写|paper|authored|co-?author|wrote|published",
    "role": r"负责人|主导|领导|担任|成员|开发者|核心|创始人|主管|总监|首席|领衔|\blead\b|\bled\b|"
    r"\bhead\b|director|chief|member|founder|\bCEO\b|\bCTO\b|manager|contributor|principal",
    "employment": r"职业|经历|加入|就职|任职|工作|离开|跳槽|挖角|招募|转投|回归|受雇|创办|创立|career|"
    r"employ|joined|worked|works at|hired|recruited|\bleft\b|moved to|founded",
    "quantity": r"\d[\d,.]*\s*(?:亿|万|千|百万|倍|%|％|billion|million|thousand|percent|"
    r"parameters|参数)",
    "date": r"\b(?:1[89]|20)\d{2}\b|\d+\s*年",
}
_TYPE_RULES = tuple((name, re.compile(words, re.IGNORECASE)) for name, words in _TYPE_WORDS.items())


# --- structure -------------------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # "heading" | "para" | "item" | "row"
    start: int
    end: int
    level: int = 0
    heading: str = ""
    row_text: str = ""


@dataclass
class _Unit:
    start: int
    end: int
    context: str | None
    place: str | None  # the organisation a heading like "在 DeepMind 的核心贡献" names
    row_text: str = ""


def _atx(line: str) -> tuple[int, str] | None:
    """An ATX heading line: (level, text without closing #s), or (level, "") for a heading with
    no text; ``None`` for any other line. Plain string steps, linear in the line's length (the
    regex it replaces backtracked quadratically over long runs of blanks)."""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3 or not body.startswith("#"):
        return None
    rest = body.lstrip("#")
    level = len(body) - len(rest)
    if level > 6:
        return None
    if not rest.strip(" \t"):
        return level, ""
    if not rest.startswith((" ", "\t")):
        return None
    return level, rest.strip(" \t").rstrip(" \t#")
_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ITEM = re.compile(r"^([ \t]*)(?:[-*+•·]|\d{1,3}[.)、]|[（(]\d{1,3}[)）])[ \t]+")
_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Q&A labels: a question ("Q:", "问：") is no claim; an answer's label is not part of it
_QA = re.compile(r"(?:(Q|(?i:question)|问题?)|A|(?i:answer)|回?答)[ \t]*\d{0,3}[ \t]*[:：][ \t]*")
_SENT_PUNCT = re.compile(r"[。.!?！？;；,，、]")


def _lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _looks_like_heading(line: str, markdown: bool) -> bool:
    s = line.strip()
    if not s or len(s) > 60 or _ITEM.match(line):
        return False
    if s.endswith((":", "：")):
        body = s[:-1]
        return bool(body) and not _SENT_PUNCT.search(body) and _token_count(body) <= 8
    if markdown:
        return False
    if _SENT_PUNCT.search(s) or not re.search(r"[^\W\d_]", s):
        return False
    words = _WORD_RE.findall(s)
    if len(words) > 8 or len(CJK.findall(s)) > 16:
        return False
    if re.match(r"^在.{1,20}的[^的]{1,8}$", s):  # 在 DeepMind 的工作
        return True
    # a verb makes it a sentence; single-character Chinese verbs (在, 为) also occur in headings
    zh_verbs = [v for v in _ZH_PREDICATES if len(v) > 1 or v == "是"]
    return not any(v in s for v in zh_verbs) and not any(w.lower() in _EN_PREDICATES for w in words)


def _blocks(text: str, markdown: bool) -> list[_Block]:
    lines = _lines(text)
    blocks: list[_Block] = []
    n = len(lines)
    i = 0
    in_fence = False
    para: list[int] = []

    def flush() -> None:
        if para:
            first, last = para[0], para[-1]
            s0, l0 = lines[first]
            start = s0 + len(l0) - len(l0.lstrip())
            if l0.lstrip().startswith(">"):
                start += len(l0.lstrip()) - len(l0.lstrip().lstrip(">").lstrip())
            s1, l1 = lines[last]
            blocks.append(_Block("para", start, s1 + len(l1.rstrip())))
            para.clear()

    def heading(level: int, idx: int, label: str) -> None:
        s, line = lines[idx]
        lead = len(line) - len(line.lstrip())
        blocks.append(_Block("heading", s + lead, s + len(line.rstrip()), level, label.strip()))

    while i < n:
        start, line = lines[i]
        stripped = line.strip()
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            i += 1
            continue
        if in_fence:
            i += 1
            continue
        if not stripped:
            flush()
            i += 1
            continue
        atx = _atx(line)
        if atx is not None:
            flush()
            if line.lstrip(" ").lstrip("#")[:1] in (" ", "\t"):  # "#" alone names no heading
                heading(atx[0], i, atx[1])
            i += 1
            continue
        nxt = lines[i + 1][1] if i + 1 < n else ""
        if (
            _UNDERLINE.match(nxt)
            and not _ITEM.match(line)
            and not stripped.startswith("|")
            and not _HR.match(line)
        ):
            flush()
            heading(1 if nxt.strip().startswith("=") else 2, i, stripped)
            i += 2
            continue
        if _HR.match(line):
            flush()
            i += 1
            continue
        if stripped.startswith("|"):
            flush()
            i = _table(lines, i, blocks)
            continue
        im = _ITEM.match(line)
        if im:
            flush()
            end = start + len(line.rstrip())
            j = i + 1
            while j < n:
                cont = lines[j][1]
                if (
                    not cont.strip()
                    or not cont[:1].isspace()
                    or _ITEM.match(cont)
                    or (_atx(cont) is not None and cont.lstrip(" ").lstrip("#")[:1] in (" ", "\t"))
                ):
                    break
                end = lines[j][0] + len(cont.rstrip())
                j += 1
            blocks.append(_Block("item", start + im.end(), end))
            i = j
            continue
        if _URL.search(line) and _token_count(_URL.sub("", line)) <= 3:
            flush()  # a link-only line is no claim and must not glue onto the next sentence
            i += 1
            continue
        if _QA.match(stripped):  # "Q: …" / "A: …" each open a paragraph of their own
            flush()
            para.append(i)
            i += 1
            continue
        prev = lines[i - 1][1].rstrip() if i > 0 else ""
        after_break = not para or prev.endswith(tuple("。.!?！？:：")) or not prev.strip()
        has_next = any(ln.strip() for _, ln in lines[i + 1 : i + 4])
        # in Markdown a bare short line is a heading only when it stands alone between blank lines
        alone = not prev.strip() and not nxt.strip()
        if after_break and has_next and _looks_like_heading(line, markdown and not alone):
            flush()
            heading(7, i, stripped.rstrip(":："))
            i += 1
            continue
        para.append(i)
        i += 1
    flush()
    return blocks


def _table(lines: list[tuple[int, str]], i: int, blocks: list[_Block]) -> int:
    """Table rows become units ``header: cell; …``; the header and separator rows do not."""
    header: list[str] = []
    j = i
    rows: list[tuple[int, str]] = []
    while j < len(lines) and lines[j][1].strip().startswith("|"):
        rows.append(lines[j])
        j += 1
    if len(rows) >= 2 and _TABLE_SEP.match(rows[1][1]):
        header = _cells(rows[0][1])
        body = rows[2:]
    else:
        body = rows
    for start, line in body:
        if _TABLE_SEP.match(line):
            continue
        cells = _cells(line)
        if header and len(header) == len(cells):
            text = "; ".join(f"{h}: {c}" for h, c in zip(header, cells, strict=True) if c)
        else:
            text = ", ".join(c for c in cells if c)
        inner = line.strip().strip("|").strip()
        if not inner:
            continue
        off = start + line.find(inner)
        blocks.append(_Block("row", off, off + len(inner), row_text=text))
    return j


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


# --- subject ---------------------------------------------------------------------------------


_NAME_STOP = _word_set(
    """
    the a an in on at after before during by from since until with for of and but as when while
    then this that these those he she it they his her its their we i our my born unlike like
    together following later also once
    """
)
_EN_VERB_AFTER_NAME = re.compile(
    r"\s+(?:(?:also|later|then|first|once|eventually|currently|still|soon)\s+)?([a-z]+)\b"
)
_EN_VERBISH = _EN_PREDICATES | (_EN_SUBJECTLESS_WORDS - _EN_ADVERBS)
_ZH_NAME_SENTENCE = re.compile(
    rf"([{CJK_CHARS}·•\-－]{{2,12}}?)(?:[（(][^）)]{{1,40}}[）)])?"
    r"(?:是|曾|现任|现为|出生|毕业|生于|于|获得|荣获|发现|提出|创立|创办|成立|创建|由|总部|位于|完成|发布|"
    r"推出|拥有|去世|逝世|加入|担任|\d{4}年)"
)


def _name_from_sentence(sentence: str) -> str | None:
    """The name a sentence opens with when a verb follows it (``Marie Curie won …``,
    ``In 1903 Marie Curie shared …``, ``The physicist Marie Curie won …``, ``1911年居里夫人获得…``)."""
    s = HONORIFICS.sub("", sentence.strip())
    appositive = re.match(rf"(?:The|A|An)\s+(?:[a-z][\w-]*\s+){{1,3}}(?=[{UPPER}])", s)
    for start in dict.fromkeys((leading_adverbial(s), 0, appositive.end() if appositive else 0)):
        t = HONORIFICS.sub("", s[start:])
        m = LATIN_NAME.match(t)
        raw = m.group(0).rstrip(".,:'’") if m else ""
        name = re.sub(r"^(?:The|A|An)\s+", "", raw)
        if m and name and name.split()[0].lower() not in _NAME_STOP and not name[0].isdigit():
            rest = t[m.end() :]
            verb = _EN_VERB_AFTER_NAME.match(rest)
            if (
                (verb and (verb.group(1) in _EN_VERBISH or _past_tense(verb.group(1))))
                or re.match(r"\s*(?:[(（]|是|曾|现|为|于|在|出生|毕业)", rest)
                or (name == raw and re.match(r"\s*[,，]", rest))
            ):
                return name
        zm = _ZH_NAME_SENTENCE.match(_ZH_TIME_LEAD.sub("", t))
        if zm and zm.group(1)[0] not in "他她它该这此我其你":
            return zm.group(1)
    return None


def _past_tense(word: str) -> bool:
    return len(word) > 3 and word.endswith("ed")


def main_subject(doc: InputDocument) -> str | None:
    """The person or thing a document is about: the name most body sentences are about (as
    their subject; one opening with a pronoun counts for the first name), the first of equals.
    The title's (or top heading's) leading name wins when the body names it and no name beats
    it both as subject and in mentions; a heading that is no name (``# Note``, ``# Early life``,
    a one-word title the body never names) is ignored. ``None`` when nothing gives a name."""
    blocks = _blocks(doc.text, doc.format == "md")
    return _main_subject(doc, blocks, _units(doc, blocks))


def _main_subject(doc: InputDocument, blocks: list[_Block], units: list[_Unit]) -> str | None:
    title = doc.title
    if not title:
        heads = [b for b in blocks if b.kind == "heading"]
        if heads:
            title = min(heads, key=lambda b: (b.level, b.start)).heading
    from_title = title_name(title) if title else None
    body = [_clean(u.row_text or doc.text[u.start : u.end]) for u in units[:80]]
    joined = "\n".join(body)

    def mentions(name: str) -> int:
        if CJK.search(name):
            return joined.count(name)
        bounded = rf"(?<![{NAME_CHARS}]){re.escape(name)}(?![\w\u0300-\u036f])"
        return len(re.findall(bounded, joined))

    confirmed = bool(from_title and mentions(from_title))
    if from_title and (
        from_title.lower() in GENERIC_TITLES
        or not (
            confirmed or (len(from_title) <= 4 if CJK.search(from_title) else " " in from_title)
        )
    ):
        from_title = None
    votes: dict[str, int] = {from_title: 0} if from_title else {}
    for sentence in body:
        name = _name_from_sentence(sentence)
        if name:
            votes[name] = votes.get(name, 0) + 1
        elif votes and opens_with_pronoun(sentence):
            votes[next(iter(votes))] += 1  # a pronoun most often stands for the first name
    best = max(votes, key=lambda n: votes[n], default=None)  # the first of equals
    if (
        best
        and from_title
        and confirmed
        and min(votes[best] - votes[from_title], mentions(best) - mentions(from_title)) <= 0
    ):
        return from_title
    return best


def _place_of(heading: str | None) -> str | None:
    if not heading:
        return None
    m = re.match(r"^在\s*(.+?)\s*(?:的|期间|时期|时|工作|任职|阶段|$)", heading)
    if m:
        return m.group(1)
    m = re.match(
        rf"^(?:At|In|With|During (?:his|her|their) time at)\s+"
        rf"([{UPPER}][{NAME_CHARS}]*(?:\s+[{UPPER}][{NAME_CHARS}]*)*)",
        heading,
    )
    return m.group(1) if m else None


# --- clauses ---------------------------------------------------------------------------------


def _token_count(s: str) -> int:
    return len(CJK.findall(s)) + len(_WORD_RE.findall(s))


def _has_predicate(s: str) -> bool:
    if CJK.search(s) and any(p in s for p in _ZH_PREDICATES):
        return True
    words = [w.lower() for w in _WORD_RE.findall(s)]
    return any(w in _EN_PREDICATES or _past_tense(w) for w in words)


def _is_item_list(s: str) -> bool:
    """``DeepMind(约2015–2023),OpenAI(2023–2024)…``: two or more short items, each with a
    parenthesis or a year, and nothing else."""
    items = [i.strip() for i in re.split(r"[,，、;；]", s.strip().rstrip("。.")) if i.strip()]
    return len(items) >= 2 and all(
        len(i) <= 40 and (re.search(r"[(（].*[)）]$", i) or re.search(r"\b(?:19|20)\d{2}\b", i))
        for i in items
    )


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",，;；、:："):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",，;；、:："):
        b -= 1
    return a, b


def _clauses(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cut one sentence at ';' when every part is a fact of its own, and at a Chinese comma that
    opens a new fact about something already named."""
    parts: list[tuple[int, int]] = []
    cuts = [a + m.start() for m in _SEMI.finditer(text[a:b])]
    if cuts:
        pieces = [
            _trim(text, s, e) for s, e in zip([a, *[c + 1 for c in cuts]], [*cuts, b], strict=True)
        ]
        if all(_token_count(text[s:e]) >= 5 and _has_predicate(text[s:e]) for s, e in pieces):
            for s, e in pieces:
                parts.extend(_clauses(text, s, e))
            return parts
    for m in _ZH_SPLIT.finditer(text, a, b):
        left = _trim(text, a, a + (m.start() - a))
        right = _trim(text, m.end(), b)
        if (
            _token_count(text[left[0] : left[1]]) >= 4
            and _token_count(text[right[0] : right[1]]) >= 4
        ):
            return [left, *_clauses(text, right[0], right[1])]
    return [_trim(text, a, b)]


# --- wording ---------------------------------------------------------------------------------


def _clean(s: str) -> str:
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"(\*\*|__|~~|`)", "", s)
    s = re.sub(r"(?m)^[ \t]*>[ \t]?", "", s)
    s = re.sub(rf"(?<=[{CJK_CHARS}，。；：、])\s*\n\s*(?=[{CJK_CHARS}])", "", s)
    return re.sub(r"\s+", " ", s).strip()


def _self_contained(
    unit: str,
    subject: str | None,
    context: str | None,
    place: str | None,
    prev: str | None,
    pronouns: frozenset[str],
) -> str:
    """Make ``unit`` readable on its own: name the subject, resolve a leading pronoun (one of
    ``pronouns``, after a leading adverbial if any) or back-reference. Returns the unit
    unchanged when no rule applies."""
    resolved = resolve_backref(unit, prev, subject) if prev else None
    if resolved or not subject or subject in unit:
        return resolved or unit
    resolved = resolve_pronoun(unit, subject, pronouns)
    if resolved:
        return resolved
    prefix = _zh_prefix if CJK.search(unit) else _en_prefix
    return prefix(unit, subject, context, place)


def _zh_prefix(unit: str, subject: str, context: str | None, place: str | None) -> str:
    where = join_words("在", place) if place and place not in unit else ""
    timed = _ZH_TIME_LEAD.sub("", unit)
    first = re.split(r"[,，;；。:：]", unit, maxsplit=1)[0].strip()
    starter = next((w for w in _ZH_SUBJECTLESS if timed.startswith(w)), None)
    # one-character starters are also surnames (任, 曾, 于): "于敏是…" names its own subject
    if starter and not (len(starter) == 1 and "是" in first):
        return join_words(subject, where, unit)
    if first.endswith(_ZH_ROLE_ENDINGS) and not re.search("是|为|任", first):
        return join_words(subject, where, "期间是" if where else "是", unit)
    label = re.match(r"^([^\W\d_][^\W\d_ ]{0,9})[:：]", unit)
    if label and not _has_predicate(label.group(1)):
        return join_words(subject, "的" + unit)
    if _is_item_list(unit) or not _has_predicate(unit):
        if where:
            return join_words(subject, where, "：" + unit)
        topic = context if context and not _is_title_like(context, subject) else None
        return join_words(subject, f"的{topic}：" if topic else "：", unit)
    return unit


def _en_prefix(unit: str, subject: str, context: str | None, place: str | None) -> str:
    words = unit.split()
    first = words[0].lower().strip(",:") if words else ""
    lead = f"At {place}, " if place and place not in unit else ""
    second = words[1].lower().strip(",") if len(words) > 1 else ""
    # an adverb only opens a subject-less clause when a verb follows: "Currently leads …"
    verb_first = first in _EN_SUBJECTLESS_WORDS and (
        first not in _EN_ADVERBS or second in _EN_SUBJECTLESS_WORDS | _EN_PREDICATES
    )
    if verb_first:
        return f"{lead}{subject} {unit[0].lower()}{unit[1:]}"
    if first in _EN_ROLE_STARTS and not _has_predicate(unit):
        return f"{lead}{subject} is {unit[0].lower()}{unit[1:]}"
    label = re.match(r"^([^\W\d_][^\W\d_\u0300-\u036f ]{0,24}):\s", unit)
    if label and not _has_predicate(label.group(1)):
        return f"{subject}'s {unit[0].lower()}{unit[1:]}"
    if _is_item_list(unit) or not _has_predicate(unit):
        topic = context if context and not _is_title_like(context, subject) else None
        return f"{subject}'s {topic.lower()}: {unit}" if topic else f"{subject}: {unit}"
    return unit


def _is_title_like(context: str, subject: str) -> bool:
    return subject in context or bool(_place_of(context))


# --- filters and labels ----------------------------------------------------------------------


def _skip_reason(text: str) -> str | None:
    bare = _URL.sub("", text)
    if _token_count(bare) < 4:
        return "too short"
    if _QUESTION_END.search(text.rstrip()):
        return "question"
    if _GREETING.search(text):
        return "greeting"
    if _OPINION.search(text):
        return "opinion"
    return None


def classify_claim(text: str, context: str | None = None) -> str:
    """A claim type from keywords: summary, award, education, attribution, authorship, role,
    employment, quantity, date, or ``statement`` when nothing matches."""
    if (context and _SUMMARY_HEADING.search(context)) or _SUMMARY_TEXT.search(text):
        return "summary"
    for name, pattern in _TYPE_RULES:
        if pattern.search(text):
            return name
    if context:
        for name, pattern in _TYPE_RULES[:6]:
            if pattern.search(context):
                return name
    return "statement"


def _claim_language(text: str, fallback: Language) -> Language:
    lang = detect_language(text)
    if lang != "zh" and fallback == "zh" and len(CJK.findall(text)) >= 2:
        return "zh"
    if lang == "other" and fallback != "other":
        return fallback
    return lang


# --- entry point -----------------------------------------------------------------------------

_SENTENCES_PER_CLAIM = 50  # sentences read per claim of the cap before a document is refused


def split_claims(doc: InputDocument, *, max_claims: int | None = None) -> list[Claim]:
    """Split ``doc`` into atomic, self-contained claims, deterministically and without a model.

    For a claims list (``doc.kind == "claims"``) each given claim is kept with its id. Raises
    :class:`~veracity.errors.InputError` when more than ``max_claims`` claims come out."""
    if max_claims is not None and doc.kind != "claims":
        # a cheap count first: a document with far more sentences than the cap allows is
        # refused in a moment instead of being split sentence by sentence for a minute
        ends = sum(doc.text.count(c) for c in ".!?。！？\n")
        if ends > _SENTENCES_PER_CLAIM * max_claims:
            raise InputError(
                f"document has about {ends} sentences; at most {_SENTENCES_PER_CLAIM * max_claims} are split "
                f"for a limit of {max_claims} claims (set VERACITY_MAX_CLAIMS or --max-claims)"
            )
    claims = _from_list(doc) if doc.kind == "claims" else _from_document(doc)
    if max_claims is not None and len(claims) > max_claims:
        raise InputError(
            f"document yields {len(claims)} claims; the limit is {max_claims} "
            f"(set VERACITY_MAX_CLAIMS or --max-claims)"
        )
    return claims


def _from_list(doc: InputDocument) -> list[Claim]:
    out: list[Claim] = []
    for item in doc.claims:
        original = doc.text[item.span.start : item.span.end] if item.span else item.text
        text = _clean(item.text)
        out.append(
            Claim(
                id=item.id,
                text=text,
                original=original,
                span=item.span,
                language=_claim_language(text, doc.language),
                type=classify_claim(text),
            )
        )
    return out


def _units(doc: InputDocument, blocks: list[_Block]) -> list[_Unit]:
    text = doc.text
    units: list[_Unit] = []
    stack: list[tuple[int, str]] = []
    for b in blocks:
        if b.kind == "heading":
            while stack and stack[-1][0] >= b.level:
                stack.pop()
            stack.append((b.level, _clean(b.heading)))
            continue
        context = stack[-1][1] if stack else None
        place = next((p for _, h in reversed(stack) if (p := _place_of(h))), None)
        if b.kind == "row":
            units.append(_Unit(b.start, b.end, context, place, b.row_text))
            continue
        asking = False
        for s, e in sentence_spans(text, b.start, b.end):
            qa = _QA.match(text, s, e)
            if qa:
                asking, s = bool(qa.group(1)), qa.end()
            if asking:
                continue  # a question, up to the next answer
            for cs, ce in _clauses(text, s, e):
                if ce > cs:
                    units.append(_Unit(cs, ce, context, place))
    return units


def _from_document(doc: InputDocument) -> list[Claim]:
    blocks = _blocks(doc.text, doc.format == "md")
    units = _units(doc, blocks)
    subject = _main_subject(doc, blocks, units)
    pronouns = subject_pronouns(subject, doc.text) if subject else frozenset()
    out: list[Claim] = []
    seen: set[str] = set()
    prev: str | None = None
    for u in units:
        original = doc.text[u.start : u.end]
        unit = _clean(u.row_text or original)
        if _skip_reason(unit):
            prev = unit
            continue
        text = _self_contained(unit, subject, u.context, u.place, prev, pronouns)
        prev = text  # the self-contained form: "It was announced …" names its subject there
        key = normalize_for_match(text).rstrip("。.!！")
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Claim(
                id=f"c{len(out) + 1}",
                text=text,
                original=original,
                span=Span(start=u.start, end=u.end),
                language=_claim_language(text, doc.language),
                type=classify_claim(text, u.context),
                context=u.context,
            )
        )
    return out
