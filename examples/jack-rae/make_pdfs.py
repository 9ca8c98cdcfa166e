"""Build the PDF source of the Jack Rae example corpus.

The corpus needs one PDF so that the PDF loader is exercised by the README's main job. This script
writes ``corpus/deepmind-gopher-paper.pdf``: a three-page restatement, in our own words, of the facts
on the first pages of the Gopher paper (DeepMind, 2021). It is not the original paper.

The loader reads ``url:`` and ``published:`` lines from the top of page 1, and the title from the
PDF's /Title entry. fpdf2's core fonts are Latin-1 only, so every string here is plain ASCII.

Usage::

    python examples/jack-rae/make_pdfs.py            # writes into examples/jack-rae/corpus/
    python examples/jack-rae/make_pdfs.py --out DIR
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

TITLE = "Scaling Language Models: Methods, Analysis & Insights from Training Gopher"
URL = (
    "https://storage.googleapis.com/deepmind-media/research/language-research/Training%20Gopher.pdf"
)
PUBLISHED = "2021-12-08"
FILENAME = "deepmind-gopher-paper.pdf"

AUTHORS = (
    "Jack W. Rae, Sebastian Borgeaud, Trevor Cai, Katie Millican, Jordan Hoffmann, Francis Song, "
    "John Aslanides, Sarah Henderson, Roman Ring, Susannah Young, Eliza Rutherford, Tom Hennigan, "
    "Jacob Menick, Albin Cassirer, Richard Powell, George van den Driessche, Lisa Anne Hendricks, "
    "Maribeth Rauh, Po-Sen Huang, Amelia Glaese, Johannes Welbl, Sumanth Dathathri, Saffron Huang, "
    "Jonathan Uesato, John Mellor, Irina Higgins, Antonia Creswell, Nat McAleese, Amy Wu, "
    "Erich Elsen, Siddhant Jayakumar, Elena Buchatskaya, David Budden, Esme Sutherland, "
    "Karen Simonyan, Michela Paganini, Laurent Sifre, Lena Martens, Xiang Lorraine Li, "
    "Adhiguna Kuncoro, Aida Nematzadeh, Elena Gribovskaya, Domenic Donato, Angeliki Lazaridou, "
    "Arthur Mensch, Jean-Baptiste Lespiau, Maria Tsimpoukelli, Nikolai Grigorev, Doug Fritz, "
    "Thibault Sottiaux, Mantas Pajarskas, Toby Pohlen, Zhitao Gong, Daniel Toyama, "
    "Cyprien de Masson d'Autume, Yujia Li, Tayfun Terzi, Vladimir Mikulik, Igor Babuschkin, "
    "Aidan Clark, Diego de Las Casas, Aurelia Guy, Chris Jones, James Bradbury, Matthew Johnson, "
    "Blake Hechtman, Laura Weidinger, Iason Gabriel, William Isaac, Ed Lockhart, Simon Osindero, "
    "Laura Rimell, Chris Dyer, Oriol Vinyals, Kareem Ayoub, Jeff Stanway, Lorrayne Bennett, "
    "Demis Hassabis, Koray Kavukcuoglu and Geoffrey Irving"
)

# Each page is a list of (style, text) blocks; style is "h1", "h2", "meta" or "p".
Page = list[tuple[str, str]]

PAGES: list[Page] = [
    [
        ("meta", f"url: {URL}"),
        ("meta", f"published: {PUBLISHED}"),
        ("h1", TITLE),
        ("p", AUTHORS),
        ("p", "DeepMind. Corresponding authors: jwrae@deepmind.com, geoffreyi@deepmind.com"),
        ("h2", "Abstract (restated)"),
        (
            "p",
            "Language modelling is a step towards systems that communicate intelligently: a model "
            "trained on a large body of written human knowledge learns to predict, and so to "
            "understand, the world better. This paper analyses how Transformer language models "
            "perform as they grow, from models with tens of millions of parameters up to a 280 "
            "billion parameter model that we call Gopher.",
        ),
        (
            "p",
            "We evaluate the models on 152 diverse tasks, and Gopher reaches state-of-the-art "
            "results on most of them. Scale helps most in reading comprehension, fact-checking and "
            "the detection of toxic language; logical and mathematical reasoning improve much less. "
            "We also analyse the training data and the model's behaviour, including how bias and "
            "toxicity change with model size, and we discuss how language models bear on AI safety "
            "and on reducing downstream harms.",
        ),
        ("p", "Keywords: Natural Language Processing, Language Models, Deep Learning"),
    ],
    [
        ("h2", "1 Models and training"),
        (
            "p",
            "We train a family of six Transformer language models whose sizes range from 44 "
            "million to 280 billion parameters. The largest of them is Gopher, and we refer to the "
            "whole set as the Gopher family. Compared with GPT-2 we make two changes to the "
            "architecture: RMSNorm takes the place of LayerNorm, and positions are encoded with "
            "relative rather than absolute encodings.",
        ),
        (
            "p",
            "Every model is trained on 300 billion tokens with a context window of 2048 tokens, "
            "using the Adam optimiser. The text comes from MassiveText, a curated multi-source "
            "dataset of web pages, books, news articles and code that we assembled for this work. "
            "The largest models use the bfloat16 number format for both parameters and activations.",
        ),
        ("h2", "2 Results"),
        (
            "p",
            "Across the 152 tasks, Gopher improves on the best previous language models on roughly "
            "81% of the tasks for which comparable results exist. The gains are clearest in "
            "knowledge-heavy areas such as fact checking and general knowledge.",
        ),
        (
            "p",
            "On MMLU (Massive Multitask Language Understanding), a set of exam-style multiple-choice "
            "questions covering 57 subjects, Gopher closes almost half of the accuracy gap between "
            "GPT-3 and the level of human experts. Its score is also higher than professional "
            "forecasters had expected a model to reach at this time.",
        ),
    ],
    [
        ("h2", "3 Toxicity, bias and dialogue"),
        (
            "p",
            "Larger models are more likely to continue a toxic prompt with toxic text, but they are "
            "also better at recognising toxic language when asked to classify it. We further study "
            "how the models treat different social groups in the text they generate.",
        ),
        (
            "p",
            "Prompted to act as a conversational assistant, Gopher can hold a dialogue on many "
            "topics, and the paper shows sample transcripts that illustrate both what it can do and "
            "where it falls short.",
        ),
        ("h2", "4 Discussion"),
        (
            "p",
            "We close by discussing how such models can be applied ethically and safely: which "
            "unwanted behaviours to reduce before and after training, how safety work can be driven "
            "by applications, and how language models might speed up research towards safer "
            "intelligent systems.",
        ),
        (
            "p",
            "Note: this document is a short paraphrase written for the veracity example corpus. "
            "It restates facts from the Gopher paper and is not the original text.",
        ),
    ],
]


class _PaperPDF(FPDF):
    """A4 document whose footer repeats the paper title and the page number."""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", style="I", size=8)
        self.cell(0, 5, f"{TITLE} - page {self.page_no()}", align="C")


def build_pdf(out_path: Path) -> Path:
    """Write the Gopher paraphrase PDF to ``out_path`` and return the path."""
    pdf = _PaperPDF(format="A4")
    pdf.set_title(TITLE)
    pdf.set_author("Jack W. Rae et al. (DeepMind)")
    pdf.set_subject("Paraphrase of the Gopher paper for the veracity example corpus")
    pdf.set_creator("examples/jack-rae/make_pdfs.py")
    # A fixed date keeps the file byte-identical from run to run.
    pdf.set_creation_date(datetime(2021, 12, 8, tzinfo=UTC))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(18, 18, 18)
    for page in PAGES:
        pdf.add_page()
        for style, text in page:
            if style == "meta":
                pdf.set_font("Helvetica", size=7)
                pdf.multi_cell(0, 4, text, new_x="LMARGIN", new_y="NEXT")
            elif style == "h1":
                pdf.ln(4)
                pdf.set_font("Helvetica", style="B", size=15)
                pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            elif style == "h2":
                pdf.ln(2)
                pdf.set_font("Helvetica", style="B", size=12)
                pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1)
            else:
                pdf.set_font("Helvetica", size=10)
                pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out_path))
    return out_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "corpus",
        help="directory to write the PDF into (default: the example corpus)",
    )
    args = parser.parse_args(argv)
    path = build_pdf(args.out / FILENAME)
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
