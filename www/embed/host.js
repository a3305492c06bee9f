// losslab embed host script: sizes <iframe>s that show the lab (…?embed=1…) to their content.
//
// Protocol: an embedded lab posts { type: "losslab:height", height: <CSS px>, id: <its ?id= or null> }
// to window.parent when it is drawn and whenever its height changes. This script finds the iframe
// the message came from (by event.source, which also works for sandbox="allow-scripts" frames
// whose origin is "null"; else by id) and sets its height. Include it once per page; it is safe
// to include twice. No dependencies, no storage, no network.
(function () {
  'use strict';
  if (window.__losslabHost) return;
  window.__losslabHost = true;
  var MAX_HEIGHT = 20000;
  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || data.type !== 'losslab:height') return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0) return;
    height = Math.min(Math.ceil(height), MAX_HEIGHT);
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      var match = f.contentWindow === event.source ||
        (data.id != null && (f.id === String(data.id) || f.getAttribute('data-losslab-id') === String(data.id)));
      if (match) {
        f.style.height = height + 'px';
        f.setAttribute('data-losslab-height', String(height));
        return;
      }
    }
  });
})();
