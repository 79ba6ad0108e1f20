// The 概览 charts: the figures come built from the server (assistant/insights_charts.py) as JSON in the
// page; this only hands each to plotly.js. Without script the page still has the totals and the table.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("charts-data");
  if (!source || !window.Plotly) return;
  const figures = JSON.parse(source.textContent);
  const options = { displayModeBar: false, responsive: true };  // the mode bar is English and mouse-only
  for (const [name, figure] of Object.entries(figures)) {
    const element = document.getElementById(`chart-${name}`);
    if (element) window.Plotly.newPlot(element, figure.data, figure.layout, options);
  }
});
