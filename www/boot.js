// losslab boot check: until the app starts, index.html shows a "Loading the lab…" box
// (#losslab-boot), hidden behind the lab's first frame when one is drawn (www/first-frame.mjs);
// the app removes it when it mounts. If the lab's code cannot load, this script
// says so in that box, with the fix, instead of leaving a blank page or a blank iframe.
//
// The usual cause: in <iframe sandbox="allow-scripts"> the page has an opaque origin, so its module
// script and wasm are fetched cross-origin and the server must send Access-Control-Allow-Origin.
// A classic script like this one needs no CORS, so it still runs there. No network, no storage.
(function () {
  'use strict';
  var failed = false;

  function zh() {
    var m = /[?&]lang=([a-z]+)/.exec(location.search);
    if (m) return m[1] === 'zh';
    var langs = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < langs.length; i++) {
      if (/^zh/i.test(langs[i])) return true;
      if (/^en/i.test(langs[i])) return false;
    }
    return false;
  }

  function para(box, text, code) {
    var p = document.createElement('p');
    p.appendChild(document.createTextNode(text));
    if (code) {
      var c = document.createElement('code');
      c.textContent = code;
      p.appendChild(c);
    }
    box.appendChild(p);
  }

  function fail(what) {
    var box = document.getElementById('losslab-boot');
    if (failed || !box) return; // already said, or the app is running
    failed = true;
    // A first frame drawn while the wasm loaded (www/first-frame.mjs) goes: the box says why no lab comes.
    var frames = document.querySelectorAll('.first-frame');
    for (var i = 0; i < frames.length; i++) frames[i].remove();
    box.hidden = false;
    var sandboxed = self.origin === 'null';
    var z = zh();
    box.className = 'boot failed';
    box.setAttribute('role', 'alert');
    box.setAttribute('data-boot', 'failed');
    box.replaceChildren();
    var strong = document.createElement('strong');
    strong.textContent = z ? 'losslab 无法加载。' : 'The lab could not load.';
    box.appendChild(strong);
    if (sandboxed) {
      para(box, z
        ? '这个框架是 sandbox="allow-scripts"（不透明源），它的脚本和 wasm 是跨源读取的，而服务器没有允许。修复：让提供 losslab 的服务器发送响应头 '
        : 'This frame is sandbox="allow-scripts" (an opaque origin), so its script and wasm are fetched cross-origin, and the server did not allow that. Fix: serve the lab with the header ',
        'Access-Control-Allow-Origin: *');
      para(box, z
        ? '（nginx：add_header Access-Control-Allow-Origin *;）；或者，当 losslab 与文档同源时，用 '
        : '(nginx: add_header Access-Control-Allow-Origin *;), or, when the lab is on the docs\u2019 own origin, use ',
        'sandbox="allow-scripts allow-same-origin"');
    } else {
      para(box, z
        ? '无法读取 losslab 的代码（losslab-web.js、losslab-web_bg.wasm）。请确认 dist/ 里的全部文件都已发布在：'
        : 'Its code (losslab-web.js, losslab-web_bg.wasm) could not be fetched. Check that every file of dist/ is published at ',
        location.href.replace(/[?#].*$/, ''));
    }
    if (what) para(box, (z ? '浏览器报告：' : 'The browser reported: ') + what);
  }

  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && t.tagName) {
      if (t.tagName === 'SCRIPT' || (t.tagName === 'LINK' && /preload/.test(t.rel))) {
        fail((t.src || t.href || 'the module script') + ' did not load');
      }
    } else if (document.getElementById('losslab-boot')) {
      fail(e.message || String(e.error));
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    if (document.getElementById('losslab-boot')) fail(String(e.reason && e.reason.message || e.reason));
  });
})();
