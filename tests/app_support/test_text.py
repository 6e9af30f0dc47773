"""Text from files and configuration is shown as typed: nothing in it renders as a link, an image or LaTeX."""

import pytest

from customer_segmentation.app_support.text import as_text


@pytest.mark.parametrize("hostile", ["![pixel](http://example.com/p.png)", "[click me](http://example.com)",
                                     "$\\frac{1}{2}$", "<img src=x onerror=alert(1)>", "**bold** _it_ `code`"])
def test_markdown_links_images_latex_and_html_are_escaped(hostile):
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(as_text(hostile))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html and "<em>" not in html
    assert html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .strip().removeprefix("<p>").removesuffix("</p>") == hostile


def test_plain_words_and_numbers_read_the_same():
    assert as_text("High income, high spend") == "High income, high spend"
