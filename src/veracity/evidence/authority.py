"""What kind of publisher a URL belongs to, and who owns it.

:func:`classify` sorts a source into one :class:`~veracity.types.SourceKind` from its domain,
its path and whether it is a PDF; :func:`authority_rank` orders the kinds for the judge
(primary highest, social lowest); :func:`owner` names the organisation behind a URL so that
copies of one story on ``weibo.com`` and ``m.weibo.cn`` count once (:func:`count_independent`).

The domain lists are hand-kept and deliberately small: well-known scholarly indexes,
encyclopedias, news outlets (English and Chinese), social/user-generated platforms and the
official sites of organisations that often appear in claims about AI research. Institutional
domains (``.edu``, ``.gov``, ``.ac.uk``, ``.edu.cn`` …) count as primary. Everything else is
``unknown`` — a missing entry makes a source look weaker, never stronger.

Registrable domains are found with a built-in table of common multi-part suffixes
(``co.uk``, ``com.cn``, ``ac.jp`` …) instead of the full Public Suffix List, so no download
or extra dependency is needed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from veracity.types import SourceKind

__all__ = [
    "authority_rank",
    "classify",
    "count_independent",
    "host_of",
    "is_pdf_url",
    "owner",
    "registrable_domain",
]

P, S, E, N, U = (
    SourceKind.PRIMARY,
    SourceKind.SCHOLARLY,
    SourceKind.ENCYCLOPEDIA,
    SourceKind.NEWS,
    SourceKind.SOCIAL,
)

# Domain → kind. A host matches an entry when it equals it or is a subdomain of it; the
# longest matching entry wins, so ``about.fb.com`` (primary) beats ``fb.com`` (social).
_DOMAINS: dict[str, SourceKind] = {}


def _add(kind: SourceKind, domains: str) -> None:
    for d in domains.split():
        _DOMAINS[d] = kind


_add(S, """
    arxiv.org export.arxiv.org openreview.net dblp.org dblp.uni-trier.de openalex.org
    semanticscholar.org doi.org dx.doi.org crossref.org orcid.org pubmed.ncbi.nlm.nih.gov
    europepmc.org biorxiv.org medrxiv.org ssrn.com papers.ssrn.com paperswithcode.com
    aclanthology.org dl.acm.org ieeexplore.ieee.org link.springer.com springer.com
    sciencedirect.com onlinelibrary.wiley.com tandfonline.com jstor.org nature.com science.org
    pnas.org cell.com mdpi.com frontiersin.org plos.org proceedings.neurips.cc papers.nips.cc
    proceedings.mlr.press jmlr.org aaai.org ojs.aaai.org ijcai.org researchgate.net
    academia.edu core.ac.uk inspirehep.net ui.adsabs.harvard.edu scholar.archive.org
    connectedpapers.com cnki.net kns.cnki.net wanfangdata.com.cn cqvip.com
""")
_add(E, """
    wikipedia.org wikidata.org wikiwand.com britannica.com baike.baidu.com baike.sogou.com
    baike.so.com baike.com encyclopedia.com scholarpedia.org citizendium.org
