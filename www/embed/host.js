// losslab embed host script: sizes <iframe>s that show the lab (…?embed=1…) to their content.
//
// Protocol: an embedded lab posts { type: "losslab:height", height: <CSS px>, id: <its ?id= or null> }
// to window.parent when it is drawn and whenever its height changes. This script accepts a
// message only from one of this page's iframes (event.source is the frame's window), only with
// the origin that frame was loaded from (or "null" for a sandboxed frame without
// allow-same-origin, whose origin is opaque), and only in exactly that shape (those three keys, a
// finite height, an id that is null or a short string); it then sets that frame's height. Any
// other message is ignored. Include it once per page; it is safe to include twice. No
// dependencies, no storage, no network.
(function () {
  'use strict';
  if (window.__losslabHost) return;
  window.__losslabHost = true;
  var MAX_HEIGHT = 20000;
  var KEYS = { type: true, height: true, id: true };

  /** The message as { height, id } if it has the protocol's shape, else null. */
  function parse(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
    if (Object.getPrototypeOf(data) !== Object.prototype) return null;
    for (var k in data) if (!Object.prototype.hasOwnProperty.call(KEYS, k)) return null;
    if (data.type !== 'losslab:height') return null;
    if (typeof data.height !== 'number' || !isFinite(data.height) || data.height <= 0) return null;
    if (data.id !== null && data.id !== undefined && (typeof data.id !== 'string' || data.id.length > 64)) return null;
    return { height: Math.min(Math.ceil(data.height), MAX_HEIGHT), id: data.id == null ? null : data.id };
  }

  /** Whether `origin` is what the frame `f` may post from. */
  function originOk(f, origin) {
    var sandbox = f.getAttribute('sandbox');
    if (origin === 'null') return sandbox !== null && !/\ballow-same-origin\b/.test(sandbox);
    try {
      return new URL(f.src, location.href).origin === origin;
    } catch (e) {
      return false;
    }
  }

  window.addEventListener('message', function (event) {
    var msg = parse(event.data);
    if (!msg || !event.source) return;
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (f.contentWindow !== event.source) continue;
      if (!originOk(f, event.origin)) return;
      f.style.height = msg.height + 'px';
      f.setAttribute('data-losslab-height', String(msg.height));
      return;
    }
  });
})();
