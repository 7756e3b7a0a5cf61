/* Report chart: the page's table drawn with Chart.js (served from /vendor, never a CDN). */
(function () {
  "use strict";
  const data = document.getElementById("report-data");
  const canvas = document.getElementById("report-chart");
  if (!data || !canvas || !window.Chart) return;
  const report = JSON.parse(data.textContent);
  const numeric = (i) => report.rows.some((r) => typeof r[i] === "number") &&
    report.rows.every((r) => r[i] == null || typeof r[i] === "number");
  const series = [];
  for (let i = 1; i < report.columns.length && series.length < 6; i += 1) {
    if (numeric(i) && !/_id$/.test(report.keys[i])) series.push(i);
  }
  const overTime = ["day", "hour", "month"].includes(report.keys[0]);
  canvas.chart = new window.Chart(canvas, {
    type: overTime ? "line" : "bar",
    data: {
      labels: report.rows.map((r) => String(r[0] == null ? "–" : r[0])),
      datasets: series.map((i) => ({ label: report.columns[i], data: report.rows.map((r) => r[i]) })),
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               interaction: { mode: "index", intersect: false } },
  });
  canvas.dataset.drawn = "1";
}());
