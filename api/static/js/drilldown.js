// Company page with its charts, then station and household drill-down.
"use strict";

function needLogin(view) {
  view.replaceChildren(HS.el("h1", {}, "需要登录"),
    HS.el("p", {}, "该页面包含未公布的数据，请先", HS.el("a", { href: "#/login" }, "登录"), "。"));
}

function rangeToolbar(baseHash, range, exportPath) {
  const from = HS.el("input", { type: "date", id: "range-from", value: range.from });
  const to = HS.el("input", { type: "date", id: "range-to", value: range.to });
  const go = HS.el("button", { type: "button", onclick: () => { location.hash = baseHash + "?from=" + from.value + "&to=" + to.value + (range.season ? "&season=" + range.season : ""); } }, "查询");
  const exports = exportPath ? ["csv", "xlsx"].map((format) => HS.el("button", { type: "button", onclick: () => HS.download(
    exportPath + "?from=" + range.from + "&to=" + range.to + "&format=" + format, baseHash.split("/").pop() + "-每日指标." + format) }, "导出 " + format.toUpperCase())) : [];
  return HS.el("div", { class: "toolbar" }, "从", from, "到", to, go, ...exports);
}

async function resolveRange(query) {
  const fallback = await HS.defaultRange();
  return { from: query.from || fallback.from, to: query.to || fallback.to, season: query.season || fallback.season };
}

function dailyCharts(daily) {
  const dates = daily.days.map((day) => day.date);
  const pick = (name) => daily.days.map((day) => day[name]);
  HS.lineChart("chart-compliance", "每日室温达标率", dates, [{ name: "室温达标率", values: pick("compliance_rate") }], { percent: true });
  HS.lineChart("chart-lowhigh", "低温率 / 高温率", dates,
    [{ name: "低温率（< " + daily.compliance_floor_c + " °C）", values: pick("low_rate") }, { name: "高温率（> " + daily.high_temp_c + " °C）", values: pick("high_rate") }],
    { percent: true });
  HS.lineChart("chart-interruptions", "停热次数与时长", dates,
    [{ name: "停热次数", values: pick("interruptions"), type: "bar" }, { name: "停热时长（小时）", values: pick("interruption_hours"), type: "bar" }]);
  HS.lineChart("chart-heat", "单位面积耗热量（GJ/m²）", dates, [{ name: "单位面积耗热量", values: pick("heat_gj_per_m2") }]);
}

function chartCards() {
  return HS.el("div", { class: "grid" },
    ["chart-compliance", "chart-lowhigh", "chart-interruptions", "chart-heat"].map((id) => HS.el("div", { class: "card" }, HS.el("div", { id, class: "chart" }))));
}

function resultCard(detail, explanation) {
  if (!detail || !detail.result) return HS.el("div", { class: "card" }, HS.el("h2", {}, "年度考核结果"), HS.el("p", { class: "note" }, (detail && detail.reason) || "暂无考核结果"));
  const result = detail.result;
  return HS.el("div", { class: "card", id: "result-card" },
    HS.el("h2", {}, detail.season + " 供暖期考核结果", " ", HS.el("span", { class: result.published ? "tag ok" : "tag pending" }, result.published ? "已公布" : "未公布")),
    HS.el("p", {}, "总分 ", HS.el("strong", {}, HS.number(result.total, 2)), " 分；等级 ", HS.el("strong", {}, result.grade), "；排名 ", result.rank ?? "—"),
    result.consequences.length ? HS.el("ul", {}, result.consequences.map((item) => HS.el("li", {}, item.title + (item.reason ? "：" + item.reason : "")))) : null,
    explanation && explanation.text ? HS.el("pre", { class: "note" }, explanation.text) : null);
}

