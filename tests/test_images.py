"""images/ holds exactly what scripts/make_images.py draws, and nothing stale.

The test regenerates every image into a temporary folder and compares bytes.
An SVG file is text written by the course itself: its bytes must match on any
machine. The PNGs and GIFs carry no timestamp or software tag, and the same
matplotlib, FreeType and Pillow give the same bytes on every run. Another
version of them draws different pixels anyway (antialiasing, text hinting,
compression), so no comparison, byte or pixel, could say "stale" there;
images/rendered-with.json records the versions that drew the committed
raster files, and on another stack only what does not depend on the renderer
is compared: pixel size (to within one pixel), frame count and frame durations.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from svg_checks import parse, texts

from d2lconv.picture import Picture

ROOT = Path(__file__).resolve().parent.parent
IMAGES_DIR = ROOT / "images"
REGENERATE = ".venv/bin/python scripts/make_images.py"


def load_generator():
    path = ROOT / "scripts" / "make_images.py"
    spec = importlib.util.spec_from_file_location("make_images", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_images = load_generator()
NAMES = sorted(make_images.IMAGES)
RASTER = [name for name in NAMES if not name.endswith(".svg")]


def all_text(drawn):
    """Every string written on a Picture (its SVG) or a Figure."""
    if isinstance(drawn, Picture):
        return "\n".join(texts(parse(drawn.svg)))
    found = drawn.findobj(match=lambda artist: hasattr(artist, "get_text"))
    return "\n".join(t.get_text() for t in found)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """A fresh copy of every image, and the text on each (first frame of a GIF)."""
    out = tmp_path_factory.mktemp("images")
    texts = {}

    def inspect(name, drawn):
        texts[name] = all_text(drawn[0] if isinstance(drawn, list) else drawn)

    make_images.generate(out, inspect=inspect)
    return out, texts


def same_stack():
    committed = json.loads((IMAGES_DIR / make_images.STACK_FILE).read_text())
    return committed == make_images.rendering_stack(), committed


def test_images_folder_holds_exactly_the_generated_files():
    expected = set(NAMES) | {make_images.STACK_FILE}
    present = {p.name for p in IMAGES_DIR.iterdir()}
    assert not expected - present, f"missing: run {REGENERATE}"
    assert not present - expected, "files in images/ that nothing generates"


def test_every_topic_has_an_image():
    topics = [
        "no-padding",
        "padding",
        "stride",
        "dilation",
        "padding-modes",
        "multi-in",
        "multi-out",
        "1x1",
        "max",
        "avg",
        "transposed",
    ]
    for topic in topics:
        assert any(topic in name for name in NAMES), topic
    assert any(name.endswith(".gif") for name in NAMES)
    assert any(name.endswith(".svg") for name in NAMES)


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".svg")])
def test_svg_image_shows_its_numbers_as_text(name):
    root = parse((IMAGES_DIR / name).read_text(encoding="utf-8"))
    numbers = [t for t in texts(root) if t.lstrip("-\u2212").isdigit()]
    assert len(numbers) >= 8, f"{name} holds {len(numbers)} numbers as text"


@pytest.mark.parametrize("name", NAMES)
def test_image_is_under_300_kb(name):
    size = (IMAGES_DIR / name).stat().st_size
    assert size < 300 * 1024, f"{name} is {size / 1024:.0f} KB"


@pytest.mark.parametrize("name", NAMES)
def test_image_is_labelled_with_input_output_and_sizes(name, regenerated):
    text = regenerated[1][name].lower()
    assert "input" in text
    assert "output" in text or "padded" in text
    size = r"\d+\s*[x\u00d7]\s*\d+|\(\d+(, \d+)+\)"
    assert re.search(size, text), "no size such as 3x3 or (2, 4, 4)"


def frames(path):
    """Pixel size, and the duration of each frame (one entry for a PNG)."""
    with Image.open(path) as image:
        durations = []
        for k in range(getattr(image, "n_frames", 1)):
            image.seek(k)
            durations.append(image.info.get("duration"))
        return image.size, durations


@pytest.mark.parametrize("name", RASTER)
def test_committed_image_has_the_regenerated_size_and_frames(name, regenerated):
    out, _ = regenerated
    (width, height), durations = frames(IMAGES_DIR / name)
    (new_width, new_height), new_durations = frames(out / name)
    stale = f"images/{name} is stale: run {REGENERATE}"
    assert durations == new_durations, stale
    # Matplotlib versions round a fractional pixel size differently (a
    # 10.8-inch figure at 80 dpi is 863 or 864 pixels), so allow one pixel.
    assert abs(width - new_width) <= 1 and abs(height - new_height) <= 1, (
        f"{stale} (committed {width}x{height}, regenerated {new_width}x{new_height})"
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_image_equals_regenerated_bytes(name, regenerated):
    same, committed = same_stack()
    if not same and not name.endswith(".svg"):
        pytest.skip(
            f"images/ was drawn with {committed}, this environment has "
            f"{make_images.rendering_stack()}: bytes can only match on the same "
            "versions (size and frames are still compared)"
        )
    out, _ = regenerated
    assert (IMAGES_DIR / name).read_bytes() == (out / name).read_bytes(), (
        f"images/{name} is stale: run {REGENERATE}"
    )
