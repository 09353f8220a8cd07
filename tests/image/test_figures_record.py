"""The record of figures the image tests measure (dist/image-stop-time.txt) keeps one
line a figure: a run replaces its own lines instead of adding to them. No Docker."""

from image_helpers import record_figure


def test_a_figure_measured_again_replaces_its_line(tmp_path):
    path = str(tmp_path / "dist" / "figures.txt")
    record_figure("docker stop (default services)", "1.10 s", path)
    record_figure("podman stop (read-only root)", "2.20 s", path)
    record_figure("docker stop (default services)", "3.30 s", path)
    with open(path) as stream:
        assert stream.read() == ("docker stop (default services): 3.30 s\n"
                                 "podman stop (read-only root): 2.20 s\n")


def test_a_second_run_leaves_the_record_as_long_as_the_first(tmp_path):
    path = str(tmp_path / "figures.txt")
    lengths = []
    for seconds in ("1.00", "1.50"):
        record_figure("docker stop (a)", seconds + " s", path)
        record_figure("memory limit 64m", "hog started 3 times", path)
        with open(path) as stream:
            lengths.append(len(stream.read().splitlines()))
    assert lengths == [2, 2]
