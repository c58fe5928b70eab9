"""PNG export: names, sizes, atomic writes, refusal to overwrite, Ctrl-C, frames.tex, parallel."""

from __future__ import annotations

import concurrent.futures as cf
import io
import multiprocessing
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from viz_streams import make_quadratic, make_seed

from viz import ExportInterrupted
from viz.export import export_frames_parallel, frame_name
from viz.figures import SceneFigure


def pngs(directory):
    return sorted(directory.glob("frame_*.png"))


def rgba(path):
    """A PNG's pixels as RGBA (opaque frames are stored as RGB)."""
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def test_frame_names_are_zero_padded_to_the_count():
    assert frame_name(0, 10) == "frame_0000.png"
    assert frame_name(9999, 10000) == "frame_9999.png"
    assert frame_name(7, 12345) == "frame_00007.png"


def test_export_writes_every_frame_same_size_with_tex(seed_anim, tmp_path):
    result = seed_anim.save_frames(tmp_path / "out", quiet=True, fps=8)
    files = pngs(tmp_path / "out")
    assert result.count == len(files) == len(seed_anim)
    assert [f.name for f in files] == [frame_name(i, len(seed_anim)) for i in range(len(seed_anim))]
    sizes = {Image.open(f).size for f in files}
    assert sizes == {result.size}
    first = rgba(files[0])
    assert first.shape[:2] == seed_anim.render(0).shape[:2]
    np.testing.assert_array_equal(first, seed_anim.render(0))  # lossless, identical to render()
    tex = (tmp_path / "out" / "frames.tex").read_text()
    last = frame_name(len(seed_anim) - 1, len(seed_anim))[6:-4]
    assert r"\animategraphics" in tex and "{8}{out/frame_}{0000}{" + last + "}" in tex
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left
    assert result.fps > 0


def test_refuses_earlier_frames_unless_overwrite(quad_anim, tmp_path):
    quad_anim.save_frames(tmp_path, quiet=True)
    with pytest.raises(FileExistsError, match="overwrite"):
        quad_anim.save_frames(tmp_path, quiet=True)
    (tmp_path / "frame_0999.png").write_bytes(b"stale")  # from a longer earlier export
    quad_anim.save_frames(tmp_path, quiet=True, overwrite=True)
    assert len(pngs(tmp_path)) == len(quad_anim)


