"""What tools/bench.py and tools/bench_image.py share to show their figures: a Markdown
table, and a chart drawn with matplotlib when it is installed."""


def markdown_table(header, rows):
    """HEADER and each of ROWS are lists of cell texts."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratio_cell(value):
    return "-" if value is None else "%.2f" % value


def save_chart(path, title, grid, size, draw):
    """A figure of GRID (rows, columns) panels, SIZE inches, filled by DRAW(axes), saved to
    PATH under TITLE. False, with nothing written, when matplotlib is not installed (the
    chart is optional: the benches' venv has it, a bare python3 may not)."""
    try:
        import matplotlib
    except ImportError:
        return False
    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(*grid, figsize=size)
    draw(axes)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True
