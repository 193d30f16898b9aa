"""d2lconv: the code shared by the notebooks of a hands-on course on convolution."""

# Each block below belongs to one module; keep the names sorted inside a block.

# device.py
from .device import default_device

# shapes.py
# ops.py
# grid.py / sweep.py / stack.py / receptive.py
from .grid import draw_grid, grid_figure

# drawing.py
# explorers (widgets)
# cost.py
# exercises.py

__version__ = "0.1.0"