""")
_add(N, """
    reuters.com bloomberg.com nytimes.com wsj.com ft.com washingtonpost.com theguardian.com
    bbc.com bbc.co.uk cnn.com cnbc.com apnews.com npr.org economist.com forbes.com
    businessinsider.com insider.com axios.com politico.com theatlantic.com newyorker.com
    time.com fortune.com wired.com theverge.com techcrunch.com arstechnica.com engadget.com
    venturebeat.com zdnet.com cnet.com theinformation.com semafor.com fastcompany.com
    technologyreview.com newscientist.com scientificamerican.com independent.co.uk
    telegraph.co.uk thetimes.co.uk usatoday.com latimes.com msn.com news.yahoo.com
    finance.yahoo.com scmp.com nikkei.com asia.nikkei.com aljazeera.com dw.com france24.com
    lemonde.fr spiegel.de theregister.com siliconangle.com the-decoder.com tomshardware.com
    geekwire.com observer.com qz.com vox.com nbcnews.com cbsnews.com abcnews.go.com
    36kr.com sina.com.cn sina.cn sohu.com ifeng.com eastmoney.com zhidx.com thepaper.cn
    caixin.com caixinglobal.com news.qq.com new.qq.com 163.com xinhuanet.com news.cn
    people.com.cn chinadaily.com.cn cctv.com cgtn.com globaltimes.cn yicai.com jiemian.com
    huxiu.com tmtpost.com leiphone.com jiqizhixin.com qbitai.com infoq.cn geekpark.net
    pingwest.com ithome.com cnbeta.com.cn donews.com stcn.com cls.cn 21jingji.com
    nbd.com.cn cnr.cn chinanews.com.cn chinanews.com bjnews.com.cn guancha.cn hk01.com
    udn.com cna.com.tw ftchinese.com wallstreetcn.com
""")
_add(U, """
    weibo.com weibo.cn twitter.com x.com t.co reddit.com redd.it zhihu.com linkedin.com
    medium.com facebook.com fb.com instagram.com threads.net youtube.com youtu.be
    bilibili.com b23.tv douban.com blogspot.com substack.com wordpress.com tumblr.com
    quora.com stackoverflow.com stackexchange.com tiktok.com douyin.com xiaohongshu.com
    mp.weixin.qq.com toutiao.com csdn.net jianshu.com juejin.cn cnblogs.com
    tieba.baidu.com github.com github.io gitlab.com news.ycombinator.com mastodon.social
    bsky.app discord.com telegram.org t.me
""")
_add(P, """
    openai.com deepmind.google deepmind.com blog.neurips.cc neurips.cc nips.cc icml.cc
    iclr.cc about.fb.com ai.meta.com meta.com research.google blog.google ai.google
    research.facebook.com anthropic.com microsoft.com research.microsoft.com apple.com
    machinelearning.apple.com nvidia.com amazon.science x.ai mistral.ai cohere.com
    alibabagroup.com tencent.com bytedance.com nobelprize.org awards.acm.org
    amturing.acm.org royalsociety.org acm.org ieee.org
