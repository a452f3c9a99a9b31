"""The report's figures as PNG files: confusion matrix, reliability diagram, latency histogram.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global backend, safe off the main thread).
matplotlib is imported when plotting, not at import; without it `write_plots` returns no plots and the report
says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DPI = 110


def write_plots(summary: dict[str, Any], rows: Sequence[dict[str, Any]], folder: Path) -> dict[str, Path]:
    """Write the figures under `folder`; return their paths by name (empty when matplotlib is missing)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        return {}
    folder.mkdir(parents=True, exist_ok=True)
    title = f"{summary['dataset']} ({summary['claims']} claims)"
    drawings: dict[str, Callable[[Any], None]] = {  # each draws on a matplotlib Figure
        "confusion_matrix": lambda fig: _confusion(fig, summary, title),
        "reliability": lambda fig: _reliability(fig, summary, title),
        "latency": lambda fig: _latency(fig, [float(r["timings"]["total_ms"]) for r in rows], summary, title),
    }
    paths = {}
    for name, draw in drawings.items():
        figure = Figure(figsize=(6.4, 5.2), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        paths[name] = folder / f"{name}.png"
        figure.savefig(paths[name])
    return paths


def _short(label: str) -> str:
    return {"NOT_ENOUGH_INFO": "NEI", "CONFLICTING": "CONFL."}.get(label, label)


def _confusion(figure: Any, summary: dict[str, Any], title: str) -> None:
    matrix, labels = summary["confusion_matrix"], [_short(label) for label in summary["labels"]]
    axes = figure.add_subplot()
    image = axes.imshow(matrix, cmap="Blues", vmin=0)
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            axes.text(j, i, str(count), ha="center", va="center", fontsize=13,
                      color="white" if count > peak * 0.6 else "black")
    axes.set_xticks(range(len(labels)), labels)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title(f"Confusion matrix — {title}\naccuracy {summary['accuracy']:.3f}, "
                   f"macro-F1 {summary['macro_f1']:.3f} ({summary['scoring']['name']})")
    figure.colorbar(image, ax=axes, label="claims")


def _reliability(figure: Any, summary: dict[str, Any], title: str) -> None:
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    curve = summary["reliability_curve"]
    centres = [(b["lo"] + b["hi"]) / 2 for b in curve]
    bars = axes.bar(centres, [b["accuracy"] for b in curve], width=0.09, color="tab:blue", alpha=0.75,
                    label="accuracy in bin")
    axes.scatter([b["mean_confidence"] for b in curve], [b["accuracy"] for b in curve], color="tab:red",
                 zorder=3, label="mean confidence in bin")
    for bar, item in zip(bars, curve, strict=True):  # claims per bin, written at the foot of its bar
        axes.annotate(f"n={item['count']}", (bar.get_x() + bar.get_width() / 2, 0), xytext=(0, 4),
                      textcoords="offset points", ha="center", fontsize=8)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.08)
    axes.set_xlabel("confidence")
    axes.set_ylabel("accuracy")
    axes.set_title(f"Reliability — {title}\nECE {summary['expected_calibration_error']:.3f} (10 bins)")
    axes.legend(loc="upper left", fontsize=8)


def _latency(figure: Any, latencies_ms: Sequence[float], summary: dict[str, Any], title: str) -> None:
    axes = figure.add_subplot()
    axes.hist(latencies_ms, bins=min(30, max(5, len(latencies_ms) // 3)), color="tab:green", alpha=0.8)
    latency = summary["latency"]
    for key, style in (("p50_ms", "-"), ("p95_ms", "--")):
        axes.axvline(latency[key], color="black", linestyle=style,
                     label=f"{key.removesuffix('_ms')} {latency[key]:.0f} ms")
    axes.set_xlabel("check latency (ms)")
    axes.set_ylabel("claims")
    axes.set_title(f"Latency — {title}\nmean {latency['mean_ms']:.0f} ms, "
                   f"{latency['throughput_per_s']:.2f} claims/s back to back")
    axes.legend(fontsize=8)
