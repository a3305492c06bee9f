// The ES-module half of example.html: mounts a lab into #lab-module.
import { mount } from '../losslab.mjs';

await mount(document.getElementById('lab-module'), {
  preset: 'sync-flush-power-loss',
  lang: 'en',
  caption: 'SYNC_FLUSH: the same power cut, no acknowledged message lost',
  lock: true,
  hide: ['log', 'config', 'inspector'],
});
document.body.dataset.moduleMounted = 'true';