""")

# (host, path prefix) → kind, checked before the domain table.
_PATH_RULES: tuple[tuple[str, str, SourceKind], ...] = (
    ("arxiv.org", "/pdf", P),
    ("openreview.net", "/pdf", P),
    ("storage.googleapis.com", "/deepmind-media", P),
    ("huggingface.co", "/papers", S),
    ("sites.google.com", "/", U),
    ("scholar.google.", "/", S),  # any scholar.google.<tld>
)

# Second-level labels that, under a two-letter country code, form a public suffix:
# co.uk, com.cn, ac.jp, gov.au … ; the institutional ones make a source primary.
_SLD_COMMERCIAL = {"co", "com", "net", "org", "or", "ne", "ltd", "plc"}
_SLD_INSTITUTIONAL = {"edu", "ac", "gov", "go", "mil", "gob", "gouv", "govt", "sch", "nhs"}
_TLD_INSTITUTIONAL = {"edu", "gov", "mil", "int"}
_SUFFIX_EXTRA_INSTITUTIONAL = {"gc.ca", "europa.eu"}
# Hosting platforms where each subdomain belongs to a different author.
_HOSTING_SUFFIXES = {
    "blogspot.com", "github.io", "gitlab.io", "wordpress.com", "substack.com", "tumblr.com",
    "netlify.app", "vercel.app", "pages.dev", "herokuapp.com", "readthedocs.io",
    "appspot.com", "web.app", "firebaseapp.com", "medium.com",
}
# Object stores addressed by path: the first path segment (the bucket) names the owner.
_PATH_HOSTED = {"storage.googleapis.com", "s3.amazonaws.com"}
# Registrable domains (or buckets) that belong to one owner under another name.
_OWNER_ALIASES = {
    "twitter.com": "x", "t.co": "x", "x.com": "x", "youtu.be": "youtube",
    "redd.it": "reddit", "b23.tv": "bilibili", "fb.com": "facebook", "163.com": "netease",
    "126.com": "netease", "news.cn": "xinhua", "xinhuanet.com": "xinhua",
    "deepmind-media": "deepmind", "deepmind.google": "deepmind", "caixinglobal.com": "caixin",
    "ftchinese.com": "ft", "asia.nikkei.com": "nikkei",
}
_HOST_OWNERS = {
    "about.fb.com": "meta", "ai.meta.com": "meta", "research.facebook.com": "meta",
    "mp.weixin.qq.com": "weixin",
}
# Brand top-level domains: every site under them belongs to the brand.
_BRAND_TLDS = {"google", "microsoft", "apple", "amazon", "youtube"}

_RANK = {
    SourceKind.PRIMARY: 5,
    SourceKind.SCHOLARLY: 4,
    SourceKind.ENCYCLOPEDIA: 3,
    SourceKind.NEWS: 2,
    SourceKind.UNKNOWN: 1,
    SourceKind.SOCIAL: 0,
}

_SCHOLARLY_PROVIDERS = {
    "arxiv", "openalex", "crossref", "semantic_scholar", "semanticscholar", "dblp",
    "openreview", "pubmed",
}
_ENCYCLOPEDIA_PROVIDERS = {"wikipedia", "wikidata"}
_ENCYCLOPEDIA_TITLE = re.compile(r"wikipedia|维基百科|維基百科|百度百科|britannica", re.I)


# --- hosts and domains ------------------------------------------------------------------------


def host_of(url: str) -> str:
    """The URL's host, lower-case, without ``www.``/trailing dot; ``""`` when there is none."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    return host[4:] if host.startswith("www.") else host


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _suffix_len(labels: list[str]) -> int:
    """How many trailing labels of ``labels`` form the public suffix."""
    if len(labels) >= 2:
        last2 = ".".join(labels[-2:])
        if last2 in _HOSTING_SUFFIXES or last2 in _SUFFIX_EXTRA_INSTITUTIONAL:
            return 2
        if len(labels[-1]) == 2 and labels[-2] in _SLD_COMMERCIAL | _SLD_INSTITUTIONAL:
            return 2
    return 1


def registrable_domain(host: str) -> str:
    """The domain one registers: ``k.sina.com.cn`` → ``sina.com.cn``, ``a.b.ac.uk`` →
    ``b.ac.uk``, ``foo.blogspot.com`` → ``foo.blogspot.com``. IPs are returned unchanged."""
    host = host.lower().rstrip(".")
    if not host or _is_ip(host):
        return host
    labels = host.split(".")
    n = _suffix_len(labels) + 1
    return ".".join(labels[-n:]) if len(labels) >= n else host


def _is_institutional(host: str) -> bool:
    labels = host.split(".")
    if not labels or _is_ip(host):
        return False
    if labels[-1] in _TLD_INSTITUTIONAL:
        return True
    if ".".join(labels[-2:]) in _SUFFIX_EXTRA_INSTITUTIONAL:
        return True
    return len(labels) >= 2 and len(labels[-1]) == 2 and labels[-2] in _SLD_INSTITUTIONAL


