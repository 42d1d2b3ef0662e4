// Manual-entry form and review list for inspectors; self-assessment form for companies.
"use strict";

const SOURCE_NAMES = { self_assessment: "自评", inspection: "检查", spot_check: "抽查" };
const STATUS_NAMES = { draft: "草稿", submitted: "已提交", accepted: "已采纳", rejected: "已退回" };

// Rubric codes a user may enter: [{code, kind, label}], self-assessable ones only for companies.
async function rubricChoices(season, selfAssessment) {
  const rubrics = await HS.api("/api/v1/rubrics");
  const id = rubrics.some((item) => item.rubric_id === season.rubric_version) ? season.rubric_version : rubrics[0].rubric_id;
  const rubric = await HS.api("/api/v1/rubrics/" + id);
  const choices = [];
  const add = (rules, kind) => rules.filter((rule) => !selfAssessment || rule.self_assessment)
    .forEach((rule) => choices.push({ code: rule.code, kind, label: rule.name + "（" + rule.code + "）" }));
  // Automatic items are scored from the indicators, so only manual items take entries.
  rubric.areas.forEach((area) => add(area.items.filter((item) => item.mode === "manual"), "item"));
  add(rubric.bonuses, "bonus");
  add(rubric.deductions, "deduction");
  add(rubric.vetoes, "veto");
  return choices;
}

function entryForm(season, choices, units, sources, onSaved) {
  const message = HS.el("p", { id: "entry-message" });
  const form = HS.el("form", { class: "stack card", id: "entry-form" },
    HS.el("h2", {}, "新建记录"),
    HS.el("label", { for: "entry-unit" }, "供热单位"),
    HS.el("select", { id: "entry-unit", name: "unit" }, units.map((unit) => HS.el("option", { value: unit.code }, unit.name + "（" + unit.code + "）"))),
    HS.el("label", { for: "entry-code" }, "考核项"),
    HS.el("select", { id: "entry-code", name: "code" }, choices.map((choice, index) => HS.el("option", { value: index }, choice.label))),
    HS.el("label", { for: "entry-source" }, "来源"),
    HS.el("select", { id: "entry-source", name: "source" }, sources.map((source) => HS.el("option", { value: source }, SOURCE_NAMES[source]))),
    HS.el("label", { for: "entry-points" }, "分值"), HS.el("input", { id: "entry-points", name: "points", type: "number", step: "0.01" }),
    HS.el("label", { for: "entry-value" }, "数值（如满意率，可不填）"), HS.el("input", { id: "entry-value", name: "value", type: "number", step: "any" }),
    HS.el("label", { for: "entry-note" }, "说明"), HS.el("textarea", { id: "entry-note", name: "note", rows: "3" }),
    HS.el("label", { for: "entry-file" }, "证明材料（PDF、JPG、PNG、xlsx、docx，不超过 10 MB）"),
    HS.el("input", { id: "entry-file", name: "file", type: "file", accept: ".pdf,.jpg,.jpeg,.png,.xlsx,.docx" }),
    HS.el("p", {}, HS.el("button", { type: "submit" }, "保存草稿")), message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const choice = choices[form.code.value];
    const number = (input) => (input.value === "" ? null : Number(input.value));
    try {
      const entry = await HS.api("/api/v1/seasons/" + season.code + "/entries", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ unit: form.unit.value, code: choice.code, entry_kind: choice.kind, source: form.source.value,
          points: number(form.points), value: number(form.value), note: form.note.value || null }) });
      if (form.file.files.length) {
        const body = new FormData();
        body.append("file", form.file.files[0]);
        await HS.api("/api/v1/entries/" + entry.id + "/evidence", { method: "POST", body });
      }
      message.textContent = "已保存为草稿（编号 " + entry.id + "），提交后由检查员审核。";
      form.reset();
      onSaved();
    } catch (error) {
      message.textContent = "保存失败：" + error.message;
    }
  });
  return form;
}

async function entryList(container, season, unit) {
  const path = "/api/v1/seasons/" + season.code + "/entries" + (unit ? "?unit=" + unit : "");
  const entries = await HS.api(path);
  const act = (entry, suffix, body) => async () => {
    try {
      await HS.api("/api/v1/entries/" + entry.id + suffix, { method: "POST", headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : null });
    } catch (error) { alert(error.message); }
    entryList(container, season, unit);
  };
  const actions = (entry) => {
    const buttons = [];
    const own = HS.isCompany() ? entry.source === "self_assessment" : entry.source !== "self_assessment" || HS.me.role === "admin";
    if (entry.status === "draft" && own) buttons.push(HS.el("button", { type: "button", onclick: act(entry, "/submit") }, "提交"));
    if (entry.status === "submitted" && HS.isStaff() && entry.entered_by !== HS.me.username) {
      buttons.push(HS.el("button", { type: "button", onclick: act(entry, "/review", { accept: true }) }, "采纳"),
        HS.el("button", { type: "button", onclick: act(entry, "/review", { accept: false, note: prompt("退回原因") || null }) }, "退回"));
    }
    return buttons;
  };
  const rows = entries.map((entry) => HS.el("tr", {},
    HS.el("td", { class: "num" }, entry.id), HS.el("td", {}, entry.unit), HS.el("td", {}, entry.code),
    HS.el("td", {}, SOURCE_NAMES[entry.source]), HS.el("td", { class: "num" }, HS.number(entry.points, 2)),
    HS.el("td", {}, entry.evidence.map((file) => file.filename).join("、") || "—"),
    HS.el("td", {}, STATUS_NAMES[entry.status] + (entry.review_note ? "：" + entry.review_note : "")),
    HS.el("td", {}, actions(entry))));
  container.replaceChildren(HS.el("h2", {}, "记录（" + entries.length + "）"),
    HS.table(["编号", "单位", "考核项", "来源", "分值", "证明材料", "状态", "操作"], rows));
}

async function entriesPage(view, selfAssessment) {
  if (!HS.me) { view.replaceChildren(HS.el("p", {}, HS.el("a", { href: "#/login" }, "请先登录"))); return; }
  const seasons = await HS.api("/api/v1/seasons");
  if (!seasons.length) { view.replaceChildren(HS.el("p", { class: "note" }, "尚未登记供暖期。")); return; }
  const season = seasons[0];
  const units = selfAssessment ? [await HS.api("/api/v1/units/" + HS.me.unit)] : (await HS.api("/api/v1/units")).data.filter((unit) => unit.registered);
  const sources = selfAssessment ? ["self_assessment"] : (HS.me.role === "admin" ? ["inspection", "spot_check", "self_assessment"] : ["inspection", "spot_check"]);
  const list = HS.el("div", { class: "card", id: "entry-list" });
  const refresh = () => entryList(list, season, selfAssessment ? HS.me.unit : null);
  view.replaceChildren(HS.el("h1", {}, (selfAssessment ? "本单位自评" : "人工录入与审核") + " · " + season.code + " 供暖期"),
    entryForm(season, await rubricChoices(season, selfAssessment), units, sources, refresh), list);
  await refresh();
}

HS.routes.entries = (view) => entriesPage(view, false);
HS.routes["self-assessment"] = (view) => entriesPage(view, true);
