/** Inline CSS of the HTML report: no external request, light and dark, and a print layout. */
export const REPORT_CSS = `
:root { --bg:#fff; --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --pass:#1a7f37; --fail:#cf222e; --skip:#8c959f;
  --catch:#fff8c5; --card:#f6f8fa; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d;
  --pass:#3fb950; --fail:#f85149; --skip:#6e7681; --catch:#3b2e00; --card:#161b22; } }
body { background:var(--bg); color:var(--fg); margin:2rem auto; max-width:1200px; padding:0 1rem; line-height:1.45; }
h1 { font-size:1.6rem; margin-bottom:.2rem; } h2 { margin-top:2.5rem; border-bottom:1px solid var(--line); }
.muted { color:var(--muted); } code { font-size:.9em; }
.summary { display:flex; gap:1rem; flex-wrap:wrap; margin:1rem 0; }
.summary div { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.5rem 1rem; }
.summary b { display:block; font-size:1.4rem; }
table { border-collapse:collapse; width:100%; font-size:.85rem; }
th, td { border:1px solid var(--line); padding:.25rem .4rem; text-align:left; vertical-align:top; }
th { background:var(--card); }
.matrix td.s { text-align:center; font-weight:600; width:2.2rem; }
.pass { color:var(--pass); } .fail { color:var(--fail); } .skip { color:var(--skip); }
td.catch { background:var(--catch); outline:2px solid var(--fail); }
.leak { color:var(--fail); font-weight:700; }
.scenario { break-inside:avoid; background:var(--card); border:1px solid var(--line); border-radius:6px; padding:1rem; margin:1rem 0; }
details.scenario > summary { cursor:pointer; } details.scenario[open] > summary { margin-bottom:.5rem; }
.client-result { border-top:1px solid var(--line); padding-top:.5rem; margin-top:.75rem; }
.chains { display:grid; grid-template-columns:1fr 1fr; gap:1rem; }
.diff { background:var(--catch); }
ul.steps { list-style:none; padding-left:0; } ul.steps li { margin:.15rem 0; }
@media print { body { margin:0; max-width:none; font-size:10pt; } .scenario { page-break-inside:avoid; } a { color:inherit; } }
`
