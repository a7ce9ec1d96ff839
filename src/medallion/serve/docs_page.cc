#include "medallion/serve/docs_page.h"

namespace medallion::serve {

namespace {
constexpr std::string_view kHtml = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>medallion API</title>
<style>
  :root { color-scheme: light dark; --border: #8884; --muted: #888; }
  body { font: 15px/1.45 system-ui, sans-serif; max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
  h1 { margin-bottom: .2rem; }
  .op { border: 1px solid var(--border); border-radius: 6px; margin: .6rem 0; }
  .op > summary { cursor: pointer; padding: .5rem .7rem; list-style: none; }
  .method { display: inline-block; min-width: 4.2em; font-weight: 700; font-family: ui-monospace, monospace; }
  .get { color: #2a7; } .post { color: #27c; } .put, .patch { color: #c80; } .delete { color: #c33; }
  .path { font-family: ui-monospace, monospace; }
  .summary { color: var(--muted); margin-left: .6rem; }
  .lock { margin-left: .4rem; }
  .body { padding: 0 .9rem .7rem; }
  table { border-collapse: collapse; width: 100%; }
  td, th { border-bottom: 1px solid var(--border); padding: .25rem .4rem; text-align: left; vertical-align: top; }
  pre { background: #8881; padding: .5rem; overflow: auto; border-radius: 4px; font-size: 13px; }
</style>
</head>
<body>
<h1 id="title">medallion API</h1>
<p id="description"></p>
<p><a href="/openapi.json">openapi.json</a></p>
<div id="ops">Loading…</div>
<script>
"use strict";
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function resolve(spec, schema) {
  if (schema && schema.$ref) {
    return schema.$ref.split("/").slice(1).reduce((o, k) => o[k], spec);
  }
  return schema;
}
function schemaBlock(spec, schema) {
  return el("pre", "", JSON.stringify(resolve(spec, schema), null, 2));
}
function render(spec) {
  document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
  document.getElementById("description").textContent = spec.info.description || "";
  const ops = document.getElementById("ops");
  ops.textContent = "";
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const d = el("details", "op");
      const s = el("summary");
      s.append(el("span", "method " + method, method.toUpperCase()), el("span", "path", path),
               el("span", "summary", op.summary || ""));
      if (op.security) s.append(el("span", "lock", "🔒 admin token"));
      d.append(s);
      const body = el("div", "body");
      if (op.parameters) {
        body.append(el("h4", "", "Parameters"));
        const t = el("table");
        t.append(Object.assign(el("tr"), { innerHTML: "<th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th>" }));
        for (const p of op.parameters) {
          const tr = el("tr");
          tr.append(el("td", "path", p.name), el("td", "", p.in), el("td", "", p.required ? "yes" : "no"),
                    el("td", "path", JSON.stringify(p.schema)), el("td", "", p.description || ""));
          t.append(tr);
        }
        body.append(t);
      }
      if (op.requestBody) {
        body.append(el("h4", "", "Request body"));
        for (const [type, media] of Object.entries(op.requestBody.content)) {
          body.append(el("div", "path", type), schemaBlock(spec, media.schema));
        }
      }
      body.append(el("h4", "", "Responses"));
      for (const [code, r] of Object.entries(op.responses)) {
        body.append(el("div", "", code + " " + r.description));
        for (const [type, media] of Object.entries(r.content || {})) {
          if (media.schema) body.append(el("div", "path", type), schemaBlock(spec, media.schema));
        }
      }
      d.append(body);
      ops.append(d);
    }
  }
}
fetch("/openapi.json").then(r => r.json()).then(render)
  .catch(e => { document.getElementById("ops").textContent = "Could not load the spec: " + e; });
</script>
</body>
</html>
)HTML";
}  // namespace

std::string_view DocsPageHtml() { return kHtml; }

}  // namespace medallion::serve
