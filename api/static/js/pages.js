// Login and ranking pages.
"use strict";

HS.routes.login = async function (view) {
  const message = HS.el("p", { class: "error", id: "login-error" });
  const form = HS.el("form", { class: "stack card", id: "login-form" },
    HS.el("label", { for: "username" }, "用户名"), HS.el("input", { id: "username", name: "username", autocomplete: "username", required: "" }),
    HS.el("label", { for: "password" }, "密码"), HS.el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: "" }),
    HS.el("p", {}, HS.el("button", { type: "submit" }, "登录")), message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await HS.login(form.username.value, form.password.value);
      location.hash = HS.isCompany() ? "#/unit/" + HS.me.unit : "#/ranking";
    } catch (error) {
      message.textContent = error.message;
    }
  });
  view.replaceChildren(HS.el("h1", {}, "登录"), form,
    HS.el("p", { class: "note" }, "未登录也可以查看已公布的考核排名。"));
};

function consequenceText(row) {
  return row.consequences.map((item) => item.title).join("；") || "—";
}

HS.routes.ranking = async function (view, args, query) {
  const seasons = await HS.api("/api/v1/seasons");
  if (!seasons.length) {
    view.replaceChildren(HS.el("h1", {}, "考核排名"), HS.el("p", { class: "note" }, "尚未登记供暖期。"));
    return;
  }
  const season = query.season || seasons[0].code;
  const ranking = await HS.api("/api/v1/seasons/" + encodeURIComponent(season) + "/results");
  const picker = HS.el("select", { id: "season", onchange: (event) => { location.hash = "#/ranking?season=" + event.target.value; } },
    seasons.map((item) => HS.el("option", item.code === season ? { value: item.code, selected: "" } : { value: item.code }, item.code + " 供暖期")));
  const exportLinks = ["csv", "xlsx"].map((format) => HS.el("button", { type: "button", onclick: () => HS.download(
    "/api/v1/exports/ranking?season=" + season + "&format=" + format, "考核排名-" + season + "." + format) }, "导出 " + format.toUpperCase()));
  // Heating units and CHP heat sources are ranked separately, as the rules assess them.
  const groups = [["heating_unit", "供热单位"], ["chp_source", "热电联产热源单位"]]
    .map(([kind, title]) => ({ kind, title, data: ranking.data.filter((row) => (row.kind || "heating_unit") === kind) }))
    .filter((group) => group.data.length);
  const rowsOf = (data) => data.map((row) => HS.el("tr", {},
    HS.el("td", { class: "num" }, row.rank ?? "—"),
    HS.el("td", {}, HS.el("a", { href: "#/unit/" + row.unit + "?season=" + season }, row.name), " ", HS.el("span", { class: "note" }, row.unit)),
    HS.el("td", { class: "num" }, HS.number(row.total, 2)),
    HS.el("td", {}, row.grade + (row.vetoed ? "（否决）" : "")),
    HS.el("td", {}, consequenceText(row)),
    HS.el("td", {}, HS.el("span", { class: row.published ? "tag ok" : "tag pending" }, row.published ? "已公布" : "未公布"))));
  const sections = groups.flatMap((group) => [
    HS.el("h2", {}, group.title),
    HS.el("div", { class: "card" }, HS.el("div", { id: "chart-ranking-" + group.kind, class: "chart" })),
    HS.el("div", { class: "card" }, HS.table(["排名", group.title, "总分", "等级", "排名后果", "状态"], rowsOf(group.data))),
  ]);
  view.replaceChildren(
    HS.el("h1", {}, "供热单位考核排名"),
    HS.el("div", { class: "toolbar" }, picker, ...exportLinks),
    ...(ranking.reason ? [HS.el("p", { class: "note" }, ranking.reason)] : []),
    ...sections);
  groups.forEach((group) => HS.barChart("chart-ranking-" + group.kind, season + " 供暖期总分（" + group.title + "）",
    group.data.map((row) => row.name), group.data.map((row) => row.total), " 分"));
};

// Download through fetch so the bearer token is sent, then hand the file to the browser.
HS.download = async function (path, filename) {
  const response = await fetch(path, { headers: HS.token ? { Authorization: "Bearer " + HS.token } : {} });
  if (!response.ok) { alert("导出失败（" + response.status + "）"); return; }
  const link = HS.el("a", { href: URL.createObjectURL(await response.blob()), download: filename });
  link.click();
  URL.revokeObjectURL(link.href);
};