def owner(url: str) -> str:
    """The organisation behind ``url``, used to count independent sources.

    Commercial sites collapse to their brand label, so ``m.weibo.cn`` and ``weibo.com`` are
    both ``"weibo"`` and ``k.sina.cn`` / ``finance.sina.com.cn`` both ``"sina"``.
    Institutions keep their registrable domain (``a.b.ac.uk`` → ``"b.ac.uk"``, ``cs.mit.edu``
    → ``"mit.edu"``), and blog-hosting subdomains stay apart (``x.blogspot.com``). Buckets on
    ``storage.googleapis.com`` are owned by the bucket. ``""`` when the URL has no host."""
    host = host_of(url)
    if not host:
        return ""
    if _is_ip(host):
        return host
    if host in _HOST_OWNERS:
        return _HOST_OWNERS[host]
    if host in _PATH_HOSTED:
        try:
            path = unquote(urlsplit(url.strip()).path)
        except ValueError:
            path = ""
        bucket = path.strip("/").split("/", 1)[0].lower()
        if bucket:
            return _OWNER_ALIASES.get(bucket, bucket)
    labels = host.split(".")
    if labels[-1] in _BRAND_TLDS and len(labels) >= 2:
        reg = ".".join(labels[-2:])
        return _OWNER_ALIASES.get(reg, labels[-1])
    reg = registrable_domain(host)
    if reg in _OWNER_ALIASES:
        return _OWNER_ALIASES[reg]
    if host in _OWNER_ALIASES:
        return _OWNER_ALIASES[host]
    if _is_institutional(host) or ".".join(reg.split(".")[1:]) in _HOSTING_SUFFIXES:
        return reg
    return reg.split(".", 1)[0]


def count_independent(urls: Iterable[str]) -> int:
    """How many different owners the URLs have (URLs without a host are ignored)."""
    return len({o for o in (owner(u) for u in urls if u) if o})


# --- kinds ------------------------------------------------------------------------------------


def is_pdf_url(url: str) -> bool:
    """True when the URL's path names a PDF (``.pdf``, or arXiv/OpenReview ``/pdf/…``)."""
    try:
        path = unquote(urlsplit(url.strip()).path).lower()
    except ValueError:
        return False
    return path.endswith(".pdf") or any(
        host_of(url).endswith(h) and path.startswith("/pdf") for h in ("arxiv.org", "openreview.net")
    )


def _domain_kind(host: str) -> SourceKind | None:
    labels = host.split(".")
    for i in range(len(labels)):
        hit = _DOMAINS.get(".".join(labels[i:]))
        if hit is not None:
            return hit
    return None


def _path_kind(host: str, path: str) -> SourceKind | None:
    for rule_host, prefix, kind in _PATH_RULES:
        host_ok = host.startswith(rule_host) if rule_host.endswith(".") else (
            host == rule_host or host.endswith("." + rule_host)
        )
        if host_ok and path.startswith(prefix):
            return kind
    return None


def classify(
    url: str, *, title: str | None = None, provider: str | None = None, pdf: bool | None = None
) -> SourceKind:
    """The kind of source ``url`` is.

    Order: path rules (``arxiv.org/pdf`` → primary, ``storage.googleapis.com/deepmind-media``
    → primary), then the most specific domain entry, then institutional domains (primary).
    A PDF (``pdf=True``, or a ``.pdf`` path) found on a scholarly index or an institutional
    or official site is the document itself and counts as primary. With no domain match,
    ``provider`` (a scholarly API or Wikipedia) and an encyclopedia ``title`` are used as
    hints; otherwise the kind is ``unknown``.
    """
    host = host_of(url)
    try:
        path = unquote(urlsplit(url.strip()).path) or "/"
    except ValueError:
        path = "/"
    is_pdf = is_pdf_url(url) if pdf is None else pdf

    kind = _path_kind(host, path) if host else None
    if kind is None and host:
        kind = _domain_kind(host)
    if kind is None and host and _is_institutional(host):
        kind = P
    if kind is None:
        prov = (provider or "").lower()
        if prov in _SCHOLARLY_PROVIDERS:
            kind = S
        elif prov in _ENCYCLOPEDIA_PROVIDERS or (title and _ENCYCLOPEDIA_TITLE.search(title)):
            kind = E
    if kind is None:
        return SourceKind.UNKNOWN
    if is_pdf and kind is S:
        return P
    return kind


def authority_rank(kind: SourceKind | str) -> int:
    """Higher is more authoritative: primary 5, scholarly 4, encyclopedia 3, news 2,
    unknown 1, social 0."""
    try:
        return _RANK[SourceKind(kind)]
    except ValueError:
        return _RANK[SourceKind.UNKNOWN]
