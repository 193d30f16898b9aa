"""The texts the notebooks pass to the package are shown in Chinese.

The code cells are shared by both editions, so ``expect_close(Y, want, "the
output")`` passes the same English text in either; the package looks it up as
it is (``d2lconv.i18n.given``). That every such text has an entry is
``test_i18n``'s check; here: what a student sees.
"""

import pytest
from zh_text import assert_chinese

from d2lconv import i18n, i18n_check


@pytest.fixture
def zh():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def notebook_texts():
    """The texts the English notebooks pass to the package (and to ``tr``)."""
    template = i18n_check.extract(i18n_check.ROOT)
    return [m.id for m in template if any(".ipynb" in f for f, _ in m.locations)]


def test_every_text_the_notebooks_pass_reads_as_chinese(zh):
    texts, before = notebook_texts(), set(i18n.missing())
    assert "the gradient counts the same windows" in texts
    for text in texts:
        shown = i18n.given(text) if "{" not in text else i18n.tr(text)
        # Names of tensors ("K", "K.T") are the same in both editions.
        if any(c.isalpha() and c.islower() for c in text):
            assert_chinese(shown, f"given({text!r})")
    assert set(i18n.missing()) == before


def test_a_title_made_with_tr_and_a_student_s_own_stay_as_they_are(zh):
    made = i18n.tr("windows that use each pixel ({k}x{k} kernel)", k=3)
    assert "3x3" in made and i18n.given(made) is made
    assert i18n.given("我的标题") == "我的标题"
    assert i18n.given(None) is None


def test_an_unknown_text_is_shown_in_english_and_remembered(zh):
    text = "a text no notebook passes, 4 words"
    try:
        assert i18n.given(text) == text
        assert text in i18n.missing()
    finally:
        i18n._missing.discard(text)


def test_given_is_the_text_itself_in_english():
    assert i18n.language() == "en"
    for text in ("the output", "corr2d with K_vertical", "a text of a student"):
        assert i18n.given(text) is text
