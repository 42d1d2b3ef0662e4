// ECharts wrappers: one instance per chart element, kept in HS.charts so pages and tests can find them.
"use strict";
HS.charts = {};

HS.disposeCharts = function () {
  for (const chart of Object.values(HS.charts)) chart.dispose();
  HS.charts = {};
};

window.addEventListener("resize", () => Object.values(HS.charts).forEach((chart) => chart.resize()));

// series: [{name, values, type?}] where values line up with dates; null values leave gaps.
HS.lineChart = function (id, title, dates, series, { percent = false, unit = "" } = {}) {
  const chart = echarts.init(document.getElementById(id));
  const scale = percent ? 100 : 1;
  chart.setOption({
    animation: false,
    title: { text: title, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", valueFormatter: (value) => (value === null || value === undefined ? "无数据" : value + (percent ? "%" : unit)) },
    legend: { bottom: 0 },
    grid: { left: 50, right: 20, top: 40, bottom: 50 },
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", axisLabel: { formatter: "{value}" + (percent ? "%" : unit) }, max: percent ? 100 : null },
    series: series.map((item) => ({
      name: item.name,
      type: item.type || "line",
      connectNulls: false,
      showSymbol: dates.length <= 31,
      data: item.values.map((value) => (value === null || value === undefined ? null : +(value * scale).toPrecision(4))),
    })),
  });
  HS.charts[id] = chart;
  return chart;
};

HS.barChart = function (id, title, categories, values, unit = "") {
  const chart = echarts.init(document.getElementById(id));
  chart.setOption({
    animation: false,
    title: { text: title, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, top: 40, bottom: 60 },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 8 ? 30 : 0 } },
    yAxis: { type: "value", axisLabel: { formatter: "{value}" + unit } },
    series: [{ type: "bar", data: values, label: { show: categories.length <= 20, position: "top" } }],
  });
  HS.charts[id] = chart;
  return chart;
};
