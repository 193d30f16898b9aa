"""Sphinx extension for the Chinese site: its search, with the glossary's words.

Sphinx's Chinese search splits text into words with jieba and stems Latin
words with its English stemmer, but its page script looks for a stemmer
named after the language (``ChineseStemmer``) that it never ships: every
page of a ``language = "zh_CN"`` site then logs an error. This registers the
same search under the stemmer's real name. The words of the course's glossary
(notebooks/zh/GLOSSARY.md) go to jieba as a dictionary (``html_search_options
= {"dict": ...}``), so that 互相关 or 感受野 are found as whole words.
"""

from sphinx.search.zh import SearchChinese


class SearchChineseWithEnglishStemmer(SearchChinese):
    """Chinese search whose page script uses Sphinx's EnglishStemmer, as it ships."""

    language_name = "English"


def setup(app):
    app.add_search_language(SearchChineseWithEnglishStemmer)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