def test_other_files_do_not_count_as_earlier_frames(quad_anim, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    quad_anim.save_frames(tmp_path, quiet=True)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_ctrl_c_leaves_only_complete_frames_and_reports(tmp_path, monkeypatch, capsys):
    anim = make_quadratic(steps=10)
    stop_at = 4
    original = SceneFigure.render

    def interrupted(self, frame, **kwargs):
        if frame == stop_at:
            raise KeyboardInterrupt
        return original(self, frame, **kwargs)

    monkeypatch.setattr(SceneFigure, "render", interrupted)
    with pytest.raises(ExportInterrupted) as info:
        anim.save_frames(tmp_path, quiet=False)
    assert isinstance(info.value, KeyboardInterrupt)
    assert info.value.written == stop_at and info.value.total == len(anim)
    files = pngs(tmp_path)
    assert len(files) == stop_at
    for f in files:
        Image.open(f).load()  # every file left is a complete PNG
    assert not (tmp_path / "frames.tex").exists()
    assert f"{stop_at} of {len(anim)} frames complete" in capsys.readouterr().err
    anim.close()


def test_interrupted_overwrite_keeps_the_earlier_export_whole(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    make_quadratic(steps=6).save_frames(out, quiet=True, fps=5)
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    anim = make_quadratic(steps=10)
    original = SceneFigure.render

    def interrupted(self, frame, **kwargs):
        if frame == 4:
            raise KeyboardInterrupt
        return original(self, frame, **kwargs)

    monkeypatch.setattr(SceneFigure, "render", interrupted)
    with pytest.raises(ExportInterrupted) as info:
        anim.save_frames(out, quiet=False, overwrite=True)
    assert info.value.written == 0 and "unchanged" in str(info.value)
    assert {f.name: f.read_bytes() for f in out.iterdir()} == before  # not one file touched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    assert "earlier export" in capsys.readouterr().err
    monkeypatch.undo()
    anim.save_frames(out, quiet=True, overwrite=True)  # then a complete overwrite replaces it all
    assert len(pngs(out)) == len(anim) and (out / "frames.tex").read_bytes() != before["frames.tex"]
    anim.close()


def test_ctrl_c_while_writing_a_file_leaves_no_partial_file(tmp_path, monkeypatch):
    # Serial frames are written in place in the staging folder: a Ctrl-C halfway through the
    # third frame's bytes must not publish that part of a file.
    import viz.export.frames as frames_module

    anim = make_quadratic(steps=4)
    calls = []
    real_write = frames_module._write_staged

    def write(path, data):
        calls.append(path)
        if len(calls) == 3:
            path.write_bytes(data[: len(data) // 2])
            raise KeyboardInterrupt  # halfway through writing the file
        return real_write(path, data)

    monkeypatch.setattr(frames_module, "_write_staged", write)
    with pytest.raises(ExportInterrupted) as info:
        anim.save_frames(tmp_path, quiet=True)
    assert info.value.written == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [frame_name(0, len(anim)), frame_name(1, len(anim))]
    for f in pngs(tmp_path):
        Image.open(f).load()
    anim.close()


def test_ctrl_c_while_writing_frames_tex_leaves_no_partial_file(tmp_path, monkeypatch):
    # frames.tex still goes through a temporary file and a rename (`write_atomic`)
    import os

    anim = make_quadratic(steps=4)
    real_replace = os.replace

    def replace(src, dst):
        if str(dst).endswith("frames.tex"):
            raise KeyboardInterrupt  # between writing the temporary file and renaming it
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ExportInterrupted) as info:
        anim.save_frames(tmp_path, quiet=True)
    assert info.value.written == len(anim)
    assert sorted(p.name for p in tmp_path.iterdir()) == [frame_name(i, len(anim)) for i in range(len(anim))]
    anim.close()


def test_quiet_export_prints_nothing(quad_anim, tmp_path, capsys):
    quad_anim.save_frames(tmp_path, quiet=True)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_falls_back_without_tqdm(quad_anim, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    quad_anim.save_frames(tmp_path, quiet=False)
    err = capsys.readouterr().err
    assert f"{len(quad_anim)}/{len(quad_anim)} frames" in err


def test_parallel_export_matches_serial(tmp_path):
    anim = make_seed(inner=3)
    serial = anim.save_frames(tmp_path / "serial", quiet=True)
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        parallel = anim.save_frames(tmp_path / "parallel", quiet=True, executor=pool)
    assert parallel.count == serial.count == len(anim) and parallel.size == serial.size
    for a, b in zip(pngs(tmp_path / "serial"), pngs(tmp_path / "parallel"), strict=True):
        assert a.name == b.name
        np.testing.assert_array_equal(np.asarray(Image.open(a)), np.asarray(Image.open(b)))
    assert (tmp_path / "parallel" / "frames.tex").exists()
    anim.close()


def test_parallel_export_with_the_default_pool_and_many_chunks(tmp_path):
    anim = make_quadratic(n=3, steps=5)  # a slice problem: grids computed per chunk
    result = export_frames_parallel(anim.scene, tmp_path, chunks=4, quiet=True)
    assert result.count == len(anim) == len(pngs(tmp_path))
    np.testing.assert_array_equal(rgba(pngs(tmp_path)[3]), anim.render(3))
    anim.close()


class _SerialExecutor(cf.Executor):
    """A stand-in for a cluster executor: runs tasks when submitted (after a pickle round trip)."""

    def __init__(self):
        self.tasks = 0

    def submit(self, fn, /, *args, **kwargs):
        import pickle

        self.tasks += 1
        future = cf.Future()
        fn, args, kwargs = pickle.loads(pickle.dumps((fn, args, kwargs)))
        future.set_result(fn(*args, **kwargs))
        return future


def test_any_executor_receives_plain_picklable_work(tmp_path):
    anim = make_seed(inner=2)
    executor = _SerialExecutor()
    result = anim.save_frames(tmp_path, quiet=True, executor=executor)
    assert executor.tasks >= 1 and result.count == len(anim)
    anim.close()


def test_png_bytes_decode_with_pillow(quad_anim, tmp_path):
    quad_anim.save_frames(tmp_path, quiet=True)
    data = (tmp_path / frame_name(2, len(quad_anim))).read_bytes()
    image = Image.open(io.BytesIO(data))
    # the figure is opaque, so the frame is stored as RGB: a quarter fewer bytes to deflate
    assert image.mode == "RGB" and image.info["dpi"][0] == pytest.approx(60, abs=0.01)


CTRL_C_SCRIPT = r"""
import sys
sys.path.insert(0, {tests!r})
from viz_streams import seed_penalty_stream, seed_F
from viz import Animator, ExportInterrupted
anim = Animator(seed_penalty_stream(inner=120, max_outer=6, tol=1e-12, epsilon=0.0), surface_of_M=seed_F,
                figsize=(3.2, 1.8), dpi=50, grid=16)
print(len(anim), flush=True)
try:
    anim.save_frames(sys.argv[1], parallel=True, quiet=True)
except ExportInterrupted as error:
    print("interrupted", error.written, flush=True)
    sys.exit(130)
print("finished", flush=True)
"""


def test_ctrl_c_stops_a_parallel_export_quickly_leaving_complete_frames(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    out = tmp_path / "frames"
    script = CTRL_C_SCRIPT.format(tests=str(Path(__file__).parent))
    proc = subprocess.Popen([sys.executable, "-c", script, str(out)], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group, as a terminal's job
    deadline = time.time() + 60
    staged = tmp_path / ".frames.optviz-tmp-*" / "frame_*.png"  # built beside the target, then moved in
    while len(list(tmp_path.glob(str(staged.relative_to(tmp_path))))) < 20 and time.time() < deadline \
            and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the parent and its workers
    stdout, _ = proc.communicate(timeout=30)
    total = int(stdout.split()[0])
    if "finished" in stdout:
        pytest.skip("the export finished before Ctrl-C arrived")
    assert proc.returncode == 130
    written = int(stdout.split("interrupted")[1].split()[0])
    files = pngs(out)
    assert 0 < written == len(files) < total
    for f in files:
        Image.open(f).load()
    assert not list(out.glob(".*")) and not list(tmp_path.glob(".*"))  # no temporary file or folder


def test_a_folder_whose_parent_is_read_only_is_staged_inside_it(quad_anim, tmp_path, monkeypatch):
    import tempfile

    real = tempfile.mkdtemp
    out = tmp_path / "out"

    def parent_read_only(prefix=None, dir=None, **kwargs):
        if Path(dir) == tmp_path:
            raise PermissionError(13, "Permission denied", str(dir))
        return real(prefix=prefix, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", parent_read_only)
    quad_anim.save_frames(out, quiet=True)
    assert len(pngs(out)) == len(quad_anim) and not list(out.glob(".*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
