"""Source kinds, owners and independence."""

from __future__ import annotations

import pytest

from veracity.evidence.authority import (
    authority_rank,
    classify,
    count_independent,
    is_pdf_url,
    owner,
    registrable_domain,
)
from veracity.types import SourceKind

P, S, E, N, U, X = (
    SourceKind.PRIMARY,
    SourceKind.SCHOLARLY,
    SourceKind.ENCYCLOPEDIA,
    SourceKind.NEWS,
    SourceKind.SOCIAL,
    SourceKind.UNKNOWN,
)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        # scholarly indexes and landing pages
        ("https://arxiv.org/abs/2203.15556", S),
        ("https://openreview.net/profile?id=~Jack_William_Rae1", S),
        ("https://dblp.org/pid/123/4567.html", S),
        ("https://api.openalex.org/works/W123", S),
        ("https://www.semanticscholar.org/paper/abc", S),
        ("https://scholar.google.com/citations?user=abc", S),
        ("https://scholar.google.co.uk/citations?user=abc", S),
        ("https://doi.org/10.48550/arXiv.2203.15556", S),
        ("https://www.mdpi.com/1999-4893/3/3/260", S),
        ("https://aclanthology.org/2020.acl-main.1/", S),
        ("https://huggingface.co/papers/2203.15556", S),
        # the paper itself
        ("https://arxiv.org/pdf/2504.18568", P),
        ("https://arxiv.org/pdf/2203.15556v1.pdf", P),
        ("https://openreview.net/pdf?id=abc", P),
        ("https://aclanthology.org/2020.acl-main.1.pdf", P),
        ("https://storage.googleapis.com/deepmind-media/research/Training%20Gopher.pdf", P),
        ("https://discovery.ucl.ac.uk/10126220/1/Jack%20Rae%20-%20Final%20Thesis.pdf", P),
        # official sites
        ("https://openai.com/contributions/gpt-4/", P),
        ("https://deepmind.google/discover/blog/x", P),
        ("https://www.deepmind.com/blog/x", P),
        ("https://blog.neurips.cc/2022/11/21/announcing-the-neurips-2022-awards/", P),
        ("https://neurips.cc/virtual/2022/awards_detail", P),
        ("https://about.fb.com/news/2025/06/x/", P),
        ("https://ai.meta.com/blog/x/", P),
        ("https://www.ucl.ac.uk/computer-science/people", P),
        ("https://www.cs.cmu.edu/~someone/", P),
        ("https://www.nih.gov/news", P),
        ("https://www.tsinghua.edu.cn/info/1.htm", P),
        ("https://www.gov.uk/government/news/x", P),
        # encyclopedias
        ("https://en.wikipedia.org/wiki/Jack_Rae", E),
        ("https://zh.wikipedia.org/wiki/%E6%9D%B0%E5%85%8B", E),
        ("https://www.wikidata.org/wiki/Q1", E),
        ("https://baike.baidu.com/item/Meta/65831818", E),
        ("https://www.britannica.com/topic/x", E),
        # news, English and Chinese
        ("https://www.reuters.com/technology/x", N),
        ("https://www.bloomberg.com/news/articles/x", N),
        ("https://www.nytimes.com/2025/06/30/technology/x.html", N),
        ("https://www.bbc.co.uk/news/technology-1", N),
        ("https://www.theverge.com/2025/x", N),
        ("https://techcrunch.com/2025/06/30/x/", N),
        ("https://m.36kr.com/p/3333286223030536", N),
        ("https://k.sina.cn/article_6890756658_19ab89a3204001fk8q.html", N),
        ("https://finance.sina.com.cn/x.shtml", N),
        ("https://m.sohu.com/a/864740570_122105141/", N),
        ("https://tech.ifeng.com/c/8OsTZsn6mGZ", N),
        ("https://finance.eastmoney.com/a/202507013444586284.html", N),
        ("https://m.zhidx.com/p/485447.html", N),
        ("https://www.thepaper.cn/newsDetail_forward_1", N),
        ("https://www.caixin.com/2025-07-01/x.html", N),
        ("https://www.msn.com/en-in/money/news/x/ar-AA1HT8Du", N),
        # social and user-generated
        ("https://weibo.com/ttarticle/p/show?id=2309634884017727013209", U),
        ("https://m.weibo.cn/status/Pz1RNf6gX", U),
        ("https://twitter.com/someone/status/1", U),
        ("https://x.com/someone/status/1", U),
        ("https://www.reddit.com/r/MachineLearning/x", U),
        ("https://www.zhihu.com/question/1", U),
        ("https://www.linkedin.com/in/someone", U),
        ("https://medium.com/@someone/x", U),
        ("https://www.facebook.com/someone", U),
        ("https://www.youtube.com/watch?v=x", U),
        ("https://www.bilibili.com/video/BV1", U),
        ("https://movie.douban.com/subject/1/", U),
        ("https://someone.blogspot.com/2020/01/x.html", U),
        ("https://someone.substack.com/p/x", U),
        ("https://mp.weixin.qq.com/s/abc", U),
        # nothing known
        ("https://example.com/about", X),
        ("https://example.com/paper.pdf", X),  # a PDF on an unknown site proves nothing
        ("http://127.0.0.1:8000/x", X),
        ("not a url", X),
    ],
)
def test_classify(url: str, kind: SourceKind) -> None:
    assert classify(url) is kind


