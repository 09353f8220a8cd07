"""What tools/bench.py and tools/bench_image.py share to show their figures: a Markdown
table, and matplotlib (when installed) to draw and save a chart."""


def markdown_table(header, rows):
    """HEADER and each of ROWS are lists of cell texts."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ratio_cell(value):
    return "-" if value is None else "%.2f" % value


def pyplot():
    """matplotlib.pyplot on the file-only Agg backend; None when matplotlib is not installed
    (the chart is optional: bench.sh's venv has it, a bare python3 may not)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save_chart(plt, figure, title, path):
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
