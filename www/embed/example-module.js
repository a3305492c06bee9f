// The ES module mount of example.html, in a file of its own: the page's Content-Security-Policy
// allows no inline script.
import { mount } from '../losslab.mjs';

await mount(document.getElementById('lab-module'), {
  preset: 'sync-flush-power-loss',
  lang: 'en',
  caption: 'SYNC_FLUSH: the same power cut, no acknowledged message lost',
  lock: true,
  hide: ['log', 'config', 'inspector'],
});
document.body.dataset.moduleMounted = 'true';
