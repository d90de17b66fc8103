"""Main-text extraction: boilerplate out, metadata in, clear reasons for pages with no article."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from transforms.extraction import ExtractionFailed, extract_article

PARAGRAPHS = [
    "The harbour authority said on Tuesday that container traffic fell by a fifth in the third quarter, "
    "the steepest drop since the port reopened after the storm two winters ago.",
    "Officials blamed the slowdown on a dispute over night shifts, which has kept two of the five cranes idle "
    "for most of September and pushed shipping lines to divert vessels north.",
    "Dock workers, for their part, said the authority had ignored repeated warnings about staffing levels, "
    "and that the dispute could be settled within days if managers returned to the table.",
]
BOILERPLATE = [
    "We use cookies to improve your experience",
    "Most Read",
    "Subscribe to our newsletter",
    "All rights reserved",
    "Weather tomorrow: rain",
]


def _page(body_paragraphs: list[str]) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body_paragraphs)
    return f"""<!doctype html><html lang="en"><head><title>Port traffic falls | The Test Gazette</title>
<link rel="canonical" href="https://gazette.example/business/port-traffic-falls.html">
<meta property="og:site_name" content="The Test Gazette">
<meta property="article:published_time" content="2024-10-29T08:30:00+01:00">
<meta name="author" content="Ada Lovelace"></head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>Port traffic falls</h1><p class="byline">By Ada Lovelace</p>{paragraphs}</article>
<aside><h2>Most Read</h2><ol><li><a href="/a">Weather tomorrow: rain</a></li>
<li><a href="/b">Council vote</a></li></ol></aside>
</main><section class="newsletter">Subscribe to our newsletter</section>
<footer>Copyright 2024 The Test Gazette. All rights reserved.</footer></body></html>""".encode()


def test_article_paragraphs_only_and_metadata():
    article = extract_article(_page(PARAGRAPHS), "https://gazette.example/business/port-traffic-falls.html?utm=x")
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text
    for junk in BOILERPLATE:
        assert junk not in article.text
    assert article.title.startswith("Port traffic falls")
    assert article.author == "Ada Lovelace"
    assert article.site_name == "The Test Gazette"
    assert article.language == "en"
    assert article.canonical_url == "https://gazette.example/business/port-traffic-falls.html"
    assert article.published_at.isoformat() == "2024-10-29T07:30:00+00:00"


def test_identity_changes_with_the_text_only():
    first = extract_article(_page(PARAGRAPHS), "https://gazette.example/x")
    again = extract_article(_page(PARAGRAPHS), "https://gazette.example/x")
    edited = extract_article(
        _page([*PARAGRAPHS[:2], PARAGRAPHS[2] + " A correction was added."]), "https://gazette.example/x"
    )
    assert first.article_id == again.article_id
    assert first.doc_id == edited.doc_id
    assert first.article_id != edited.article_id


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty_body"),
        (b"   \n", "empty_body"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not_html"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_html"),
        (b"PK\x03\x04\x14\x00\x00\x00", "not_html"),
        (b"<html><body><nav>Home | World</nav><p>Subscribe now.</p></body></html>", "no_main_text"),
    ],
)
def test_pages_without_an_article_say_why(body: bytes, reason: str):
    with pytest.raises(ExtractionFailed) as failure:
        extract_article(body, "https://example.org/page")
    assert failure.value.error_class == reason


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.slow  # a quality measure over a hundred real pages, not a quick check
def test_quality_on_a_sample_of_the_shared_corpus(shared_corpus):
    """Micro-averaged snippet F1 on every 10th page of the real-page corpus stays near trafilatura's own."""
    expected = json.loads((shared_corpus / "extraction" / "expected.json").read_text())
    tp = fn = fp = 0
    for name in sorted(expected)[::10]:
        record = expected[name]
        body = gzip.decompress((shared_corpus / "extraction" / "pages" / name).read_bytes())
        try:
            text = _normalise(extract_article(body, record["url"]).text)
        except ExtractionFailed:
            text = ""
        tp += sum(_normalise(s) in text for s in record["with"])
        fn += sum(_normalise(s) not in text for s in record["with"])
        fp += sum(_normalise(s) in text for s in record["without"])
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    print(f"sample extraction P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    assert f1 > 0.88


def _page_with(before: str, after: str, description: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    meta = f'<meta name="description" content="{description}">' if description else ""
    return f"""<!doctype html><html lang="en"><head><title>Port traffic falls</title>{meta}</head><body>
<article><h1>Port traffic falls</h1>{before}{paragraphs}{after}</article></body></html>""".encode()


STANDFIRST = "Container volumes dropped by a fifth as a dispute over night shifts left cranes idle at the harbour."


def test_a_visible_standfirst_leads_the_text():
    page = _page_with(f'<div class="teaser"><strong>{STANDFIRST}</strong></div>', "", description=STANDFIRST)
    text = extract_article(page, "https://gazette.example/x").text
    assert text.startswith(STANDFIRST)
    assert text.count(STANDFIRST) == 1
    assert PARAGRAPHS[0] in text


def test_a_description_the_page_does_not_show_stays_out():
    hidden = "The best port news, every day, from the most trusted harbour newspaper in the whole wide region."
    text = extract_article(_page_with("", "", description=hidden), "https://gazette.example/x").text
    assert hidden not in text


def test_read_also_teasers_inside_the_body_are_dropped():
    teaser = '<p>Read more: <a href="/other">Council approves the new ferry timetable</a></p>'
    text = extract_article(
        _page_with("", "").replace(b"</p><p>Officials", f"</p>{teaser}<p>Officials".encode()),
        "https://gazette.example/x",
    ).text
    assert "Council approves the new ferry timetable" not in text
    assert all(p in text for p in PARAGRAPHS)


def test_trailing_link_lists_and_prompts_are_cut():
    after = (
        "<p>More on this topic:</p>"
        '<p><a href="/a">Shipping lines divert vessels north</a></p>'
        '<p><a href="/b">Crane operators strike again</a></p>'
        "<p>Sign up for our daily newsletter to get the latest news.</p>"
    )
    text = extract_article(_page_with("", after), "https://gazette.example/x").text
    assert text.rstrip().endswith(PARAGRAPHS[-1])
    for junk in ("More on this topic", "Shipping lines divert", "Crane operators", "newsletter"):
        assert junk not in text


def test_clean_main_text_only_cuts_prompts_and_link_labels_at_the_end():
    from transforms.extraction import clean_main_text

    text = "\n".join(
        [PARAGRAPHS[0], "Residents can subscribe to alerts on the council website.", *PARAGRAPHS[1:], "Home"]
    )
    assert clean_main_text(text, None, "", {"Home"}) == text.removesuffix("\nHome")
