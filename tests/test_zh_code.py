"""The Chinese code cells: the English program, with Chinese words and comments
(each stored cell is checked in test_translations.py)."""

import pytest
from test_translations import translate
from zh_text import english_share

ENGLISH_SUM = 'total = f"{w / 1e9:.1f} billion"\n'
ENGLISH_SHOW = 'show({"photo": X}, mode="same")\n'


@pytest.mark.parametrize(
    ("english_code", "chinese_code", "same"),
    [
        # Comments and strings may change; a word literal is kept or translated.
        (ENGLISH_SUM, '# 求和\ntotal = f"{w / 1e8:.0f} 亿"\n', True),
        (ENGLISH_SUM, 'total = f"{w / 1e9:.1f} 十亿"  # 注释\n', True),
        (ENGLISH_SUM, 'total = "{w} 亿"\n', True),  # an f-string is one literal
        (ENGLISH_SUM, 'total = f"{w / 1e9:.1f}" "billion" ', True),  # adjacent: one
        (ENGLISH_SUM, 'count = f"{w / 1e9:.1f} billion"\n', False),  # an identifier
        (ENGLISH_SUM, 'total = f"{w / 1e9:.1f} billion" + 1\n', False),  # a token more
        (ENGLISH_SUM, 'total = (f"{w / 1e9:.1f} billion")\n', False),  # brackets
        (ENGLISH_SHOW, 'show({"照片": X}, mode="same")  # 照片\n', True),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="same")\n', True),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="valid")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="va" "lid")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode=f"valid")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="same valid")\n', False),
    ],
)
def test_same_program_allows_only_comments_and_strings_never_another_word(
    english_code, chinese_code, same
):
    assert (translate.same_program(english_code, chinese_code) is None) == same


def test_english_share_counts_english_sentences_not_code():
    lines = [
        "step 2, loss 10.638",  # English
        "Output shape (2, 2), as expected",  # English
        "1: 卷积 2x2: output (2, 2)",  # has Chinese
        "第 2 步，损失 10.638",
        "nn.Conv2d(1, 1, kernel_size=(2, 2), stride=(1, 1)) -> torch.Size([4, 4])",
        "dz/dX = tensor([[1., 2., 1.],",
        "torch.Size([1, 1, 3, 3])",
        "tensor([[1., 2.],",
        "        [3., 4.]], grad_fn=<AddBackward0>)",
        "kernel_size padding_mode",
        "True False",
        "OK",
        "",
        "   ",
    ]
    assert english_share(lines) == (2, 12)
