// Shared helpers of the dashboard: API calls with the stored token, routing, DOM building.
"use strict";
const HS = {
  token: sessionStorage.getItem("hs.token"),
  me: JSON.parse(sessionStorage.getItem("hs.me") || "null"),
  routes: {},
};

HS.api = async function (path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (HS.token) headers["Authorization"] = "Bearer " + HS.token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 && HS.token) {
    HS.logout();
  }
  if (!response.ok) {
    let message = "请求失败（" + response.status + "）";
    try { message = (await response.json()).error.message; } catch (ignored) { /* not JSON */ }
    throw new Error(message);
  }
  if (response.status === 204) return null;
  return response.json();
};

HS.login = async function (username, password) {
  const body = new URLSearchParams({ username, password });
  const answer = await HS.api("/api/v1/auth/token", { method: "POST", body });
  HS.token = answer.access_token;
  HS.me = { username: answer.username, role: answer.role, unit: answer.unit };
  sessionStorage.setItem("hs.token", HS.token);
  sessionStorage.setItem("hs.me", JSON.stringify(HS.me));
};

HS.logout = function () {
  HS.token = null;
  HS.me = null;
  sessionStorage.removeItem("hs.token");
  sessionStorage.removeItem("hs.me");
  HS.renderHeader();
};

HS.isStaff = () => HS.me && (HS.me.role === "admin" || HS.me.role === "inspector");
HS.isCompany = () => HS.me && HS.me.role === "company";
HS.ROLE_NAMES = { admin: "局管理员", inspector: "检查员", company: "供热单位", public: "公众" };

// Build an element: el("td", {class: "num"}, "12.3"). Text is always set as text, never as HTML.
HS.el = function (tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

HS.percent = (value) => (value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%");
HS.number = (value, digits = 1) => (value === null || value === undefined ? "—" : Number(value).toFixed(digits));

HS.table = function (header, rows) {
  return HS.el("table", {},
    HS.el("thead", {}, HS.el("tr", {}, header.map((title) => HS.el("th", {}, title)))),
    HS.el("tbody", {}, rows));
};

HS.renderHeader = function () {
  const nav = document.getElementById("nav");
  const links = [["#/ranking", "考核排名"]];
  if (HS.isStaff()) links.push(["#/entries", "人工录入与审核"]);
  if (HS.isCompany()) links.push(["#/unit/" + HS.me.unit, "本单位指标"], ["#/self-assessment", "本单位自评"]);
  nav.replaceChildren(...links.map(([href, text]) => HS.el("a", { href }, text)));
  const who = document.getElementById("who");
  if (HS.me) {
    who.replaceChildren(HS.me.username + "（" + HS.ROLE_NAMES[HS.me.role] + (HS.me.unit ? " " + HS.me.unit : "") + "）",
      HS.el("button", { type: "button", onclick: () => { HS.logout(); location.hash = "#/login"; } }, "退出"));
  } else {
    who.replaceChildren(HS.el("a", { href: "#/login" }, "登录"));
  }
};

// "#/unit/U01?from=2025-12-01" -> {name: "unit", args: ["U01"], query: {from: "2025-12-01"}}
HS.parseHash = function () {
  const [path, search] = (location.hash.replace(/^#\/?/, "") || "ranking").split("?");
  const [name, ...args] = path.split("/").map(decodeURIComponent);
  return { name, args, query: Object.fromEntries(new URLSearchParams(search || "")) };
};

HS.route = async function () {
  document.body.dataset.ready = "";
  HS.renderHeader();
  HS.disposeCharts();
  const { name, args, query } = HS.parseHash();
  const view = document.getElementById("view");
  const page = HS.routes[name] || HS.routes.ranking;
  view.replaceChildren(HS.el("p", { class: "note" }, "加载中……"));
  try {
    await page(view, args, query);
  } catch (error) {
    view.replaceChildren(HS.el("h1", {}, "出错了"), HS.el("p", { class: "error" }, error.message));
  }
  document.body.dataset.ready = name;
};

HS.start = function () {
  window.addEventListener("hashchange", HS.route);
  HS.route();
};

// The newest season and a default date range inside it that ends no later than today.
HS.defaultRange = async function () {
  const seasons = await HS.api("/api/v1/seasons");
  const today = new Date().toISOString().slice(0, 10);
  if (!seasons.length) return { season: null, from: today, to: today };
  const season = seasons[0];
  const to = season.official_end < today ? season.official_end : today;
  return { season: season.code, from: season.official_start, to };
};