HS.routes.unit = async function (view, [code], query) {
  if (!HS.me) { needLogin(view); return; }
  const range = await resolveRange(query);
  const unitPath = "/api/v1/units/" + encodeURIComponent(code);
  const span = "?from=" + range.from + "&to=" + range.to;
  const [unit, daily, completeness, stations] = await Promise.all([
    HS.api(unitPath), HS.api(unitPath + "/daily" + span), HS.api(unitPath + "/completeness" + span),
    HS.api("/api/v1/stations?limit=1000&unit=" + encodeURIComponent(code))]);
  let detail = null, explanation = null;
  if (range.season) {
    const resultPath = "/api/v1/seasons/" + range.season + "/results/" + encodeURIComponent(code);
    [detail, explanation] = await Promise.all([HS.api(resultPath), HS.api(resultPath + "/explanation")]);
  }
  const stationRows = completeness.stations.map((row) => HS.el("tr", {},
    HS.el("td", {}, HS.el("a", { href: "#/station/" + row.station + span }, row.name), " ", HS.el("span", { class: "note" }, row.station)),
    HS.el("td", { class: "num" }, row.measured_households), HS.el("td", { class: "num" }, row.reporting_households),
    HS.el("td", { class: "num" }, row.valid_household_days + " / " + row.expected_household_days),
    HS.el("td", { class: "num" }, HS.percent(row.completeness))));
  view.replaceChildren(
    HS.el("h1", {}, unit.name + "（" + unit.code + "）"),
    rangeToolbar("#/unit/" + code, range, unitPath.replace("/api/v1/units", "/api/v1/exports/units") + "/daily"),
    resultCard(detail, explanation),
    ...daily.notes.map((note) => HS.el("p", { class: "note" }, note)),
    chartCards(),
    HS.el("div", { class: "card", id: "completeness" }, HS.el("h2", {}, "数据完整率 ", HS.percent(completeness.completeness)),
      completeness.warnings.length ? completeness.warnings.map((text) => HS.el("div", { class: "warn" }, text)) : HS.el("p", { class: "note" }, "没有需要关注的数据缺失。"),
      HS.table(["热力站", "测温户", "有读数户", "有效户日 / 应有户日", "完整率"], stationRows)),
    HS.el("p", { class: "note" }, "共 " + stations.count + " 个热力站。"));
  dailyCharts(daily);
};

HS.routes.station = async function (view, [code], query) {
  if (!HS.me) { needLogin(view); return; }
  const range = await resolveRange(query);
  const span = "?from=" + range.from + "&to=" + range.to;
  const [station, daily, households] = await Promise.all([
    HS.api("/api/v1/stations/" + encodeURIComponent(code)), HS.api("/api/v1/stations/" + encodeURIComponent(code) + "/daily" + span),
    HS.api("/api/v1/households?limit=1000&station=" + encodeURIComponent(code))]);
  const rows = households.data.map((item) => HS.el("tr", {},
    HS.el("td", {}, HS.el("a", { href: "#/household/" + item.code + span }, item.code)), HS.el("td", {}, item.building ?? "—"),
    HS.el("td", { class: "num" }, item.floor ?? "—"), HS.el("td", {}, item.measured ? "是" : "否"),
    HS.el("td", {}, item.excluded ? "不参与（" + item.exclusion_reason + "）" : "参与")));
  view.replaceChildren(
    HS.el("h1", {}, station.name + "（" + station.code + "）"),
    HS.el("p", {}, HS.el("a", { href: "#/unit/" + station.unit + span }, "返回供热单位 " + station.unit)),
    rangeToolbar("#/station/" + code, range, null),
    ...daily.notes.map((note) => HS.el("p", { class: "note" }, note)),
    chartCards(),
    HS.el("div", { class: "card" }, HS.el("h2", {}, "住户（" + households.count + "）"), HS.table(["住户", "楼号", "楼层", "测温", "考核"], rows)));
  dailyCharts(daily);
};

HS.routes.household = async function (view, [code], query) {
  if (!HS.me) { needLogin(view); return; }
  const range = await resolveRange(query);
  const daily = await HS.api("/api/v1/households/" + encodeURIComponent(code) + "/daily?from=" + range.from + "&to=" + range.to);
  const rows = daily.days.map((day) => HS.el("tr", {},
    HS.el("td", {}, day.date), HS.el("td", { class: "num" }, HS.number(day.mean_temp_c)), HS.el("td", { class: "num" }, day.readings),
    HS.el("td", { class: "num" }, HS.percent(day.coverage)), HS.el("td", {}, day.valid === null ? "—" : day.valid ? "有效" : "无效"),
    HS.el("td", {}, day.compliant ? "达标" : day.valid ? "不达标" : "—"), HS.el("td", { class: "note" }, day.reason ?? "")));
  view.replaceChildren(
    HS.el("h1", {}, "住户 " + code),
    HS.el("p", {}, HS.el("a", { href: "#/station/" + daily.station + "?from=" + range.from + "&to=" + range.to }, "返回热力站 " + daily.station)),
    rangeToolbar("#/household/" + code, range, null),
    HS.el("div", { class: "card" }, HS.el("div", { id: "chart-household", class: "chart" })),
    HS.el("div", { class: "card" }, HS.table(["日期", "日均室温 °C", "读数", "覆盖率", "有效", "达标", "说明"], rows)));
  HS.lineChart("chart-household", "日均室温（°C）", daily.days.map((day) => day.date), [{ name: "日均室温", values: daily.days.map((day) => day.mean_temp_c) }], { unit: " °C" });
};
