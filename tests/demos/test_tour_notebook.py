"""demos/tour.ipynb runs headless, top to bottom, and shows the whole animation inline."""

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "demos" / "tour.ipynb"


def test_tour_runs_and_embeds_every_frame(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Converged" in texts
    cosines = re.search(r"cosines between steps: \[(.*?)\]", texts).group(1).split(", ")
    assert all(abs(float(c)) < 1e-8 for c in cosines)
    html = nb.cells[-1].outputs[0]["data"]["text/html"]
    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64', html)
    expected = re.search(r"new Array\((\d+)\)", html).group(1)
    assert len(frames) == int(expected) >= 30
