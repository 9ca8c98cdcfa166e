"""The local corpus: folders of html/md/txt/pdf files searched offline (``--corpus DIR``).

``LocalCorpus`` implements the search-provider protocol over an on-disk hybrid index that is
reused between runs; ``load_file`` and ``split_passages`` are the two steps it applies to each
file.
"""

from veracity.corpus.index import LocalCorpus
from veracity.corpus.loaders import SUPPORTED_SUFFIXES, iter_corpus_files, load_file
from veracity.corpus.passages import split_passages

__all__ = ["SUPPORTED_SUFFIXES", "LocalCorpus", "iter_corpus_files", "load_file", "split_passages"]