def test_most_specific_domain_wins() -> None:
    assert classify("https://about.fb.com/news/") is P  # not fb.com (social)
    assert classify("https://tieba.baidu.com/p/1") is U  # not baike
    assert classify("https://news.qq.com/rain/a/1") is N
    assert classify("https://www.academia.edu/1/x") is S  # a listed .edu that is an index


def test_pdf_flag_and_hints() -> None:
    assert classify("https://doi.org/10.1/x", pdf=True) is P
    assert classify("https://arxiv.org/abs/1", pdf=False) is S
    assert classify("https://api.example.net/w/1", provider="openalex") is S
    assert classify("https://mirror.example.net/wiki/X", provider="wikipedia") is E
    assert classify("https://mirror.example.net/wiki/X", title="Jack Rae - Wikipedia") is E
    assert classify("https://mirror.example.net/x", title="杰克·雷_百度百科") is E
    # a known domain outranks hints
    assert classify("https://www.reuters.com/x", provider="openalex") is N


def test_is_pdf_url() -> None:
    assert is_pdf_url("https://example.com/a/B.PDF")
    assert is_pdf_url("https://arxiv.org/pdf/2203.15556")
    assert not is_pdf_url("https://arxiv.org/abs/2203.15556")
    assert not is_pdf_url("https://example.com/pdf/viewer")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://m.weibo.cn/status/1", "weibo"),
        ("https://weibo.com/ttarticle/p/show?id=1", "weibo"),
        ("https://k.sina.cn/article_1.html", "sina"),
        ("https://finance.sina.com.cn/x.shtml", "sina"),
        ("https://a.b.ac.uk/x", "b.ac.uk"),
        ("https://discovery.ucl.ac.uk/1/x.pdf", "ucl.ac.uk"),
        ("https://www.ucl.ac.uk/", "ucl.ac.uk"),
        ("https://www.cs.cmu.edu/~x/", "cmu.edu"),
        ("https://www.tsinghua.edu.cn/", "tsinghua.edu.cn"),
        ("https://www.bbc.co.uk/news", "bbc"),
        ("https://www.bbc.com/news", "bbc"),
        ("https://www.abc.net.au/news", "abc"),
        ("https://twitter.com/x", "x"),
        ("https://x.com/x", "x"),
        ("https://deepmind.google/research/", "deepmind"),
        ("https://www.deepmind.com/blog", "deepmind"),
        ("https://storage.googleapis.com/deepmind-media/x.pdf", "deepmind"),
        ("https://storage.googleapis.com/other-bucket/x.pdf", "other-bucket"),
        ("https://research.google/pubs/", "google"),
        ("https://about.fb.com/news/", "meta"),
        ("https://ai.meta.com/blog/", "meta"),
        ("https://alice.blogspot.com/x", "alice.blogspot.com"),
        ("https://bob.github.io/", "bob.github.io"),
        ("https://arxiv.org/abs/1", "arxiv"),
        ("https://export.arxiv.org/abs/1", "arxiv"),
        ("http://127.0.0.1:8000/x", "127.0.0.1"),
        ("not a url", ""),
    ],
)
def test_owner(url: str, expected: str) -> None:
    assert owner(url) == expected


def test_registrable_domain() -> None:
    assert registrable_domain("k.sina.com.cn") == "sina.com.cn"
    assert registrable_domain("a.b.ac.uk") == "b.ac.uk"
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("www.example.co.jp") == "example.co.jp"
    assert registrable_domain("web.de") == "web.de"
    assert registrable_domain("foo.blogspot.com") == "foo.blogspot.com"
    assert registrable_domain("example.com") == "example.com"
    assert registrable_domain("co.uk") == "co.uk"


def test_count_independent() -> None:
    urls = [
        "https://m.weibo.cn/status/1",
        "https://weibo.com/ttarticle/p/show?id=2",
        "https://k.sina.cn/a.html",
        "https://finance.sina.com.cn/b.shtml",
        "https://www.reuters.com/x",
        "https://discovery.ucl.ac.uk/1/t.pdf",
        "https://www.ucl.ac.uk/people",
        "",
    ]
    assert count_independent(urls) == 4  # weibo, sina, reuters, ucl.ac.uk
    assert count_independent([]) == 0


def test_authority_rank_order() -> None:
    order = [P, S, E, N, X, U]
    ranks = [authority_rank(k) for k in order]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == len(ranks)
    assert authority_rank("primary") == authority_rank(P)
    assert authority_rank("bogus") == authority_rank(X)
