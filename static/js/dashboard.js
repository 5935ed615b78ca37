// Draws the dashboards' charts with Chart.js (served from node_modules, loaded just
// before this file). Each <canvas data-chart="ID"> is drawn from the JSON data block
// <script type="application/json" id="ID"> the page carries (Django's json_script):
//   {"type": "bar", "horizontal": bool, "format": "count" | "rupiah" | "hours",
//    "labels": [...], "series": [{"label": "...", "values": [number | null, ...]}],
//    "palette": bool, "stacked": bool}
// With several series (BLKKs by grade per province), each series has a colour of its
// own and a legend; "stacked" stacks them in one bar per label.
// No inline script or style: the CSP allows neither, and Chart.js sets its sizes
// through the CSSOM, which it does not restrict. The figures are also in the table
// beside each chart; the canvas is hidden from screen readers.
"use strict";

(() => {
  if (typeof Chart === "undefined") {
    return;
  }
  const lang = document.documentElement.lang || "id";
  const css = getComputedStyle(document.documentElement);
  const cssColor = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const brand = cssColor("--brand", "#0b6e4f");
  const ink = cssColor("--ink", "#1d2a35");
  const muted = cssColor("--muted", "#4d5c68");
  const grid = cssColor("--line", "#c9d3db");
  // One colour per outcome, in OUTCOME_STATUSES' order (employed first).
  const PALETTE = ["#0b6e4f", "#2a9d8f", "#3a6ea5", "#7b4fa0", "#c98a00", "#8a939b"];

  const whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const compact = new Intl.NumberFormat(lang, {
    notation: "compact",
    maximumFractionDigits: 1,
  });

  // As the portal's template filters write them: `Rp 1.250.000`, `1.234`, `12,75`.
  const full = (kind, value) => {
    if (value === null || value === undefined) {
      return "\u2013";
    }
    if (kind === "rupiah") {
      return "Rp\u00a0" + whole.format(value);
    }
    return kind === "hours" ? decimal.format(value) : whole.format(value);
  };
  // Axis ticks stay short on a phone: `Rp 1,3 M`, `12 rb`.
  const tick = (kind, value) => {
    const text = Math.abs(value) >= 10000 ? compact.format(value) : decimal.format(value);
    return kind === "rupiah" ? "Rp\u00a0" + text : text;
  };
  const shorten = (text, length) =>
    text.length > length ? text.slice(0, length - 1) + "\u2026" : text;

  const draw = (canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    const data = JSON.parse(source.textContent);
    const horizontal = Boolean(data.horizontal);
    const stacked = Boolean(data.stacked);
    const several = data.series.length > 1;
    const kind = data.format || "count";
    const valueAxis = horizontal ? "x" : "y";
    const categoryAxis = horizontal ? "y" : "x";
    if (horizontal) {
      // One bar per row, tall enough to tap and read whatever the number of rows.
      const box = canvas.closest("[data-chart-box]");
      box.style.height = `${Math.max(140, data.labels.length * 30 + 40)}px`;
    }
    const narrow = window.matchMedia("(max-width: 30rem)").matches;
    const labelLength = narrow ? 18 : 34;
    new Chart(canvas, {
      type: data.type || "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map((series, seriesIndex) => ({
          label: series.label,
          data: series.values,
          backgroundColor: data.palette
            ? data.labels.map((_label, index) => PALETTE[index % PALETTE.length])
            : several
              ? PALETTE[seriesIndex % PALETTE.length]
              : brand,
          borderRadius: 3,
          maxBarThickness: 32,
        })),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: lang,
        plugins: {
          legend: { display: several, labels: { color: ink } },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${full(kind, item.parsed[valueAxis])}`,
            },
          },
        },
        scales: {
          [valueAxis]: {
            stacked,
            beginAtZero: true,
            grid: { color: grid },
            ticks: {
              color: muted,
              precision: kind === "hours" ? undefined : 0,
              callback: (value) => tick(kind, value),
            },
          },
          [categoryAxis]: {
            stacked,
            grid: { display: false },
            ticks: {
              color: ink,
              autoSkip: !horizontal,
              maxRotation: 0,
              callback(value) {
                return shorten(String(this.getLabelForValue(value)), labelLength);
              },
            },
          },
        },
      },
    });
  };

  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    draw(canvas);
  }
})();
