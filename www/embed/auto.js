// losslab for Markdown pages: include once with <script src=".../embed/auto.js" defer></script>
// (an external classic script, so it works in any docs generator and under a strict
// Content-Security-Policy), then write plain HTML in the page:
//
//   <div data-losslab-preset="sync-flush-power-loss" data-lang="en" data-hide="log,config"
//        data-caption="SYNC_FLUSH under a power cut" data-lock></div>
//       (data-version="5.3.3" runs the preset under that RocketMQ release)
//       → a lab mounted there (losslab.mjs `mount`, in a shadow root)
//
//   <table data-losslab-runs="async-flush-power-loss sync-flush-power-loss"
//          data-columns="sendStatus.SEND_OK verdicts.LOST_AFTER_ACK">
//     <thead><tr><th>preset</th><th>SEND_OK</th><th>lost after ack</th></tr></thead><tbody></tbody>
//   </table>
//       → one row per preset (or scenario TOML file URL ending in .toml), the numbers computed in
//         the page by `run()` in a Web Worker; columns are paths into the report's `summary`.
//
// losslab.mjs is found next to this script's folder (../losslab.mjs), so the pair works under any
// base path. Every element gets data-losslab="mounted" / table data-ready="true" when done, or
// data-losslab="failed" with the error in a title and a line of text.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__losslabAuto) return;
  window.__losslabAuto = true;
  var moduleUrl = new URL('../losslab.mjs', script.src).href;

  function failed(el, err) {
    el.setAttribute('data-losslab', 'failed');
    el.setAttribute('title', String(err && err.message || err));
    var p = document.createElement('p');
    p.textContent = 'losslab: ' + (err && err.message || err);
    el.after ? el.after(p) : el.parentNode.appendChild(p);
  }

  function get(obj, path) {
    return path.split('.').reduce(function (o, k) { return o == null ? undefined : o[k]; }, obj);
  }

  function fillTable(lab, table) {
    var runs = (table.getAttribute('data-losslab-runs') || '').split(/\s+/).filter(Boolean);
    var cols = (table.getAttribute('data-columns') || 'verdicts.LOST_AFTER_ACK').split(/\s+/).filter(Boolean);
    return Promise.all(runs.map(function (id) {
      var scenario = /\.toml$/.test(id)
        ? fetch(new URL(id, document.baseURI)).then(function (r) { return r.text(); })
        : Promise.resolve(id);
      return scenario.then(function (s) { return lab.run(s, { worker: true }); });
    })).then(function (reports) {
      var body = table.tBodies[0] || table.appendChild(document.createElement('tbody'));
      body.replaceChildren.apply(body, reports.map(function (r, i) {
        var tr = document.createElement('tr');
        tr.setAttribute('data-preset', runs[i]);
        tr.setAttribute('data-digest', r.eventLogDigest);
        var th = document.createElement('th');
        var code = document.createElement('code');
        code.textContent = runs[i];
        th.appendChild(code);
        th.title = r.name;
        tr.appendChild(th);
        cols.forEach(function (c) {
          var td = document.createElement('td');
          td.setAttribute('data-key', c);
          var v = get(r.summary, c);
          td.textContent = v === undefined ? '?' : String(v);
          tr.appendChild(td);
        });
        return tr;
      }));
      table.setAttribute('data-ready', 'true');
    });
  }

  function start() {
    import(moduleUrl).then(function (lab) {
      document.querySelectorAll('[data-losslab-preset]').forEach(function (el) {
        var hide = el.getAttribute('data-hide');
        lab.mount(el, {
          preset: el.getAttribute('data-losslab-preset'),
          version: el.getAttribute('data-version') || undefined,
          lang: el.getAttribute('data-lang') || document.documentElement.lang.slice(0, 2) || undefined,
          caption: el.getAttribute('data-caption') || undefined,
          lock: el.hasAttribute('data-lock'),
          hide: hide ? hide.split(',') : undefined,
        }).catch(function (e) { failed(el, e); });
      });
      document.querySelectorAll('table[data-losslab-runs]').forEach(function (t) {
        fillTable(lab, t).catch(function (e) { failed(t, e); });
      });
    }, function (e) {
      document.querySelectorAll('[data-losslab-preset], table[data-losslab-runs]').forEach(function (el) { failed(el, e); });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
